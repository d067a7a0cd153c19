import CleverTapCore
import Testing
import TerminalUI
@testable import SetupWizard

@Suite(.timeLimit(.minutes(2))) struct EditorEventPathTests {
    static let event: JSONValue = [
        "userId": "u-1", "traits": ["email": "a@b.co", "odd.key": 1, "address": ["city": "Oslo"]],
        "context": ["traits": ["phone": "+4712345678"]],
        "properties": ["products": [["sku": "S-1"], ["sku": "S-2"]], "tags": ["a", "b"]],
    ]

    @Test func enumeratesEveryNameablePathInKeyOrder() {
        let paths = EventPaths.enumerate(Self.event).map(\.path)
        #expect(paths == [
            "$.userId", "$.traits", "$.traits.email", "$.traits.address", "$.traits.address.city",
            "$.context", "$.context.traits", "$.context.traits.phone",
            "$.properties", "$.properties.products", "$.properties.products[0].sku", "$.properties.tags",
        ])
    }

    @Test func suggestionsCarryAShortPreviewOfTheValue() {
        let byPath = Dictionary(uniqueKeysWithValues: EventPaths.enumerate(Self.event).map { ($0.path, $0.preview) })
        #expect(byPath["$.userId"] == #""u-1""#)
        #expect(byPath["$.traits"] == "{email, odd.key, address}")
        #expect(byPath["$.properties.tags"] == "[2 items]")
    }

    static let resolutions: [(String, JSONValue?)] = [
        ("$.userId", "u-1"), ("$.traits.address.city", "Oslo"), ("$.properties.products[1].sku", "S-2"),
        ("$.properties.products.0.sku", "S-1"), ("$.properties.tags[5]", nil), ("$.traits.missing", nil),
        ("$.userId.x", nil), ("traits.email", nil), ("$.", nil), ("$.a[x]", nil), ("$.context.traits.phone", "+4712345678"),
    ]

    @Test(arguments: resolutions)
    func resolvesMappingKitPaths(path: String, expected: JSONValue?) {
        #expect(EventPaths.resolve(path, in: Self.event) == expected)
    }

    @Test func theWholeEventIsDollar() {
        #expect(EventPaths.resolve("$", in: Self.event) == Self.event)
    }
}

@Suite(.timeLimit(.minutes(2))) struct EditorFieldMappingTests {
    static let recognitions: [(JSONValue, ActionFieldType, FieldMapping)] = [
        (["@path": "$.userId"], .string, .value(.path("$.userId"))),
        (["@template": "{{traits.first_name}} {{traits.last_name}}"], .string, .value(.template("{{traits.first_name}} {{traits.last_name}}"))),
        ("VIP", .string, .value(.literal("VIP"))),
        (42, .string, .value(.literal(42))),
        (["@path": "$.traits"], .object, .value(.path("$.traits"))),
        (["Email": ["@path": "$.traits.email"], "Tier": "gold"], .object,
         .keyByKey([AttributeMapping(key: "Email", value: .path("$.traits.email")), AttributeMapping(key: "Tier", value: .literal("gold"))])),
        (["Email": ["@if": ["exists": ["@path": "$.traits.email"], "then": "x", "else": "y"]]], .object,
         .keyByKey([AttributeMapping(key: "Email", value: .custom(["@if": ["exists": ["@path": "$.traits.email"], "then": "x", "else": "y"]]))])),
        (["@merge": ["objects": [["@path": "$.traits"]]]], .object, .value(.custom(["@merge": ["objects": [["@path": "$.traits"]]]]))),
        (["@path": "$.a", "@template": "b"], .string, .value(.custom(["@path": "$.a", "@template": "b"]))),
        (["@path": 3], .string, .value(.custom(["@path": 3]))),
        (["@literal": "x"], .string, .value(.custom(["@literal": "x"]))),
        ([1, 2], .string, .value(.custom([1, 2]))),
        (["a": 1], .string, .value(.custom(["a": 1]))),
    ]

    @Test(arguments: recognitions)
    func recognisesWhatItCanShowAndKeepsTheRest(json: JSONValue, type: ActionFieldType, expected: FieldMapping) {
        let mapping = FieldMapping(json: json, type: type)
        #expect(mapping == expected)
        #expect(mapping.json == json)  // nothing is lost on the way back
    }

    @Test func anAbsentMappingIsUnmapped() {
        #expect(FieldMapping(json: nil, type: .string) == .unmapped)
        #expect(FieldMapping.unmapped.json == nil)
    }

    static let inputs: [(String, MappingValue)] = [
        ("$.traits.email", .path("$.traits.email")), ("  $.userId ", .path("$.userId")),
        ("$.products[0].sku", .path("$.products[0].sku")),
        ("{{traits.first_name}} {{traits.last_name}}", .template("{{traits.first_name}} {{traits.last_name}}")),
        ("Hello {{ traits.name }}!", .template("Hello {{ traits.name }}!")),
        ("gold", .literal("gold")), ("42", .literal("42")), (" spaced ", .literal(" spaced ")),
    ]

    @Test(arguments: inputs)
    func typedInputIsAPathATemplateOrALiteral(input: String, expected: MappingValue) throws {
        #expect(try MappingValue.interpret(input) == expected)
    }

    static let badInputs: [(String, String)] = [
        ("$traits", "is not a path"), ("$.a..b", "is not a path"), ("$.a[x]", "is not a path"),
        ("{{traits.name", "is never closed"), ("traits.name}}", "closes nothing"), ("{{ }}", "names no event field"),
        ("{{a}} b}}", "closes nothing"),
    ]

    @Test(arguments: badInputs)
    func malformedPathsAndTemplatesAreRefusedInWords(input: String, reason: String) {
        #expect {
            try MappingValue.interpret(input)
        } throws: { error in
            (error as? MappingInputError)?.description.contains(reason) == true
        }
    }
}

