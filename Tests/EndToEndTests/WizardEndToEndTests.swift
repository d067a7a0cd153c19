import CleverTapCore
import Foundation
import Testing

/// The wizard as a person uses it: the real binary in tmux, real keys, a real bracketed paste.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WizardEndToEndTests {
    static let dashboardURL = "https://in1.dashboard.clevertap.com/844-6K7-984Z/main?q=1"

    @Test func quickSetupWithAPastedDashboardURLSavesAWorkspaceTheCoreLoads() async throws {
        let tmux = try WizardTmux()
        try await tmux.waitFor("Step 1 of 4: Source")
        try tmux.type("Website")
        try tmux.keys("Enter")
        let credentials = try await tmux.waitFor("Step 2 of 4: Credentials")
        #expect(!credentials.contains("shown once"), "no write key is announced before it exists")
        // Pasted while the region list has focus: as keystrokes, its "q" and "?" would quit or
        // open help; as a paste it lands in the URL field and fills region and Project ID.
        try tmux.keys("Tab", "Tab", "Tab")
        try tmux.paste(Self.dashboardURL)
        // The whole detected state in one capture: the Project ID and the region list agree
        // (ncurses may write one frame in several pieces, and tmux can capture between them).
        let detected = try await tmux.waitFor(all: ["Project ID 844-6K7-984Z", "(•) India (in1)"])
        #expect(!detected.contains("Quit without saving?"))
        try tmux.keys("Tab", "Tab")
        try tmux.type("pc-secret-1234")
        let masked = try tmux.capture()
        #expect(!masked.contains("pc-secret-1234"))
        try tmux.keys("Enter")
        try await tmux.waitFor("Step 3 of 4: Setup mode")
        try tmux.keys("Enter")
        let review = try await tmux.waitFor(all: ["Ready. Press Enter to save.", "••••34"])
        #expect(!review.contains("pc-secret-1234"))
        try tmux.keys("Enter")
        let saved = try await tmux.waitFor(all: ["✓ Saved", "New source Website: its write key"])
        // The write key, now that the source exists.
        #expect(saved.contains("New source Website: its write key"))
        // Leaving from the menu after the save still reports the save (not "nothing was written").
        try tmux.keys("m")
        try await tmux.waitFor("Add a destination")
        try tmux.keys("q")
        // Long lines wrap at the pane's width; compare the text without the wraps.
        let finished = try await tmux.waitFor("EXIT:0").replacingOccurrences(of: "\n", with: "")
        #expect(!finished.contains("nothing was written"))
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

    @Test func anExistingWorkspaceOpensTheDestinationMenu() async throws {
        let tmux = try WizardTmux(start: false)
        let setup = try await ChildProcess.run(
            WizardTmux.binary,
            ["setup", "--non-interactive", "--config", tmux.configPath, "--source-name", "Shop",
             "--dashboard-url", "https://us1.dashboard.clevertap.com/W9R-486-4W5Z/main", "--passcode-env", "CT_PASS", "--quick"],
            environment: ["HOME": tmux.home, "CT_PASS": "abc123"])
        try #require(setup.status == 0, "setup failed: \(setup.stderr)")
        try tmux.start()
        try await tmux.waitFor(all: ["Add a destination", "Edit CleverTap (Actions): W9R-486-4W5Z, United States, 2 subscriptions"])
        try tmux.keys("Enter")
        try await tmux.waitFor(all: ["Step 4 of 4: Review & save", "from $CT_PASS"])
        try tmux.keys("q")
        try await tmux.waitFor("EXIT:0")
    }

    @Test func aSetupWrittenByTheCommandLineWhileTheWizardIsOpenIsKept() async throws {
        let tmux = try WizardTmux(start: false)
        func setup(_ name: String, _ url: String) async throws {
            let run = try await ChildProcess.run(
                WizardTmux.binary,
                ["setup", "--non-interactive", "--config", tmux.configPath, "--source-name", "Shop", "--destination-name", name,
                 "--dashboard-url", url, "--passcode-env", "CT_PASS", "--quick"],
                environment: ["HOME": tmux.home, "CT_PASS": "abc123"])
            try #require(run.status == 0, "setup failed: \(run.stderr)")
        }
        try await setup("First", "https://us1.dashboard.clevertap.com/W9R-486-4W5Z/main")
        try tmux.start()
        try await tmux.waitFor("Add a destination")
        try tmux.keys("Down", "Enter")          // Add a destination
        try await tmux.waitFor("Step 1 of 4: Source")
        try tmux.keys("Enter")                  // on the source Shop
        try await tmux.waitFor("Step 2 of 4: Credentials")
        try tmux.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main")
        try tmux.keys("Tab", "Tab")
        try tmux.type("pc-secret-1234")
        try tmux.keys("Enter")
        try await tmux.waitFor("Step 3 of 4: Setup mode")
        try tmux.keys("Enter")
        try await tmux.waitFor("Ready. Press Enter to save.")
        // Meanwhile a script adds a destination to the same file.
        try await setup("Second", "https://eu1.dashboard.clevertap.com/886-894-RK5Z/main")
        try tmux.keys("Enter")
        try await tmux.waitFor("✓ Saved")
        try tmux.keys("Enter")
        try await tmux.waitFor("EXIT:0")
        let names = try WorkspaceStore(path: tmux.configPath).load(required: true).destinations.map(\.name)
        #expect(names == ["First", "Second", "CleverTap (Actions)"])
    }

    @Test func resizingBelowTheMinimumAndBackResumesTheStep() async throws {
        let tmux = try WizardTmux()
        try await tmux.waitFor("Step 1 of 4: Source")
        try tmux.type("Web")
        try tmux.resize(columns: 60, rows: 15)
        try await tmux.waitFor("enlarge the terminal to at least 80x24 (now 60x15)")
        try tmux.resize(columns: 100, rows: 30)
        try await tmux.waitFor(all: ["Step 1 of 4: Source", "Name                Web"])
        try tmux.keys("C-c")
        try await tmux.waitFor("Quit without saving?")
        try tmux.keys("y")
        try await tmux.waitFor("EXIT:1")
    }

    @Test func ctrlCLeavesTheTerminalUsable() async throws {
        let tmux = try WizardTmux()
        try await tmux.waitFor("Step 1 of 4: Source")
        try tmux.type("Web")
        try tmux.keys("C-c")
        try await tmux.waitFor("Quit without saving?")
        try tmux.keys("y")
        // Dropping what was entered is not a success: status 1, and it says so.
        let after = try await tmux.waitFor("EXIT:1")
        #expect(after.contains("quit without saving; what was entered was discarded and nothing was written"))
        let words = try await tmux.sttyWords()
        #expect(words.contains("icanon"))
        #expect(words.contains("echo"))
        #expect(!words.contains("-icanon"))
        #expect(!words.contains("-echo"))
        #expect(!FileManager.default.fileExists(atPath: tmux.configPath))
    }

    @Test func sigtermRestoresTheTerminal() async throws {
        let tmux = try WizardTmux()
        try await tmux.waitFor("Step 1 of 4: Source")
        let pid = try #require(try tmux.wizardPID())
        kill(pid, SIGTERM)
        try await tmux.waitFor("EXIT:143")
        let words = try await tmux.sttyWords()
        #expect(words.contains("icanon"))
        #expect(words.contains("echo"))
    }

    /// At the smallest size the wizard takes, a long reason is wrapped whole, never cut at the edge
    /// (it once read "✗ No answer from https://in1.api.clevertap.com: The").
    @Test func atEightyByTwentyFourAFailedCheckShowsItsWholeReason() async throws {
        let tmux = try WizardTmux(columns: 80, rows: 24)
        // Port 9 on loopback: nothing listens, so the connection is refused at once.
        try await tmux.enterSourceAndCredentials(source: "Web", projectID: "W9R-486-4W5Z", passcode: "pc-secret-1234",
                                                 endpoint: "http://127.0.0.1:9", andContinue: false)
        try tmux.keys("Tab")
        try tmux.keys("Enter")
        let screen = try await tmux.waitFor("running.")
        // The message's lines, joined: every word of the reason is on screen, in order.
        let words = screen.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "│" }).joined(separator: " ")
        #expect(words.contains("No answer from http://127.0.0.1:9:"), "\(screen)")
        #expect(words.contains("Check the endpoint, your network or firewall; for the sandbox, check it is running."), "\(screen)")
        for line in screen.split(separator: "\n") { #expect(line.count <= 80) }
        try tmux.keys("C-c")
        try await tmux.waitFor("Quit without saving?")
        try tmux.keys("y")
        try await tmux.waitFor("EXIT:1")
    }

    /// Closing the window (here: killing the tmux session) hangs up the terminal: the wizard must
    /// exit promptly (not spin on a dead terminal) and write nothing it was not told to save.
    @Test func itExitsPromptlyWhenItsTerminalGoesAway() async throws {
        let tmux = try WizardTmux()
        try await tmux.waitFor("Step 1 of 4: Source")
        try tmux.type("Web")
        try await tmux.waitFor("Web")
        let pid = try #require(try tmux.wizardPID())
        try tmux.tmux(["kill-session", "-t", tmux.session])
        let clock = ContinuousClock()
        // Promptly means within a poll or two; the bound leaves room for a loaded 2-core machine.
        let deadline = clock.now + .seconds(10)
        while Self.isRunning(pid) && clock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let stillRunning = Self.isRunning(pid)
        if stillRunning { kill(pid, SIGKILL) }
        #expect(!stillRunning, "the wizard was still running 10 s after its terminal went away")
        #expect(!FileManager.default.fileExists(atPath: tmux.configPath))
    }

    /// Alive and not a zombie waiting to be reaped (its shell died with the terminal too).
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let state = stat[stat.index(close, offsetBy: 2)...].prefix(1)
        return state != "Z" && state != "X"
    }

    @Test func withoutATerminalItExplainsAndExitsWithStatus2() async throws {
        // Standard input is /dev/null: not a terminal.
        let run = try await ChildProcess.run(WizardTmux.binary, [], environment: ["HOME": NSTemporaryDirectory()])
        let message = run.stderr
        #expect(run.status == 2)
        #expect(message.contains("setup --non-interactive"))
        #expect(message.contains("setup --plain"))
        #expect(message.split(separator: "\n").count == 1)
    }
}
