/// A trigger compiled for evaluation: each condition is reduced at parse time to one of Segment's
/// operators (`number_equals`, `exists`, `starts_with`, ...) with its value already converted the
/// way Segment converts it, and each field path is pre-split into steps. Evaluating an event is a
/// walk over this tree with no string parsing.
struct TriggerMatcher: Sendable {
    indirect enum Node: Sendable {
        case all([Node])
        case any([Node])
        case test(Lookup, Test)
    }

    enum Lookup: Sendable {
        /// A top-level member of the event (`type`, `event`, `name`, `userId`).
        case member(String)
        /// `root` member, then `steps` with the rules of Segment's `get` (`previous && previous[key]`).
        case path(root: String, steps: [Step])
    }

    struct Step: Sendable {
        let key: String
        /// The array index `key` denotes, when it is a canonical non-negative integer.
        let index: Int?
        /// `length` of arrays and strings, as JavaScript gives it.
        let isLength: Bool

        init(_ key: String) {
            self.key = key
            isLength = key == "length"
            if let n = Int(key), n >= 0, String(n) == key { index = n } else { index = nil }
        }
    }

    /// Segment's operators (validate.ts), with pre-converted operands.
    enum Test: Sendable, Equatable {
        case stringEquals(String), stringNotEquals(String)
        case numberEquals(Double), numberNotEquals(Double)
        case less(Double), lessOrEqual(Double), greater(Double), greaterOrEqual(Double)
        case contains(String), notContains(String)
        case startsWith(String), notStartsWith(String)
        case endsWith(String), notEndsWith(String)
        case exists, notExists, isTrue, isFalse
    }

    let root: Node

    init(_ expression: TriggerExpression) {
        root = Self.compile(expression)
    }

    @inline(__always)
    func matches(_ event: JSONValue) -> Bool {
        Self.evaluate(root, event)
    }

    // MARK: - Compilation

    static func compile(_ expression: TriggerExpression) -> Node {
        switch expression {
        case .group(.and, let children): return .all(children.map(compile))
        case .group(.or, let children): return .any(children.map(compile))
        case .comparison(let field, let op, let value):
            return .test(lookup(field), compileComparison(field, op, value))
        case .contains(let field, let value, let negated):
            let needle = value.javaScriptString
            return .test(lookup(field), negated ? .notContains(needle) : .contains(needle))
        case .match(let field, let pattern, let negated):
            let (kind, operand) = matchOperation(pattern)
            let test: Test
            switch (kind, negated) {
            case ("starts with", false): test = .startsWith(operand)
            case ("starts with", true): test = .notStartsWith(operand)
            case (_, false): test = .endsWith(operand)
            case (_, true): test = .notEndsWith(operand)
            }
            return .test(lookup(field), test)
        }
    }

    /// Segment's reading of a match() pattern: a trailing `*` means "starts with" the rest; anything
    /// else means "ends with" the pattern minus its first character (whatever that character is).
    static func matchOperation(_ pattern: String) -> (kind: String, operand: String) {
        if pattern.hasSuffix("*") {
            return ("starts with", String(pattern.unicodeScalars.dropLast()))
        }
        return ("ends with", String(String.UnicodeScalarView(pattern.unicodeScalars.dropFirst())))
    }

    /// How parse-fql.ts + validate.ts turn `field op value` into an operator and operand.
    static func compileComparison(_ field: TriggerField, _ op: TriggerComparison, _ value: TriggerLiteral) -> Test {
        let isPath = field.root.takesPath
        // `= null` / `!= null` mean (not) exists for name, userId and paths; for type and event
        // they compare with the string "null".
        if isPath || field.root == .name || field.root == .userId, case .null = value {
            if op == .notEqual { return .exists }
            if op == .equal { return .notExists }
        }
        if isPath || field.root == .userId, op == .equal, case .bool(let b) = value {
            return b ? .isTrue : .isFalse
        }
        if isPath, case .number(let n) = value {
            if op == .equal { return .numberEquals(n) }
            if op == .notEqual { return .numberNotEquals(n) }
        }
        // Everything else: '=' and '!=' compare with String(value); the order operators with
        // Number(value), where type/event/name/userId already turned the value into a string.
        let number: Double
        switch value {
        case .number(let n): number = n
        case .bool(let b) where isPath: number = b ? 1 : 0
        default: number = JavaScriptValues.number(from: value.javaScriptString)
        }
        switch op {
        case .equal: return .stringEquals(value.javaScriptString)
        case .notEqual: return .stringNotEquals(value.javaScriptString)
        case .less: return .less(number)
        case .lessOrEqual: return .lessOrEqual(number)
        case .greater: return .greater(number)
        case .greaterOrEqual: return .greaterOrEqual(number)
        }
    }

