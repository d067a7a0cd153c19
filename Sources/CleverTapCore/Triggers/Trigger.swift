/// A subscription trigger in Segment's language, e.g.
/// `type = "identify" and (traits.plan = "pro" or contains(event, "Signed"))`.
///
/// `parse` compiles the text once into a tree of conditions with pre-split field paths, so
/// `matches` does no string parsing per event. Semantics are those of Segment's
/// `@segment/destination-subscriptions` (docs/triggers.md has the rules and where we differ),
/// including its surprises, which `warnings` points out.
public struct Trigger: Sendable, Hashable, CustomStringConvertible {
    /// The trigger as written, after parsing (single-condition parentheses removed).
    public let expression: TriggerExpression
    /// Things that evaluate differently from what a reader probably expects, in source order.
    public var warnings: [TriggerWarning]
    let matcher: TriggerMatcher

    init(expression: TriggerExpression, warnings: [TriggerWarning]) {
        self.expression = expression
        self.warnings = warnings
        self.matcher = TriggerMatcher(expression)
    }

    /// The longest trigger accepted, in UTF-8 bytes. Real triggers are a few hundred bytes; the
    /// bound refuses a pasted file at once (a 100 MB one took 108 s and 3.1 GB to lex).
    public static let maximumLength = 64 * 1024

    /// Parses `text`; a syntax error says what was expected and at which character (0-based).
    public static func parse(_ text: String) throws(TriggerParseError) -> Trigger {
        let length = text.utf8.count
        if length > maximumLength {
            throw TriggerParseError(message: "the trigger is \(length) bytes long; the limit is \(maximumLength) bytes", position: 0)
        }
        var parser = TriggerParser(text)
        let (expression, warnings) = try parser.parseTrigger()
        return Trigger(expression: expression, warnings: warnings)
    }

    /// Whether `event` (a Segment event object) satisfies the trigger. Non-objects match only
    /// conditions that hold for missing fields.
    @inline(__always)
    public func matches(_ event: JSONValue) -> Bool {
        matcher.matches(event)
    }

    /// Canonical printed form, as evaluated: every level joined by the conjunction Segment uses,
    /// so `parse(description)` gives an equal trigger without the mixed and/or warning.
    public var description: String { TriggerPrinter.print(expression) }

    /// Two triggers are equal when they evaluate the same way (same canonical form); warnings,
    /// which depend on how the text was written, do not count.
    public static func == (lhs: Trigger, rhs: Trigger) -> Bool { lhs.expression == rhs.expression }
    public func hash(into hasher: inout Hasher) { hasher.combine(expression) }
}

/// A trigger that could not be parsed: what was wrong and what was expected (`message`), and the
/// 0-based character offset where it was found (`position`; the text's length for its end).
public struct TriggerParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var position: Int

    public init(message: String, position: Int) {
        self.message = message
        self.position = position
    }

    public var description: String { "\(message) (at character \(position + 1))" }
}

/// Something in a valid trigger that Segment evaluates in a surprising way. We evaluate it exactly
/// as Segment does (so copied triggers behave the same) and say so.
public struct TriggerWarning: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// `and` and `or` at one level without parentheses: Segment joins the whole level by the last one.
        case mixedConjunctions
        /// A `match()` pattern without exactly one leading or trailing `*`.
        case matchPattern
        /// A comparison whose value Segment converts (null/true/false/numbers compared as strings,
        /// strings compared as numbers, booleans never equal).
        case valueConversion
        /// contains()/match() inside parentheses, not last: its ')' ends the group in Segment.
        case groupClosedByFunction
        /// Written in a way our parser reads but Segment's cannot (numeric path segments, `[0]`,
        /// `\"` in strings): fine here, but the trigger would not work when copied to Segment.
        case notPortableToSegment
    }

    public var kind: Kind
    public var message: String
    /// 0-based character offset of the construct the warning is about.
    public var position: Int

    public init(kind: Kind, message: String, position: Int) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    public var description: String { message }
}

/// The parsed form of a trigger.
public indirect enum TriggerExpression: Sendable, Hashable {
    /// `field op value`.
    case comparison(TriggerField, TriggerComparison, TriggerLiteral)
    /// `contains(field, value)` or `!contains(...)`.
    case contains(TriggerField, TriggerLiteral, negated: Bool)
    /// `match(field, "pattern")` or `!match(...)`.
    case match(TriggerField, pattern: String, negated: Bool)
    /// Conditions joined by one conjunction (Segment has no precedence between `and` and `or`).
    case group(TriggerConjunction, [TriggerExpression])
}

public enum TriggerConjunction: String, Sendable, Hashable {
    case and
    case or
}

public enum TriggerComparison: String, Sendable, Hashable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
}

/// A value written in a trigger. Numbers are JavaScript numbers (doubles), as in Segment.
public enum TriggerLiteral: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    /// JavaScript's `String(value)`, which Segment uses whenever it compares as strings.
    var javaScriptString: String {
        switch self {
        case .string(let s): return s
        case .number(let n): return JavaScriptValues.string(from: n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}

/// The field a condition looks at: one of the event's top-level `type`, `event`, `name`, `userId`,
/// or a path under `properties`, `traits` or `context`.
public struct TriggerField: Sendable, Hashable {
    public enum Root: String, Sendable, Hashable, CaseIterable {
        case type, event, name, userId, properties, traits, context

        /// Roots that take a dotted path after them.
        public var takesPath: Bool {
            switch self {
            case .properties, .traits, .context: return true
            case .type, .event, .name, .userId: return false
            }
        }
    }

    public var root: Root
    /// Path segments below the root (empty for `type`, `event`, `name`, `userId`).
    public var path: [String]

    public init(root: Root, path: [String] = []) {
        self.root = root
        self.path = path
    }
}