@Suite(.timeLimit(.minutes(2))) struct EditorMappingEditorTests {
    static let identify = EditorFixtures.identify
    static let contextOnly = EditorFixtures.contextOnly
    static var upload: Subscription { Preset.quickSetup[0].makeSubscription(id: "up") }

    @Test func showsTheActionsFieldsWithTheirCurrentMappings() {
        let editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        #expect(editor.rows.map(\.field.label) == ["Identity", "Created At", "Person Attributes"])
        #expect(editor.rows.map(\.field.required) == [true, false, false])
        #expect(editor.rows.map(\.mapping) == [.value(.path("$.userId")), .value(.path("$.timestamp")), .value(.path("$.traits"))])
        #expect(editor.mapping == Self.upload.mapping)
        #expect(editor.convertTimestamps)
    }

    @Test func suggestionsPutTheLikeliestPathsFirst() {
        let editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        #expect(editor.suggestions(for: "identity").prefix(2).map(\.path) == ["$.userId", "$.anonymousId"])
        #expect(editor.suggestions(for: "ts").first?.path == "$.timestamp")
        #expect(editor.suggestions(for: "profileData").prefix(2).map(\.path) == ["$.traits", "$.context"])
        #expect(editor.attributeSuggestions(for: "Email").first?.path == "$.traits.email")
        #expect(editor.attributeSuggestions(for: "DOB").first?.path == "$.traits.birthday")
        #expect(editor.attributeSuggestions(for: "plan").first?.path == "$.traits.plan")
        #expect(editor.suggestions(for: "nope").isEmpty)

        let contextEditor = MappingEditor(subscription: Self.upload, sample: Self.contextOnly)
        #expect(contextEditor.attributeSuggestions(for: "Phone").first?.path == "$.context.traits.phone")
        #expect(contextEditor.suggestions(for: "profileData").map(\.path).contains("$.context.traits"))
    }

    @Test func choosingASuggestionTypingAPathATemplateOrALiteral() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        let email = try #require(editor.suggestions(for: "identity").first { $0.path == "$.traits.email" })
        try editor.choose(email, for: "identity")
        #expect(editor.mapping["identity"] == ["@path": "$.traits.email"])
        try editor.setInput("{{traits.first_name}}-{{userId}}", for: "identity")
        #expect(editor.mapping["identity"] == ["@template": "{{traits.first_name}}-{{userId}}"])
        try editor.setInput("fixed-user", for: "identity")
        #expect(editor.mapping["identity"] == "fixed-user")
        try editor.setInput("$.context.traits.phone", for: "identity")
        #expect(editor.mapping["identity"] == ["@path": "$.context.traits.phone"])
        try editor.setInput("", for: "ts")
        #expect(editor.mapping["ts"] == nil)
        #expect(editor.rows[1].mapping == .unmapped)
        #expect(throws: MappingInputError.unknownField("email")) { try editor.setInput("x", for: "email") }
    }

    @Test func personAttributesAsOneObjectPath() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.contextOnly)
        try editor.setInput("$.context.traits", for: "profileData")
        #expect(editor.mapping["profileData"] == ["@path": "$.context.traits"])
    }

    @Test func switchingToKeyByKeyStartsFromTheObjectWithCleverTapKeys() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.switchToKeyByKey("profileData")
        let attributes = try #require(editor.attributes)
        #expect(attributes.map(\.key) == ["Name", "first_name", "last_name", "Email", "Phone", "Gender", "DOB", "Customer Type", "logins", "MSG-email"])
        #expect(attributes[3] == AttributeMapping(key: "Email", value: .path("$.traits.email")))
        #expect(editor.mapping["profileData"]?["DOB"] == ["@path": "$.traits.birthday"])
        #expect(throws: MappingInputError.notAnObjectField("Identity")) { try editor.switchToKeyByKey("identity") }
    }

    @Test func buildingPersonAttributesKeyByKey() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.setMapping(.unmapped, for: "profileData")
        #expect(editor.unusedProfileKeys.first?.key == "Name")
        try editor.addAttribute("Name", value: .template("{{traits.first_name}} {{traits.last_name}}"))
        try editor.addAttribute("Email", value: .path("$.traits.email"))
        try editor.addAttribute("Plan", value: .literal("gold"))
        #expect(editor.unusedProfileKeys.prefix(2).map(\.key) == ["Phone", "Gender"])
        #expect(throws: MappingInputError.duplicateAttributeKey("Email")) { try editor.addAttribute("Email", value: .literal("x")) }
        #expect(throws: MappingInputError.emptyAttributeKey) { try editor.addAttribute("  ", value: .literal("x")) }

        try editor.setAttribute("Plan", value: .path("$.traits.plan"))
        try editor.renameAttribute("Plan", to: "Customer Type")
        #expect(throws: MappingInputError.duplicateAttributeKey("Name")) { try editor.renameAttribute("Email", to: "Name") }
        #expect(throws: MappingInputError.unknownAttributeKey("Nope")) { try editor.removeAttribute("Nope") }
        try editor.removeAttribute("Email")

        #expect(editor.mapping["profileData"] == [
            "Name": ["@template": "{{traits.first_name}} {{traits.last_name}}"],
            "Customer Type": ["@path": "$.traits.plan"],
        ])
        #expect(throws: MappingInputError.notAnObjectField("Identity")) { try editor.addAttribute("X", value: .literal("y"), to: "identity") }
    }

    @Test func customMappingsAndUnknownKeysAreKept() throws {
        var subscription = Self.upload
        subscription.mapping["identity"] = ["@if": ["exists": ["@path": "$.userId"], "then": ["@path": "$.userId"], "else": ["@path": "$.anonymousId"]]]
        subscription.mapping["futureField"] = "kept"
        let editor = MappingEditor(subscription: subscription, sample: Self.identify)
        #expect(editor.row("identity")?.mapping.summary == "custom (edit raw)")
        #expect(editor.mapping == subscription.mapping)
        #expect(editor.unknownFieldKeys == ["futureField"])
        #expect(try editor.applied(to: subscription) == subscription)
    }

    @Test func rawEditingIsRecognisedAgainAndBadJSONIsRefusedWithAPosition() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.setRaw(#"{"@path": "$.anonymousId"}"#, for: "identity")
        #expect(editor.row("identity")?.mapping == .value(.path("$.anonymousId")))
        #expect(throws: MappingInputError.self) { try editor.setRaw("{\n  \"@path\": }", for: "identity") }
        do {
            try editor.setRaw("{\n  \"@path\": }", for: "identity")
        } catch {
            guard case .invalidRawJSON(_, let line, let column) = error else { throw error }
            #expect(line == 2)
            #expect(column == 12)
        }
        #expect(editor.row("identity")?.mapping == .value(.path("$.anonymousId")))
    }

    @Test func aRequiredFieldUnmappedBlocksSaving() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.setMapping(.unmapped, for: "identity")
        #expect(editor.unmappedRequiredFields.map(\.label) == ["Identity"])
        #expect(throws: MappingSaveError.requiredFieldsUnmapped(["Identity"])) { try editor.applied(to: Self.upload) }
        #expect(MappingSaveError.requiredFieldsUnmapped(["Identity"]).description.hasPrefix("Identity is required"))

        try editor.setInput("$.userId", for: "identity")
        editor.convertTimestamps = false
        let saved = try editor.applied(to: Self.upload)
        #expect(saved.convertTimestamps == false)
        #expect(saved.mapping == Self.upload.mapping)
    }

    @Test func rendersFieldsAttributesToggleAndGuard() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.setMapping(.unmapped, for: "identity")
        try editor.setMapping(.keyByKey([AttributeMapping(key: "Email", value: .path("$.traits.email"))]), for: "profileData")
        editor.focus(row: 1)
        var screen = Screen(size: Size(columns: 110, rows: 9))
        editor.render(into: &screen, frame: PaneFrame(size: screen.size))
        let lines = screen.lines
        #expect(lines[0] == "▶ Field mapping: User Upload")
        #expect(lines[1] == "  * Identity          (string)   (not mapped)")
        #expect(lines[2] == "›   Created At        (datetime) $.timestamp")
        #expect(lines[3] == "    Person Attributes (object)   key by key (1 key)")
        #expect(lines[4] == "      Email             $.traits.email")
        #expect(lines[5] == "[x] " + MappingEditor.convertTimestampsHelp(.userUpload))
        #expect(lines[6].hasPrefix("Identity is required"))
        #expect(screen[2, 1].style.role == .error)
        #expect(screen[0, 2].style.role == .selected)
        // Without the keys, the pane says so: no ▶, no ›, the selection only dimmed.
        var unfocused = Screen(size: Size(columns: 110, rows: 9))
        editor.render(into: &unfocused, frame: PaneFrame(size: unfocused.size), focused: false)
        #expect(unfocused.lines[0] == "  Field mapping: User Upload")
        #expect(unfocused.lines[2] == "    Created At        (datetime) $.timestamp")
        #expect(unfocused[4, 2].style == Style(.subtle, underline: true))
    }
}
