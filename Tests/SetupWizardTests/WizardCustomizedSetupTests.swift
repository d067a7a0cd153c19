import CleverTapCore
@testable import SetupWizard
import Testing
import TerminalUI

/// Customized Setup in the wizard: the subscription list and the subscription editor, driven
/// with keys through `update` and read back from `view` at 80x24.
@Suite(.timeLimit(.minutes(2))) struct WizardCustomizedSetupTests {
    /// A new workspace at the subscription list (source and credentials done, Customized chosen).
    static func atSubscriptions() -> WizardDriver {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.fillCredentialsAndContinue()
        driver.press(.down, .enter)
        return driver
    }

    /// One User Upload subscription, open in the editor.
    static func inEditor() -> WizardDriver {
        var driver = atSubscriptions()
        driver.press(.character("u"), .enter, .enter)
        return driver
    }

    static func focusField(_ key: String, _ driver: inout WizardDriver) throws {
        let editor = try #require(driver.state.customized.editor)
        if editor.focus != .mapping { driver.press(.tab) }
        let index = try #require(editor.mapping.rows.firstIndex { $0.field.key == key })
        for _ in 0..<8 { driver.press(.up) }
        for _ in 0..<index { driver.press(.down) }
    }

    /// The footer line always fits the minimum width.
    static func expectFooterFits(_ driver: WizardDriver) {
        let footer = Wizard.footerKeys(driver.state)
        #expect(DisplayWidth.of(footer) <= 79, "footer too wide: \(footer)")
    }

    @Test func addRenameToggleAndDeleteWithConfirmation() {
        var driver = Self.atSubscriptions()
        #expect(driver.text.contains("No subscriptions yet"))
        Self.expectFooterFits(driver)
        driver.press(.character("u"))
        #expect(driver.text.contains("Name of the new User Upload: User Upload"))
        driver.press(.ctrl("u"))
        driver.type("VIP uploads")
        driver.press(.enter)
        driver.press(.character("d"), .enter)
        #expect(driver.state.customized.list.subscriptions.map(\.name) == ["VIP uploads", "Delete User"])
        #expect(driver.text.contains("[x] VIP uploads"))

        driver.press(.up, .character("r"), .ctrl("u"))
        driver.type("Uploads")
        driver.press(.enter)
        #expect(driver.text.contains("[x] Uploads"))

        driver.press(.character(" "))
        #expect(driver.text.contains("[ ] Uploads"))
        #expect(driver.state.customized.list.subscriptions[0].enabled == false)

        driver.press(.character("x"))
        #expect(driver.text.contains("Delete \"Uploads\"?"))
        driver.press(.character("n"))
        #expect(driver.state.customized.list.subscriptions.count == 2)
        driver.press(.character("x"), .character("y"))
        #expect(driver.state.customized.list.subscriptions.map(\.name) == ["Delete User"])
        #expect(driver.text.contains("Deleted \"Uploads\"."))
    }

    @Test func anExistingDestinationsSubscriptionsAreTheStartingPoint() throws {
        var driver = WizardDriver(workspace: .sample)
        driver.press(.enter, .character("3"), .down, .enter)
        #expect(driver.state.phase == .subscriptions)
        #expect(driver.state.customized.list.subscriptions == Workspace.sample.destinations[0].subscriptions)
        driver.press(.character(" "), .character("n"), .enter)
        let workspace = try driver.savedWorkspace()
        let destination = try #require(workspace.destinations.first)
        #expect(destination.setupMode == .customized)
        #expect(destination.subscriptions.map(\.enabled) == [false, true])
    }

    @Test func aDuplicateNameIsRefusedInWordsAndThePromptStays() {
        var driver = Self.atSubscriptions()
        driver.press(.character("u"), .enter)
        driver.press(.character("u"), .ctrl("u"))
        driver.type("user upload")
        driver.press(.enter)
        #expect(driver.text.contains("A subscription named \"user upload\" already exists"))
        #expect(driver.state.customized.prompt != nil)
        #expect(driver.state.customized.list.subscriptions.count == 1)
        driver.press(.escape)
        #expect(driver.state.customized.prompt == nil)
    }

    @Test func theEditorShowsTriggerMappingAndPreviewWithinTheScreen() {
        let driver = Self.inEditor()
        let text = driver.text
        #expect(text.contains("Edit \"User Upload\" (User Upload)"))
        #expect(text.contains("Sample event 1/"))
        #expect(text.contains("Trigger (builder)"))
        #expect(text.contains("Field mapping: User Upload"))
        #expect(text.contains("Identity"))
        #expect(text.contains("\"identity\""))  // the preview's record
        Self.expectFooterFits(driver)
        #expect(driver.screen.size == Size(columns: 80, rows: 24))
    }

    @Test func rawTriggerShowsTheErrorPositionThenTheSampleMatch() {
        var driver = Self.inEditor()
        Self.expectFooterFits(driver)
        driver.press(.ctrl("t"))
        #expect(driver.text.contains("Trigger (raw text)"))
        #expect(Wizard.isEditingText(driver.state))
        driver.press(.ctrl("u"))
        driver.type("type = ")
        #expect(driver.text.contains("Error at character"))
        #expect(driver.text.contains("^"))
        driver.type("\"identify\" and traits.plan = \"trial\"")
        #expect(driver.text.contains("Valid. The sample event matches."))
        #expect(driver.state.customized.editor?.trigger.text == #"type = "identify" and traits.plan = "trial""#)
        Self.expectFooterFits(driver)
    }

    @Test func savingWithTheRequiredIdentityUnmappedIsRefused() throws {
        var driver = Self.inEditor()
        try Self.focusField("identity", &driver)
        driver.press(.character("x"))  // unmap
        driver.press(.ctrl("s"))
        #expect(driver.state.customized.editor != nil)
        #expect(driver.text.contains("Not saved: Identity is required"))
        driver.press(.enter, .ctrl("u"))
        driver.type("$.userId")
        driver.press(.enter, .ctrl("s"))
        #expect(driver.state.customized.editor == nil)
        #expect(driver.text.contains("Saved \"User Upload\"."))
        let saved = try #require(driver.state.customized.list.subscriptions.first)
        #expect(saved.mapping["identity"] == ["@path": "$.userId"])
    }

    @Test func mappingAcceptsATemplateALiteralAndSuggestions() throws {
        var driver = Self.inEditor()
        try Self.focusField("identity", &driver)
        driver.press(.enter, .ctrl("u"))
        driver.type("{{traits.email}}")
        driver.press(.enter)
        #expect(driver.state.customized.editor?.mapping.row("identity")?.mapping == .value(.template("{{traits.email}}")))
        driver.press(.enter, .ctrl("u"))
        driver.type("fixed-id")
        driver.press(.enter)
        #expect(driver.state.customized.editor?.mapping.row("identity")?.mapping == .value(.literal("fixed-id")))
        driver.press(.character("s"))
        #expect(driver.state.customized.editor?.mapping.row("identity")?.mapping == .value(.path("$.userId")))
        driver.press(.enter, .ctrl("u"))
        driver.type("$.traits[")
        driver.press(.enter)
        #expect(driver.state.customized.prompt != nil, "a malformed path keeps the prompt open")
    }

    @Test func personAttributesKeyByKeyWithCleverTapKeysFirst() throws {
        var driver = Self.inEditor()
        try Self.focusField("profileData", &driver)
        driver.press(.enter, .ctrl("u"), .enter)  // unmapped, then build it key by key
        driver.press(.character("a"))
        #expect(driver.text.contains("Attribute Key=value: Name="))
        driver.type("$.traits.name")
        driver.press(.enter)
        driver.press(.character("a"))
        #expect(driver.text.contains("Attribute Key=value: Email="))
        driver.type("$.traits.email")
        driver.press(.enter)
        let attributes = try #require(driver.state.customized.editor?.mapping.attributes)
        #expect(attributes.map(\.key) == ["Name", "Email"])
        #expect(driver.text.contains("key by key (2 keys)"))
        #expect(driver.text.contains("\"Email\""))  // in the preview's record
        driver.press(.character("x"))
        #expect(driver.state.customized.editor?.mapping.attributes?.map(\.key) == ["Name"])
    }

    @Test func convertTimestampsToggleAndSampleSwitching() throws {
        var driver = Self.inEditor()
        try Self.focusField("ts", &driver)
        let before = try #require(driver.state.customized.editor?.mapping.convertTimestamps)
        driver.press(.character("t"))
        #expect(driver.state.customized.editor?.mapping.convertTimestamps == !before)
        #expect(driver.text.contains("[\(before ? " " : "x")] Convert Timestamps"))
        let sample = driver.state.customized.editor?.samples.selectedIndex
        driver.press(.ctrl("n"))
        #expect(driver.state.customized.editor?.samples.selectedIndex != sample)
        driver.press(.ctrl("p"))
        #expect(driver.state.customized.editor?.samples.selectedIndex == sample)
    }

    @Test func theHelpOverlayListsTheEditorKeysWithinTheScreen() {
        var driver = Self.inEditor()
        driver.press(.tab, .character("?"))
        #expect(driver.state.overlay == .help)
        #expect(driver.text.contains("Person Attributes key by key"))
        #expect(driver.text.contains("Ctrl-S"))
        #expect(driver.text.contains("(F2 too;"))
        driver.press(.enter)
        #expect(driver.state.overlay == nil)
    }

    @Test func ctrlOHandsTheSampleToTheEditorAndTakesTheEditBack() throws {
        var driver = Self.inEditor()
        let text = try #require(driver.state.customized.editor?.samples.editableText)
        driver.press(.ctrl("o"))
        #expect(driver.effects.last == .editSample(text))
        driver.send(.sampleEdited(#"{"type": "identify", "userId": "edited-7", "traits": {"plan": "trial"}}"#))
        #expect(driver.text.contains("Edited sample"))
        #expect(driver.state.customized.editor?.preview.record?["identity"] == "edited-7")
        driver.send(.sampleEdited("{ not json"))
        #expect(driver.state.customized.editor?.samples.editError != nil)
        #expect(driver.text.contains("Edited sample"), "a bad edit keeps the previous sample")
        #expect(driver.state.customized.editor?.preview.record?["identity"] == "edited-7")
        driver.send(.sampleEditFailed("The editor \"false\" exited with status 1; the sample was not changed."))
        #expect(driver.text.contains("exited with status 1"))
    }

    @Test func theEffectHandlerRunsTheEditorOnTheSample() async throws {
        // A real editor command: sed rewrites the file in place, as an editor would.
        func handler(_ editor: String) -> WizardEffectHandler {
            WizardEffectHandler(services: WizardServices(
                save: { _ in throw CancellationError() }, verify: { _ in .rejected("") },
                editText: { text in try ExternalEditor(environment: ["EDITOR": editor]).edit(text) }))
        }
        let answer = await handler("sed -i s/u-1/u-2/").perform(.editSample(#"{"userId": "u-1"}"#))
        #expect(answer == .sampleEdited(#"{"userId": "u-2"}"#))
        guard case .sampleEditFailed(let reason)? = await handler("false").perform(.editSample("{}")) else {
            Issue.record("expected the editor's failure")
            return
        }
        #expect(reason.contains("exited with status 1"))
    }

    @Test func closingWithChangesAsksFirst() throws {
        var driver = Self.inEditor()
        try Self.focusField("ts", &driver)
        driver.press(.character("t"), .escape)
        #expect(driver.text.contains("Discard your changes"))
        driver.press(.character("n"))
        #expect(driver.state.customized.editor != nil)
        driver.press(.escape, .character("y"))
        #expect(driver.state.customized.editor == nil)
        #expect(driver.state.customized.list.subscriptions.first?.convertTimestamps == true)
    }
}

@Suite(.timeLimit(.minutes(2))) struct WizardTriggerBuilderKeysTests {
    @Test func addEditJoinAndRemoveConditionsInTheBuilder() throws {
        var driver = WizardCustomizedSetupTests.inEditor()
        #expect(driver.state.customized.editor?.trigger.mode == .builder)
        driver.press(.character("a"))
        #expect(driver.text.contains("Condition (field op value): event = \"\""))
        driver.press(.ctrl("u"))
        driver.type("traits.plan = \"trial\"")
        driver.press(.enter)
        #expect(driver.state.customized.editor?.trigger.text == #"type = "identify" and traits.plan = "trial""#)
        #expect(driver.text.contains("trait plan is \"trial\""))
        driver.press(.character("j"))
        #expect(driver.state.customized.editor?.trigger.text == #"type = "identify" or traits.plan = "trial""#)
        driver.press(.enter, .ctrl("u"))
        driver.type("traits.plan = \"pro\"")
        driver.press(.enter)
        #expect(driver.state.customized.editor?.trigger.text == #"type = "identify" or traits.plan = "pro""#)
        driver.press(.character("a"), .ctrl("u"))
        driver.type("type = \"track\" and event = \"x\"")
        driver.press(.enter)
        #expect(driver.text.contains("One condition at a time"))
        driver.press(.escape)
        driver.press(.character("x"))
        #expect(driver.state.customized.editor?.trigger.text == #"type = "identify""#)
        WizardCustomizedSetupTests.expectFooterFits(driver)
    }
}
