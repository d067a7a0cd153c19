import CleverTapCore

/// What a builder condition tests: the fields Segment's subscription builder offers.
enum TriggerSubject: Sendable, Hashable {
    /// `type`: identify, track, page, screen, group, alias.
    case eventType
    /// `event`: a track event's name.
    case eventName
    /// `name`: a page or screen name.
    case pageName
    /// `userId`
    case userId
    /// `properties.<path>`; the path's parts are separated by dots, written unescaped here.
    case property(String)
    /// `traits.<path>`
    case trait(String)
    /// `context.<path>`
    case context(String)

    /// The field as the trigger language writes it. Characters other than letters, digits, `_`
    /// and `-` in a path are escaped with a backslash (`properties.product\ 1.price`), the way
    /// Segment's own builder writes them; dots always separate parts.
    var fieldPath: String {
        switch self {
        case .eventType: return "type"
        case .eventName: return "event"
        case .pageName: return "name"
        case .userId: return "userId"
        case .property(let path): return "properties." + Self.escape(path)
        case .trait(let path): return "traits." + Self.escape(path)
        case .context(let path): return "context." + Self.escape(path)
        }
    }

    /// The event's keys this subject reads, outermost first.
    var segments: [String] {
        switch self {
        case .eventType: return ["type"]
        case .eventName: return ["event"]
        case .pageName: return ["name"]
        case .userId: return ["userId"]
        case .property(let path): return ["properties"] + path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        case .trait(let path): return ["traits"] + path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        case .context(let path): return ["context"] + path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// The builder subject for an (unescaped) trigger field path, or nil for fields the builder does not offer.
    init?(fieldPath: String) {
        switch fieldPath {
        case "type": self = .eventType
        case "event": self = .eventName
        case "name": self = .pageName
        case "userId": self = .userId
        default:
            for (prefix, make) in [("properties.", TriggerSubject.property), ("traits.", TriggerSubject.trait), ("context.", TriggerSubject.context)]
            where fieldPath.hasPrefix(prefix) && fieldPath.count > prefix.count {
                self = make(String(fieldPath.dropFirst(prefix.count)))
                return
            }
            return nil
        }
    }

    var label: String {
        switch self {
        case .eventType: return "event type"
        case .eventName: return "event name"
        case .pageName: return "page name"
        case .userId: return "user id"
        case .property(let path): return "property " + path
        case .trait(let path): return "trait " + path
        case .context(let path): return "context " + path
        }
    }

    /// The path inside properties/traits/context, for checking it names something.
    var innerPath: String? {
        switch self {
        case .eventType, .eventName, .pageName, .userId: return nil
        case .property(let path), .trait(let path), .context(let path): return path
        }
    }

    private static func escape(_ path: String) -> String {
        var out = ""
        for character in path {
            let plain = character.isASCII && (character.isLetter || character.isNumber || character == "_" || character == "-" || character == ".")
            if !plain { out.append("\\") }
            out.append(character)
        }
        return out
    }
}

/// How a builder condition compares.
enum TriggerOperator: String, Sendable, Hashable, CaseIterable {
    case equals = "="
    case notEquals = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case contains
    case notContains = "!contains"
    case matches = "match"
    case notMatches = "!match"

    var label: String {
        switch self {
        case .equals: return "is"
        case .notEquals: return "is not"
        case .less: return "<"
        case .lessOrEqual: return "<="
        case .greater: return ">"
        case .greaterOrEqual: return ">="
        case .contains: return "contains"
        case .notContains: return "does not contain"
        case .matches: return "matches (* any text, ? one character)"
        case .notMatches: return "does not match"
        }
    }

    /// `contains` and `match` are written as functions: `contains(field, "text")`.
    var isFunction: Bool { [.contains, .notContains, .matches, .notMatches].contains(self) }

    /// `<`, `<=`, `>`, `>=` compare numbers only.
    var isOrdering: Bool { [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(self) }
}

/// A value in a condition, typed the way the trigger language types it.
enum TriggerLiteral: Sendable, Hashable {
    case string(String)
    /// Kept as the digits typed (`99.5`), so the trigger text shows what the user wrote.
    case number(String)
    case bool(Bool)
    case null

    /// What a person typed in the value box: `true`, `false`, `null` and numbers are typed,
    /// everything else is text. Subjects that are always text (event type and name) and the
    /// text-only operators pass `asText: true`.
    init(input: String, asText: Bool) {
        if asText { self = .string(input); return }
        switch input {
        case "true": self = .bool(true)
        case "false": self = .bool(false)
        case "null": self = .null
        default: self = Self.isNumber(input) ? .number(input) : .string(input)
        }
    }

    /// The value as trigger text: strings quoted with `"` and `\` escaped.
    var text: String {
        switch self {
        case .string(let s):
            var out = "\""
            for character in s {
                if character == "\"" || character == "\\" { out.append("\\") }
                out.append(character)
            }
            return out + "\""
        case .number(let digits): return digits
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// `-?digits(.digits)?`: the number forms the trigger language reads.
    static func isNumber(_ text: String) -> Bool {
        var rest = Substring(text)
        if rest.first == "-" { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }
    }
}

/// One builder row: subject, operator, value.
struct TriggerCondition: Sendable, Hashable {
    var subject: TriggerSubject
    var op: TriggerOperator
    var value: TriggerLiteral

    init(_ subject: TriggerSubject, _ op: TriggerOperator = .equals, _ value: TriggerLiteral) {
        self.subject = subject
        self.op = op
        self.value = value
    }

    var text: String {
        op.isFunction ? "\(op.rawValue)(\(subject.fieldPath), \(value.text))" : "\(subject.fieldPath) \(op.rawValue) \(value.text)"
    }

    /// What makes this row unusable, in words, or nil.
    var problem: String? {
        if let inner = subject.innerPath, inner.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) {
            return inner.isEmpty ? "Name the \(subject.label)field to compare." : "\"\(inner)\" has an empty part between dots; name each part (e.g. address.city)."
        }
        if op.isFunction, value.stringValue == nil {
            return "\(op.label) compares text: give a text value."
        }
        if op.isOrdering, case .number = value {} else if op.isOrdering {
            return "\(op.rawValue) compares numbers: give a number."
        }
        if value.stringValue?.isEmpty == true, [.eventType, .eventName].contains(subject) {
            return "Give the \(subject.label) to compare with."
        }
        return nil
    }
}

/// All conditions must hold, or any one.
enum TriggerJoin: String, Sendable, Hashable {
    case all = "and"
    case any = "or"
}

/// Why trigger text cannot be shown in the builder. `position` is a 0-based character offset.
struct TriggerBuilderRejection: Error, Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        /// The text is not valid trigger syntax at all.
        case syntax
        /// Valid language, but more than the builder shows (grouping, negation, mixed and/or, other fields).
        case beyondBuilder
    }

    var kind: Kind
    var message: String
    var position: Int

    var description: String { "\(message) (at character \(position + 1))" }
}

/// The builder: conditions joined by all/any, turned into trigger text and read back from it.
struct TriggerBuilder: Sendable, Hashable {
    var conditions: [TriggerCondition]
    var join: TriggerJoin

    init(conditions: [TriggerCondition] = [], join: TriggerJoin = .all) {
        self.conditions = conditions
        self.join = join
    }

    /// The trigger text, e.g. `type = "track" and event = "Order Completed"`.
    var text: String { conditions.map(\.text).joined(separator: " \(join.rawValue) ") }

    /// Reads `text` into builder conditions, or says why the builder cannot show it.
    static func parse(_ text: String) -> Result<TriggerBuilder, TriggerBuilderRejection> {
        var parser = SubsetParser(text: text)
        do {
            return .success(try parser.parseAll())
        } catch {
            return .failure(error)
        }
    }
}

/// The part of the trigger language the builder covers: `field op value` and
/// `contains|match(field, "text")` joined by one kind of `and`/`or`.
private struct SubsetParser {
    enum Token: Equatable {
        case identifier(String), string(String), number(String), symbol(String), end
    }

    let characters: [Character]
    var index = 0
    var token: Token = .end
    var tokenStart = 0

    init(text: String) { characters = Array(text) }

    mutating func parseAll() throws(TriggerBuilderRejection) -> TriggerBuilder {
        try advance()
        if token == .end { return TriggerBuilder() }
        var builder = TriggerBuilder()
        var join: TriggerJoin?
        while true {
            builder.conditions.append(try parseCondition())
            if token == .end { break }
            guard case .identifier(let word) = token, let next = TriggerJoin(rawValue: word) else {
                throw syntax("expected \"and\", \"or\" or the end after a condition, found \(describe(token))")
            }
            if let join, join != next {
                throw beyond("mixes \"and\" with \"or\"; the builder joins every condition the same way")
            }
            join = next
            try advance()
        }
        builder.join = join ?? .all
        return builder
    }

    mutating func parseCondition() throws(TriggerBuilderRejection) -> TriggerCondition {
        switch token {
        case .symbol("("): throw beyond("parentheses group conditions; the builder has one flat list")
        case .symbol("!"):
            let bang = tokenStart
            try advance()
            guard case .identifier(let name) = token, name == "contains" || name == "match" else {
                throw TriggerBuilderRejection(kind: .beyondBuilder, message: "\"!\" negates a condition; the builder negates only contains and match", position: bang)
            }
            return try parseFunction(negated: true)
        case .identifier(let name) where name == "contains" || name == "match":
            return try parseFunction(negated: false)
        default:
            let subject = try parseSubject()
            guard case .symbol(let symbol) = token, let op = TriggerOperator(rawValue: symbol) else {
                throw syntax("expected an operator (= != < <= > >=) after \(subject.fieldPath), found \(describe(token))")
            }
            try advance()
            let value: TriggerLiteral
            switch token {
            case .string(let s): value = .string(s)
            case .number(let n): value = .number(n)
            case .identifier("true"): value = .bool(true)
            case .identifier("false"): value = .bool(false)
            case .identifier("null"): value = .null
            case .identifier(let other): throw beyond("compares with the field \(other); the builder compares with values")
            default: throw syntax("expected a value after \(op.rawValue), found \(describe(token))")
            }
            try advance()
            return TriggerCondition(subject, op, value)
        }
    }

    /// `contains(field, "text")` / `match(field, "glob")`, the current token being the name.
    mutating func parseFunction(negated: Bool) throws(TriggerBuilderRejection) -> TriggerCondition {
        guard case .identifier(let name) = token else { throw syntax("expected contains or match") }
        let op: TriggerOperator = name == "contains" ? (negated ? .notContains : .contains) : (negated ? .notMatches : .matches)
        try advance()
        try expect("(")
        let subject = try parseSubject()
        try expect(",")
        guard case .string(let value) = token else { throw syntax("expected quoted text as \(name)'s second argument, found \(describe(token))") }
        try advance()
        try expect(")")
        return TriggerCondition(subject, op, .string(value))
    }

    mutating func parseSubject() throws(TriggerBuilderRejection) -> TriggerSubject {
        guard case .identifier(let path) = token else { throw syntax("expected a field such as type, event or properties.name, found \(describe(token))") }
        guard let subject = TriggerSubject(fieldPath: path) else {
            throw beyond("the builder offers type, event, properties.*, traits.* and context.*, not \(path)")
        }
        try advance()
        return subject
    }

    mutating func expect(_ symbol: String) throws(TriggerBuilderRejection) {
        guard token == .symbol(symbol) else { throw syntax("expected \"\(symbol)\", found \(describe(token))") }
        try advance()
    }

    func describe(_ token: Token) -> String {
        switch token {
        case .identifier(let s): return "\"\(s)\""
        case .string(let s): return "\"\\\"\(s)\\\"\""
        case .number(let n): return n
        case .symbol(let s): return "\"\(s)\""
        case .end: return "the end of the text"
        }
    }

    func syntax(_ message: String) -> TriggerBuilderRejection { TriggerBuilderRejection(kind: .syntax, message: message, position: tokenStart) }
    func beyond(_ message: String) -> TriggerBuilderRejection { TriggerBuilderRejection(kind: .beyondBuilder, message: message, position: tokenStart) }

    mutating func advance() throws(TriggerBuilderRejection) {
        while index < characters.count, characters[index].isWhitespace { index += 1 }
        tokenStart = index
        guard index < characters.count else { token = .end; return }
        let c = characters[index]
        if c == "\"" || c == "'" {
            var value = ""
            index += 1
            while true {
                guard index < characters.count else {
                    throw TriggerBuilderRejection(kind: .syntax, message: "text starting here has no closing quote", position: tokenStart)
                }
                let d = characters[index]
                index += 1
                if d == c { break }
                if d == "\\", index < characters.count { value.append(characters[index]); index += 1; continue }
                value.append(d)
            }
            token = .string(value)
        } else if c == "-" || (c.isASCII && c.isNumber) {
            var text = String(c)
            index += 1
            while index < characters.count, characters[index].isASCII, characters[index].isNumber || characters[index] == "." {
                text.append(characters[index]); index += 1
            }
            guard TriggerLiteral.isNumber(text) else {
                throw TriggerBuilderRejection(kind: .syntax, message: "\(text) is not a number", position: tokenStart)
            }
            token = .number(text)
        } else if c.isASCII && (c.isLetter || c == "_" || c == "$") || c == "\\" {
            // A field path: letters, digits, _ $ - and dots; a backslash makes the next character
            // part of the name (`properties.product\ 1`).
            var text = ""
            while index < characters.count {
                let d = characters[index]
                if d == "\\", index + 1 < characters.count {
                    text.append(characters[index + 1]); index += 2
                } else if d.isASCII && (d.isLetter || d.isNumber || d == "_" || d == "$" || d == "." || d == "-") {
                    text.append(d); index += 1
                } else {
                    break
                }
            }
            token = .identifier(text)
        } else {
            let two = index + 1 < characters.count ? String([c, characters[index + 1]]) : ""
            if ["!=", "<=", ">="].contains(two) {
                token = .symbol(two); index += 2
            } else if "=<>!(),".contains(c) {
                token = .symbol(String(c)); index += 1
            } else {
                throw TriggerBuilderRejection(kind: .syntax, message: "unexpected character \"\(c)\"", position: tokenStart)
            }
        }
    }
}
