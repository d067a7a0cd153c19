/// A value while a Liquid template renders, with liquidjs's JavaScript semantics: `undefined`
/// and `null` are different values (both print as nothing), numbers are doubles, and the
/// literals `empty` and `blank` are the special "drops" liquidjs compares against.
///
/// Event objects stay `JSONObject`s (read member by member, never converted whole).
enum LiquidValue: Sendable, Equatable {
    case undefined
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([LiquidValue])
    case object(JSONObject)
    /// liquidjs's `NullDrop` (`nil`, `null` literals): equals any nil, compares as nothing.
    case nilDrop
    /// liquidjs's `EmptyDrop` (`empty`): equals `""`, `[]` and `{}`; prints as nothing.
    case empty
    /// liquidjs's `BlankDrop` (`blank`): also equals nil, `false` and whitespace-only text.
    case blank

    init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let b): self = .bool(b)
        case .int(let i): self = .number(Double(i))
        case .double(let d): self = .number(d)
        case .string(let s): self = .string(s)
        case .array(let elements): self = .array(elements.map(LiquidValue.init))
        case .object(let object): self = .object(object)
        }
    }

    /// liquidjs `toValue`: the drops stand for `null` (nil) and `""` (empty, blank).
    var plain: LiquidValue {
        switch self {
        case .empty, .blank: return .string("")
        case .nilDrop: return .null
        default: return self
        }
    }

    var isNil: Bool {
        switch self {
        case .undefined, .null, .nilDrop: return true
        default: return false
        }
    }

    var isDrop: Bool {
        switch self {
        case .nilDrop, .empty, .blank: return true
        default: return false
        }
    }

    /// Liquid truthiness: only nil and `false` are falsy (`0`, `""` and `[]` are true).
    var isTruthy: Bool {
        switch self {
        case .undefined, .null, .nilDrop, .bool(false): return false
        default: return true
        }
    }

    /// JavaScript truthiness, for filter options liquidjs tests with `if (x)`.
    var javaScriptTruthy: Bool {
        switch plain {
        case .undefined, .null: return false
        case .bool(let b): return b
        case .number(let d): return d != 0 && !d.isNaN
        case .string(let s): return !s.isEmpty
        default: return true
        }
    }

    /// liquidjs `stringify`, used for output: nil prints nothing, arrays print their elements
    /// stringified and concatenated (no separator), objects `[object Object]`.
    var text: String {
        switch self {
        case .undefined, .null, .nilDrop, .empty, .blank: return ""
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return JavaScriptText.number(d)
        case .string(let s): return s
        case .array(let elements):
            var out = ""
            for element in elements { out += element.text }
            return out
        case .object: return "[object Object]"
        }
    }

    /// JavaScript `String(value)`, used where liquidjs calls JavaScript directly (`indexOf`,
    /// `Array.join`): null and undefined are words, arrays are joined with commas.
    var javaScriptString: String {
        switch self {
        case .undefined: return "undefined"
        case .null, .nilDrop: return "null"
        case .empty, .blank: return ""
        case .array(let elements):
            return elements.map { $0.isNil ? "" : $0.javaScriptString }.joined(separator: ",")
        default: return text
        }
    }

    /// JavaScript `Number(value)` (`+value`): text is trimmed and parsed, `""` is 0, anything
    /// unparsable NaN.
    var javaScriptNumber: Double {
        switch self {
        case .undefined: return .nan
        case .null, .nilDrop, .empty, .blank: return 0
        case .bool(let b): return b ? 1 : 0
        case .number(let d): return d
        case .string(let s): return Self.parseNumber(s)
        case .array: return Self.parseNumber(javaScriptString)
        case .object: return .nan
        }
    }

    /// liquidjs `toNumber`: `+value || 0`, so NaN becomes 0.
    var number: Double {
        let n = javaScriptNumber
        return n.isNaN ? 0 : n
    }

    static func parseNumber(_ text: String) -> Double {
        let trimmed = LiquidText.trim(text)
        if trimmed.isEmpty { return 0 }
        if trimmed == "Infinity" || trimmed == "+Infinity" { return .infinity }
        if trimmed == "-Infinity" { return -.infinity }
        let lower = trimmed.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            guard let value = UInt64(lower.dropFirst(2), radix: radix) else { return .nan }
            return Double(value)
        }
        // Swift's Double(String) also takes "nan", "inf" and hex floats, which JavaScript does not.
        guard trimmed.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2B || $0 == 0x2D || $0 == 0x65 || $0 == 0x45 }),
              let value = Double(trimmed) else { return .nan }
        return value
    }

    /// The number as JavaScript would use it for a length or index (`ToIntegerOrInfinity`).
    var integer: Int {
        let n = javaScriptNumber
        if n.isNaN { return 0 }
        if n >= Double(Int.max / 2) { return Int.max / 2 }
        if n <= Double(Int.min / 2) { return Int.min / 2 }
        return Int(n.rounded(.towardZero))
    }

    /// JSON for the `json` filter (`JSON.stringify`): nil for `undefined`, which prints as nothing.
    var json: JSONValue? {
        switch self {
        case .undefined: return nil
        case .null, .nilDrop: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return d.isFinite ? (d == d.rounded() && abs(d) < 9e15 ? .int(Int64(d)) : .double(d)) : .null
        case .string(let s): return .string(s)
        case .array(let elements): return .array(elements.map { $0.json ?? .null })
        case .object(let object): return .object(object)
        case .empty, .blank: return .object(JSONObject())
        }
    }
}

/// Text helpers with JavaScript's definitions (whitespace, UTF-16 lengths).
enum LiquidText {
    /// JavaScript's `\s` and `trim()` whitespace.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x20, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF: return true
        default: return false
        }
    }

    static func trim(_ s: String) -> String { trimEnd(trimStart(s)) }

    static func trimStart(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...])
    }

    static func trimEnd(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[...last])
    }

    /// JavaScript `length`: UTF-16 code units.
    static func length(_ s: String) -> Int { s.utf16.count }

    /// `s.slice(begin, end)` on UTF-16 code units, indices already clamped by the caller.
    static func slice(_ s: String, _ begin: Int, _ end: Int) -> String {
        let units = Array(s.utf16)
        let b = max(0, min(begin, units.count))
        let e = max(b, min(end, units.count))
        return String(decoding: units[b..<e], as: UTF16.self)
    }

    /// Splits on runs of JavaScript whitespace (`split(/\s+/)`), keeping a leading empty piece
    /// as JavaScript does.
    static func splitOnSpaces(_ s: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var inSpace = false
        for scalar in s.unicodeScalars {
            if isSpace(scalar) {
                if !inSpace { parts.append(current); current = "" }
                inSpace = true
            } else {
                inSpace = false
                current.unicodeScalars.append(scalar)
            }
        }
        parts.append(current)
        return parts
    }
}
