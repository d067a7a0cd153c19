/// liquidjs's string, html, base64 and hash filters. Lengths and positions are UTF-16 code
/// units, as in JavaScript.
enum LiquidStringFilters {
    static func apply(_ name: LiquidFilter.Name, _ value: LiquidValue, _ arguments: [LiquidValue],
                      _ r: inout LiquidRenderer) throws(LiquidFailure) -> LiquidValue {
        func argument(_ i: Int) -> LiquidValue { i < arguments.count ? arguments[i] : .undefined }
        let s = value.text
        let length = s.utf16.count
        switch name {
        case .downcase: try r.use(length); return .string(s.lowercased())
        case .upcase: try r.use(length); return .string(s.uppercased())
        case .capitalize:
            try r.use(length)
            guard let first = s.unicodeScalars.first else { return .string("") }
            return .string(String(first).uppercased() + String(s.unicodeScalars.dropFirst()).lowercased())
        case .strip_newlines:
            try r.use(length)
            return .string(s.replacingAll("\r\n", with: "").replacingAll("\n", with: ""))
        case .normalize_whitespace:
            try r.use(length)
            return .string(LiquidText.splitOnSpaces(s).joined(separator: " "))
        case .number_of_words:
            try r.use(length)
            return .number(Double(numberOfWords(s, mode: argument(0).plain.isNil ? "" : argument(0).text)))
        case .lstrip, .rstrip, .strip:
            try r.use(length)
            let chars = argument(0)
            guard chars.javaScriptTruthy else {
                return .string(name == .lstrip ? LiquidText.trimStart(s) : name == .rstrip ? LiquidText.trimEnd(s) : LiquidText.trim(s))
            }
            let set = Set(chars.text.utf16)
            try r.use(name == .strip ? set.count : chars.text.utf16.count)
            var units = Array(s.utf16)[...]
            if name != .rstrip { while let f = units.first, set.contains(f) { units.removeFirst() } }
            if name != .lstrip { while let l = units.last, set.contains(l) { units.removeLast() } }
            return .string(String(decoding: units, as: UTF16.self))
        case .remove:
            let pattern = argument(0).text
            try r.use(length + pattern.utf16.count)
            return .string(split(s, by: pattern).joined())
        case .remove_first, .replace_first:
            let pattern = argument(0).text
            let replacement = name == .remove_first ? "" : argument(1).text
            try r.use(length + pattern.utf16.count + replacement.utf16.count)
            guard let range = firstRange(of: pattern, in: s) else { return .string(s) }
            return .string(LiquidText.slice(s, 0, range.lowerBound) + replacement + LiquidText.slice(s, range.upperBound, length))
        case .remove_last, .replace_last:
            let pattern = argument(0).text
            let replacement = name == .remove_last ? "" : argument(1).text
            try r.use(length + pattern.utf16.count + replacement.utf16.count)
            guard let range = lastRange(of: pattern, in: s) else { return .string(s) }
            return .string(LiquidText.slice(s, 0, range.lowerBound) + replacement + LiquidText.slice(s, range.upperBound, length))
        case .replace:
            let pattern = argument(0).text, replacement = argument(1).text
            let parts = split(s, by: pattern)
            try r.use(length + (parts.count - 1) * (replacement.utf16.count - pattern.utf16.count))
            return .string(parts.joined(separator: replacement))
        case .split:
            try r.use(length)
            var parts = split(s, by: argument(0).text)
            while parts.last == "" { parts.removeLast() }
            return .array(parts.map { .string($0) })
        case .truncate:
            let ellipsis = arguments.count > 1 && argument(1) != .undefined ? argument(1).text : "..."
            try r.use(length + ellipsis.utf16.count)
            let limit = argument(0) == .undefined ? 50 : argument(0).javaScriptNumber
            if Double(length) <= limit { return value }
            let end = limit - Double(ellipsis.utf16.count)
            let cut = end.isNaN || end < 0 ? 0 : Int(Swift.min(end, Double(length)))
            return .string(LiquidText.slice(s, 0, cut) + ellipsis)
        case .truncatewords:
            let ellipsis = arguments.count > 1 && argument(1) != .undefined ? argument(1).text : "..."
            try r.use(length + ellipsis.utf16.count)
            let words = LiquidText.splitOnSpaces(s)
            var count = argument(0) == .undefined ? 15 : argument(0).javaScriptNumber
            if count <= 0 { count = 1 }
            let (_, end) = LiquidArrayFilters.sliceBounds(0, count, count: words.count)
            var out = words[..<end].joined(separator: " ")
            // liquidjs appends the ellipsis whenever there are at least `words` words.
            if Double(words.count) >= count { out += ellipsis }
            return .string(out)
        case .base64_encode:
            try r.use(length)
            return .string(LiquidEncoding.base64Encode(Array(s.utf8)))
        case .base64_decode:
            try r.use(length)
            return .string(String(decoding: LiquidEncoding.base64Decode(s), as: UTF8.self))
        case .sha256:
            try r.use(length)
            return .string(LiquidEncoding.hex(SHA256.hash(Array(s.utf8))))
        case .hmac_sha256:
            let key = argument(0).text
            try r.use(length + key.utf16.count)
            return .string(LiquidEncoding.hex(SHA256.hmac(key: Array(key.utf8), message: Array(s.utf8))))
        default: return value
        }
    }

