/// How JavaScript turns values into text (`String(value)`, template interpolation), which
/// mapping-kit relies on: `@template` prints `12.5`, `true`, `a,b` and `[object Object]`,
/// `@replace` works on `String(1)`. Matching it keeps mappings copied from Segment identical.
enum JavaScriptText {
    /// `String(value)` for a resolved value; absent and null print as nothing (mapping-kit's
    /// `value ?? ''`).
    static func string(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        var out = ""
        append(value, topLevel: true, to: &out)
        return out
    }

    static func append(_ value: JSONValue, topLevel: Bool, to out: inout String) {
        switch value {
        case .null: if !topLevel { return }  // [null].join() is ""; a top-level null is "" too
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += number(d)
        case .string(let s): out += s
        case .array(let elements):
            for (i, element) in elements.enumerated() {
                if i > 0 { out += "," }
                append(element, topLevel: false, to: &out)
            }
        case .object: out += "[object Object]"
        }
    }

    /// ECMAScript Number::toString: integers without a fraction up to 1e21, plain decimals down
    /// to 1e-6, exponent form (`1e+21`, `1.5e-7`) beyond. Swift's `description` already yields
    /// the shortest round-tripping digits, as JavaScript does; only the layout differs.
    static func number(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        if d == 0 { return "0" }
        var text = d.magnitude.description
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = String(text[..<e])
        }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let integerPart = parts[0]
        let fractionPart = parts.count > 1 ? parts[1] : ""
        var digits = Array(integerPart + fractionPart)
        var point = integerPart.count + exponent  // digits before the decimal point
        while digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.last == "0" { digits.removeLast() }
        let k = digits.count
        let n = point
        var out = d < 0 ? "-" : ""
        if k <= n && n <= 21 {
            out += String(digits) + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            out += String(digits[..<n]) + "." + String(digits[n...])
        } else if -6 < n && n <= 0 {
            out += "0." + String(repeating: "0", count: -n) + String(digits)
        } else {
            let e = n - 1
            out += String(digits[0])
            if k > 1 { out += "." + String(digits[1...]) }
            out += "e" + (e >= 0 ? "+" : "-") + String(e.magnitude)
        }
        return out
    }

    /// JavaScript truthiness of a raw mapping value (mapping-kit tests `if (opts.value)`).
    static func isTruthy(_ value: JSONValue?) -> Bool {
        guard let value else { return false }
        switch value {
        case .null: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0 && !d.isNaN
        case .string(let s): return !s.isEmpty
        case .array, .object: return true
        }
    }

    /// `value != ''` with JavaScript's loose equality, which `@if: blank` uses: absent, null,
    /// `""`, `0`, `false` and arrays that print as nothing (`[]`, `[null]`, `[""]`) are blank.
    static func isBlank(_ value: JSONValue?) -> Bool {
        guard let value else { return true }
        switch value {
        case .null: return true
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .double(let d): return d == 0
        case .string(let s): return s.isEmpty
        case .array: return string(value).isEmpty
        case .object: return false
        }
    }
}
