/// One token of trigger text, with the character range it came from (for error positions).
struct TriggerToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A bare word: field name, path segment or keyword. `parts` splits it where Segment's path
        /// lookup would (escaped `.`, `[`, `]` still separate segments there); `escaped` is true when
        /// it used a backslash, which stops it from being a keyword.
        case word(text: String, parts: [String], escaped: Bool)
        case string(String)
        case number(Double)
        case leftParen, rightParen, leftBracket, rightBracket, comma, dot, bang
        case comparison(TriggerComparison)
        case end
    }

    var kind: Kind
    var start: Int
    var end: Int

    /// The keyword this token spells, if it is an unescaped word.
    var keyword: String? {
        if case .word(let text, _, false) = kind { return text }
        return nil
    }

    /// How the token reads in an error message ("'and'", "the string \"x\"", "the end of the trigger").
    var summary: String {
        switch kind {
        case .word(let text, _, _): return "'\(text)'"
        case .string(let s): return "the string \(TriggerPrinter.quote(s))"
        case .number(let n): return "the number \(JavaScriptValues.string(from: n))"
        case .leftParen: return "'('"
        case .rightParen: return "')'"
        case .leftBracket: return "'['"
        case .rightBracket: return "']'"
        case .comma: return "','"
        case .dot: return "'.'"
        case .bang: return "'!'"
        case .comparison(let op): return "'\(op.rawValue)'"
        case .end: return "the end of the trigger"
        }
    }
}

/// Splits trigger text into tokens. Follows `@segment/fql-ts` where it is well defined (words of
/// letters, digits, `_`, `-` and backslash escapes; numbers of digits with one optional `.`;
/// double-quoted strings) and gives a positioned error where it is not.
struct TriggerLexer {
    let characters: [Character]
    var index = 0
    /// Where strings using `\"` or `\\` start (Segment's lexer has no escapes in strings).
    var escapedStringPositions: [Int] = []

    init(_ text: String) {
        characters = Array(text)
    }

    mutating func tokenize() throws(TriggerParseError) -> [TriggerToken] {
        var tokens: [TriggerToken] = []
        while true {
            while index < characters.count && characters[index].isWhitespace { index += 1 }
            let start = index
            guard index < characters.count else {
                tokens.append(TriggerToken(kind: .end, start: start, end: start))
                return tokens
            }
            let afterDot = tokens.last.map { $0.kind == .dot && $0.end == start } ?? false
            let kind = try lexOne(afterDot: afterDot)
            tokens.append(TriggerToken(kind: kind, start: start, end: index))
        }
    }

    private func error(_ message: String, at position: Int) -> TriggerParseError {
        TriggerParseError(message: message, position: position)
    }

    private func peek(_ offset: Int = 0) -> Character? {
        index + offset < characters.count ? characters[index + offset] : nil
    }

    private mutating func lexOne(afterDot: Bool) throws(TriggerParseError) -> TriggerToken.Kind {
        let start = index
        let c = characters[index]
        switch c {
        case "(": index += 1; return .leftParen
        case ")": index += 1; return .rightParen
        case "[": index += 1; return .leftBracket
        case "]": index += 1; return .rightBracket
        case ",": index += 1; return .comma
        case ".": index += 1; return .dot
        case "=":
            index += 1
            if peek() == "=" { throw error("'==' is not an operator: use '=' for equality", at: start) }
            return .comparison(.equal)
        case "!":
            index += 1
            if peek() == "=" { index += 1; return .comparison(.notEqual) }
            return .bang
        case "<", ">":
            index += 1
            let orEqual = peek() == "="
            if orEqual { index += 1 }
            if c == "<" { return .comparison(orEqual ? .lessOrEqual : .less) }
            return .comparison(orEqual ? .greaterOrEqual : .greater)
        case "\"":
            return .string(try lexString())
        case "'":
            throw error("single-quoted strings are not supported (Segment keeps the quotes as part of the value): use double quotes", at: start)
        default:
            break
        }
        // A path segment right after a '.' may start with a digit or '-' (`items.0`, `.-x`).
        if afterDot && Self.isWordCharacter(c) { return try lexWord() }
        if Self.isDigit(c) || ((c == "-" || c == "+") && (peek(1).map(Self.isDigit) ?? false)) {
            return .number(try lexNumber())
        }
        if c == "-" || c == "+" {
            throw error("expected digits after '\(c)' in a number", at: start)
        }
        if Self.isWordStart(c) { return try lexWord() }
        throw error("invalid character '\(c)': expected a field, a value, an operator, 'and', 'or' or parentheses", at: start)
    }

    /// `"..."` with `\"` and `\\` as escapes; any other backslash is kept literally, as Segment does.
    private mutating func lexString() throws(TriggerParseError) -> String {
        let start = index
        index += 1
        var value = ""
        while index < characters.count {
            let c = characters[index]
            if c == "\"" { index += 1; return value }
            if c == "\\", let next = peek(1), next == "\"" || next == "\\" {
                if escapedStringPositions.last != start { escapedStringPositions.append(start) }
                value.append(next)
                index += 2
                continue
            }
            value.append(c)
            index += 1
        }
        throw error("unterminated string: expected a closing '\"' for the string that starts here", at: start)
    }

    /// `[+-]digits[.digits]`, read as a JavaScript number the way Segment's `Number(token)` does.
    private mutating func lexNumber() throws(TriggerParseError) -> Double {
        let start = index
        var text = ""
        if characters[index] == "-" || characters[index] == "+" {
            if characters[index] == "-" { text.append("-") }
            index += 1
        }
        while let c = peek(), Self.isDigit(c) { text.append(c); index += 1 }
        if peek() == "." {
            text.append(".")
            index += 1
            let fractionStart = index
            while let c = peek(), Self.isDigit(c) { text.append(c); index += 1 }
            if index == fractionStart {
                throw error("expected digits after the decimal point in a number", at: index)
            }
        }
        if let c = peek(), Self.isWordCharacter(c) || c == "." {
            throw error("invalid number: expected digits with at most one decimal point (like 42 or -3.5), without exponent or letters", at: start)
        }
        guard let value = Double(text), value.isFinite else {
            throw error("number out of range", at: start)
        }
        return value
    }

    private mutating func lexWord() throws(TriggerParseError) -> TriggerToken.Kind {
        var text = ""
        var parts: [String] = []
        var part = ""
        var escaped = false
        while let c = peek() {
            if c == "\\" {
                guard let next = peek(1) else {
                    throw error("expected a character after the escape '\\'", at: index)
                }
                escaped = true
                text.append(next)
                // Segment's path lookup splits on these even when escaped.
                if next == "." || next == "[" || next == "]" {
                    if !part.isEmpty { parts.append(part) }
                    part = ""
                } else {
                    part.append(next)
                }
                index += 2
                continue
            }
            guard Self.isWordCharacter(c) else { break }
            text.append(c)
            part.append(c)
            index += 1
        }
        if !part.isEmpty { parts.append(part) }
        return .word(text: text, parts: parts, escaped: escaped)
    }

    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isWholeNumber }

    static func isWordStart(_ c: Character) -> Bool {
        if c == "_" || c == "\\" { return true }
        if c.isASCII { return c.isLetter }
        return c.isLetter
    }

    static func isWordCharacter(_ c: Character) -> Bool {
        if c == "_" || c == "-" { return true }
        if c.isASCII { return c.isLetter || c.isWholeNumber }
        return c.isLetter || c.isNumber
    }
}
