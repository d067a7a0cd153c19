import CleverTapCore
import Testing
import TerminalUI
@testable import SetupWizard

@Suite(.timeLimit(.minutes(2))) struct EditorRecordPreviewTests {
    static let identify = EditorFixtures.identify
    static let contextOnly = EditorFixtures.contextOnly
    static let deleteUser = EditorFixtures.deleteUser
    static var upload: Subscription { Preset.quickSetup[0].makeSubscription(id: "up") }
    static var delete: Subscription { Preset.quickSetup[1].makeSubscription(id: "del") }

    @Test func quickSetupUploadOfTheIdentifySample() throws {
        let preview = RecordPreview(subscription: Self.upload, sample: Self.identify)
        let record = try #require(preview.record)
        #expect(record["type"] == "profile")
        #expect(record["identity"] == "u-1001")
        #expect(record["ts"] == 1_795_860_930)  // fraction truncated
        let profile = try #require(record["profileData"]?.objectValue)
        #expect(profile["email"] == "jack@example.com")
        #expect(profile["birthday"] == 639_878_400)  // Convert Timestamps on: dates become Unix seconds
        #expect(profile["logins"] == 42)
        #expect(preview.problems.isEmpty)
        #expect(preview.canSave)
    }

    @Test func deleteUserRecordIsJustTheIdentity() {
        let preview = RecordPreview(subscription: Self.delete, sample: Self.deleteUser)
        #expect(preview.record == ["identity": "u-1002"])
        #expect(preview.problems.isEmpty)
    }

    @Test func requiredIdentityUnmappedIsBlocking() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.setMapping(.unmapped, for: "identity")
        let preview = RecordPreview(editor: editor)
        #expect(preview.canSave == false)
        #expect(preview.problems == [PreviewProblem(severity: .blocking, message: #"Identity is required but not mapped, e.g. {"@path":"$.userId"}."#)])
        #expect(preview.record == nil)
    }

    @Test func identityMissingFromTheSampleIsAWarningNotABlock() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.setInput("$.traits.customer_id", for: "identity")
        let preview = RecordPreview(editor: editor)
        #expect(preview.canSave)
        #expect(preview.problems.map(\.severity) == [.warning])
        #expect(preview.problems.first?.message.hasPrefix("CleverTap would get no record for this sample: Identity (identity) is required but the mapping gave no value") == true)
    }

    @Test func numericIdentitiesAreSentAsText() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: ["userId": 12345, "type": "identify"])
        try editor.setMapping(.unmapped, for: "ts")
        try editor.setMapping(.unmapped, for: "profileData")
        #expect(RecordPreview(editor: editor).record == ["type": "profile", "identity": "12345", "profileData": [:]])
    }

    @Test func keyByKeyAttributesAreCheckedAgainstCleverTapsRules() throws {
        let sample: JSONValue = [
            "type": "identify", "userId": "u-2", "timestamp": "2026-11-28T10:16:00Z",
            "traits": ["phone": "0049 30 1234567", "email": "not-an-email", "gender": "male", "age": "thirty",
                       "company": ["name": "Acme"], "first_name": "Ana", "last_name": "Müller"],
        ]
        var editor = MappingEditor(subscription: Self.upload, sample: sample)
        try editor.setMapping(.keyByKey([]), for: "profileData")
        try editor.addAttribute("Name", value: .template("{{traits.first_name}} {{traits.last_name}}"))
        try editor.addAttribute("Phone", value: .path("$.traits.phone"))
        try editor.addAttribute("Email", value: .path("$.traits.email"))
        try editor.addAttribute("Gender", value: .path("$.traits.gender"))
        try editor.addAttribute("Age", value: .path("$.traits.age"))
        try editor.addAttribute("Company", value: .path("$.traits.company"))
        try editor.addAttribute("Missing", value: .path("$.traits.nothing"))
        let preview = RecordPreview(editor: editor)
        #expect(preview.record?["profileData"] == [
            "Name": "Ana Müller", "Phone": "0049 30 1234567", "Email": "not-an-email", "Gender": "male",
            "Age": "thirty", "Company.name": "Acme",
        ])
        let messages = preview.problems.map(\.message)
        #expect(messages.count == 4)
        #expect(messages[0] == #"Phone "0049 30 1234567" is not in +country format (e.g. +14155551234): CleverTap rejects it (516)."#)
        #expect(messages[1].hasPrefix(#"Email "not-an-email" is not an email address"#))
        #expect(messages[2].hasPrefix(#"Gender "male" must be M or F"#))
        #expect(messages[3].hasPrefix(#"Age "thirty" is not a number"#))
        #expect(preview.canSave)
    }

    @Test func timestampsStayTextWhenConversionIsOff() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.contextOnly)
        editor.convertTimestamps = false
        try editor.setInput("$.context.traits", for: "profileData")
        let preview = RecordPreview(editor: editor)
        #expect(preview.record?["ts"] == nil)
        #expect(preview.problems.map(\.message) == [
            #"Ts "2026-11-28T10:18:00+05:30" is an ISO-8601 date-time but Convert Timestamps is off: left out, so CleverTap uses the upload time."#,
        ])
        editor.convertTimestamps = true
        let converted = RecordPreview(editor: editor)
        #expect(converted.record?["ts"] == 1_795_841_280)
        #expect(converted.record?["profileData"]?["Phone"] == nil)
        #expect(converted.record?["profileData"]?["phone"] == "+919812345678")
        #expect(converted.problems.isEmpty)
    }

    static let tsValues: [(JSONValue, JSONValue?)] = [
        ("1795860930", 1_795_860_930), (1_795_860_930, 1_795_860_930),
        (.double(1_795_860_930.0), 1_795_860_930), (1.5, 1), ("yesterday", nil), (true, nil), (99_999_999_999, nil),
    ]

    @Test(arguments: tsValues)
    func tsMustEndAnInteger(value: JSONValue, expected: JSONValue?) throws {
        var editor = MappingEditor(subscription: Self.upload, sample: ["userId": "u", "when": value])
        try editor.setInput("$.when", for: "ts")
        let preview = RecordPreview(editor: editor)
        #expect(preview.record?["ts"] == expected)
        #expect(preview.problems.isEmpty == (expected != nil))
    }

    @Test func customMappingsArePreviewedByTheEngine() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.setRaw(#"{"@if": {"exists": {"@path": "$.traits.vip"}, "then": "vip", "else": {"@path": "$.userId"}}}"#, for: "identity")
        let preview = RecordPreview(editor: editor)
        #expect(preview.record?["identity"] == "u-1001")
        #expect(preview.problems.isEmpty)
    }

    @Test func mappingsTheEngineRefusesBlockSaving() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: Self.identify)
        try editor.setRaw(#"{"@path": 3}"#, for: "identity")
        let preview = RecordPreview(editor: editor)
        #expect(preview.canSave == false)
        #expect(preview.record == nil)
        #expect(preview.problems.first?.message.hasPrefix("Mapping problem at identity") == true)
    }

    @Test func unknownMappingFieldsAreKeptButBlockSavingUntilRemoved() throws {
        var subscription = Self.upload
        subscription.mapping["futureField"] = "x"
        var editor = MappingEditor(subscription: subscription, sample: Self.identify)
        #expect(RecordPreview(editor: editor).canSave == false)
        #expect(editor.unknownFieldKeys == ["futureField"])
        editor.removeUnknownFields()
        #expect(RecordPreview(editor: editor).canSave)
        #expect(editor.mapping == Self.upload.mapping)
    }

    static let profileValues: [(String, JSONValue, Bool)] = [
        ("Phone", "+14155551234", true), ("Phone", "+1415555", true), ("Phone", "+141555", false),
        ("Phone", "+0123456789", false), ("Phone", "+1234567890123456", false), ("Phone", 14155551234, false),
        ("Email", "a@b.co", true), ("Email", "a@b", false), ("Email", "a b@c.de", false), ("Email", "@c.de", false),
        ("Gender", "F", true), ("Gender", "f", false), ("Employed", "Y", true), ("Married", "yes", false),
        ("Education", "College", true), ("Education", "PhD", false), ("Age", 30, true), ("Age", "30", true),
        ("Age", "3O", false), ("DOB", "$D_639878400", true), ("DOB", 639_878_400, false),
        ("tags", ["a", "b"], true), ("plan", "pro", true),
    ]

    @Test(arguments: profileValues)
    func profileKeyRules(key: String, value: JSONValue, acceptable: Bool) {
        #expect((RecordPreview.profileProblem(key: key, value: value) == nil) == acceptable)
    }

    @Test func aNarrowPaneShowsValuesOnTheirOwnLineInsteadOfCuttingThem() {
        let record: JSONValue = ["identity": "clevertap-actions-test-user", "profileData": ["Name": "Test User"]]
        let pretty = record.prettyDescription
        let lines = RecordPreview.previewLines(pretty, width: 22)
        #expect(lines.contains(#" "identity":"#))
        #expect(lines.contains(#"   "clevertap-actions-test-user","#))
        #expect(lines.contains(#"  "Name": "Test User""#))
        #expect(RecordPreview.previewLines(pretty, width: 80) == pretty.split(separator: "\n").map(String.init))
    }

    @Test func rendersTheRecordAndProblemsInThePane() throws {
        var editor = MappingEditor(subscription: Self.delete, sample: Self.deleteUser)
        var screen = Screen(size: Size(columns: 100, rows: 8))
        RecordPreview(editor: editor).render(into: &screen, frame: PaneFrame(size: screen.size))
        #expect(screen.lines[0] == "Preview: record sent for the sample event")
        #expect(screen.text.contains(#""identity": "u-1002""#))
        #expect(screen.text.contains("No problems found."))

        try editor.setMapping(.unmapped, for: "identity")
        screen = Screen(size: Size(columns: 100, rows: 8))
        RecordPreview(editor: editor).render(into: &screen, frame: PaneFrame(size: screen.size))
        #expect(screen.text.contains("✗ Identity is required but not mapped"))
    }
}
