import Testing
@testable import CleverTapCore

/// Valid triggers Segment evaluates surprisingly: the warning we give (kind, position, message).
struct TriggerWarningCase: Sendable, CustomTestStringConvertible {
    let trigger: String
    let kind: TriggerWarning.Kind
    let position: Int
    let message: String

    init(_ trigger: String, _ kind: TriggerWarning.Kind, _ position: Int, _ message: String) {
        self.trigger = trigger
        self.kind = kind
        self.position = position
        self.message = message
    }

    var testDescription: String { "\(trigger) -> \(kind)" }

    static let all: [TriggerWarningCase] = [
        .init(#"type = "track" and event = "a" or event = "b""#, .mixedConjunctions, 15,
              #"mixes and/or without parentheses: evaluated as type = "track" or event = "a" or event = "b""#),
        .init(#"type = "track" or event = "a" and event = "b""#, .mixedConjunctions, 15,
              #"evaluated as type = "track" and event = "a" and event = "b""#),
        .init(#"(type = "a" or type = "b" and event = "c") and userId != null"#, .mixedConjunctions, 12,
              #"evaluated as type = "a" and type = "b" and event = "c""#),
        .init(#"match(event, "Order")"#, .matchPattern, 13, #"has no '*': Segment evaluates it as ends with "rder""#),
        .init(#"match(event, "")"#, .matchPattern, 13, #"is empty: Segment evaluates it as ends with "", which every string value matches"#),
        .init(#"match(event, "*Order*")"#, .matchPattern, 13, #"only one '*' at the start or the end: "*Order*" is evaluated as starts with "*Order""#),
        .init(#"match(event, "Or*der")"#, .matchPattern, 13, #"evaluated as ends with "r*der""#),
        .init(#"!match(event, "**")"#, .matchPattern, 14, #"evaluated as starts with "*""#),
        .init(#"event = null"#, .valueConversion, 0, #"compares event with the string "null""#),
        .init(#"type != null"#, .valueConversion, 0, #"compares type with the string "null""#),
        .init(#"event = true"#, .valueConversion, 0, #"compares event with the string "true""#),
        .init(#"name = false"#, .valueConversion, 0, #"compares name with the string "false""#),
        .init(#"properties.premium != true"#, .valueConversion, 0, #"also matches the boolean true"#),
        .init(#"userId != false"#, .valueConversion, 0, #"compares with the string "false""#),
        .init(#"event = 5"#, .valueConversion, 0, #"compares event with the string "5""#),
        .init(#"userId != 1.50"#, .valueConversion, 0, #"compares userId with the string "1.5""#),
        .init(#"properties.total > "40""#, .valueConversion, 19, #"Number("40") = 40, and only number values match"#),
        .init(#"properties.total < "abc""#, .valueConversion, 19, #"NaN, so it never matches"#),
        .init(#"properties.total < true"#, .valueConversion, 19, #"Number(true) = 1"#),
        .init(#"type < true"#, .valueConversion, 7, #"Number("true"), which is NaN, so it never matches"#),
        .init(#"traits.x >= null"#, .valueConversion, 12, #"NaN"#),
        .init(#"type = "t" and (contains(event, "a") or event = "b")"#, .groupClosedByFunction, 15,
              #"evaluated as type = "t" or contains(event, "a") or event = "b""#),
        .init(#"(match(event, "a*") and event = "b") or type = "t""#, .groupClosedByFunction, 0,
              #"evaluated as match(event, "a*") or event = "b" or type = "t""#),
        .init(#"properties.items.0.sku = "x""#, .notPortableToSegment, 0, "Segment's parser cannot read numeric segments"),
        .init(#"properties.items[2] != null"#, .notPortableToSegment, 0, "properties.items.2: array positions"),
        .init(#"event = "say \"hi\"""#, .notPortableToSegment, 8, "escapes in strings work here"),
    ]
}

@Suite(.timeLimit(.minutes(2))) struct TriggerWarningTests {
    @Test(arguments: TriggerWarningCase.all)
    func warnsAboutSegmentSurprises(_ testCase: TriggerWarningCase) throws {
        let trigger = try Trigger.parse(testCase.trigger)
        let warning = try #require(trigger.warnings.first { $0.kind == testCase.kind })
        #expect(warning.position == testCase.position)
        #expect(warning.message.contains(testCase.message), "\(warning.message)")
    }

    @Test(arguments: [
        #"type = "track" and event = "a" and userId != null"#,
        #"type = "identify" or type = "track""#,
        #"type = "track" and (event = "a" or event = "b")"#,
        #"(event = "a" or contains(event, "b")) and type = "track""#,
        #"match(event, "Order*") or match(event, "*Completed") or match(event, "*")"#,
        #"properties.total = 5 and properties.total != 6 and traits.plan = "pro""#,
        #"name = null or userId = null or properties.a != null or traits.b = true or context.c = false"#,
        #"event = "a\b""#,
    ])
    func plainTriggersHaveNoWarnings(_ text: String) throws {
        #expect(try Trigger.parse(text).warnings.isEmpty)
    }

    @Test func warningsComeInSourceOrder() throws {
        let trigger = try Trigger.parse(#"event = null and match(event, "x") or type = true"#)
        #expect(trigger.warnings.map(\.kind) == [.valueConversion, .mixedConjunctions, .matchPattern, .valueConversion])
        #expect(trigger.warnings.map(\.position) == trigger.warnings.map(\.position).sorted())
    }
}
