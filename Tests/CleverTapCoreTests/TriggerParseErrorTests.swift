import Testing
@testable import CleverTapCore

/// Trigger text that must not parse: where (0-based character) and what the message says.
struct TriggerErrorCase: Sendable, CustomTestStringConvertible {
    let trigger: String
    let position: Int
    let message: String

    init(_ trigger: String, _ position: Int, _ message: String) {
        self.trigger = trigger
        self.position = position
        self.message = message
    }

    var testDescription: String { "\(trigger) -> \(position): \(message)" }

    static let all: [TriggerErrorCase] = [
        // Lexer
        .init(#""#, 0, "empty trigger: expected a condition"),
        .init(#"   "#, 3, "empty trigger"),
        .init(#"event = "Order"#, 8, "unterminated string"),
        .init(#"event = 'Order'"#, 8, "single-quoted strings are not supported"),
        .init(#"event = "a" # note"#, 12, "invalid character '#'"),
        .init(#"event == "a""#, 6, "'==' is not an operator: use '='"),
        .init(#"properties.x = 1."#, 17, "expected digits after the decimal point"),
        .init(#"properties.x = 1.2.3"#, 15, "invalid number"),
        .init(#"properties.x = 1e3"#, 15, "invalid number"),
        .init(#"properties.x = 5abc"#, 15, "invalid number"),
        .init(#"properties.x = -"#, 15, "expected digits after '-'"),
        .init(#"properties.x = - 5"#, 15, "expected digits after '-'"),
        .init(#"properties.a\"#, 12, "expected a character after the escape"),
        .init(#"event = "a" & type = "b""#, 12, "invalid character '&'"),
        .init(#"properties.x ~ 1"#, 13, "invalid character '~'"),
        // Fields
        .init(#"foo = "x""#, 0, "unknown field 'foo'"),
        .init(#"Event = "x""#, 0, "did you mean 'event'?"),
        .init(#"USERID != null"#, 0, "did you mean 'userId'?"),
        .init(#"properties = 1"#, 10, "expected '.' and a field name after 'properties'"),
        .init(#"traits != null"#, 6, "expected '.' and a field name after 'traits'"),
        .init(#"context. = 1"#, 9, "expected a field name after '.'"),
        .init(#"properties.a. = 1"#, 14, "expected a field name after '.'"),
        .init(#"properties.a[x] = 1"#, 13, "expected an array index"),
        .init(#"properties.a[-1] = 1"#, 13, "expected an array index"),
        .init(#"properties.a[0 = 1"#, 15, "expected ']' after the array index"),
        .init(#"event.name = "x""#, 0, "'event' has no fields below it"),
        .init(#"userId.id = "x""#, 0, "'userId' has no fields below it"),
        // Operators and values
        .init(#"event"#, 5, "expected an operator (=, !=, <, <=, >, >=) after event"),
        .init(#"event "a""#, 6, "expected an operator"),
        .init(#"properties.x contains "a""#, 13, "expected an operator"),
        .init(#"event ="#, 7, "expected a value after '='"),
        .init(#"event = Order"#, 8, "strings need double quotes"),
        .init(#"properties.x = True"#, 15, "found 'True'"),
        .init(#"properties.x = NULL"#, 15, "found 'NULL'"),
        .init(#"event = ("#, 8, "expected a value after '='"),
        .init(#"= "x""#, 0, "expected a condition"),
        .init(#""x" = event"#, 0, "expected a condition"),
        .init(#"5 = properties.x"#, 0, "expected a condition"),
        // Conjunctions
        .init(#"event = "a" event = "b""#, 12, "expected 'and', 'or' or the end of the trigger"),
        .init(#"event = "a" AND event = "b""#, 12, "found 'AND'"),
        .init(#"event = "a" && event = "b""#, 12, "invalid character '&'"),
        .init(#"event = "a" and"#, 15, "expected a condition"),
        .init(#"and event = "a""#, 0, "unknown field 'and'"),
        .init(#"event = "a" or or event = "b""#, 15, "unknown field 'or'"),
        .init(#"type = "track" and(event = "a")"#, 15, "put a space between 'and' and '('"),
        .init(#"type = "track" or(event = "a")"#, 15, "put a space between 'or' and '('"),
        // Parentheses
        .init(#"(event = "a""#, 12, "expected ')' to close the '(' at character 1"),
        .init(#"event = "a")"#, 11, "unexpected ')' without a matching '('"),
        .init(#"()"#, 1, "empty parentheses"),
        .init(#"((event = "a"))"#, 1, "nested parentheses are not supported"),
        .init(#"type = "t" and (event = "a" or (event = "b"))"#, 31, "nested parentheses are not supported"),
        .init(#"(event = "a" type = "b")"#, 13, "expected 'and', 'or' or ')'"),
        .init(#"(contains(event, "a") or event = "b""#, 36, "expected ')' to close the '(' at character 1"),
        // Functions and negation
        .init(#"!(event = "a")"#, 0, "'!' can only negate contains(...) or match(...)"),
        .init(#"!event = "a""#, 0, "'!' can only negate"),
        .init(#"contains(type, "tr")"#, 9, "contains() does not work on 'type'"),
        .init(#"match(type, "tr*")"#, 6, "match() does not work on 'type'"),
        .init(#"contains(event "a")"#, 15, "expected ',' after the field in contains(...)"),
        .init(#"contains(event, "a""#, 19, "expected ')' to close contains("),
        .init(#"contains(event, "a", "b")"#, 19, "expected ')' to close contains("),
        .init(#"contains(event)"#, 14, "expected ',' after the field"),
        .init(#"contains("a", event)"#, 9, "expected a field"),
        .init(#"contains(properties, "a")"#, 19, "expected '.' and a field name after 'properties'"),
        .init(#"match(event, Order*)"#, 18, "invalid character '*'"),
        .init(#"match(event, Order)"#, 13, "match() expects a double-quoted pattern"),
        .init(#"match(event, 5)"#, 13, "match() expects a double-quoted pattern"),
        .init(#"contains(event, x)"#, 16, "strings need double quotes"),
        .init(#"contains = "x""#, 0, "unknown field 'contains'"),
    ]
}

@Suite(.timeLimit(.minutes(2))) struct TriggerParseErrorTests {
    @Test(arguments: TriggerErrorCase.all)
    func reportsWhereAndWhatWasExpected(_ testCase: TriggerErrorCase) {
        #expect(throws: TriggerParseError.self) { try Trigger.parse(testCase.trigger) }
        do {
            _ = try Trigger.parse(testCase.trigger)
        } catch {
            #expect(error.position == testCase.position, "\(error.message)")
            #expect(error.message.contains(testCase.message), "\(error.message)")
            #expect(error.description.hasSuffix("(at character \(testCase.position + 1))"))
        }
    }

    @Test func positionsCountCharactersNotBytes() throws {
        // "é" and "😀" are one character each but 2 and 4 UTF-8 bytes.
        let error = #expect(throws: TriggerParseError.self) { try Trigger.parse(#"event = "é😀" foo"#) }
        #expect(error?.position == 13)
    }
}
