/// The few JavaScript conversions Segment's evaluator relies on, reproduced so that triggers copied
/// from Segment compare exactly as they do there (`String(5.50)` is "5.5", `Number("")` is 0,
/// `Number(true)` is 1, string equality is code-unit equality, not canonical equivalence).
enum JavaScriptValues {
    /// JavaScript's `String(number)` (Number::toString): shortest round-trip digits, fixed notation
    /// for decimal exponents in [-7, 21), exponent notation (`1e+21`, `1e-7`) outside.
    static func string(from number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        if number == 0 { return "0" }  // also -0
        if number.rounded() == number, abs(number) < 1e18 { return String(Int64(number)) }
        // Swift's description gives the shortest round-trip digits; re-lay them out the JS way.
        let negative = number < 0
        let text = "\(abs(number))"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[text.startIndex..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts.first.map(String.init) ?? ""
        let fractionPart = parts.count > 1 ? String(parts[1]) : ""
        var digits = integerPart + fractionPart
        // n: position of the decimal point relative to the start of `digits`.
        var n = integerPart.count + exponent
        while digits.hasPrefix("0") && digits.count > 1 { digits.removeFirst(); n -= 1 }
        while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
        let k = digits.count
        var out = negative ? "-" : ""
        if k <= n && n <= 21 {
            out += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out += String(digits.prefix(n)) + "." + String(digits.dropFirst(n))
        } else if -6 < n && n <= 0 {
            out += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let e = n - 1
            out += String(digits.prefix(1))
            if k > 1 { out += "." + String(digits.dropFirst()) }
            out += "e" + (e < 0 ? "-" : "+") + String(abs(e))
        }
        return out
    }

    /// JavaScript's `Number(string)`: surrounding white space ignored, "" is 0, decimal with
    /// optional sign and exponent, `0x`/`0o`/`0b` integers, `Infinity`; anything else is NaN.
    static func number(from string: String) -> Double {
        let scalars = Array(string.unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end && isWhiteSpace(scalars[start]) { start += 1 }
        while end > start && isWhiteSpace(scalars[end - 1]) { end -= 1 }
        if start == end { return 0 }
        let body = String(String.UnicodeScalarView(scalars[start..<end]))
        switch body {
        case "Infinity", "+Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: break
        }
        let lower = body.lowercased()
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where lower.hasPrefix(prefix) {
            let digits = lower.dropFirst(2)
            guard !digits.isEmpty else { return .nan }
            var value = 0.0
            for ch in digits {
                guard let digit = ch.hexDigitValue, digit < radix else { return .nan }
                value = value * Double(radix) + Double(digit)
            }
            return value
        }
        guard isDecimalLiteral(Array(body.utf8)) else { return .nan }
        return Double(body) ?? .nan
    }

    /// `[+-]? (digits ('.' digits?)? | '.' digits) ([eE] [+-]? digits)?`
    private static func isDecimalLiteral(_ bytes: [UInt8]) -> Bool {
        var i = 0
        func digits() -> Int {
            let from = i
            while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
            return i - from
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var mantissaDigits = digits()
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            mantissaDigits += digits()
        }
        guard mantissaDigits > 0 else { return false }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == bytes.count
    }

    /// ECMAScript WhiteSpace and LineTerminator.
    private static func isWhiteSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0xA0, 0xFEFF, 0x1680, 0x2000...0x200A, 0x2028, 0x2029,
             0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// JavaScript truthiness, for the `previous && previous[key]` walk of Segment's `get`.
    @inline(__always)
    static func isFalsy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return true
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .double(let d): return d == 0 || d.isNaN
        case .string(let s): return s.utf8.isEmpty
        case .array, .object: return false
        }
    }
}
