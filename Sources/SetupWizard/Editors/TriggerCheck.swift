import CleverTapCore

/// The verdict on the trigger being edited, shown under it on every keystroke.
enum TriggerStatus: Sendable, Hashable {
    /// No text yet.
    case empty
    /// Not valid; `position` is the 0-based character offset of the problem.
    case invalid(message: String, position: Int)
    /// Valid; whether the current sample event matches it, and the parser's warnings (things
    /// Segment evaluates in a surprising way).
    case valid(sampleMatches: Bool, warnings: [String])

    var line: String {
        switch self {
        case .empty: return "Empty trigger: add a condition (builder) or type one (raw)."
        case .invalid(let message, let position): return "Error at character \(position + 1): \(message)"
        case .valid(let matches, let warnings):
            let verdict = matches ? "Valid. The sample event matches." : "Valid. The sample event does not match."
            return ([verdict] + warnings.map { "Warning: \($0)" }).joined(separator: " ")
        }
    }
}

/// Judges trigger text with the core's trigger engine, the same one the pipeline runs.
enum TriggerCheck {
    static func check(_ text: String, sample: JSONValue) -> TriggerStatus {
        if text.trimmingWhitespace().isEmpty { return .empty }
        do {
            let trigger = try Trigger.parse(text)
            return .valid(sampleMatches: trigger.matches(sample), warnings: trigger.warnings.map(\.message))
        } catch {
            return .invalid(message: error.message, position: error.position)
        }
    }
}
