/// A Liquid value: a literal, a range `(a..b)`, or a variable with properties
/// (`properties.items[0].name`, `a[b]`, `"text".size`).
indirect enum LiquidOperand: Sendable {
    case literal(LiquidValue)
    case range(LiquidOperand, LiquidOperand)
    /// `base` nil means the first property names a variable in scope.
    case access(base: LiquidOperand?, properties: [LiquidProperty])
}

enum LiquidProperty: Sendable {
    case name(String)
    case computed(LiquidOperand)
}

enum LiquidOperator: String, Sendable {
    case equal = "==", notEqual = "!=", greater = ">", less = "<", greaterOrEqual = ">=", lessOrEqual = "<="
    case contains, not, and, or

    /// liquidjs's precedences: comparisons 2, `not` 1, `and`/`or` 0 (and, as in liquidjs,
    /// equal precedences group from the right: `a or b and c` is `a or (b and c)`).
    var precedence: Int {
        switch self {
        case .not: return 1
        case .and, .or: return 0
        default: return 2
        }
    }

    static let all: [LiquidOperator] = [.equal, .notEqual, .greaterOrEqual, .lessOrEqual, .greater, .less, .contains, .not, .and, .or]
}

/// An expression in postfix order, as liquidjs evaluates it.
enum LiquidPostfixItem: Sendable {
    case operand(LiquidOperand)
    case op(LiquidOperator)
}

enum LiquidFilterArgument: Sendable {
    case positional(LiquidOperand)
    /// `name: value` (only `default` uses one: `allow_false: true`).
    case keyword(String, LiquidOperand?)
}

struct LiquidFilterCall: Sendable {
    var name: String
    var arguments: [LiquidFilterArgument]
    var filter: LiquidFilter
}

/// `expression | filter: arg, arg | filter`.
struct LiquidFilteredValue: Sendable {
    var expression: [LiquidPostfixItem]
    var filters: [LiquidFilterCall]
}

/// Reads expressions, values and filters inside one tag or output, following liquidjs's
/// tokenizer step by step (so the same text parses to the same thing, oddities included:
/// `{{ a b }}` is `a`).
struct LiquidExpressionReader {
    let units: [UInt16]
    var p: Int
    let end: Int

