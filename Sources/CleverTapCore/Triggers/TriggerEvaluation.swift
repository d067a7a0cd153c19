/// One request line of `eval-trigger`: `{"trigger": "...", "event": {...}}` in, one result object
/// out. Lives in the core so the CLI only does I/O and tests can check answers without a process.
public enum TriggerEvaluation {
    /// The answer for one input line.
    public struct Outcome: Sendable, Equatable {
        /// `{"match": b}`, `{"valid": true}` or `{"error": "..."}`, plus `"warnings"` when any.
        public var result: JSONValue
        /// True when the line itself was not a valid request (bad JSON, missing or wrong "trigger"
        /// or "event"), as opposed to a well-formed request whose trigger does not parse.
        public var inputWasMalformed: Bool
    }

    /// Answers every line of `input` on `output` (blank lines skipped); returns how many answers
    /// were errors: a malformed line or an invalid trigger, as in `eval-mapping`.
    public static func run(reader: inout InputReader, output: Int32) throws(StreamError) -> Int {
        try RequestLines.answer(reader: &reader, output: output) { line, number in evaluate(line: line, lineNumber: number).result }
    }

    /// Evaluates one NDJSON line (without its newline). `lineNumber` is 1-based, for messages.
    public static func evaluate<Bytes: Collection>(line: Bytes, lineNumber: Int) -> Outcome where Bytes.Element == UInt8 {
        let request: JSONValue
        do {
            request = try JSONParser.parse(bytes: line)
        } catch {
            // A 1-based column, as `map` and `eval-mapping` report it (a byte offset counts from 0).
            return malformed(lineNumber, "invalid JSON: \(error.message) at column \(error.lineAndColumn(in: line).column)")
        }
        guard case .object(let object) = request else {
            return malformed(lineNumber, "expected a JSON object {\"trigger\": \"...\", \"event\": {...}}, found \(request.kindName)")
        }
        for key in object.keys where key != "trigger" && key != "event" {
            return malformed(lineNumber, "unknown key \"\(key)\": expected only \"trigger\" and \"event\"")
        }
        guard let triggerValue = object["trigger"] else {
            return malformed(lineNumber, "missing \"trigger\": expected {\"trigger\": \"...\", \"event\": {...}}")
        }
        guard case .string(let text) = triggerValue else {
            return malformed(lineNumber, "\"trigger\" must be a string, found \(triggerValue.kindName)")
        }
        let event = object["event"]
        if let event, event.objectValue == nil {
            return malformed(lineNumber, "\"event\" must be a JSON object, found \(event.kindName)")
        }
        let trigger: Trigger
        do {
            trigger = try Trigger.parse(text)
        } catch {
            return Outcome(result: ["error": .string(error.description)], inputWasMalformed: false)
        }
        var result = JSONObject()
        if let event {
            result["match"] = .bool(trigger.matches(event))
        } else {
            result["valid"] = true
        }
        if !trigger.warnings.isEmpty {
            result["warnings"] = .array(trigger.warnings.map { .string($0.message) })
        }
        return Outcome(result: .object(result), inputWasMalformed: false)
    }

    private static func malformed(_ lineNumber: Int, _ message: String) -> Outcome {
        Outcome(result: ["error": .string("line \(lineNumber): \(message)")], inputWasMalformed: true)
    }
}
