import Testing
@testable import CleverTapCore

/// One `eval-trigger` request line in, one answer out.
@Suite(.timeLimit(.minutes(2))) struct TriggerEvaluationTests {
    @Test(arguments: [
        (#"{"trigger": "type = \"track\"", "event": {"type": "track"}}"#, #"{"match":true}"#, false),
        (#"{"trigger": "type = \"track\"", "event": {"type": "page"}}"#, #"{"match":false}"#, false),
        (#"{"event": {"type": "page"}, "trigger": "type != \"track\""}"#, #"{"match":true}"#, false),
        (#"{"trigger": "type = \"track\""}"#, #"{"valid":true}"#, false),
        (#"{"trigger": "match(event, \"ab\")"}"#,
         #"{"valid":true,"warnings":["match() pattern \"ab\" has no '*': Segment evaluates it as ends with \"b\" (it drops the first character); use \"*ab\" or \"ab*\""]}"#, false),
        (#"{"trigger": "type ="}"#,
         #"{"error":"expected a value after '=': a \"string\", a number, true, false or null, found the end of the trigger (at character 7)"}"#, false),
        (#"{"trigger": "type = \"a\"", "event": {}}"#, #"{"match":false}"#, false),
        (#"not json"#, #"{"error":"line 7: invalid JSON: invalid literal, expected null at column 1"}"#, true),
        (#"{"trigger": "type = \"a\"""#, #"{"error":"line 7: invalid JSON: unexpected end of input inside an object at column 27"}"#, true),
        (#"["type = \"a\""]"#, #"{"error":"line 7: expected a JSON object {\"trigger\": \"...\", \"event\": {...}}, found array"}"#, true),
        (#"{"event": {}}"#, #"{"error":"line 7: missing \"trigger\": expected {\"trigger\": \"...\", \"event\": {...}}"}"#, true),
        (#"{"trigger": 5}"#, #"{"error":"line 7: \"trigger\" must be a string, found number"}"#, true),
        (#"{"trigger": "type = \"a\"", "event": "track"}"#, #"{"error":"line 7: \"event\" must be a JSON object, found string"}"#, true),
        (#"{"trigger": "type = \"a\"", "evnt": {}}"#, #"{"error":"line 7: unknown key \"evnt\": expected only \"trigger\" and \"event\""}"#, true),
    ])
    func answersOneLine(_ line: String, _ expected: String, _ malformed: Bool) {
        let outcome = TriggerEvaluation.evaluate(line: Array(line.utf8), lineNumber: 7)
        #expect(outcome.result.description == expected)
        #expect(outcome.inputWasMalformed == malformed)
    }
}
