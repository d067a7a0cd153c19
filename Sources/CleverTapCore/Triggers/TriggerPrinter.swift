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
        case .number(let n): return JavaScriptValues.string(from: n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
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
