import CleverTapCore
import Foundation
@testable import SetupWizard
import Testing
import TerminalUI

/// The defects of the wizard's second pass (issue 10), one test each, at the state level where
/// the defect is about behaviour and on the rendered screen where it is about what is seen.
@Suite(.timeLimit(.minutes(2))) struct WizardSecondPassTests {
    /// Menu rows of `Workspace.sample`: Edit, Add, Send identify, Send delete, sandbox, Quit.
    static let addRow = 1

    /// The screen's words with line breaks and wrap indents folded to single spaces.
    static func words(_ driver: WizardDriver) -> String {
        driver.screen.lines.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.joined(separator: " ")
    }

    // 1. Leaving an edited destination asks; discarding leaves nothing pending.
    @Test func escOutOfAnEditedDestinationAsksAndDiscardIsReal() {
        var driver = WizardDriver(workspace: .sample)
        driver.press(.down, .enter)           // Add a destination
        driver.press(.enter)                  // the source Shop
        driver.press(.tab)                    // Project ID
        driver.type("886-894-RK5Z")
        driver.press(.escape, .escape)
        #expect(driver.state.overlay == .confirmLeave)
        #expect(driver.state.phase == .step(.source), "nothing is left before the answer")
        #expect(driver.text.contains("Leave this destination?"))
        driver.press(.character("k"))         // keep editing
        #expect(driver.state.overlay == nil)
        driver.press(.enter)
        #expect(driver.state.credentials.projectID.text == "886-894-RK5Z")
        driver.press(.escape, .escape)
        driver.press(.character("d"))         // discard
        #expect(driver.state.phase == .menu)
        #expect(!driver.state.hasUnsavedChanges)
        driver.press(.character("q"))
        #expect(driver.effects.last == .exit(.quitWithoutSaving(discardedChanges: false)), "q claims no phantom changes")
    }

    // 2. Shift-Tab is "previous field" everywhere; only Esc goes back a step.
    @Test func shiftTabNeverLeavesTheStep() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.press(.tab)                    // Project ID
        driver.type("844-6K7-984Z")
        for _ in 0..<3 { driver.press(.backTab) }
        #expect(driver.state.phase == .step(.credentials))
        #expect(driver.state.credentials.focus == .region, "three fields back from Project ID, wrapping past Verify")
        #expect(driver.state.credentials.projectID.text == "844-6K7-984Z")
        driver.state.furthestStep = .setupMode
        driver.state.phase = .step(.setupMode)
        driver.press(.backTab)
        #expect(driver.state.phase == .step(.setupMode))
        driver.press(.down, .enter)           // Customized: the subscription list
        #expect(driver.state.phase == .subscriptions)
        driver.press(.backTab)
        #expect(driver.state.phase == .subscriptions)
    }

    // 3. One focused element, drawn differently from the other pane's selection.
    @Test func theEditorShowsWhichPaneHasTheKeys() throws {
        var driver = WizardCustomizedSetupTests.inEditor()
        func rows(containing marker: String) -> [Int] {
            driver.screen.lines.enumerated().filter { $0.element.contains(marker) }.map(\.offset)
        }
        #expect(rows(containing: "▶ Trigger").count == 1)
        #expect(rows(containing: "▶ Field mapping").isEmpty)
        #expect(rows(containing: "› ").count == 1, "one focused row on screen")
        let triggerRow = try #require(rows(containing: "› ").first)
        #expect(driver.screen.lines[triggerRow].contains("type = identify") || driver.screen.lines[triggerRow].contains("type"))
        driver.press(.tab)
        #expect(rows(containing: "▶ Field mapping").count == 1)
        #expect(rows(containing: "▶ Trigger").isEmpty)
        let mappingRow = try #require(rows(containing: "› ").first)
        #expect(mappingRow > triggerRow)
        // The focused selection is reverse video (the selected role), the other one only dimmed:
        // distinct with colour and under NO_COLOR's monochrome theme.
        let focusedCell = driver.screen[driver.screen.lines[mappingRow].distance(to: "›"), mappingRow]
        #expect(focusedCell.style.role == .selected)
        let dimmed = (0..<driver.size.columns).map { driver.screen[$0, triggerRow] }.filter { $0.character != " " }
        #expect(dimmed.allSatisfy { $0.style.role != .selected && $0.style.role != .focused })
        #expect(Theme.monochrome.appearance(of: .selected).reverse)
        #expect(!Theme.monochrome.appearance(of: .subtle).reverse)
    }

    // 4. Messages wrap whole; what is cut ends in "…".
    @Test func aLongVerificationFailureIsReadableWhole() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.fillCredentialsAndContinue()
        driver.press(.escape)                 // back to credentials
        driver.state.credentials.focus = .verify
        driver.press(.enter)
        let reason = "No answer from https://in1.api.clevertap.com: The connection timed out after 10 seconds; check the network or the endpoint."
        driver.send(.verified(.rejected(reason)))
        #expect(Self.words(driver).contains("✗ " + reason))
    }

    @Test func aLongRefusalInTheEditorIsReadableWhole() throws {
        var driver = WizardCustomizedSetupTests.inEditor()
        driver.state.customized.message = ("Not saved: the mapping for Person Attributes must be an object of key to value, a \"string\", a number or a boolean; fix the value of Email.", true)
        #expect(Self.words(driver).contains("a \"string\", a number or a boolean; fix the value of Email."))
    }

    // 5. After a save, leaving from the menu says what this run did.
    @Test func quittingFromTheMenuAfterASaveReportsTheSave() throws {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.fillCredentialsAndContinue()
        driver.press(.enter, .enter)          // Quick Setup, save
        try driver.completeSave()
        driver.press(.character("m"))
        #expect(driver.state.phase == .menu)
        driver.press(.character("q"))
        guard case .exit(.saved(let path, let command, let discarded))? = driver.effects.last else {
            Issue.record("quitting after a save claimed nothing was saved: \(driver.effects)")
            return
        }
        #expect(path == driver.state.configPath)
        #expect(command.contains("--non-interactive"))
        #expect(!discarded)
    }

    // One setup path: the save is a SetupRequest applied to the file as it is then.
    @Test func aSetupWrittenMeanwhileByTheCommandLineIsKept() async throws {
        let directory = NSTemporaryDirectory() + "wizard-concurrent-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = WorkspaceStore(path: directory + "/workspace.json")
        try store.save(.sample)
        var driver = WizardDriver(workspace: try store.load(), configPath: store.path)
        driver.press(.down, .enter, .enter)   // Add a destination on Shop
        driver.fillCredentialsAndContinue()
        driver.press(.enter)                  // Quick Setup: Review
        // Meanwhile `setup --non-interactive` adds a destination to the file.
        _ = try store.update { workspace in
            let outcome = try workspace.applying(SetupRequest(sourceName: "Shop", destinationName: "EU copy", projectID: "886-894-RK5Z",
                                                              passcode: .environment(variable: "P"), region: "eu1", quick: true),
                                                 validator: store.validator)
            workspace = outcome.workspace
            return outcome
        }
        driver.press(.enter)                  // save
        let handler = WizardEffectHandler(services: WizardServices(save: WizardServices.saving(to: store), verify: { _ in .rejected("") }))
        let effect = try #require(driver.effects.last)
        let answer = try #require(await handler.perform(effect))
        driver.send(answer)
        #expect(driver.state.phase == .saved, "\(answer)")
        let saved = try store.load(required: true)
        #expect(saved.destinations.map(\.name) == ["CleverTap (Actions)", "EU copy", "CleverTap (Actions) 2"])
        #expect(driver.state.workspace == saved, "the wizard continues from the file as written")
    }

    @Test func aNewSourceNamedLikeAnExistingOneIgnoringCaseIsRefusedAtOnce() {
        var workspace = Workspace.sample
        workspace.destinations = []
        var driver = WizardDriver(workspace: workspace)
        driver.press(.down, .enter)
        driver.type("shop")
        driver.press(.enter)
        #expect(driver.state.phase == .step(.source))
        #expect(driver.text.contains("A source named \"shop\" already exists"))
    }

    // 6. Step 3 lists a saved Customized Setup's subscriptions.
    @Test func stepThreeListsTheSavedCustomSubscriptions() {
        var workspace = Workspace.sample
        workspace.destinations[0].setupMode = .customized
        workspace.destinations[0].subscriptions = [workspace.destinations[0].subscriptions[1]]
        var driver = WizardDriver(workspace: workspace)
        driver.press(.enter, .character("3"))
        #expect(!driver.text.contains("No subscriptions yet"))
        #expect(driver.text.contains("[x] \(workspace.destinations[0].subscriptions[0].name)"))
    }

    // 7. The raw trigger scrolls in its field, the cursor stays in it, ^ marks the error.
    @Test func theRawTriggerScrollsAndMarksTheError() throws {
        var driver = WizardCustomizedSetupTests.inEditor()
        driver.press(.ctrl("t"))
        driver.press(.ctrl("e"), .ctrl("u"))
        let long = #"traits.plan = "pro" and properties.total > 100 and context.locale = "en-US" and event = "Order Completed" and"#
        driver.type(long)
        let screen = driver.screen
        let cursor = try #require(screen.cursor)
        let mappingTitle = try #require(screen.lines.firstIndex { $0.contains("Field mapping") })
        #expect(cursor.row < mappingTitle, "the cursor is in the trigger field, not in another pane")
        #expect(cursor.column < driver.size.columns * 7 / 10, "the cursor is left of the preview pane")
        #expect(screen.lines[cursor.row].contains(#"= "Order Completed" and"#), "the field scrolled to the end")
        #expect(screen.text.contains("^"))
    }

    // 8. Quick Setup is chosen explicitly, and dropping custom subscriptions asks.
    @Test func movingOntoQuickSetupChangesNothingAndReplacingAsks() {
        var workspace = Workspace.sample
        workspace.destinations[0].setupMode = .customized
        workspace.destinations[0].subscriptions = [workspace.destinations[0].subscriptions[1]]
        var driver = WizardDriver(workspace: workspace)
        driver.press(.enter, .character("3"))
        driver.press(.up)
        #expect(driver.state.setupMode.mode == .customized)
        #expect(!driver.state.hasUnsavedChanges)
        driver.press(.enter)
        #expect(driver.state.setupMode.confirmReplace)
        #expect(driver.text.contains("Replace them?"))
        driver.press(.character("n"))
        #expect(driver.state.setupMode.mode == .customized)
        #expect(driver.state.phase == .step(.setupMode))
        driver.press(.enter, .character("y"))
        #expect(driver.state.setupMode.mode == .quick)
        #expect(driver.state.phase == .step(.review))
    }

    // 10. Keys under the "enlarge the terminal" screen do nothing.
    @Test func keysUnderTheEnlargeScreenDoNothing() {
        var driver = WizardDriver()
        driver.press(.resize(columns: 60, rows: 15))
        driver.type("Web")
        driver.press(.enter)
        #expect(driver.state.source.name.text.isEmpty)
        #expect(driver.state.source.created == nil)
        driver.press(.resize(columns: 80, rows: 24))
        driver.type("Web")
        #expect(driver.state.source.name.text == "Web")
    }

    // 11. The write key is shown once it exists, and stays visible under the source.
    @Test func theWriteKeyIsShownAfterSavingAndUnderTheSource() throws {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        #expect(driver.state.phase == .step(.credentials), "one Enter creates and moves on")
        driver.press(.escape)
        #expect(!driver.text.contains(WizardDriver.identifiers.writeKey), "not before it is saved")
        #expect(!driver.text.contains("shown once"))
        driver.press(.enter)
        driver.fillCredentialsAndContinue()
        driver.press(.enter, .enter)
        try driver.completeSave()
        #expect(driver.text.contains(WizardDriver.identifiers.writeKey))
        driver.press(.character("m"), .enter, .character("1"))
        #expect(driver.text.contains("Write key of Website:"))
        #expect(driver.text.contains(WizardDriver.identifiers.writeKey))
    }

    // 12. Esc gives up on a slow send.
    @Test func escCancelsASendUnderWay() {
        var driver = WizardDriver(workspace: .sample)
        for _ in 0..<2 { driver.press(.down) }
        driver.press(.enter)
        #expect(driver.state.testSend?.isRunning == true)
        driver.press(.escape)
        #expect(driver.state.phase == .menu)
        #expect(driver.effects.last == .cancelTestSend)
    }

    @Test func theTimeoutMessageNamesNoSettingThatDoesNotExist() {
        let message = CleverTapError.timeout(seconds: 10, attempts: 3).description
        #expect(!message.contains("request timeout"), "there is no request-timeout setting to raise: \(message)")
        #expect(message.contains("Check the network and the endpoint"))
    }

    // 13. Keeping the Project ID keeps its region too.
    @Test func keepingTheProjectIDKeepsItsRegion() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.press(.tab)
        driver.type("W9R-486-4W5Z")
        driver.state.credentials.regionIndex = Region.catalog.firstIndex { $0.code == "us1" }!
        driver.state.credentials.focus = .dashboardURL
        driver.press(.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main"))
        #expect(driver.state.credentials.pendingProjectID == "844-6K7-984Z")
        driver.press(.character("n"))
        #expect(driver.state.credentials.projectID.text == "W9R-486-4W5Z")
        #expect(driver.state.credentials.endpoint == .region(Region.named("us1")!))
    }

    // 14. Polish.
    @Test func oneDestinationIsSingularAndReviewNamesIt() {
        var driver = WizardDriver(workspace: .sample)
        #expect(driver.text.contains("This workspace has 1 destination\n") || driver.text.contains("has 1 destination "))
        #expect(!driver.text.contains("destination(s)"))
        driver.press(.enter)
        #expect(driver.text.contains("Destination") && driver.text.contains("CleverTap (Actions)"))
    }

    @Test func leftRightAndEndMoveInTheRegionGrid() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.state.credentials.focus = .region
        driver.state.credentials.regionIndex = 0
        driver.press(.right)
        let half = (Region.catalog.count + 2) / 2
        #expect(driver.state.credentials.regionIndex == half)
        driver.press(.left)
        #expect(driver.state.credentials.regionIndex == 0)
        driver.press(.end)
        #expect(driver.state.credentials.isCustomEndpoint)
        driver.press(.home)
        #expect(driver.state.credentials.regionIndex == 0)
    }
}

extension String {
    /// The display column of the first `marker` (for reading a cell off a screen line).
    func distance(to marker: Character) -> Int {
        guard let index = firstIndex(of: marker) else { return 0 }
        return DisplayWidth.of(String(self[..<index]))
    }
}
