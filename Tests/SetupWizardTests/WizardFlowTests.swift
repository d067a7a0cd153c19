import CleverTapCore
import Testing
import TerminalUI
@testable import SetupWizard

@Suite(.timeLimit(.minutes(2))) struct WizardSourceStepTests {
    @Test func freshWorkspaceOpensTheNewSourceForm() {
        let driver = WizardDriver()
        #expect(driver.state.phase == .step(.source))
        #expect(driver.text.contains("Step 1 of 4: Source"))
        #expect(driver.text.contains("Name"))
        #expect(driver.text.contains("Website (JavaScript)"))
        #expect(Wizard.isEditingText(driver.state))
    }

    @Test func emptyNameIsRefusedWithAReason() {
        var driver = WizardDriver()
        driver.press(.enter)
        #expect(driver.state.phase == .step(.source))
        #expect(driver.state.source.created == nil)
        #expect(driver.text.contains("Name the source"))
    }

    @Test func creatingMovesOnAndEscGoesBack() {
        var driver = WizardDriver()
        driver.type("Website")
        driver.press(.tab, .down, .down)  // Android app
        driver.press(.enter)
        #expect(driver.state.source.created?.type == .android)
        #expect(driver.state.phase == .step(.credentials))
        driver.press(.escape)
        #expect(driver.state.phase == .step(.source))
        #expect(!driver.text.contains(WizardDriver.identifiers.writeKey), "the key is shown once it is saved")
        #expect(driver.state.source.name.text == "Website")
    }

    @Test func existingSourcesAreListedWithCreateNew() {
        var workspace = Workspace.sample
        workspace.destinations = []
        var driver = WizardDriver(workspace: workspace)
        #expect(driver.text.contains("Shop (Server)"))
        #expect(driver.text.contains("Create a new source"))
        driver.press(.down, .enter)
        #expect(driver.state.source.creating)
        driver.type("Shop")
        driver.press(.enter)
        #expect(driver.text.contains("A source named \"Shop\" already exists"))
        driver.press(.escape)
        #expect(!driver.state.source.creating)
        driver.press(.up, .enter)
        #expect(driver.state.phase == .step(.credentials))
        #expect(driver.state.chosenSource?.id == "src_existing00000001")
    }

    @Test func typingQInANameIsTextNotQuit() {
        var driver = WizardDriver()
        driver.type("q?")
        #expect(driver.effects.isEmpty)
        #expect(driver.state.overlay == nil)
        #expect(driver.state.source.name.text == "q?")
    }
}

