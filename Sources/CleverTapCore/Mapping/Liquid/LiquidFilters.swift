/// A liquidjs filter, chosen when the template is parsed.
///
/// Segment disables some of liquidjs's filters (`liquid-directive.ts`); using one is refused
/// with Segment's words (`filter "sort" is disabled`). Unlike liquidjs, whose unknown filters
/// silently pass the value through, an unknown name is refused too: it is almost always a typo.
struct LiquidFilter: Sendable {
    enum Name: String, Sendable, CaseIterable {
        // html
        case escape, xml_escape, escape_once, strip_html
        // math
        case abs, at_least, at_most, ceil, divided_by, floor, minus, plus, modulo, times, round
        // url
        case url_decode, url_encode, cgi_escape, uri_escape, slugify
        // array
        case join, last, first, size, sum, compact, push, unshift, pop, shift, slice, `where`
        // string
        case append, prepend, lstrip, downcase, upcase, remove, remove_first, remove_last, rstrip, split, strip
        case strip_newlines, capitalize, replace, replace_first, replace_last, truncate, truncatewords
        case normalize_whitespace, number_of_words
        // base64, crypto
        case base64_encode, base64_decode, sha256, hmac_sha256
        // misc
        case `default`, raw, jsonify, json, inspect, to_integer
    }

    /// Filters Segment's mapping-kit registers as disabled.
    static let disabled: Set<String> = [
        "array_to_sentence_string", "concat", "find", "find_exp", "find_index", "find_index_exp", "group_by",
        "group_by_exp", "has", "has_exp", "map", "newline_to_br", "reject", "reject_exp", "reverse", "sort",
        "sort_natural", "uniq", "where_exp", "type",
    ]

    /// liquidjs filters Segment allows that this tool does not run: dates depend on liquidjs's
    /// own date parsing and the host's time zone, `sample` is random.
    static let notSupported: Set<String> = ["date", "date_to_xmlschema", "date_to_rfc822", "date_to_string", "date_to_long_string", "sample"]

    let name: Name

    init(name: String, offset: Int) throws(LiquidFailure) {
        if Self.disabled.contains(name) {
            throw LiquidFailure(message: "filter \"\(name)\" is disabled", offset: offset, atTemplate: true)
        }
        if Self.notSupported.contains(name) {
            throw LiquidFailure(message: "filter \"\(name)\" is not supported by this tool yet", offset: offset, atTemplate: true)
        }
        guard let known = Name(rawValue: name) else {
            throw LiquidFailure(message: "unknown filter \"\(name)\"", offset: offset, atTemplate: true)
        }
        self.name = known
    }

