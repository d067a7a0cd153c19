import CleverTapCore
import SetupWizard
import Testing
import TerminalUI

/// Plain mode: prompts rendered from the wizard's state, and lines turned into the wizard's own
/// messages (driven through the real `Wizard.update`).
@Suite(.timeLimit(.minutes(2))) struct PlainModeTests {
    static let dashboardURL = "https://in1.dashboard.clevertap.com/844-6K7-984Z/main"
    static let passcode = "dca1d7eb3a6e4a0e9f2b"

    /// Answers `line` the way the plain runner does: translate, then feed the messages to update.
    @discardableResult
    static func answer(_ line: String, _ driver: inout WizardDriver) -> PlainCommand {
        let command = PlainInput.translate(line, for: driver.state)
        if case .send(let messages) = command { for message in messages { driver.send(message) } }
        return command
    }

    static func prompt(_ driver: WizardDriver) -> PlainPrompt { PlainPrompt.make(driver.state) }

    // MARK: rendering

    @Test func firstRunAsksForTheNewSourceName() {
        let prompt = Self.prompt(WizardDriver())
        #expect(prompt.heading.contains("Step 1 of 4: Source"))
        #expect(prompt.heading.contains { $0.hasPrefix("Where your events come from") })
        #expect(prompt.input == .text(secret: false))
        #expect(prompt.text.hasSuffix("Name of the new source, e.g. Website: "))
    }

    @Test func menuListsDestinationsNumberedWithTheSelectionMarked() {
        let prompt = Self.prompt(WizardDriver(workspace: .sample))
        #expect(prompt.input == .choice(count: 8))
        #expect(prompt.text.contains("  1. Edit CleverTap (Actions): W9R-486-4W5Z, United States, 2 subscriptions  (current)"))
        #expect(prompt.text.contains("  2. Add a destination\n  3. Send test identify\n  4. Send test delete\n  5. Send test track\n"))
        #expect(prompt.text.contains("  7. Event delivery (what serve's queue holds)\n  8. Quit\nChoose (1-8): "))
    }

    @Test func passcodeIsASecretFieldAndNeverShown() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        Self.answer(Self.dashboardURL, &driver)
        Self.answer("", &driver)
        #expect(Self.prompt(driver).input == .text(secret: true))
        #expect(Self.prompt(driver).question == "Passcode (not shown)")
        Self.answer(Self.passcode, &driver)
        #expect(driver.state.credentials.passcode.text == Self.passcode)
        #expect(driver.state.credentials.focus == .region)
        // A passcode already there: the prompt says so, not what it is.
        var again = WizardDriver()
        again.createSourceAndContinue()
        again.press(.tab, .tab)
        again.type(Self.passcode)
        #expect(Self.prompt(again).question == "Passcode (not shown) [entered; Enter keeps it]")
        #expect(!Self.prompt(again).text.contains(Self.passcode))
        // Nor does Review.
        Self.answer("", &driver)
        Self.answer("1", &driver)
        Self.answer("1", &driver)
        #expect(driver.state.phase == .step(.review))
        let review = Self.prompt(driver)
        #expect(review.heading.contains("Passcode:      entered (not shown)"))
        #expect(!(review.heading + [review.text]).joined(separator: "\n").contains(Self.passcode))
    }

    @Test func credentialErrorsAreNotesOnTheFieldToFix() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        for line in ["", "", "", ""] { Self.answer(line, &driver) }  // skip URL, ID, passcode, region
        #expect(driver.state.credentials.focus == .verify)
        Self.answer("1", &driver)  // Continue with nothing entered
        #expect(driver.state.phase == .step(.credentials))
        let prompt = Self.prompt(driver)
        #expect(driver.state.credentials.focus == .projectID)
        #expect(prompt.notes.contains("Error: Project ID is empty (in CleverTap: Settings > Project)."))
        #expect(prompt.notes.contains("Error: Passcode is empty (in CleverTap: Settings > Passcode)."))
        #expect(prompt.question.hasPrefix("Project ID"))
    }

    // MARK: line -> messages

    struct Case: Sendable, CustomTestStringConvertible {
        var line: String
        var expected: PlainCommand
        var testDescription: String { "\"\(line)\"" }
    }

    /// On the menu of a workspace with one destination (selection 0 of 6 rows).
    @Test(arguments: [
        Case(line: "", expected: .send([.intent(.menu(row: 0))])),
        Case(line: "1", expected: .send([.intent(.menu(row: 0))])),
        Case(line: " 2 ", expected: .send([.intent(.menu(row: 1))])),
        Case(line: "3", expected: .send([.intent(.menu(row: 2))])),
        Case(line: "9", expected: .invalid("\"9\" is not one of the options; type a number from 1 to 8, or ? for help.")),
        Case(line: "Website", expected: .invalid("\"Website\" is not one of the options; type a number from 1 to 8, or ? for help.")),
        Case(line: "?", expected: .help),
        Case(line: "q", expected: .send([.intent(.requestQuit)])),
        Case(line: "b", expected: .invalid("This is the first screen; there is nothing to go back to (q quits).")),
    ])
    func menuLines(_ example: Case) {
        #expect(PlainInput.translate(example.line, for: WizardDriver(workspace: .sample).state) == example.expected)
    }

    /// On the new source's name field, already holding "Web".
    @Test(arguments: [
        Case(line: "", expected: .send([.intent(.source(.name(nil)))])),
        Case(line: "Website", expected: .send([.intent(.source(.name("Website")))])),
        Case(line: "  Web  ", expected: .send([.intent(.source(.name("Web")))])),
        Case(line: "\\q", expected: .send([.intent(.source(.name("q")))])),
        Case(line: "\\", expected: .send([.intent(.source(.name("")))])),
        Case(line: "q", expected: .send([.intent(.requestQuit)])),
    ])
    func textFieldLines(_ example: Case) {
        var driver = WizardDriver()
        driver.type("Web")
        #expect(PlainInput.translate(example.line, for: driver.state) == example.expected)
    }

    @Test func aPastedDashboardURLFillsRegionAndProjectIDAsInTheFullScreenWizard() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        #expect(Self.answer(Self.dashboardURL, &driver) == .send([.intent(.credentials(.text(.dashboardURL, Self.dashboardURL)))]))
        #expect(driver.state.credentials.projectID.text == "844-6K7-984Z")
        #expect(driver.state.credentials.endpoint == .region(Region.named("in1")!))
        #expect(driver.state.credentials.focus == .projectID)
        #expect(Self.prompt(driver).question == "Project ID, XXX-XXX-XXXX [844-6K7-984Z]")
    }

    @Test func aDifferentProjectIDInTheURLAsksBeforeReplacing() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        Self.answer("", &driver)
        Self.answer("W9R-486-4W5Z", &driver)
        Self.answer("b", &driver)  // back to step 1 ...
        #expect(driver.state.phase == .step(.source))
        driver.press(.enter)  // ... and forward again: the focus stayed on the passcode
        driver.press(.up, .up)
        Self.answer(Self.dashboardURL, &driver)
        let prompt = Self.prompt(driver)
        #expect(prompt.input == .confirm)
        #expect(prompt.question == "Replace the Project ID W9R-486-4W5Z with 844-6K7-984Z? (y/n)")
        #expect(Self.answer("maybe", &driver) == .invalid("Answer y or n."))
        Self.answer("y", &driver)
        #expect(driver.state.credentials.projectID.text == "844-6K7-984Z")
        #expect(driver.state.credentials.focus == .projectID)
    }

    @Test func regionNumbersMoveTheSelectionAndCustomEndpointAsksForItsURL() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        for line in ["", "W9R-486-4W5Z", Self.passcode] { Self.answer(line, &driver) }
        #expect(driver.state.credentials.focus == .region)
        Self.answer("4", &driver)
        #expect(driver.state.credentials.endpoint == .region(Region.catalog[3]))
        Self.answer("b", &driver)  // leave and come back to pick again
        driver.press(.enter, .up)
        #expect(driver.state.credentials.focus == .region)
        Self.answer("\(Region.catalog.count + 1)", &driver)
        #expect(driver.state.credentials.isCustomEndpoint)
        #expect(Self.prompt(driver).question.hasPrefix("Custom endpoint URL"))
        Self.answer("http://127.0.0.1:9", &driver)
        Self.answer("1", &driver)
        #expect(driver.state.phase == .step(.setupMode))
        #expect(driver.state.credentials.endpoint.baseURL.hasPrefix("http://127.0.0.1:9"))
    }

    @Test func verifyAsksForTheCheckAndContinueMovesOn() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        for line in [Self.dashboardURL, "", Self.passcode, ""] { Self.answer(line, &driver) }
        Self.answer("2", &driver)
        guard case .verifyCredentials(let request)? = driver.effects.last else {
            Issue.record("Verify asked for no check: \(driver.effects)")
            return
        }
        #expect(request.projectID == "844-6K7-984Z" && request.passcode.revealed == Self.passcode)
        #expect(request.endpoint == .region(Region.named("in1")!))
        driver.send(.verified(.rejected("Refused: bad passcode")))
        #expect(Self.prompt(driver).notes.contains("Verification failed: Refused: bad passcode"))
        Self.answer("", &driver)
        #expect(driver.state.phase == .step(.setupMode))
    }

    @Test func setupModeByNumber() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.fillCredentialsAndContinue()
        #expect(Self.prompt(driver).options.count == 3 && Self.prompt(driver).current == 0)
        #expect(Self.answer("2", &driver) == .send([.intent(.setupMode(.choose(.customized, events: false)))]))
        #expect(driver.state.setupMode.mode == .customized)
        #expect(driver.state.phase != .step(.setupMode))  // on to Customized Setup's screen
        Self.answer("b", &driver)
        if driver.state.phase != .step(.setupMode) { Self.answer("b", &driver) }
        #expect(driver.state.phase == .step(.setupMode))
        #expect(Self.prompt(driver).current == 1)
        #expect(Self.answer("1", &driver) == .send([.intent(.setupMode(.choose(.quick, events: false)))]))
        #expect(driver.state.setupMode.mode == .quick && driver.state.phase == .step(.review))
    }

    @Test func setupModeThreeIsQuickSetupWithTheEventPresets() throws {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.fillCredentialsAndContinue()
        #expect(Self.prompt(driver).options[2].hasPrefix("Quick Setup with events too: the above and Track Event: Upload Event when"))
        #expect(Self.answer("3", &driver) == .send([.intent(.setupMode(.choose(.quick, events: true)))]))
        #expect(driver.state.setupMode.mode == .quick && driver.state.setupMode.events)
        Self.answer("b", &driver)
        #expect(Self.prompt(driver).current == 2)
        #expect(Self.answer("1", &driver) == .send([.intent(.setupMode(.choose(.quick, events: false)))]))
        #expect(!driver.state.setupMode.events)
    }

    /// Answers name what they choose, so where the highlight or the focus happens to be does not
    /// change what they do (moved key by key, a number reached a different row once it had moved).
    @Test func anAnswerMeansTheSameWhereverTheHighlightIs() {
        var driver = WizardDriver(workspace: .sample)
        driver.press(.down, .down, .down)
        Self.answer("2", &driver)  // Add a destination, whatever was highlighted before
        #expect(driver.state.phase == .step(.source))
        #expect(driver.state.editingDestinationID == nil)

        var credentials = WizardDriver()
        credentials.createSourceAndContinue()
        for line in ["", "W9R-486-4W5Z", Self.passcode] { Self.answer(line, &credentials) }
        credentials.press(.down, .down)  // the region list's highlight moved by keys first
        Self.answer("4", &credentials)
        #expect(credentials.state.credentials.endpoint == .region(Region.catalog[3]))
        #expect(credentials.state.credentials.focus == .verify)
    }

    @Test func anIntentThatDoesNotFitTheScreenChangesNothing() {
        var driver = WizardDriver(workspace: .sample)
        let before = driver.state
        for intent: WizardIntent in [.save, .quit(confirmed: true), .credentials(.verify), .source(.type(1)), .finish,
                                     .sendTestAgain, .menu(row: 99)] {
            driver.send(.intent(intent))
        }
        #expect(driver.state == before)
        #expect(driver.effects.isEmpty)
    }

    @Test func reviewSavesOrJumpsToAStep() throws {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.fillCredentialsAndContinue()
        Self.answer("1", &driver)  // Quick Setup
        #expect(driver.state.phase == .step(.review))
        #expect(Self.prompt(driver).options == ["Save", "Edit step 1: Source", "Edit step 2: Credentials", "Edit step 3: Setup mode"])
        Self.answer("3", &driver)
        #expect(driver.state.phase == .step(.credentials))
        for line in ["", "", "1", "1"] { Self.answer(line, &driver) }  // passcode kept, region kept, Continue, Quick
        #expect(driver.state.phase == .step(.review))
        Self.answer("1", &driver)
        let workspace = try driver.savedWorkspace()
        #expect(workspace.destinations.first?.passcode == .inline(Secret("dca1d7eb0a1b2c3d")))
        try driver.completeSave(path: "/tmp/w.json")
        let saved = Self.prompt(driver)
        #expect(saved.heading.contains("Saved. The workspace is written to /tmp/w.json"))
        #expect(saved.heading.contains { $0.contains("--passcode-env CLEVERTAP_PASSCODE") })
    }

    @Test func quittingWithUnsavedChangesAsksFirst() {
        var driver = WizardDriver()
        driver.type("Web")
        Self.answer("q", &driver)
        #expect(driver.state.overlay == .confirmQuit)
        #expect(Self.prompt(driver).question == "Quit without saving? (y/n)")
        Self.answer("b", &driver)
        #expect(driver.state.overlay == nil)
        Self.answer("q", &driver)
        Self.answer("y", &driver)
        #expect(driver.effects.last == .exit(.quitWithoutSaving(discardedChanges: true)))
    }

    @Test func aTestSendFromTheMenuShowsTheAnswerThenTheRequest() throws {
        var driver = WizardDriver(workspace: .sample)
        Self.answer("6", &driver)  // tick "Send to the local sandbox": Enter toggles, the menu stays
        #expect(driver.state.testToLocalSandbox && driver.state.phase == .menu)
        Self.answer("3", &driver)
        guard case .sendTest(let request)? = driver.effects.last else {
            Issue.record("Send test identify asked for no send: \(driver.effects)")
            return
        }
        #expect(request.kind == .identify && request.target == .localSandbox)
        let preview = CleverTapRequestPreview(method: "POST", url: "http://127.0.0.1:1/1/upload",
                                              headers: [.init(name: "X-CleverTap-Passcode", value: "••••23")],
                                              body: ["d": []])
        driver.send(.testSendFinished(TestSendSummary(kind: .identify, destinationName: "CleverTap (Actions)", target: .localSandbox,
                                                      request: preview, answer: .rejected(["record 1: Identity is missing"]))))
        let prompt = Self.prompt(driver)
        #expect(prompt.heading.contains("Test identify through CleverTap (Actions)"))
        #expect(prompt.heading.contains("To the local sandbox (started in this process)"))
        #expect(prompt.heading.contains("  record 1: Identity is missing"))
        // The same lines as the full screen's result: "Request", then the request line, headers indented.
        #expect(prompt.heading.contains("Request"))
        #expect(prompt.heading.contains("POST http://127.0.0.1:1/1/upload"))
        #expect(prompt.heading.contains("  X-CleverTap-Passcode: ••••23"))
        // The body keeps its JSON indentation (nothing is wrapped to a screen width).
        #expect(prompt.heading.suffix(3) == ["  {", "    \"d\": []", "  }"])
        #expect(prompt.options == ["Back to the menu", "Send it again"])
        Self.answer("2", &driver)
        #expect(driver.effects.last == .sendTest(request))
        driver.send(.testSendFinished(TestSendSummary(kind: .identify, destinationName: "CleverTap (Actions)", target: .localSandbox,
                                                      request: nil, answer: .processed("HTTP 200"))))
        Self.answer("", &driver)
        #expect(driver.state.phase == .menu)
    }

    /// A screen without prompts of its own (none today; Customized Setup's editors until they get
    /// theirs) is read as the full-screen text and driven one key per line.
    @Test(arguments: [
        Case(line: "", expected: .send([.key(.enter)])),
        Case(line: "down", expected: .send([.key(.down)])),
        Case(line: "Shift-Tab", expected: .send([.key(.backTab)])),
        Case(line: "space", expected: .send([.key(.character(" "))])),
        Case(line: "ctrl-r", expected: .send([.key(.ctrl("r"))])),
        Case(line: "f1", expected: .send([.key(.function(1))])),
        Case(line: "a", expected: .send([.key(.character("a"))])),
        Case(line: "traits.email", expected: .send([.key(.paste("traits.email"))])),
        Case(line: "\\down", expected: .send([.key(.paste("down"))])),
        Case(line: "b", expected: .invalid("This is the first screen; there is nothing to go back to (q quits).")),
    ])
    func screenAndKeysFallback(_ example: Case) {
        let state = WizardDriver(workspace: .sample).state
        let prompt = PlainPrompt.screenAndKeys(state)
        #expect(prompt.heading.contains { $0.contains("Edit CleverTap (Actions): W9R-486-4W5Z") })
        #expect(prompt.heading.allSatisfy { $0.last != " " })
        #expect(PlainInput.translate(example.line, prompt: prompt, state: state) == example.expected)
    }

    @Test func theFirstStepHasNoBack() {
        #expect(PlainInput.translate("b", for: WizardDriver().state)
            == .invalid("This is the first step; there is nothing to go back to (q quits)."))
    }
}
