/// Recursive-descent parser for Segment's trigger language.
///
/// Grammar (whitespace between tokens is free):
///
///     trigger    = level
///     level      = term { ("and" | "or") term }         -- joined by the LAST keyword (Segment)
///     term       = "(" level ")" | ["!"] function | comparison
///     function   = ("contains" | "match") "(" field "," value ")"
///     comparison = field ("=" | "!=" | "<" | "<=" | ">" | ">=") value
///     field      = "type" | "event" | "name" | "userId"
///                | ("properties" | "traits" | "context") segment { segment }
///     segment    = "." word | "[" digits "]"
///     value      = string | number | "true" | "false" | "null"
struct TriggerParser {
    private let text: String
    private var tokens: [TriggerToken] = []
    private var index = 0
    private var warnings: [TriggerWarning] = []
    /// Groups that a contains()/match() closed early (Segment's group ends at the first ')');
    /// their own ')' comes later at the top level and closes nothing.
    private var pendingCloses = 0
    /// Positions of groups closed early, for the warning that shows the evaluated form.
    private var earlyClosePositions: [Int] = []
    /// Set by parseFunction so a level can tell that its last term was a function call.
    private var lastTermWasFunction = false
    private var insideParentheses = false

    init(_ text: String) {
        self.text = text
    }

    mutating func parseTrigger() throws(TriggerParseError) -> (TriggerExpression, [TriggerWarning]) {
        var lexer = TriggerLexer(text)
        tokens = try lexer.tokenize()
        for position in lexer.escapedStringPositions {
            warnings.append(TriggerWarning(
                kind: .notPortableToSegment,
                message: "\\\" and \\\\ escapes in strings work here, but Segment's parser has no escapes in strings (the trigger would not work there)",
                position: position))
        }
        if case .end = current.kind {
            throw error("empty trigger: expected a condition such as type = \"identify\"", at: current)
        }
        let expression = try parseLevel(openedAt: nil)
        for position in earlyClosePositions {
            warnings.append(TriggerWarning(
                kind: .groupClosedByFunction,
                message: "the ')' of contains()/match() also closes the surrounding parentheses (Segment's group ends at the first ')'), so the rest of the group joins the outer level: evaluated as \(TriggerPrinter.print(expression))",
                position: position))
        }
        warnings.sort { $0.position < $1.position }
        return (expression, warnings)
    }

    // MARK: - Token access

    private var current: TriggerToken { tokens[index] }
    private var next: TriggerToken { tokens[min(index + 1, tokens.count - 1)] }