    func apply(_ value: LiquidValue, _ arguments: [LiquidValue], _ r: inout LiquidRenderer) throws(LiquidFailure) -> LiquidValue {
        func argument(_ i: Int) -> LiquidValue { i < arguments.count ? arguments[i] : .undefined }
        func string(_ v: LiquidValue) -> String { v.text }
        let arg0 = argument(0)
        switch name {
        case .escape, .xml_escape:
            let s = string(value)
            try r.use(s.utf16.count)
            return .string(LiquidStringFilters.escape(s))
        case .escape_once:
            let s = string(value)
            try r.use(s.utf16.count)
            try r.use(s.utf16.count)
            return .string(LiquidStringFilters.escape(LiquidStringFilters.unescape(s)))
        case .strip_html:
            let s = string(value)
            try r.use(s.utf16.count)
            return .string(LiquidStringFilters.stripHTML(s))
        case .abs, .ceil, .floor, .at_least, .at_most, .minus, .plus, .times, .divided_by, .modulo:
            return .number(LiquidMath.apply(name, value, arguments))
        case .round: return .number(LiquidMath.round(value.number, arguments.isEmpty ? 0 : arg0.number))
        case .url_decode:
            guard let decoded = LiquidURL.decodeComponent(string(value)) else { throw LiquidFailure(message: "URI malformed", offset: -1) }
            return .string(decoded.replacingAll("+", with: " "))
        case .url_encode: return .string(LiquidURL.encodeComponent(string(value)).replacingAll("%20", with: "+"))
        case .cgi_escape: return .string(LiquidURL.cgiEscape(string(value)))
        case .uri_escape: return .string(LiquidURL.encodeURI(string(value)))
        case .slugify:
            return .string(LiquidURL.slugify(string(value), mode: arguments.isEmpty ? "default" : string(arg0), cased: argument(1).javaScriptTruthy))
        case .join, .last, .first, .size, .sum, .compact, .push, .unshift, .pop, .shift, .slice, .where:
            return try LiquidArrayFilters.apply(name, value, arguments, &r)
        case .append, .prepend:
            if arguments.count != 1 { throw LiquidFailure(message: "\(name.rawValue) expect 2 arguments", offset: -1) }
            let lhs = string(value), rhs = string(arg0)
            try r.use(lhs.utf16.count + rhs.utf16.count)
            return .string(name == .append ? lhs + rhs : rhs + lhs)
        case .downcase, .upcase, .capitalize, .strip_newlines, .normalize_whitespace, .number_of_words,
             .lstrip, .rstrip, .strip, .remove, .remove_first, .remove_last, .split, .replace, .replace_first,
             .replace_last, .truncate, .truncatewords, .base64_encode, .base64_decode, .sha256, .hmac_sha256:
            return try LiquidStringFilters.apply(name, value, arguments, &r)
        case .default:
            let v = value.plain
            switch v {
            case .array(let a): return a.isEmpty ? arg0 : value
            case .string(let s): return s.isEmpty ? arg0 : value
            default: break
            }
            if v == .bool(false), arguments.dropFirst().contains(where: { option in
                if case .array(let pair) = option, pair.count == 2, pair[0] == .string("allow_false") { return pair[1].isTruthy }
                return false
            }) { return .bool(false) }
            return v.isTruthy ? value : arg0
        case .raw: return value
        case .json, .jsonify, .inspect:
            guard let json = value.jsonForStringify else { return .undefined }
            let space = arguments.isEmpty ? 0 : min(10, max(0, arg0.integer))
            return .string(Self.javaScriptJSON(json, indent: space))
        case .to_integer: return .number(value.plain.javaScriptNumber)
        }
    }

    /// `JSON.stringify(value, null, indent)`.
    static func javaScriptJSON(_ value: JSONValue, indent: Int = 0) -> String {
        var out = ""
        writeJSON(value, indent: indent, depth: 0, into: &out)
        return out
    }

    private static func writeJSON(_ value: JSONValue, indent: Int, depth: Int, into out: inout String) {
        let newline = indent > 0 ? "\n" + String(repeating: " ", count: indent * (depth + 1)) : ""
        let closing = indent > 0 ? "\n" + String(repeating: " ", count: indent * depth) : ""
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? JavaScriptText.number(d) : "null"
        case .string(let s): out += quoted(s)
        case .array(let elements):
            if elements.isEmpty { out += "[]"; return }
            out += "["
            for (i, element) in elements.enumerated() {
                out += (i > 0 ? "," : "") + newline
                writeJSON(element, indent: indent, depth: depth + 1, into: &out)
            }
            out += closing + "]"
        case .object(let object):
            if object.isEmpty { out += "{}"; return }
            out += "{"
            for (i, member) in object.members.enumerated() {
                out += (i > 0 ? "," : "") + newline + quoted(member.key) + (indent > 0 ? ": " : ":")
                writeJSON(member.value, indent: indent, depth: depth + 1, into: &out)
            }
            out += closing + "}"
        }
    }

    /// JSON.stringify's string quoting: `"`, `\` and control characters escaped, nothing else.
    private static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension LiquidValue {
    /// What `JSON.stringify` sees: the drops are objects without keys, undefined is nothing.
    var jsonForStringify: JSONValue? {
        switch self {
        case .nilDrop, .empty, .blank: return .object(JSONObject())
        case .array(let elements): return .array(elements.map { $0.jsonForStringify ?? .null })
        default: return json
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        return LiquidStringFilters.split(self, by: target).joined(separator: replacement)
    }
}