    static func lookup(_ field: TriggerField) -> Lookup {
        if field.root.takesPath {
            return .path(root: field.root.rawValue, steps: field.path.map(Step.init))
        }
        return .member(field.root.rawValue)
    }

    // MARK: - Evaluation

    static func evaluate(_ node: Node, _ event: JSONValue) -> Bool {
        switch node {
        case .test(let lookup, let test):
            return check(test, resolve(lookup, in: event))
        case .all(let children):
            for child in children where !evaluate(child, event) { return false }
            return true
        case .any(let children):
            for child in children where evaluate(child, event) { return true }
            return false
        }
    }

    @inline(__always)
    static func member(_ key: String, of value: JSONValue) -> JSONValue? {
        guard case .object(let object) = value else { return nil }
        for member in object.members where UTF8Bytes.equal(member.key, key) { return member.value }
        return nil
    }

    /// The value a field denotes, or nil for JavaScript's `undefined`.
    static func resolve(_ lookup: Lookup, in event: JSONValue) -> JSONValue? {
        switch lookup {
        case .member(let key):
            return member(key, of: event)
        case .path(let rootKey, let steps):
            guard var current = member(rootKey, of: event) else { return nil }
            for step in steps {
                // `previous && previous[key]`: a falsy value ends the walk and is the result.
                if JavaScriptValues.isFalsy(current) { return current }
                switch current {
                case .object:
                    guard let next = member(step.key, of: current) else { return nil }
                    current = next
                case .array(let elements):
                    if step.isLength { current = .int(Int64(elements.count)); continue }
                    guard let i = step.index, i < elements.count else { return nil }
                    current = elements[i]
                case .string(let s):
                    let units = s.utf16
                    if step.isLength { current = .int(Int64(units.count)); continue }
                    guard let i = step.index, i < units.count else { return nil }
                    let unit = units[units.index(units.startIndex, offsetBy: i)]
                    current = .string(Unicode.Scalar(unit).map { String(Character($0)) } ?? "\u{FFFD}")
                default:
                    return nil
                }
            }
            return current
        }
    }

    @inline(__always)
    static func check(_ test: Test, _ actual: JSONValue?) -> Bool {
        switch test {
        case .stringEquals(let s):
            if case .string(let a)? = actual { return UTF8Bytes.equal(a, s) }
            return false
        case .stringNotEquals(let s):
            if case .string(let a)? = actual { return !UTF8Bytes.equal(a, s) }
            return true
        case .numberEquals(let n):
            guard let a = number(actual) else { return false }
            return a == n
        case .numberNotEquals(let n):
            guard let a = number(actual) else { return false }
            return a != n
        case .less(let n):
            guard let a = number(actual) else { return false }
            return a < n
        case .lessOrEqual(let n):
            guard let a = number(actual) else { return false }
            return a <= n
        case .greater(let n):
            guard let a = number(actual) else { return false }
            return a > n
        case .greaterOrEqual(let n):
            guard let a = number(actual) else { return false }
            return a >= n
        case .contains(let s):
            guard case .string(let a)? = actual else { return false }
            return UTF8Bytes.contains(a, s)
        case .notContains(let s):
            guard case .string(let a)? = actual else { return false }
            return !UTF8Bytes.contains(a, s)
        case .startsWith(let s):
            guard case .string(let a)? = actual else { return false }
            return UTF8Bytes.hasPrefix(a, s)
        case .notStartsWith(let s):
            guard case .string(let a)? = actual else { return false }
            return !UTF8Bytes.hasPrefix(a, s)
        case .endsWith(let s):
            guard case .string(let a)? = actual else { return false }
            return UTF8Bytes.hasSuffix(a, s)
        case .notEndsWith(let s):
            guard case .string(let a)? = actual else { return false }
            return !UTF8Bytes.hasSuffix(a, s)
        case .exists:
            guard let actual else { return false }
            return !actual.isNull
        case .notExists:
            guard let actual else { return true }
            return actual.isNull
        case .isTrue:
            if case .bool(true)? = actual { return true }
            return false
        case .isFalse:
            if case .bool(false)? = actual { return true }
            return false
        }
    }

    @inline(__always)
    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .int(let i)?: return Double(i)
        case .double(let d)?: return d
        default: return nil
        }
    }
}