    init(_ units: [UInt16], _ range: Range<Int>) {
        self.units = units
        p = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { p >= end }
    func peek(_ n: Int = 0) -> UInt16? { p + n < end ? units[p + n] : nil }
    func peekType(_ n: Int = 0) -> UInt8 { p + n < end ? LiquidCharacter.type(units[p + n]) : 0 }
    mutating func skipBlank() { while peekType() & LiquidCharacter.blank != 0 { p += 1 } }
    func text(_ range: Range<Int>) -> String { String(decoding: units[range], as: UTF16.self) }

    func failure(_ message: String, at offset: Int? = nil) -> LiquidFailure {
        LiquidFailure(message: message, offset: offset ?? p)
    }

    /// liquidjs `snapshot`: the rest, JSON-quoted, cut at 32 characters.
    func snapshot() -> String {
        var rest = text(min(p, end)..<end)
        if rest.utf16.count > 32 { rest = LiquidText.slice(rest, 0, 29) + "..." }
        return LiquidFilter.javaScriptJSON(.string(rest))
    }

    mutating func readIdentifier() -> String {
        skipBlank()
        let start = p
        while let c = peek(), LiquidCharacter.isWord(c) { p += 1 }
        return text(start..<p)
    }

    // MARK: expressions

    mutating func readFilteredValue() throws(LiquidFailure) -> LiquidFilteredValue {
        let expression = try readExpression()
        if expression.isEmpty { throw failure("invalid value expression: \(snapshot())") }
        return LiquidFilteredValue(expression: expression, filters: try readFilters())
    }

    /// Operators and operands until neither reads, converted to postfix.
    mutating func readExpression() throws(LiquidFailure) -> [LiquidPostfixItem] {
        var output: [LiquidPostfixItem] = []
        var operators: [LiquidOperator] = []
        while !atEnd {
            if let op = readOperator() {
                while let top = operators.last, top.precedence > op.precedence {
                    output.append(.op(operators.removeLast()))
                }
                operators.append(op)
                continue
            }
            if let operand = try readValue() {
                output.append(.operand(operand))
                continue
            }
            break
        }
        while let op = operators.popLast() { output.append(.op(op)) }
        return output
    }

    /// The longest operator at `p`; word operators need a non-word character after them.
    mutating func readOperator() -> LiquidOperator? {
        skipBlank()
        var best: (LiquidOperator, Int)?
        for op in LiquidOperator.all {
            let word = Array(op.rawValue.utf16)
            guard p + word.count <= end, Array(units[p..<(p + word.count)]) == word else { continue }
            if best == nil || word.count > best!.1 { best = (op, word.count) }
        }
        guard let (op, length) = best else { return nil }
        if let last = op.rawValue.utf16.last, LiquidCharacter.isWord(last),
           let next = peek(length), LiquidCharacter.isWord(next) { return nil }
        p += length
        return op
    }

    mutating func readFilters() throws(LiquidFailure) -> [LiquidFilterCall] {
        var filters: [LiquidFilterCall] = []
        while true {
            skipBlank()
            if atEnd { return filters }
            if units[p] != 0x7C { p += 1; throw failure("expected \"|\" before filter") }
            p += 1
            let nameStart = p
            let name = readIdentifier()
            if name.isEmpty {
                if !atEnd { throw failure("expected filter name") }
                return filters
            }
            var arguments: [LiquidFilterArgument] = []
            skipBlank()
            if peek() == 0x3A {
                repeat {
                    p += 1
                    if let argument = try readFilterArgument() { arguments.append(argument) }
                    skipBlank()
                    if !(atEnd || peek() == 0x2C || peek() == 0x7C) { throw failure("unexpected character \(snapshot())") }
                } while peek() == 0x2C
            } else if !(peek() == 0x7C || atEnd) {
                throw failure("expected \":\" after filter name")
            }
            filters.append(LiquidFilterCall(name: name, arguments: arguments, filter: try LiquidFilter(name: name, offset: nameStart)))
        }
    }

    mutating func readFilterArgument() throws(LiquidFailure) -> LiquidFilterArgument? {
        skipBlank()
        let keyStart = p
        guard let key = try readValue() else { return nil }
        let keyText = text(keyStart..<p)
        skipBlank()
        guard peek() == 0x3A else { return .positional(key) }
        p += 1
        return .keyword(keyText, try readValue())
    }

    // MARK: values

    mutating func readValue() throws(LiquidFailure) -> LiquidOperand? {
        skipBlank()
        var variable = readLiteral() ?? readQuoted()
        if variable == nil { variable = try readRange() }
        if variable == nil { variable = readNumber() }
        let properties = try readProperties(isBegin: variable == nil)
        if properties.isEmpty { return variable }
        return .access(base: variable, properties: properties)
    }

    /// A bare property path (`where`'s property argument).
    mutating func readScopeValue() throws(LiquidFailure) -> LiquidOperand? {
        skipBlank()
        let properties = try readProperties(isBegin: true)
        return properties.isEmpty ? nil : .access(base: nil, properties: properties)
    }

    private mutating func readProperties(isBegin: Bool) throws(LiquidFailure) -> [LiquidProperty] {
        var properties: [LiquidProperty] = []
        while true {
            if peek() == 0x5B {
                p += 1
                let property: LiquidProperty = try readValue().map { .computed($0) } ?? .name("")
                // liquidjs reads on to the next `]`, whatever comes before it.
                var closed = false
                while p < end { p += 1; if units[p - 1] == 0x5D { closed = true; break } }
                if !closed { throw failure("[ not closed") }
                properties.append(property)
                continue
            }
            if isBegin && properties.isEmpty {
                let name = readIdentifier()
                if !name.isEmpty { properties.append(.name(name)); continue }
            }
            if peek() == 0x2E && peek(1) != 0x2E {
                p += 1
                let name = readIdentifier()
                if name.isEmpty { break }
                properties.append(.name(name))
                continue
            }
            break
        }
        return properties
    }

    private mutating func readNumber() -> LiquidOperand? {
        skipBlank()
        var decimalFound = false, digitFound = false
        var n = 0
        if peekType() & LiquidCharacter.sign != 0 { n += 1 }
        while p + n <= end {
            if peekType(n) & LiquidCharacter.digit != 0 {
                digitFound = true
                n += 1
            } else if peek(n) == 0x2E && peek(n + 1) != 0x2E {
                if decimalFound || !digitFound { return nil }
                decimalFound = true
                n += 1
            } else { break }
        }
        guard digitFound, !(peek(n).map(LiquidCharacter.isWord) ?? false) else { return nil }
        let value = LiquidValue.parseNumber(text(p..<(p + n)))
        p += n
        return .literal(.number(value))
    }

    private static let literals: [(String, LiquidValue)] = [
        ("true", .bool(true)), ("false", .bool(false)), ("nil", .nilDrop), ("null", .nilDrop), ("empty", .empty), ("blank", .blank),
    ]

    private mutating func readLiteral() -> LiquidOperand? {
        skipBlank()
        for (word, value) in Self.literals {
            let w = Array(word.utf16)
            guard p + w.count <= end, Array(units[p..<(p + w.count)]) == w else { continue }
            if let next = peek(w.count), LiquidCharacter.isWord(next) { continue }
            p += w.count
            return .literal(value)
        }
        return nil
    }

    private mutating func readRange() throws(LiquidFailure) -> LiquidOperand? {
        skipBlank()
        guard peek() == 0x28 else { return nil }
        p += 1
        let low = try readValueOrThrow()
        skipBlank()
        guard peek() == 0x2E, peek(1) == 0x2E else { p += 1; throw failure("invalid range syntax") }
        p += 2
        let high = try readValueOrThrow()
        skipBlank()
        guard peek() == 0x29 else { p += 1; throw failure("invalid range syntax") }
        p += 1
        return .range(low, high)
    }

    private mutating func readValueOrThrow() throws(LiquidFailure) -> LiquidOperand {
        guard let value = try readValue() else { throw failure("unexpected token \(snapshot()), value expected") }
        return value
    }

    private mutating func readQuoted() -> LiquidOperand? {
        skipBlank()
        guard peekType() & LiquidCharacter.quote != 0 else { return nil }
        let begin = p
        let quote = units[p]
        p += 1
        var escaped = false
        while p < end {
            p += 1
            if units[p - 1] == quote && !escaped { break }
            if escaped { escaped = false } else if units[p - 1] == 0x5C { escaped = true }
        }
        return .literal(.string(Self.parseStringLiteral(Array(units[begin..<p]))))
    }

    /// liquidjs `parseStringLiteral`: strips the quotes, handles `\n`-style, `\uXXXX` and octal escapes.
    static func parseStringLiteral(_ s: [UInt16]) -> String {
        var out: [UInt16] = []
        var i = 1
        func hex(_ c: UInt16) -> UInt16? {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x41...0x46: return c - 0x37
            case 0x61...0x66: return c - 0x57
            default: return nil
            }
        }
        let escapes: [UInt16: UInt16] = [0x62: 8, 0x66: 12, 0x6E: 10, 0x72: 13, 0x74: 9, 0x76: 11]
        while i < s.count - 1 {
            if s[i] != 0x5C { out.append(s[i]); i += 1; continue }
            let next: UInt16? = i + 1 < s.count ? s[i + 1] : nil
            if let next, let e = escapes[next] {
                out.append(e); i += 2
            } else if next == 0x75 {
                var value: UInt16 = 0
                var j = i + 2
                while j <= i + 5, j < s.count, let h = hex(s[j]) { value = value &* 16 &+ h; j += 1 }
                out.append(value); i = j
            } else if let next, !(0x30...0x37).contains(next) {
                out.append(next); i += 2
            } else if next == nil {
                i += 1
            } else {
                var j = i + 1
                var value: UInt16 = 0
                while j <= i + 3, j < s.count, (0x30...0x37).contains(s[j]) { value = value &* 8 &+ (s[j] - 0x30); j += 1 }
                out.append(value); i = j
            }
        }
        return String(decoding: out, as: UTF16.self)
    }
}
