import CleverTapCore
import Foundation
import Testing

/// The wizard as a person uses it: the real binary in tmux, real keys, a real bracketed paste.
@Suite(.serialized) struct WizardEndToEndTests {
    static let dashboardURL = "https://in1.dashboard.clevertap.com/844-6K7-984Z/main?q=1"

    @Test func quickSetupWithAPastedDashboardURLSavesAWorkspaceTheCoreLoads() throws {
        let tmux = try WizardTmux()
        try tmux.waitFor("Step 1 of 4: Source")
        try tmux.type("Website")
        try tmux.keys("Enter")
        try tmux.waitFor("shown once")
        try tmux.keys("Enter")
        try tmux.waitFor("Step 2 of 4: Credentials")
        // Pasted while the region list has focus: as keystrokes, its "q" and "?" would quit or
        // open help; as a paste it lands in the URL field and fills region and Project ID.
        try tmux.keys("Tab", "Tab", "Tab")
        try tmux.paste(Self.dashboardURL)
        let detected = try tmux.waitFor("Project ID 844-6K7-984Z")
        #expect(detected.contains("(•) India (in1)"))
        #expect(!detected.contains("Quit without saving?"))
        try tmux.keys("Tab", "Tab")
        try tmux.type("pc-secret-1234")
        let masked = try tmux.capture()
        #expect(!masked.contains("pc-secret-1234"))
        try tmux.keys("Enter")
        try tmux.waitFor("Step 3 of 4: Setup mode")
        try tmux.keys("Enter")
        let review = try tmux.waitFor("Ready. Press Enter to save.")
        #expect(review.contains("••••34"))
        #expect(!review.contains("pc-secret-1234"))
        try tmux.keys("Enter")
        try tmux.waitFor("✓ Saved")
        try tmux.keys("Enter")
        // Long lines wrap at the pane's width; compare the text without the wraps.
        let finished = try tmux.waitFor("EXIT:0").replacingOccurrences(of: "\n", with: "")
        #expect(finished.contains("Saved the workspace to \(tmux.configPath)"))
        #expect(finished.contains("setup --non-interactive"))
        #expect(finished.contains("--project-id 844-6K7-984Z"))
        #expect(!finished.contains("pc-secret-1234"))

        let workspace = try WorkspaceStore(path: tmux.configPath).load(required: true)
        let source = try #require(workspace.sources.first)
        #expect(source.name == "Website")
        #expect(source.type == .javascript)
        let destination = try #require(workspace.destinations.first)
        #expect(destination.sourceID == source.id)
        #expect(destination.projectID == "844-6K7-984Z")
        #expect(destination.endpoint == .region(Region.named("in1")!))
        #expect(destination.passcode == .inline(Secret("pc-secret-1234")))
        #expect(destination.setupMode == .quick)
        #expect(destination.subscriptions.map(\.trigger) == Preset.quickSetup.map(\.trigger))
        let mode = try FileManager.default.attributesOfItem(atPath: tmux.configPath)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func anExistingWorkspaceOpensTheDestinationMenu() throws {
        let tmux = try WizardTmux(start: false)
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: WizardTmux.binary)
        setup.arguments = ["setup", "--non-interactive", "--config", tmux.configPath, "--source-name", "Shop",
                           "--dashboard-url", "https://us1.dashboard.clevertap.com/W9R-486-4W5Z/main",
                           "--passcode-env", "CT_PASS", "--quick"]
        setup.environment = ["HOME": tmux.home, "CT_PASS": "abc123"]
        setup.standardOutput = FileHandle.nullDevice
        try setup.run()
        setup.waitUntilExit()
        try #require(setup.terminationStatus == 0)
        try tmux.start()
        let menu = try tmux.waitFor("Add a destination")
        #expect(menu.contains("Edit CleverTap (Actions): W9R-486-4W5Z, United States, 2 subscriptions"))
        try tmux.keys("Enter")
        let review = try tmux.waitFor("Step 4 of 4: Review & save")
        #expect(review.contains("from $CT_PASS"))
        try tmux.keys("q")
        try tmux.waitFor("EXIT:0")
    }

    @Test func resizingBelowTheMinimumAndBackResumesTheStep() throws {
        let tmux = try WizardTmux()
        try tmux.waitFor("Step 1 of 4: Source")
        try tmux.type("Web")
        try tmux.resize(columns: 60, rows: 15)
        try tmux.waitFor("enlarge the terminal to at least 80x24 (now 60x15)")
        try tmux.resize(columns: 100, rows: 30)
        let back = try tmux.waitFor("Step 1 of 4: Source")
        #expect(back.contains("Name                Web"))
        try tmux.keys("C-c")
        try tmux.waitFor("Quit without saving?")
        try tmux.keys("y")
        try tmux.waitFor("EXIT:0")
    }

    @Test func ctrlCLeavesTheTerminalUsable() throws {
        let tmux = try WizardTmux()
        try tmux.waitFor("Step 1 of 4: Source")
        try tmux.type("Web")
        try tmux.keys("C-c")
        try tmux.waitFor("Quit without saving?")
        try tmux.keys("y")
        let after = try tmux.waitFor("EXIT:0")
        #expect(after.contains("Quit without saving; nothing was written."))
        let words = try tmux.sttyWords()
        #expect(words.contains("icanon"))
        #expect(words.contains("echo"))
        #expect(!words.contains("-icanon"))
        #expect(!words.contains("-echo"))
        #expect(!FileManager.default.fileExists(atPath: tmux.configPath))
    }

    @Test func sigtermRestoresTheTerminal() throws {
        let tmux = try WizardTmux()
        try tmux.waitFor("Step 1 of 4: Source")
        let pid = try #require(try tmux.wizardPID())
        kill(pid, SIGTERM)
        try tmux.waitFor("EXIT:143")
        let words = try tmux.sttyWords()
        #expect(words.contains("icanon"))
        #expect(words.contains("echo"))
    }

    @Test func withoutATerminalItExplainsAndExitsWithStatus2() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: WizardTmux.binary)
        process.environment = ["HOME": NSTemporaryDirectory()]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = Pipe()
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(message.contains("setup --non-interactive"))
        #expect(message.split(separator: "\n").count == 1)
    }
}
