/// URL filters with JavaScript's `encodeURIComponent`/`encodeURI`/`decodeURIComponent`, and
/// liquidjs's `slugify`.
enum LiquidURL {
    private static let componentSafe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()".utf8)
    private static let uriSafe = componentSafe.union(";,/?:@&=+$#".utf8)

    private static func percentEncode(_ s: String, keeping safe: Set<UInt8>) -> String {
        var out = ""
        let hex = Array("0123456789ABCDEF")
        for byte in s.utf8 {
            if safe.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 15)])
            }
        }
        return out
    }

    static func encodeComponent(_ s: String) -> String { percentEncode(s, keeping: componentSafe) }

    /// liquidjs `uri_escape`: `encodeURI`, with `[` and `]` left as they are.
    static func encodeURI(_ s: String) -> String {
        percentEncode(s, keeping: uriSafe).replacingAll("%5B", with: "[").replacingAll("%5D", with: "]")
    }

    /// liquidjs `cgi_escape`: spaces as `+`, and `!'()*` encoded too.
    static func cgiEscape(_ s: String) -> String {
        var out = encodeComponent(s).replacingAll("%20", with: "+")
        for (c, code) in [("!", "%21"), ("'", "%27"), ("(", "%28"), (")", "%29"), ("*", "%2A")] { out = out.replacingAll(c, with: code) }
        return out
    }

    /// `decodeURIComponent`; nil where JavaScript throws "URI malformed".
    static func decodeComponent(_ s: String) -> String? {
        let bytes = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        func hexValue(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x37
            case 0x61...0x66: return b - 0x57
            default: return nil
            }
        }
        while i < bytes.count {
            if bytes[i] == 0x25 {
                guard i + 2 < bytes.count, let h = hexValue(bytes[i + 1]), let l = hexValue(bytes[i + 2]) else { return nil }
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        var decoded = ""
        var iterator = out.makeIterator()
        var utf8 = UTF8()
        loop: while true {
            switch utf8.decode(&iterator) {
            case .scalarValue(let scalar): decoded.unicodeScalars.append(scalar)
            case .emptyInput: break loop
            case .error: return nil
            }
        }
        return decoded
    }

    /// liquidjs `slugify`: runs of characters the mode does not keep become `-`, trimmed at
    /// the ends, lower-cased unless `cased`.
    static func slugify(_ s: String, mode: String, cased: Bool) -> String {
        func letterOrMarkOrDigit(_ c: Unicode.Scalar) -> Bool {
            switch c.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return true
            default: return false
            }
        }
        let keep: ((Unicode.Scalar) -> Bool)?
        switch mode {
        case "raw": keep = { !LiquidText.isSpace($0) }
        case "pretty": keep = { letterOrMarkOrDigit($0) || "._~!$&'()+,;=@".unicodeScalars.contains($0) }
        case "ascii": keep = { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        case "none": keep = nil
        default: keep = letterOrMarkOrDigit
        }
        var text = mode == "latin" ? removeAccents(s) : s
        if let keep {
            var out = ""
            var inRun = false
            for scalar in text.unicodeScalars {
                if keep(scalar) {
                    out.unicodeScalars.append(scalar)
                    inRun = false
                } else if !inRun {
                    out += "-"
                    inRun = true
                }
            }
            if out.hasPrefix("-") { out.removeFirst() }
            if out.hasSuffix("-") { out.removeLast() }
            text = out
        }
        return cased ? text : text.lowercased()
    }

    private static func removeAccents(_ s: String) -> String {
        let table: [(String, String)] = [
            ("àáâãäå", "a"), ("æ", "ae"), ("ç", "c"), ("èéêë", "e"), ("ìíîï", "i"), ("ð", "d"), ("ñ", "n"),
            ("òóôõöø", "o"), ("ùúûü", "u"), ("ýÿ", "y"), ("ß", "ss"), ("œ", "oe"), ("þ", "th"), ("ẞ", "SS"),
            ("Œ", "OE"), ("Þ", "TH"),
        ]
        var out = ""
        for scalar in s.unicodeScalars {
            if let entry = table.first(where: { $0.0.unicodeScalars.contains(scalar) }) {
                out += entry.1
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// Base64 and hex as Node's `Buffer` writes and (leniently) reads them.
enum LiquidEncoding {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func base64Encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 15) << 2 | b2 >> 6)] : 0x3D)
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 63)] : 0x3D)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Node's decoder: URL-safe letters accepted, other characters skipped, stops at `=`.
    static func base64Decode(_ s: String) -> [UInt8] {
        var values: [UInt8] = []
        for byte in s.utf8 {
            if byte == 0x3D { break }
            switch byte {
            case 0x41...0x5A: values.append(byte - 0x41)
            case 0x61...0x7A: values.append(byte - 0x61 + 26)
            case 0x30...0x39: values.append(byte - 0x30 + 52)
            case 0x2B, 0x2D: values.append(62)
            case 0x2F, 0x5F: values.append(63)
            default: continue
            }
        }
        var out: [UInt8] = []
        var i = 0
        while i + 1 < values.count {
            out.append(values[i] << 2 | values[i + 1] >> 4)
            if i + 2 < values.count { out.append(values[i + 1] << 4 | values[i + 2] >> 2) }
            if i + 3 < values.count { out.append(values[i + 2] << 6 | values[i + 3]) }
            i += 4
        }
        return out
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return out
    }
}

/// SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104) for the `sha256`/`hmac_sha256` filters;
/// the core has no crypto library and these are small.
enum SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var data = message
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        let bitLength = UInt64(message.count) &* 8
        for shift in stride(from: 56, through: 0, by: -8) { data.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { x >> n | x << (32 - n) }
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: data.count, by: 64) {
            for i in 0..<16 {
                let j = chunk + i * 4
                w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = hh &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                hh = g; g = f; f = e; e = d &+ t1; d = c; c = b; b = a; a = t1 &+ t2
            }
            h[0] = h[0] &+ a; h[1] = h[1] &+ b; h[2] = h[2] &+ c; h[3] = h[3] &+ d
            h[4] = h[4] &+ e; h[5] = h[5] &+ f; h[6] = h[6] &+ g; h[7] = h[7] &+ hh
        }
        return h.flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (24 - 8 * UInt32($0))) } }
    }

    static func hmac(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var block = key.count > 64 ? hash(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = hash(block.map { $0 ^ 0x36 } + message)
        return hash(block.map { $0 ^ 0x5c } + inner)
    }
}
