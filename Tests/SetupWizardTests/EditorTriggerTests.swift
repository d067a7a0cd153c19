import CleverTapCore
import Testing
import TerminalUI
@testable import SetupWizard

@Suite struct EditorTriggerBuilderTests {
    static let conditionTexts: [(TriggerCondition, String)] = [
        (TriggerCondition(.eventType, .equals, .string("identify")), #"type = "identify""#),
        (TriggerCondition(.eventName, .equals, .string("Delete User")), #"event = "Delete User""#),
        (TriggerCondition(.eventName, .notEquals, .string("Order Completed")), #"event != "Order Completed""#),
        (TriggerCondition(.property("revenue"), .greater, .number("99.5")), "properties.revenue > 99.5"),
        (TriggerCondition(.property("count"), .lessOrEqual, .number("-3")), "properties.count <= -3"),
        (TriggerCondition(.trait("plan"), .equals, .string("pro")), #"traits.plan = "pro""#),
        (TriggerCondition(.trait("newsletter"), .equals, .bool(true)), "traits.newsletter = true"),
        (TriggerCondition(.trait("deleted_at"), .equals, .null), "traits.deleted_at = null"),
        (TriggerCondition(.context("library.name"), .equals, .string("analytics.js")), #"context.library.name = "analytics.js""#),
        (TriggerCondition(.trait("email"), .contains, .string("@example.com")), #"contains(traits.email, "@example.com")"#),
        (TriggerCondition(.eventName, .matches, .string("Order *")), #"match(event, "Order *")"#),
        (TriggerCondition(.property("note"), .equals, .string(#"say "hi" \ bye"#)), #"properties.note = "say \"hi\" \\ bye""#),
        (TriggerCondition(.property("a"), .less, .number("1")), "properties.a < 1"),
        (TriggerCondition(.property("a"), .greaterOrEqual, .number("0")), "properties.a >= 0"),
        (TriggerCondition(.trait("first name"), .equals, .string("Jack")), #"traits.first\ name = "Jack""#),
        (TriggerCondition(.property("product 1.price"), .greater, .number("5")), #"properties.product\ 1.price > 5"#),
        (TriggerCondition(.property("order-id"), .notEquals, .null), "properties.order-id != null"),
        (TriggerCondition(.userId, .equals, .string("u-1")), #"userId = "u-1""#),
        (TriggerCondition(.pageName, .equals, .string("Pricing")), #"name = "Pricing""#),
        (TriggerCondition(.trait("email"), .notContains, .string("@test.")), #"!contains(traits.email, "@test.")"#),
        (TriggerCondition(.eventName, .notMatches, .string("*Test*")), #"!match(event, "*Test*")"#),
    ]

    @Test(arguments: conditionTexts)
    func conditionsBecomeTriggerText(condition: TriggerCondition, text: String) throws {
        #expect(condition.text == text)
        #expect(condition.problem == nil)
        // And the text reads back into the same condition.
        let parsed = try TriggerBuilder.parse(text).get()
        #expect(parsed.conditions == [condition])
    }

    @Test func conditionsAreJoinedByAllOrAny() throws {
        var builder = TriggerBuilder(conditions: [
            TriggerCondition(.eventType, .equals, .string("track")),
            TriggerCondition(.eventName, .equals, .string("Order Completed")),
        ])
        #expect(builder.text == #"type = "track" and event = "Order Completed""#)
        builder.join = .any
        #expect(builder.text == #"type = "track" or event = "Order Completed""#)
        #expect(try TriggerBuilder.parse(builder.text).get() == builder)
    }

    static let typedValues: [(String, Bool, TriggerLiteral)] = [
        ("true", false, .bool(true)), ("null", false, .null), ("42", false, .number("42")),
        ("-1.5", false, .number("-1.5")), ("1.2.3", false, .string("1.2.3")), ("pro", false, .string("pro")),
        ("42", true, .string("42")), ("", false, .string("")),
    ]

    @Test(arguments: typedValues)
    func typedValuesAreReadAsTheLanguageTypesThem(input: String, asText: Bool, expected: TriggerLiteral) {
        #expect(TriggerLiteral(input: input, asText: asText) == expected)
    }

    @Test func singleQuotedTextReadsTheSame() throws {
        let parsed = try TriggerBuilder.parse(#"event = 'Delete User' and contains(traits.note, 'it\'s')"#).get()
        #expect(parsed.conditions == [
            TriggerCondition(.eventName, .equals, .string("Delete User")),
            TriggerCondition(.trait("note"), .contains, .string("it's")),
        ])
    }

    @Test func rowsTheTriggerCannotExpressSayWhy() {
        #expect(TriggerCondition(.trait("address..city"), .equals, .string("x")).problem?.contains("empty part") == true)
        #expect(TriggerCondition(.trait(""), .equals, .string("x")).problem == "Name the trait field to compare.")
        #expect(TriggerCondition(.trait("n"), .contains, .number("1")).problem?.contains("compares text") == true)
        #expect(TriggerCondition(.trait("n"), .greater, .string("x")).problem == "> compares numbers: give a number.")
        #expect(TriggerCondition(.eventName, .equals, .string("")).problem == "Give the event name to compare with.")
    }

    static let rejections: [(String, TriggerBuilderRejection.Kind, Int, String)] = [
        (#"(type = "identify")"#, .beyondBuilder, 0, "parentheses"),
        (#"!(type = "identify")"#, .beyondBuilder, 0, "negates"),
        (#"type = "track" and event = "A" or event = "B""#, .beyondBuilder, 31, #"mixes "and" with "or""#),
        (#"anonymousId = "a-1""#, .beyondBuilder, 0, "not anonymousId"),
        (#"properties.a = properties.b"#, .beyondBuilder, 15, "compares with the field"),
        (#"type = "identify"#, .syntax, 7, "no closing quote"),
        (#"type = "#, .syntax, 7, "expected a value"),
        (#"type "identify""#, .syntax, 5, "expected an operator"),
        (#"type = "a" and"#, .syntax, 14, "expected a field"),
        (#"type = "a" event = "b""#, .syntax, 11, #"expected "and", "or""#),
        (#"type = "a" @"#, .syntax, 11, "unexpected character"),
        (#"contains(event "x")"#, .syntax, 15, #"expected ",""#),
        (#"match(event, 3)"#, .syntax, 13, "quoted text"),
        (#"properties.n > 1.2.3"#, .syntax, 15, "not a number"),
    ]

    @Test(arguments: rejections)
    func textTheBuilderCannotShowIsRejectedWithAReasonAndPosition(text: String, kind: TriggerBuilderRejection.Kind, position: Int, reason: String) {
        guard case .failure(let rejection) = TriggerBuilder.parse(text) else {
            Issue.record("\(text) should be rejected")
            return
        }
        #expect(rejection.kind == kind)
        #expect(rejection.position == position)
        #expect(rejection.message.contains(reason), "\(rejection.message)")
    }

    @Test func emptyTextIsAnEmptyBuilder() throws {
        #expect(try TriggerBuilder.parse("   ").get() == TriggerBuilder())
    }
}

@Suite struct EditorTriggerEditorTests {
    static let identify = SampleEvent.builtIn[0].event
    static let deleteUser = SampleEvent.builtIn[2].event

    @Test func opensRepresentableTextInTheBuilder() {
        let editor = TriggerEditor(text: #"type = "identify""#, sample: Self.identify)
        #expect(editor.mode == .builder)
        #expect(editor.builder.conditions == [TriggerCondition(.eventType, .equals, .string("identify"))])
        #expect(editor.status == .valid(sampleMatches: true, warnings: []))
    }

    @Test func opensOtherTextInRawModeWithoutComplaint() {
        let editor = TriggerEditor(text: #"(type = "identify")"#, sample: Self.identify)
        #expect(editor.mode == .raw)
        #expect(editor.text == #"(type = "identify")"#)
        #expect(editor.notice == nil)
    }

    @Test func builderToRawKeepsTheText() {
        var editor = TriggerEditor(text: "", sample: Self.deleteUser)
        editor.addCondition(TriggerCondition(.eventType, .equals, .string("track")))
        editor.addCondition(TriggerCondition(.eventName, .matches, .string("Delete *")))
        #expect(editor.status == .valid(sampleMatches: true, warnings: []))
        editor.switchToRaw()
        #expect(editor.mode == .raw)
        #expect(editor.rawText == #"type = "track" and match(event, "Delete *")"#)
        #expect(editor.text == editor.rawText)
    }

    @Test func rawToBuilderOnlyWhenRepresentable() {
        var editor = TriggerEditor(text: #"type = "identify""#, sample: Self.identify)
        editor.switchToRaw()
        editor.setRawText(#"type = "identify" and (traits.plan = "pro" or traits.plan = "team")"#)
        let refused = !editor.switchToBuilder()
        #expect(refused)
        #expect(editor.mode == .raw)
        #expect(editor.notice?.contains("parentheses") == true)
        #expect(editor.notice?.contains("character 23") == true)
        #expect(editor.rawText.hasSuffix(#""team")"#))

        editor.setRawText(#"traits.plan = "pro" or traits.plan = "team""#)
        #expect(editor.notice == nil)
        let switched = editor.switchToBuilder()
        #expect(switched)
        #expect(editor.mode == .builder)
        #expect(editor.builder.join == .any)
        #expect(editor.builder.conditions.count == 2)
        #expect(editor.status == .valid(sampleMatches: true, warnings: []))
    }

    @Test func validatesAsYouTypeWithThePosition() {
        var editor = TriggerEditor(text: "", sample: Self.identify)
        #expect(editor.status == .empty)
        editor.switchToRaw()
        var statuses: [TriggerStatus] = []
        for prefix in [#"type"#, #"type ="#, #"type = "ide"#, #"type = "identify""#] {
            editor.setRawText(prefix)
            statuses.append(editor.status)
        }
        #expect(statuses[0] == .invalid(message: "expected an operator (= != < <= > >=) after type, found the end of the text", position: 4))
        #expect(statuses[1] == .invalid(message: "expected a value after =, found the end of the text", position: 6))
        #expect(statuses[2] == .invalid(message: "text starting here has no closing quote", position: 7))
        #expect(statuses[3] == .valid(sampleMatches: true, warnings: []))
    }

    @Test func reportsWhetherTheSampleMatches() {
        var editor = TriggerEditor(text: #"event = "Delete User""#, sample: Self.identify)
        #expect(editor.status == .valid(sampleMatches: false, warnings: []))
        editor.sample = Self.deleteUser
        #expect(editor.status == .valid(sampleMatches: true, warnings: []))
    }

    @Test func builderRowsWithProblemsMakeTheTriggerInvalid() {
        var editor = TriggerEditor(text: "", sample: Self.identify)
        editor.addCondition(TriggerCondition(.eventType, .equals, .string("identify")))
        editor.addCondition(TriggerCondition(.trait("first..name"), .equals, .string("Jack")))
        guard case .invalid(let message, let position) = editor.status else {
            Issue.record("expected invalid, got \(editor.status)")
            return
        }
        #expect(message.hasPrefix("condition 2: \"first..name\" has an empty part"))
        #expect(position == #"type = "identify" and "#.count)
        editor.replaceCondition(at: 1, with: TriggerCondition(.trait("first_name"), .equals, .string("Jack")))
        #expect(editor.status == .valid(sampleMatches: true, warnings: []))
        editor.removeCondition(at: 1)
        editor.removeCondition(at: 0)
        #expect(editor.status == .empty)
    }

    @Test func rawTextBeyondTheBuilderIsNotJudgedAsWrong() {
        let editor = TriggerEditor(text: #"!(type = "identify")"#, sample: Self.identify)
        guard case .notChecked = editor.status else {
            Issue.record("expected notChecked, got \(editor.status)")
            return
        }
    }

    static let evaluations: [(String, Bool)] = [
        (#"type = "identify""#, true), (#"type != "identify""#, false), (#"traits.logins > 41"#, true),
        (#"traits.logins >= 43"#, false), (#"traits.logins < 42.5"#, true), (#"traits.newsletter = true"#, true),
        (#"traits.missing = null"#, true), (#"traits.missing != "x""#, true), (#"traits.name = null"#, false),
        (#"contains(traits.email, "@example.")"#, true), (#"contains(traits.logins, "4")"#, false),
        (#"match(traits.name, "Jack *")"#, true), (#"match(traits.name, "J?ck*tana")"#, true),
        (#"match(traits.name, "Jack")"#, false), (#"traits.logins = "42""#, false),
        (#"context.locale = "en-US" and traits.plan = "pro""#, true), (#"traits.plan = "free" or type = "identify""#, true),
        (#"traits.plan = "free" and type = "identify""#, false), (#"traits.name > 1"#, false),
        (#"!contains(traits.email, "@example.org")"#, true), (#"!match(traits.name, "Jack*")"#, false),
        (#"userId = "u-1001""#, true), (#"traits.first_name = 'Jack'"#, true), (#"!contains(traits.missing, "x")"#, true),
    ]

    @Test(arguments: evaluations)
    func builderSubsetEvaluatesAgainstTheSample(text: String, expected: Bool) {
        #expect(TriggerCheck.check(text, sample: Self.identify) == .valid(sampleMatches: expected, warnings: []))
    }

    @Test func rendersTheRawTextWithACaretUnderTheError() {
        var editor = TriggerEditor(text: "", sample: Self.identify)
        editor.switchToRaw()
        editor.setRawText(#"type = "identify" and"#)
        var screen = Screen(size: Size(columns: 90, rows: 6))
        editor.render(into: &screen, frame: PaneFrame(column: 0, row: 0, width: 90, height: 6))
        let lines = screen.lines
        #expect(lines[0] == "Trigger (raw text)")
        #expect(lines[1] == #"  type = "identify" and"#)
        #expect(lines[2] == String(repeating: " ", count: 23) + "^")
        #expect(lines[3].hasPrefix("Error at character 22: expected a field"))
    }

    @Test func rendersBuilderRowsAndTheSampleVerdict() {
        var editor = TriggerEditor(text: #"type = "identify" or event = "Delete User""#, sample: Self.deleteUser)
        editor.moveFocus(by: 1)
        var screen = Screen(size: Size(columns: 90, rows: 8))
        editor.render(into: &screen, frame: PaneFrame(column: 0, row: 0, width: 90, height: 8))
        #expect(screen.lines[0] == "Trigger (builder): ANY of these conditions")
        #expect(screen.lines[1] == #"  event type is "identify""#)
        #expect(screen.lines[2] == #"  event name is "Delete User""#)
        #expect(screen[2, 2].style.reverse)
        #expect(screen.text.contains("Valid. The sample event matches."))
    }
}
