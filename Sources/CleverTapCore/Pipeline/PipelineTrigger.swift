/// The pipeline's view of a subscription trigger.
///
/// Interim: until the trigger engine (`Trigger`, branch `triggers`) is on main this understands
/// only `field = "text"` comparisons on top-level fields, which is what the Quick Setup presets
/// use. It is replaced by `Trigger.parse` / `matches` when that lands.
struct PipelineTrigger: Sendable {
    let field: String
    let value: String

    struct ParseError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws(ParseError) -> PipelineTrigger {
        let parts = text.split(separator: "=", maxSplits: 1)
        guard parts.count == 2 else { throw ParseError(description: "expected field = \"value\"") }
        let field = parts[0].trimmingCharacters(in: " ")
        var value = parts[1].trimmingCharacters(in: " ")
        guard !field.isEmpty, value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
            throw ParseError(description: "expected field = \"value\"")
        }
        value = String(value.dropFirst().dropLast())
        return PipelineTrigger(field: field, value: value)
    }

    func matches(_ event: JSONValue) -> Bool {
        event[field]?.stringValue == value
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = self
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
