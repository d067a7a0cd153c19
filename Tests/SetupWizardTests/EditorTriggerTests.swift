import CleverTapCore
import Testing
import TerminalUI
@testable import SetupWizard

@Suite(.timeLimit(.minutes(2))) struct EditorTriggerBuilderTests {
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

    static let typedValues: [(String, Bool, ConditionValue)] = [
        ("true", false, .bool(true)), ("null", false, .null), ("42", false, .number("42")),
        ("-1.5", false, .number("-1.5")), ("1.2.3", false, .string("1.2.3")), ("pro", false, .string("pro")),
        ("42", true, .string("42")), ("", false, .string("")),
    ]

    @Test(arguments: typedValues)
    func typedValuesAreReadAsTheLanguageTypesThem(input: String, asText: Bool, expected: ConditionValue) {
        #expect(ConditionValue(input: input, asText: asText) == expected)
    }

    @Test func singleQuotesAreRefusedAsSegmentWouldMisreadThem() {
        guard case .failure(let rejection) = TriggerBuilder.parse("event = 'Delete User'") else {
            Issue.record("single quotes should be refused")
            return
        }
        #expect(rejection.kind == .syntax)
        #expect(rejection.position == 8)
    }

    @Test func wholeNumbersReadBackWithoutAFraction() throws {
        let parsed = try TriggerBuilder.parse("properties.total >= 100 and properties.rate < 0.25").get()
        #expect(parsed.conditions.map(\.value) == [.number("100"), .number("0.25")])
    }

    @Test func rowsTheTriggerCannotExpressSayWhy() {
        #expect(TriggerCondition(.trait("address..city"), .equals, .string("x")).problem?.contains("empty part") == true)
        #expect(TriggerCondition(.trait(""), .equals, .string("x")).problem == "Name the trait field to compare.")
        #expect(TriggerCondition(.trait("n"), .contains, .number("1")).problem?.contains("compares text") == true)
        #expect(TriggerCondition(.trait("n"), .greater, .string("x")).problem == "> compares numbers: give a number.")
        #expect(TriggerCondition(.eventName, .equals, .string("")).problem == "Give the event name to compare with.")
    }

    /// Positions come from the core's parser (syntax) or point at what the builder lacks.
    static let rejections: [(String, TriggerBuilderRejection.Kind, Int?)] = [
        (#"type = "identify" and (traits.plan = "pro" or traits.plan = "team")"#, .beyondBuilder, nil),
        (#"type = "track" and event = "A" or event = "B""#, .beyondBuilder, 15),
        (#"contains(traits.n, 3)"#, .beyondBuilder, nil),
        (#"anonymousId = "a-1""#, .syntax, 0),
        (#"type = "identify"#, .syntax, 7),
        (#"type = "#, .syntax, 7),
        (#"type "identify""#, .syntax, 5),
        (#"type = "a" and"#, .syntax, 14),
        (#"type = "a" event = "b""#, .syntax, 11),
        (#"type = "a" @"#, .syntax, 11),
        (#"contains(event "x")"#, .syntax, 15),
    ]

    @Test(arguments: rejections)
    func textTheBuilderCannotShowIsRejectedWithAReasonAndPosition(text: String, kind: TriggerBuilderRejection.Kind, position: Int?) {
        guard case .failure(let rejection) = TriggerBuilder.parse(text) else {
            Issue.record("\(text) should be rejected")
            return
        }
        #expect(rejection.kind == kind)
        #expect(rejection.position == position, "\(rejection)")
        #expect(!rejection.message.isEmpty)
    }

    @Test func emptyTextIsAnEmptyBuilder() throws {
        #expect(try TriggerBuilder.parse("   ").get() == TriggerBuilder())
    }
}

@Suite(.timeLimit(.minutes(2))) struct EditorTriggerEditorTests {
    static let identify = EditorFixtures.identify
    static let deleteUser = EditorFixtures.deleteUser

    @Test func opensRepresentableTextInTheBuilder() {
        let editor = TriggerEditor(text: #"type = "identify""#, sample: Self.identify)
        #expect(editor.mode == .builder)
        #expect(editor.builder.conditions == [TriggerCondition(.eventType, .equals, .string("identify"))])
        #expect(editor.status == .valid(sampleMatches: true, warnings: []))
    }

    @Test func opensOtherTextInRawModeWithoutComplaint() {
        let text = #"type = "identify" and (traits.plan = "pro" or traits.plan = "team")"#
        let editor = TriggerEditor(text: text, sample: Self.identify)
        #expect(editor.mode == .raw)
        #expect(editor.text == text)
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
        #expect(editor.notice == "Staying in raw mode: it groups conditions in parentheses; the builder has one flat list.")
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
        #expect(statuses[0] == .invalid(message: "expected an operator (=, !=, <, <=, >, >=) after type, found the end of the trigger", position: 4))
        #expect(statuses[1] == .invalid(message: #"expected a value after '=': a "string", a number, true, false or null, found the end of the trigger"#, position: 6))
        #expect(statuses[2] == .invalid(message: #"unterminated string: expected a closing '"' for the string that starts here"#, position: 7))
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

    @Test func rawTextBeyondTheBuilderIsJudgedByTheFullLanguage() {
        let editor = TriggerEditor(text: #"type = "identify" and (traits.plan = "pro" or traits.plan = "team")"#, sample: Self.identify)
        #expect(editor.mode == .raw)
        #expect(editor.status == .valid(sampleMatches: true, warnings: []))
    }

    @Test func parserWarningsAreShown() {
        let editor = TriggerEditor(text: #"type = "track" and event = "A" or type = "identify""#, sample: Self.identify)
        guard case .valid(_, let warnings) = editor.status else {
            Issue.record("expected valid, got \(editor.status)")
            return
        }
        #expect(warnings.count == 1)
    }

    static let evaluations: [(String, Bool)] = [
        (#"type = "identify""#, true), (#"type != "identify""#, false), (#"traits.logins > 41"#, true),
        (#"traits.logins >= 43"#, false), (#"traits.logins < 42.5"#, true), (#"traits.newsletter = true"#, true),
        (#"traits.missing = null"#, true), (#"traits.missing != "x""#, true), (#"traits.name = null"#, false),
        (#"contains(traits.email, "@example.")"#, true), (#"contains(traits.logins, "4")"#, false),
        (#"match(traits.name, "Jack *")"#, true), (#"match(traits.name, "Ja*")"#, true),
        (#"match(traits.name, "*Montana")"#, true), (#"match(traits.name, "Montana*")"#, false),
        (#"context.locale = "en-US" and traits.plan = "pro""#, true), (#"traits.plan = "free" or type = "identify""#, true),
        (#"traits.plan = "free" and type = "identify""#, false), (#"traits.name > 1"#, false),
        (#"!contains(traits.email, "@example.org")"#, true), (#"!match(traits.name, "Jack*")"#, false),
        (#"userId = "u-1001""#, true), (#"traits.first_name = "Jack""#, true),
    ]

    @Test(arguments: evaluations)
    func theCoresVerdictOnTheSampleIsShown(text: String, expected: Bool) {
        guard case .valid(let matches, _) = TriggerCheck.check(text, sample: Self.identify) else {
            Issue.record("\(text) should be valid")
            return
        }
        #expect(matches == expected)
    }

    @Test func rendersTheRawTextWithACaretUnderTheError() {
        var editor = TriggerEditor(text: "", sample: Self.identify)
        editor.switchToRaw()
        editor.setRawText(#"type = "identify" and"#)
        var screen = Screen(size: Size(columns: 90, rows: 6))
        editor.render(into: &screen, frame: PaneFrame(column: 0, row: 0, width: 90, height: 6))
        let lines = screen.lines
        #expect(lines[0] == "▶ Trigger (raw text)")
        #expect(lines[1] == #"  type = "identify" and"#)
        #expect(lines[2] == String(repeating: " ", count: 23) + "^")
        #expect(lines[3].hasPrefix("Error at character 22: expected a condition"))
    }

    @Test func rendersBuilderRowsAndTheSampleVerdict() {
        var editor = TriggerEditor(text: #"type = "identify" or event = "Delete User""#, sample: Self.deleteUser)
        editor.moveFocus(by: 1)
        var screen = Screen(size: Size(columns: 90, rows: 8))
        editor.render(into: &screen, frame: PaneFrame(column: 0, row: 0, width: 90, height: 8))
        #expect(screen.lines[0] == "▶ Trigger (builder): ANY of these conditions")
        #expect(screen.lines[1] == #"  event type is "identify""#)
        #expect(screen.lines[2] == #"› event name is "Delete User""#)
        #expect(screen[2, 2].style.role == .selected)
        #expect(screen.text.contains("Valid. The sample event matches."))
    }
}