    /// JavaScript `split(separator)` on UTF-16 units; `""` splits into single units.
    static func split(_ s: String, by separator: String) -> [String] {
        let units = Array(s.utf16), sep = Array(separator.utf16)
        if sep.isEmpty { return units.map { String(decoding: [$0], as: UTF16.self) } }
        var parts: [String] = []
        var start = 0, i = 0
        while i + sep.count <= units.count {
            if units[i..<(i + sep.count)].elementsEqual(sep) {
                parts.append(String(decoding: units[start..<i], as: UTF16.self))
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(String(decoding: units[start...], as: UTF16.self))
        return parts
    }

    static func firstRange(of pattern: String, in s: String) -> Range<Int>? {
        let units = Array(s.utf16), p = Array(pattern.utf16)
        guard p.count <= units.count else { return nil }
        for i in 0...(units.count - p.count) where units[i..<(i + p.count)].elementsEqual(p) { return i..<(i + p.count) }
        return nil
    }

    static func lastRange(of pattern: String, in s: String) -> Range<Int>? {
        let units = Array(s.utf16), p = Array(pattern.utf16)
        guard p.count <= units.count else { return nil }
        for i in stride(from: units.count - p.count, through: 0, by: -1) where units[i..<(i + p.count)].elementsEqual(p) {
            return i..<(i + p.count)
        }
        return nil
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// One left-to-right pass, as JavaScript's `replace(/&(amp|lt|gt|#34|#39);/g)`
    /// (`&amp;lt;` becomes `&lt;`, not `<`).
    static func unescape(_ s: String) -> String {
        let entities: [(String, String)] = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&#34;", "\""), ("&#39;", "'")]
        var out = ""
        var rest = Substring(s)
        outer: while !rest.isEmpty {
            if rest.first == "&" {
                for (entity, char) in entities where rest.hasPrefix(entity) {
                    out += char
                    rest = rest.dropFirst(entity.count)
                    continue outer
                }
            }
            out.append(rest.removeFirst())
        }
        return out
    }

    /// liquidjs `strip_html`: removes `<script>`/`<style>` blocks, comments and tags; an
    /// opener without its closer is kept from there on.
    static func stripHTML(_ s: String) -> String {
        let units = Array(s.utf16)
        var blocks: [([UInt16], [UInt16])] = [("<script", "</script>"), ("<style", "</style>"), ("<!--", "-->"), ("<", ">")].map { (Array($0.0.utf16), Array($0.1.utf16)) }
        func index(of word: [UInt16], from start: Int) -> Int? {
            guard word.count <= units.count, start <= units.count - word.count else { return nil }
            for i in start...(units.count - word.count) where units[i..<(i + word.count)].elementsEqual(word) { return i }
            return nil
        }
        var out: [UInt16] = []
        var i = 0
        while i < units.count {
            guard let lt = index(of: [0x3C], from: i) else { out += units[i...]; return String(decoding: out, as: UTF16.self) }
            out += units[i..<lt]
            var k = 0
            while k < blocks.count {
                let (opener, closer) = blocks[k]
                guard lt + opener.count <= units.count, units[lt..<(lt + opener.count)].elementsEqual(opener) else { k += 1; continue }
                if let e = index(of: closer, from: lt + opener.count) { i = e + closer.count; break }
                blocks.remove(at: k)
            }
            if i <= lt { out += units[lt...]; return String(decoding: out, as: UTF16.self) }
        }
        return String(decoding: out, as: UTF16.self)
    }

    private static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x3400...0x4DBF, 0x3040...0x309F, 0x30A0...0x30FF, 0xAC00...0xD7AF: return true
        default: return false
        }
    }

    /// liquidjs `number_of_words`: words split on whitespace; with `cjk` (or `auto` when the
    /// text has CJK characters) each CJK character counts as a word.
    static func numberOfWords(_ s: String, mode: String) -> Int {
        let input = LiquidText.trim(s)
        if input.isEmpty { return 0 }
        let cjk = input.unicodeScalars.filter(isCJK).count
        if mode == "cjk" || (mode == "auto" && cjk > 0) {
            var runs = 0, inRun = false
            for scalar in input.unicodeScalars {
                let wordChar = !isCJK(scalar) && !LiquidText.isSpace(scalar)
                if wordChar && !inRun { runs += 1 }
                inRun = wordChar
            }
            return cjk + runs
        }
        return LiquidText.splitOnSpaces(input).count
    }
}