    @discardableResult
    private mutating func advance() -> TriggerToken {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    private func error(_ message: String, at token: TriggerToken) -> TriggerParseError {
        TriggerParseError(message: message, position: token.start)
    }

    private mutating func expect(_ kind: TriggerToken.Kind, _ message: String) throws(TriggerParseError) -> TriggerToken {
        guard current.kind == kind else { throw error("\(message), found \(current.summary)", at: current) }
        return advance()
    }

    // MARK: - Levels and terms

    /// Terms joined by `and`/`or` up to a `)` (when `openedAt` is set) or the end.
    private mutating func parseLevel(openedAt open: TriggerToken?) throws(TriggerParseError) -> TriggerExpression {
        var children = [try parseTerm()]
        var conjunctions: [(TriggerConjunction, TriggerToken)] = []
        while true {
            if let open, lastTermWasFunction, current.kind != .rightParen {
                // Segment's group took the function's ')' as its own: the group ends here.
                pendingCloses += 1
                earlyClosePositions.append(open.start)
                return finishLevel(children, conjunctions)
            }
            if let word = current.keyword, let conjunction = TriggerConjunction(rawValue: word) {
                let token = advance()
                if current.kind == .leftParen && current.start == token.end {
                    throw error("put a space between '\(word)' and '(': Segment reads '\(word)(' as a field name, not as the keyword", at: token)
                }
                conjunctions.append((conjunction, token))
                children.append(try parseTerm())
                continue
            }
            switch current.kind {
            case .rightParen:
                if open == nil && pendingCloses > 0 {
                    // The ')' of a group that a function call already closed: Segment skips it.
                    pendingCloses -= 1
                    advance()
                    continue
                }
                guard open != nil else {
                    throw error("unexpected ')' without a matching '('", at: current)
                }
            case .end:
                if pendingCloses > 0 {
                    throw error("expected ')' to close the '(' at character \((earlyClosePositions.last ?? 0) + 1), found the end of the trigger", at: current)
                }
                if let open {
                    throw error("expected ')' to close the '(' at character \(open.start + 1), found the end of the trigger", at: current)
                }
            default:
                let expected = open == nil ? "'and', 'or' or the end of the trigger" : "'and', 'or' or ')'"
                throw error("expected \(expected) after a condition, found \(current.summary)", at: current)
            }
            break
        }
        return finishLevel(children, conjunctions)
    }

    private mutating func finishLevel(_ children: [TriggerExpression], _ conjunctions: [(TriggerConjunction, TriggerToken)]) -> TriggerExpression {
        guard let last = conjunctions.last else { return children[0] }
        let group = TriggerExpression.group(last.0, children)
        if let first = conjunctions.first(where: { $0.0 != last.0 }) {
            warnings.append(TriggerWarning(
                kind: .mixedConjunctions,
                message: "mixes and/or without parentheses: evaluated as \(TriggerPrinter.print(group)) (Segment joins a whole level by its last keyword; add parentheses to group)",
                position: first.1.start))
        }
        return group
    }

    private mutating func parseTerm() throws(TriggerParseError) -> TriggerExpression {
        lastTermWasFunction = false
        switch current.kind {
        case .leftParen:
            let open = advance()
            if insideParentheses {
                throw error("nested parentheses are not supported (Segment's parser cannot read them): use one level of parentheses", at: open)
            }
            if current.kind == .rightParen {
                throw error("empty parentheses: expected a condition inside '( )'", at: current)
            }
            insideParentheses = true
            defer { insideParentheses = false }
            let closesBefore = pendingCloses
            let inner = try parseLevel(openedAt: open)
            if pendingCloses == closesBefore { advance() }  // ')', checked by parseLevel
            lastTermWasFunction = false
            return inner
        case .bang:
            let bang = advance()
            if let word = current.keyword, word == "contains" || word == "match", next.kind == .leftParen {
                return try parseFunction(negated: true, start: bang)
            }
            throw error("'!' can only negate contains(...) or match(...); for a comparison use '!='", at: bang)
        case .word:
            if let word = current.keyword, word == "contains" || word == "match", next.kind == .leftParen {
                return try parseFunction(negated: false, start: current)
            }
            return try parseComparison()
        default:
            throw error("expected a condition (a field such as type, event or properties.plan, contains(...), match(...) or '('), found \(current.summary)", at: current)
        }
    }

    // MARK: - Conditions

    private mutating func parseComparison() throws(TriggerParseError) -> TriggerExpression {
        let fieldStart = current
        let field = try parseField()
        guard case .comparison(let op) = current.kind else {
            throw error("expected an operator (=, !=, <, <=, >, >=) after \(TriggerPrinter.print(field)), found \(current.summary)", at: current)
        }
        let opToken = advance()
        let valueToken = current
        let value = try parseValue(after: "'\(op.rawValue)'")
        warnAboutConversions(field: field, op: op, value: value, at: fieldStart, valueToken: valueToken, opToken: opToken)
        return .comparison(field, op, value)
    }

    private mutating func parseFunction(negated: Bool, start: TriggerToken) throws(TriggerParseError) -> TriggerExpression {
        let nameToken = advance()
        let name = nameToken.keyword ?? ""
        advance()  // '(' (checked by the caller)
        let fieldToken = current
        let field = try parseField()
        if !field.root.takesPath && field.root != .event && field.root != .name && field.root != .userId {
            throw TriggerParseError(
                message: "\(name)() does not work on '\(field.root.rawValue)' (Segment ignores such a condition): use \(field.root.rawValue) = \"...\"",
                position: fieldToken.start)
        }
        _ = try expect(.comma, "expected ',' after the field in \(name)(...)")
        let valueToken = current
        let result: TriggerExpression
        if name == "contains" {
            let value = try parseValue(after: "',' in contains(...)")
            result = .contains(field, value, negated: negated)
        } else {
            guard case .string(let pattern) = valueToken.kind else {
                throw error("match() expects a double-quoted pattern such as \"Order *\" or \"*@example.com\", found \(valueToken.summary)", at: valueToken)
            }
            advance()
            warnAboutPattern(pattern, at: valueToken)
            result = .match(field, pattern: pattern, negated: negated)
        }
        _ = try expect(.rightParen, "expected ')' to close \(name)(")
        lastTermWasFunction = true
        return result
    }

    /// `type`, `event`, `name`, `userId`, or `properties`/`traits`/`context` with a path.
    private mutating func parseField() throws(TriggerParseError) -> TriggerField {
        let start = current
        guard case .word(let text, let parts, _) = start.kind else {
            throw error("expected a field (type, event, name, userId, or properties./traits./context. with a path), found \(start.summary)", at: start)
        }
        guard let rootName = parts.first, let root = TriggerField.Root(rawValue: rootName) else {
            var message = "unknown field '\(text)': expected type, event, name, userId, or a path under properties., traits. or context."
            if let similar = TriggerField.Root.allCases.first(where: { $0.rawValue.lowercased() == (parts.first ?? text).lowercased() }) {
                message += " (field names are case-sensitive: did you mean '\(similar.rawValue)'?)"
            }
            throw error(message, at: start)
        }
        advance()
        var path = Array(parts.dropFirst())
        var end = start.end
        var usedIndexSyntax = false
        while true {
            if current.kind == .dot {
                let dot = advance()
                guard case .word(_, let segmentParts, _) = current.kind else {
                    throw error("expected a field name after '.', found \(current.summary)", at: current)
                }
                if segmentParts.isEmpty {
                    throw error("expected a field name after '.', found only separators", at: current)
                }
                _ = dot
                path += segmentParts
                end = advance().end
            } else if current.kind == .leftBracket {
                advance()
                guard case .number(let n) = current.kind, n >= 0, n.rounded() == n, n < 1e15 else {
                    throw error("expected an array index (0, 1, ...) inside '[ ]', found \(current.summary)", at: current)
                }
                advance()
                path.append(String(Int64(n)))
                usedIndexSyntax = true
                end = try expect(.rightBracket, "expected ']' after the array index").end
            } else {
                break
            }
        }
        if root.takesPath && path.isEmpty {
            throw TriggerParseError(
                message: "expected '.' and a field name after '\(root.rawValue)' (like \(root.rawValue).plan)",
                position: end)
        }
        if usedIndexSyntax || path.contains(where: { $0.allSatisfy(\.isWholeNumber) }) {
            warnings.append(TriggerWarning(
                kind: .notPortableToSegment,
                message: "\(TriggerPrinter.print(TriggerField(root: root, path: path))): array positions in paths work here, but Segment's parser cannot read numeric segments or [index] (the condition would never match there)",
                position: start.start))
        }
        if !root.takesPath && !path.isEmpty {
            throw error("'\(root.rawValue)' has no fields below it (Segment would ignore '.\(path.joined(separator: "."))' and compare the whole \(root.rawValue)); paths go under properties., traits. or context.", at: start)
        }
        return TriggerField(root: root, path: path)
    }

    private mutating func parseValue(after place: String) throws(TriggerParseError) -> TriggerLiteral {
        let token = current
        switch token.kind {
        case .string(let s): advance(); return .string(s)
        case .number(let n): advance(); return .number(n)
        case .word(let text, _, _):
            switch token.keyword {
            case "true": advance(); return .bool(true)
            case "false": advance(); return .bool(false)
            case "null": advance(); return .null
            default:
                throw error("expected a value after \(place): a \"string\", a number, true, false or null, found '\(text)' (strings need double quotes)", at: token)
            }
        default:
            throw error("expected a value after \(place): a \"string\", a number, true, false or null, found \(token.summary)", at: token)
        }
    }

    // MARK: - Warnings about Segment's conversions

    private mutating func warn(_ kind: TriggerWarning.Kind, _ message: String, at token: TriggerToken) {
        warnings.append(TriggerWarning(kind: kind, message: message, position: token.start))
    }

    private mutating func warnAboutConversions(field: TriggerField, op: TriggerComparison, value: TriggerLiteral,
                                               at start: TriggerToken, valueToken: TriggerToken, opToken: TriggerToken) {
        let condition = TriggerPrinter.print(.comparison(field, op, value))
        let compiled = TriggerMatcher.compileComparison(field, op, value)
        switch compiled {
        case .stringEquals(let s), .stringNotEquals(let s):
            switch value {
            case .null:
                warn(.valueConversion, "\(condition) compares \(field.root.rawValue) with the string \"null\": Segment treats null as 'missing' only for name, userId and properties./traits./context. paths", at: start)
            case .bool(let b):
                if op == .equal {
                    warn(.valueConversion, "\(condition) compares \(field.root.rawValue) with the string \"\(b)\": Segment treats true/false as booleans only for userId and properties./traits./context. paths", at: start)
                } else {
                    warn(.valueConversion, "\(condition) compares with the string \"\(b)\", so it also matches the boolean \(b) (Segment treats booleans only with '=')", at: start)
                }
            case .number:
                warn(.valueConversion, "\(condition) compares \(field.root.rawValue) with the string \"\(s)\": Segment compares numbers as numbers only for properties./traits./context. paths", at: start)
            case .string:
                break
            }
        case .less(let n), .lessOrEqual(let n), .greater(let n), .greaterOrEqual(let n):
            if case .number = value { break }
            // type/event/name/userId turn the value into a string before Number() sees it.
            let argument = field.root.takesPath ? TriggerPrinter.print(value) : TriggerPrinter.quote(value.javaScriptString)
            let outcome = n.isNaN ? ", which is NaN, so it never matches" : " = \(JavaScriptValues.string(from: n)), and only number values match"
            warn(.valueConversion, "\(condition) compares numerically with Number(\(argument))\(outcome)", at: valueToken)
        default:
            break
        }
        _ = opToken
    }

    private mutating func warnAboutPattern(_ pattern: String, at token: TriggerToken) {
        let quoted = TriggerPrinter.quote(pattern)
        let (kind, operand) = TriggerMatcher.matchOperation(pattern)
        let starCount = pattern.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "*") ? 1 : 0) }
        let effective = "\(kind) \(TriggerPrinter.quote(operand))"
        if pattern.hasPrefix("*") && starCount == 1 || pattern.hasSuffix("*") && starCount == 1 { return }
        if pattern.isEmpty {
            warn(.matchPattern, "match() pattern \"\" is empty: Segment evaluates it as \(effective), which every string value matches", at: token)
        } else if starCount == 0 {
            warn(.matchPattern, "match() pattern \(quoted) has no '*': Segment evaluates it as \(effective) (it drops the first character); use \"*\(pattern)\" or \"\(pattern)*\"", at: token)
        } else {
            warn(.matchPattern, "match() supports only one '*' at the start or the end: \(quoted) is evaluated as \(effective)", at: token)
        }
    }
}