@Suite(.timeLimit(.minutes(2))) struct WizardCredentialsStepTests {
    private func atCredentials() -> WizardDriver {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        return driver
    }

    @Test func pastedDashboardURLSelectsRegionAndFillsProjectID() {
        var driver = atCredentials()
        driver.press(.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main"))
        #expect(driver.state.credentials.projectID.text == "844-6K7-984Z")
        #expect(driver.state.credentials.endpoint == .region(Region.named("in1")!))
        #expect(driver.text.contains("Region India (in1) and Project ID 844-6K7-984Z."))
        #expect(driver.text.contains("(•) India (in1)"))
    }

    @Test func pasteIntoTheProjectIDFieldIsRoutedToTheURLField() {
        var driver = atCredentials()
        driver.press(.tab)
        #expect(driver.state.credentials.focus == .projectID)
        driver.press(.paste("https://sg1.dashboard.clevertap.com/8R9-6Z9-K46Z/main"))
        #expect(driver.state.credentials.projectID.text == "8R9-6Z9-K46Z")
        #expect(driver.state.credentials.regionIndex == Region.catalog.firstIndex { $0.code == "sg1" })
    }

    @Test func urlWithoutProjectIDSaysSoAndUnprefixedHostMeansEurope() {
        var driver = atCredentials()
        driver.state.credentials.regionIndex = 3
        driver.press(.paste("https://dashboard.clevertap.com/login.html#/"))
        #expect(driver.state.credentials.regionIndex == 0)
        #expect(driver.state.credentials.projectID.text.isEmpty)
        #expect(driver.text.contains("Europe (eu1)"))
        #expect(driver.text.contains("(assumed: no region in the host)"))
        #expect(driver.text.contains("no Project ID in this URL"))
    }

    @Test(arguments: [
        ("https://example.com/844-6K7-984Z", "example.com is not a CleverTap host"),
        ("https://xx9.dashboard.clevertap.com/844-6K7-984Z", "Unknown region code \"xx9\""),
        ("just words", "Not a web address (it contains spaces)"),
    ])
    func badURLsSayWhy(url: String, expected: String) {
        var driver = atCredentials()
        driver.press(.paste(url))
        #expect(driver.text.contains(expected))
        #expect(driver.state.credentials.projectID.text.isEmpty)
    }

    @Test func aDifferentProjectIDIsOnlyReplacedAfterAsking() {
        var driver = atCredentials()
        driver.press(.tab)
        driver.type("W9R-486-4W5Z")
        driver.press(.up)
        driver.press(.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main"))
        #expect(driver.state.credentials.projectID.text == "W9R-486-4W5Z")
        #expect(driver.text.contains("Replace W9R-486-4W5Z with it? (y/n)"))
        driver.press(.character("n"))
        #expect(driver.state.credentials.projectID.text == "W9R-486-4W5Z")
        #expect(driver.state.credentials.dashboardURL.text.hasSuffix("main"))
        driver.press(.character("x"))  // typing in the URL field again re-detects and asks again
        #expect(driver.state.credentials.pendingProjectID == nil || driver.state.credentials.pendingProjectID == "844-6K7-984Z")
        driver.press(.ctrl("u"))
        driver.press(.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main"))
        driver.press(.character("y"))
        #expect(driver.state.credentials.projectID.text == "844-6K7-984Z")
    }

    @Test func projectIDIsValidatedAsYouType() {
        var driver = atCredentials()
        driver.press(.tab)
        driver.type("844-6K7")
        #expect(driver.text.contains("expected XXX-XXX-XXXX"))
        driver.type("-984Z")
        #expect(driver.text.contains("✓ well-formed"))
    }

    @Test func nextRefusesMissingCredentialsAndFocusesTheFirstProblem() {
        var driver = atCredentials()
        driver.press(.enter)
        #expect(driver.state.phase == .step(.credentials))
        #expect(driver.state.credentials.focus == .projectID)
        #expect(driver.text.contains("Project ID is empty"))
        #expect(driver.text.contains("Passcode is empty"))
        driver.type("844-6K7-984Z")
        #expect(!driver.text.contains("Project ID is empty"))
        #expect(driver.text.contains("Passcode is empty"))
    }

    @Test func passcodeIsMaskedUntilRevealed() {
        var driver = atCredentials()
        driver.press(.tab, .tab)
        driver.type("supersecret42")
        #expect(!driver.text.contains("supersecret42"))
        #expect(driver.text.contains("•••••••••••••"))
        driver.press(.ctrl("r"))
        #expect(driver.text.contains("supersecret42"))
        driver.press(.ctrl("r"))
        #expect(!driver.text.contains("supersecret42"))
    }

    @Test func cursorSitsOnTheFocusedField() {
        var driver = atCredentials()
        driver.press(.tab)
        driver.type("844")
        let screen = driver.screen
        let cursor = try! #require(screen.cursor)
        #expect(screen.lines[cursor.row].contains("Project ID"))
        #expect(cursor.column == 22 + 3)
    }

    @Test func customEndpointNeedsHTTPSOrLoopback() {
        var driver = atCredentials()
        driver.press(.tab, .tab, .tab)  // region
        for _ in Region.catalog { driver.press(.down) }
        #expect(driver.state.credentials.isCustomEndpoint)
        #expect(driver.text.contains("Endpoint URL"))
        driver.press(.tab)
        #expect(driver.state.credentials.focus == .customURL)
        driver.type("http://example.com")
        driver.press(.enter)
        #expect(driver.text.contains("Custom endpoint must use https"))
        driver.press(.ctrl("u"))
        driver.type("http://127.0.0.1:8080")
        #expect(!driver.text.contains("Custom endpoint must use https"))
    }

    @Test func tabWrapsFromTheLastFieldBackToTheFirstKeepingTheRegion() {
        var driver = atCredentials()
        driver.press(.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main"))
        driver.press(.tab, .tab, .tab)  // region list, India selected by the paste
        #expect(driver.state.credentials.focus == .region)
        // ↑ here would change the region; Tab goes on and wraps round to the first field instead.
        for _ in 0..<driver.state.credentials.fields.count { driver.press(.tab) }
        #expect(driver.state.credentials.focus == .region)
        driver.press(.tab)
        driver.press(.tab)
        #expect(driver.state.credentials.focus == driver.state.credentials.fields[0])
        #expect(driver.state.credentials.regionIndex == Region.catalog.firstIndex { $0.code == "in1" })
    }

    @Test func verifyRunsTheCheckWithASpinnerAndShowsTheOutcome() {
        var driver = atCredentials()
        driver.press(.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main"))
        driver.press(.tab, .tab)
        driver.type("pc123456")
        driver.press(.tab, .tab)
        #expect(driver.state.credentials.focus == .verify)
        driver.press(.enter)
        #expect(driver.effects == [.verifyCredentials(CredentialCheckRequest(
            projectID: "844-6K7-984Z", passcode: Secret("pc123456"), endpoint: .region(Region.named("in1")!)))])
        #expect(driver.text.contains("checking…"))
        let before = driver.text
        driver.send(.tick)
        #expect(driver.text != before)  // the spinner turned
        driver.send(.verified(.rejected("CleverTap answered 401: Invalid Credentials.")))
        #expect(driver.text.contains("✗ CleverTap answered 401: Invalid Credentials."))
        #expect(driver.state.phase == .step(.credentials))
    }
}

@Suite(.timeLimit(.minutes(2))) struct WizardSetupModeAndReviewTests {
    private func atSetupMode() -> WizardDriver {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.fillCredentialsAndContinue()
        return driver
    }

    @Test func quickSetupReviewsAndSavesBothPresets() throws {
        var driver = atSetupMode()
        #expect(driver.text.contains("Step 3 of 4: Setup mode"))
        driver.press(.enter)
        #expect(driver.state.phase == .step(.review))
        let text = driver.text
        #expect(text.contains("Website (Website (JavaScript)), new"))
        #expect(text.contains("844-6K7-984Z"))
        #expect(text.contains("India (in1)"))
        #expect(text.contains("User Upload: User Upload when type = \"identify\""))
        #expect(text.contains("Ready. Press Enter to save."))
        #expect(!text.contains("dca1d7eb0a1b2c3d"))
        #expect(text.contains("••••3d"))
        driver.press(.enter)
        let workspace = try driver.savedWorkspace()
        #expect(workspace.sources.map(\.name) == ["Website"])
        let destination = try #require(workspace.destinations.first)
        #expect(destination.projectID == "844-6K7-984Z")
        #expect(destination.passcode == .inline(Secret("dca1d7eb0a1b2c3d")))
        #expect(destination.setupMode == .quick)
        #expect(destination.subscriptions.map(\.id) == Array(WizardDriver.identifiers.subscriptionIDs.prefix(2)))
        #expect(destination.subscriptions.allSatisfy { $0.enabled })
        #expect(driver.text.contains("Saving…"))
        try driver.completeSave()
        #expect(driver.state.phase == .saved)
        #expect(!driver.state.hasUnsavedChanges)
        #expect(driver.text.contains("✓ Saved"))
        #expect(driver.text.contains("--non-interactive"))
        driver.press(.enter)
        guard case .exit(.saved(let path, let command, _))? = driver.effects.last else {
            Issue.record("expected exit after saving")
            return
        }
        #expect(path == driver.state.configPath)
        #expect(command.contains("--project-id 844-6K7-984Z"))
        #expect(command.contains("--region in1"))
        #expect(command.contains("--passcode-env CLEVERTAP_PASSCODE"))
        #expect(command.contains("--quick"))
        #expect(!command.contains("dca1d7eb0a1b2c3d"))
    }

    @Test func customizedSetupSavesTheSubscriptionsBuiltInTheList() throws {
        var driver = atSetupMode()
        driver.press(.down)
        #expect(driver.state.setupMode.highlight == .customized)
        #expect(driver.state.setupMode.mode == .quick, "moving only points; Enter chooses")
        driver.press(.enter)
        #expect(driver.state.setupMode.mode == .customized)
        #expect(driver.state.phase == .subscriptions)
        driver.press(.character("d"), .enter)  // add "Delete User" with the offered name
        driver.press(.character("n"), .enter)  // next, then save on Review
        let workspace = try driver.savedWorkspace()
        let destination = try #require(workspace.destinations.first)
        #expect(destination.setupMode == .customized)
        #expect(destination.subscriptions.map(\.action) == [.userDelete])
        #expect(destination.subscriptions.map(\.name) == ["Delete User"])
    }

    @Test func backNavigationKeepsEverythingEntered() {
        var driver = atSetupMode()
        driver.press(.escape)
        #expect(driver.state.phase == .step(.credentials))
        #expect(driver.state.credentials.projectID.text == "844-6K7-984Z")
        driver.press(.escape)
        #expect(driver.state.phase == .step(.source))
        #expect(driver.state.source.created?.name == "Website")
        driver.press(.enter)
        driver.press(.enter)
        #expect(driver.state.phase == .step(.setupMode))
    }

    @Test func reviewListsProblemsWithTheStepToFixThem() {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.state.furthestStep = .review
        driver.state.phase = .step(.review)
        #expect(driver.text.contains("Fix before saving:"))
        #expect(driver.text.contains("step 2 (Credentials): Project ID is empty"))
        driver.press(.enter)
        #expect(driver.effects.isEmpty)
        #expect(driver.text.contains("Fix the problems listed above first."))
        driver.press(.character("2"))
        #expect(driver.state.phase == .step(.credentials))
    }

    @Test func saveFailureIsShownAndNothingIsLost() {
        var driver = atSetupMode()
        driver.press(.enter, .enter)
        driver.send(.saveFailed("could not write /ro/workspace.json: Permission denied"))
        #expect(driver.state.phase == .step(.review))
        #expect(driver.text.contains("Permission denied"))
        #expect(driver.state.hasUnsavedChanges)
        #expect(driver.state.credentials.projectID.text == "844-6K7-984Z")
    }
}

@Suite(.timeLimit(.minutes(2))) struct WizardQuitHelpAndSizeTests {
    @Test func quitAsksWhenSomethingIsUnsaved() {
        var driver = WizardDriver()
        driver.type("Web")
        driver.press(.ctrl("c"))
        #expect(driver.state.overlay == .confirmQuit)
        #expect(driver.text.contains("Quit without saving?"))
        driver.press(.character("n"))
        #expect(driver.state.overlay == nil)
        #expect(driver.state.source.name.text == "Web")
        driver.press(.tab)  // off the text field: q is a shortcut
        driver.press(.character("q"))
        #expect(driver.state.overlay == .confirmQuit)
        driver.press(.character("y"))
        #expect(driver.effects == [.exit(.quitWithoutSaving(discardedChanges: true))])
    }

    @Test func quitWithNothingEnteredLeavesAtOnce() {
        var driver = WizardDriver()
        driver.press(.ctrl("c"))
        #expect(driver.effects == [.exit(.quitWithoutSaving(discardedChanges: false))])
    }

    @Test func helpOverlayListsTheKeysAndAnyKeyClosesIt() {
        var driver = WizardDriver()
        driver.press(.function(1))
        #expect(driver.text.contains("Keys: Step 1, Source: a new source"))
        #expect(driver.text.contains("Shift-Tab the previous one"))
        driver.press(.character("x"))
        #expect(driver.state.overlay == nil)
        #expect(driver.state.source.name.text.isEmpty)
    }

    @Test func smallTerminalShowsTheEnlargePromptAndResumes() {
        var driver = WizardDriver()
        driver.type("Web")
        driver.press(.resize(columns: 60, rows: 15))
        driver.size = Size(columns: 60, rows: 15)
        #expect(driver.text.contains("enlarge the terminal to at least 80x24 (now 60x15)"))
        driver.size = Size(columns: 80, rows: 24)
        #expect(driver.text.contains("Step 1 of 4: Source"))
        #expect(driver.state.source.name.text == "Web")
    }

    @Test(arguments: [Size(columns: 80, rows: 24), Size(columns: 120, rows: 40)])
    func everyStepFitsTheMinimumSize(size: Size) {
        var driver = WizardDriver()
        driver.size = size
        driver.createSourceAndContinue()
        #expect(driver.text.contains("Verify credentials"))
        #expect(driver.screen.lines[size.rows - 1].contains("Enter next"))
        driver.fillCredentialsAndContinue()
        driver.press(.enter)
        #expect(driver.text.contains("Ready. Press Enter to save."))
        #expect(driver.text.contains("workspace.json"))
    }
}

@Suite(.timeLimit(.minutes(2))) struct WizardMenuTests {
    @Test func existingWorkspaceOpensTheDestinationMenu() {
        let driver = WizardDriver(workspace: .sample)
        #expect(driver.state.phase == .menu)
        #expect(driver.text.contains("Edit CleverTap (Actions): W9R-486-4W5Z, United States, 2 subscriptions"))
        #expect(driver.text.contains("Add a destination"))
        #expect(driver.text.contains("Quit"))
    }

    @Test func editingAStepKeepsTheRestAndReplacesTheDestination() throws {
        var driver = WizardDriver(workspace: .sample)
        driver.press(.enter)
        #expect(driver.state.phase == .step(.review))
        #expect(driver.text.contains("Shop (Server)"))
        #expect(driver.text.contains("United States (us1)"))
        driver.press(.character("2"))
        driver.press(.tab)
        driver.press(.ctrl("u"))
        driver.type("TEST-WR7-899-K67Z")
        driver.press(.enter, .enter, .enter)
        let workspace = try driver.savedWorkspace()
        #expect(workspace.destinations.count == 1)
        let destination = try #require(workspace.destinations.first)
        #expect(destination.id == "dst_existing00000001")
        #expect(destination.projectID == "TEST-WR7-899-K67Z")
        #expect(destination.subscriptions == Workspace.sample.destinations[0].subscriptions)
        #expect(destination.passcode == .inline(Secret("oldpasscode123")))
    }

    @Test func addingADestinationAppendsANumberedOne() throws {
        var driver = WizardDriver(workspace: .sample)
        driver.press(.down, .enter)
        #expect(driver.state.phase == .step(.source))
        driver.press(.enter)  // the existing source "Shop"
        driver.fillCredentialsAndContinue()
        driver.press(.enter, .enter)
        let workspace = try driver.savedWorkspace()
        #expect(workspace.destinations.map(\.name) == ["CleverTap (Actions)", "CleverTap (Actions) 2"])
        #expect(workspace.destinations[1].sourceID == "src_existing00000001")
        #expect(workspace.sources.count == 1)
    }

    @Test func escapeFromTheFirstStepReturnsToTheMenu() {
        var driver = WizardDriver(workspace: .sample)
        driver.press(.down, .enter, .escape)
        #expect(driver.state.phase == .menu)
        driver.press(.end, .enter)
        #expect(driver.effects == [.exit(.quitWithoutSaving(discardedChanges: false))])
    }
}
