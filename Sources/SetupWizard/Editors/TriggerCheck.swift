import CleverTapCore

/// The verdict on the trigger being edited, shown under it on every keystroke.
enum TriggerStatus: Sendable, Hashable {
    /// No text yet.
    case empty
    /// Not valid; `position` is the 0-based character offset of the problem.
    case invalid(message: String, position: Int)
    /// Valid; whether the current sample event matches it, and any warnings.
    case valid(sampleMatches: Bool, warnings: [String])
    /// Valid-looking text beyond the builder's subset that only the full trigger parser can judge.
    case notChecked(reason: String)

    var line: String {
        switch self {
        case .empty: return "Empty trigger: add a condition (builder) or type one (raw)."
        case .invalid(let message, let position): return "Error at character \(position + 1): \(message)"
        case .valid(let matches, let warnings):
            let verdict = matches ? "Valid. The sample event matches." : "Valid. The sample event does not match."
            return ([verdict] + warnings.map { "Warning: \($0)" }).joined(separator: " ")
        case .notChecked(let reason): return "Not checked: \(reason)"
        }
    }
}

/// The one place where trigger text is judged and run against the sample.
///
/// Until `Trigger.parse` (branch `triggers`) is on main this judges the builder's subset with
/// the builder's own reader and evaluator; text beyond the subset is reported as not checked.
/// After the merge, `check` calls `Trigger.parse` and `matches` and the interim evaluator goes.
enum TriggerCheck {
    static func check(_ text: String, sample: JSONValue) -> TriggerStatus {
        if text.trimmingWhitespace.isEmpty { return .empty }
        switch TriggerBuilder.parse(text) {
        case .success(let builder):
            if let problem = builder.conditions.lazy.compactMap(\.problem).first {
                return .invalid(message: problem, position: 0)
            }
            let matches = builder.join == .all
                ? builder.conditions.allSatisfy { InterimEvaluator.matches($0, sample) }
                : builder.conditions.contains { InterimEvaluator.matches($0, sample) }
            return .valid(sampleMatches: matches, warnings: [])
        case .failure(let rejection):
            switch rejection.kind {
            case .syntax: return .invalid(message: rejection.message, position: rejection.position)
            case .beyondBuilder: return .notChecked(reason: "the full trigger language is checked once the trigger parser is available (\(rejection.message)).")
            }
        }
    }
}

/// Evaluates one builder condition against an event, following Segment's subscription rules as
/// far as the builder's subset needs them. Replaced by `Trigger.matches` after the merge.
enum InterimEvaluator {
    static func matches(_ condition: TriggerCondition, _ event: JSONValue) -> Bool {
        var field: JSONValue? = event
        for segment in condition.subject.segments { field = field?[segment] }
        switch condition.op {
        case .equals: return equal(field, condition.value)
        case .notEquals: return !equal(field, condition.value)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let lhs = field?.doubleValue, case .number(let digits) = condition.value, let rhs = Double(digits) else { return false }
            switch condition.op {
            case .less: return lhs < rhs
            case .lessOrEqual: return lhs <= rhs
            case .greater: return lhs > rhs
            default: return lhs >= rhs
            }
        case .contains, .notContains:
            guard let haystack = field?.stringValue, case .string(let needle) = condition.value else { return condition.op == .notContains }
            return haystack.contains(needle) == (condition.op == .contains)
        case .matches, .notMatches:
            guard let text = field?.stringValue, case .string(let pattern) = condition.value else { return condition.op == .notMatches }
            return glob(Array(pattern), Array(text)) == (condition.op == .matches)
        }
    }

    static func equal(_ field: JSONValue?, _ literal: TriggerLiteral) -> Bool {
        switch (field, literal) {
        case (nil, .null), (.null?, .null): return true
        case (.string(let a)?, .string(let b)): return a == b
        case (.bool(let a)?, .bool(let b)): return a == b
        case (let value?, .number(let digits)): return value.doubleValue != nil && value.doubleValue == Double(digits)
        default: return false
        }
    }

    /// `*` any run of characters, `?` exactly one.
    static func glob(_ pattern: [Character], _ text: [Character]) -> Bool {
        var p = 0, t = 0, star = -1, mark = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == text[t] {
                p += 1; t += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p; mark = t; p += 1
            } else if star >= 0 {
                p = star + 1; mark += 1; t = mark
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }
}
