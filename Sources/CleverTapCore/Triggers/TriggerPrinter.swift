/// Prints triggers in canonical form, the way Segment's generate-fql.ts lays them out:
/// `field op value`, `contains(field, value)`, `!match(field, "x*")`, nested groups in parentheses,
/// path segments with characters other than letters, digits, `_` and `-` escaped by a backslash.
enum TriggerPrinter {
    static func print(_ expression: TriggerExpression) -> String {
        var out = ""
        write(expression, nested: false, into: &out)
        return out
    }

    static func print(_ field: TriggerField) -> String {
        var out = field.root.rawValue
        for segment in field.path {
            out.append(".")
            for c in segment {
                let plain = c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
                if !plain { out.append("\\") }
                out.append(c)
            }
        }
        return out
    }

    static func print(_ literal: TriggerLiteral) -> String {
        switch literal {
        case .string(let s): return quote(s)
        case .number(let n): return plainDecimal(JavaScriptValues.string(from: n))
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    /// JavaScript's `1.4444444444444443e+33` written out without the exponent
    /// (`1444444444444444300000000000000000`), since the trigger language has none: the printed
    /// form must parse back (found by fuzzing). The digits are the same, so the value is too.
    static func plainDecimal(_ text: String) -> String {
        guard let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }), let exponent = Int(text[text.index(after: e)...]) else { return text }
        var mantissa = Substring(text[..<e])
        let sign = mantissa.hasPrefix("-") ? "-" : ""
        if !sign.isEmpty { mantissa = mantissa.dropFirst() }
        let point = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
        let digits = mantissa.filter { $0 != "." }
        let position = point + exponent
        if position >= digits.count { return sign + digits + String(repeating: "0", count: position - digits.count) }
        if position <= 0 { return sign + "0." + String(repeating: "0", count: -position) + digits }
        return sign + digits.prefix(position) + "." + digits.dropFirst(position)
    }

    /// A double-quoted string with `"` and `\` escaped, as our lexer reads it back.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s {
            if c == "\"" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        out.append("\"")
        return out
    }

    private static func write(_ expression: TriggerExpression, nested: Bool, into out: inout String) {
        switch expression {
        case .comparison(let field, let op, let value):
            out += "\(print(field)) \(op.rawValue) \(print(value))"
        case .contains(let field, let value, let negated):
            out += "\(negated ? "!" : "")contains(\(print(field)), \(print(value)))"
        case .match(let field, let pattern, let negated):
            out += "\(negated ? "!" : "")match(\(print(field)), \(quote(pattern)))"
        case .group(let conjunction, let children):
            if nested { out += "(" }
            for (i, child) in children.enumerated() {
                if i > 0 { out += " \(conjunction.rawValue) " }
                write(child, nested: true, into: &out)
            }
            if nested { out += ")" }
        }
    }
}
