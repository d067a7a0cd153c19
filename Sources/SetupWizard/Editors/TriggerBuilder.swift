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
enum ConditionValue: Sendable, Hashable {
    case string(String)
    /// Kept as the digits typed (`99.5`), so the trigger text shows what the user wrote.
    case number(String)
    case bool(Bool)
    case null

    /// What a person typed in the value box: `true`, `false`, `null` and numbers are typed,
    /// everything else is text. Subjects that are always text (event type and name) and the
    /// text-only operators pass `asText: true`.
    /// The builder's form of a value the core parsed. Whole numbers print without a fraction.
    init(_ literal: TriggerLiteral) {
        switch literal {
        case .string(let s): self = .string(s)
        case .bool(let b): self = .bool(b)
        case .null: self = .null
        case .number(let n):
            self = .number(n.rounded() == n && n.magnitude < 1e15 ? String(Int64(n)) : String(n))
        }
    }

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
    var value: ConditionValue

    init(_ subject: TriggerSubject, _ op: TriggerOperator = .equals, _ value: ConditionValue) {
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
    /// Where in the text, when the reason has a place (syntax errors, mixed and/or).
    var position: Int?

    var description: String { position.map { "\(message) (at character \($0 + 1))" } ?? message }
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

    /// Reads `text` into builder conditions, or says why the builder cannot show it. Parsing is
    /// the core's `Trigger.parse`, so the builder never accepts what the pipeline would refuse.
    static func parse(_ text: String) -> Result<TriggerBuilder, TriggerBuilderRejection> {
        if text.trimmingWhitespace().isEmpty { return .success(TriggerBuilder()) }
        let trigger: Trigger
        do {
            trigger = try Trigger.parse(text)
        } catch {
            return .failure(TriggerBuilderRejection(kind: .syntax, message: error.message, position: error.position))
        }
        if let mixed = trigger.warnings.first(where: { $0.kind == .mixedConjunctions }) {
            return .failure(TriggerBuilderRejection(kind: .beyondBuilder, message: "it mixes \"and\" with \"or\" without parentheses; the builder joins every condition the same way", position: mixed.position))
        }
        do {
            switch trigger.expression {
            case .group(let conjunction, let children):
                var builder = TriggerBuilder(join: conjunction == .and ? .all : .any)
                for child in children { builder.conditions.append(try condition(child)) }
                return .success(builder)
            default:
                return .success(TriggerBuilder(conditions: [try condition(trigger.expression)]))
            }
        } catch {
            return .failure(error)
        }
    }

    private static func condition(_ expression: TriggerExpression) throws(TriggerBuilderRejection) -> TriggerCondition {
        func beyond(_ message: String) -> TriggerBuilderRejection { TriggerBuilderRejection(kind: .beyondBuilder, message: message, position: nil) }
        switch expression {
        case .group:
            throw beyond("it groups conditions in parentheses; the builder has one flat list")
        case .comparison(let field, let comparison, let literal):
            let op: TriggerOperator
            switch comparison {
            case .equal: op = .equals
            case .notEqual: op = .notEquals
            case .less: op = .less
            case .lessOrEqual: op = .lessOrEqual
            case .greater: op = .greater
            case .greaterOrEqual: op = .greaterOrEqual
            }
            return TriggerCondition(try subject(field), op, ConditionValue(literal))
        case .contains(let field, let literal, let negated):
            guard case .string(let text) = literal else { throw beyond("contains() is given a value that is not text; the builder's contains takes text") }
            return TriggerCondition(try subject(field), negated ? .notContains : .contains, .string(text))
        case .match(let field, let pattern, let negated):
            return TriggerCondition(try subject(field), negated ? .notMatches : .matches, .string(pattern))
        }
    }

    private static func subject(_ field: TriggerField) throws(TriggerBuilderRejection) -> TriggerSubject {
        if field.path.contains(where: { $0.contains(".") || $0.isEmpty }) {
            throw TriggerBuilderRejection(kind: .beyondBuilder, message: "a field name contains a dot; the builder separates parts by dots", position: nil)
        }
        let path = field.path.joined(separator: ".")
        switch field.root {
        case .type: return .eventType
        case .event: return .eventName
        case .name: return .pageName
        case .userId: return .userId
        case .properties: return .property(path)
        case .traits: return .trait(path)
        case .context: return .context(path)
        }
    }
}
