import AsyncHTTPClient
import CleverTapCore
import Foundation
import Sandbox
import Testing

/// Issue 6 end to end: Customized Setup in the real wizard builds a User Upload subscription with
/// a custom trigger and key-by-key Person Attributes, saves it, then "Send test identify" from the
/// menu goes to a sandbox this test started, which is asked over HTTP what it holds.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WizardCustomizedEndToEndTests {
    static let projectID = "844-6K7-984Z"
    static let passcode = "pc-secret-1234"
    static let trigger = #"type = "identify" and traits.plan = "trial""#

    @Test func customizedSubscriptionThenTestIdentifyReachesTheSandbox() async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration(
            accounts: [SandboxAccount(projectID: Self.projectID, passcode: Secret(Self.passcode))])).start()
        defer { Task { await sandbox.stop() } }
        let tmux = try WizardTmux()

        // 1 Source, 2 Credentials with the sandbox as a custom endpoint.
        try await tmux.enterSourceAndCredentials(source: "Website", projectID: Self.projectID, passcode: Self.passcode,
                                                 endpoint: sandbox.baseURL)

        // 3 Customized Setup: one User Upload subscription.
        try await tmux.waitFor("Step 3 of 4: Setup mode")
        try tmux.keys("Down", "Enter")
        try await tmux.waitFor("Subscriptions (Customized Setup)")
        try tmux.keys("u")
        try await tmux.waitFor("Name of the new User Upload")
        try tmux.keys("C-u")
        try tmux.type("Trial sign-ups")
        try tmux.keys("Enter")
        try await tmux.waitFor("Added \"Trial sign-ups\"")
        try tmux.keys("Enter")
        try await tmux.waitFor("Edit \"Trial sign-ups\" (User Upload)")

        // A custom trigger in raw mode.
        try tmux.keys("C-t")
        try await tmux.waitFor("Trigger (raw text)")
        try tmux.keys("C-u")
        try tmux.type(Self.trigger)
        try await tmux.waitFor("Valid.")

        // Person Attributes key by key: CleverTap keys first (Name, Email, Phone), then a custom one.
        try tmux.keys("Tab")
        try tmux.press("Down", times: 2)
        try tmux.keys("Enter", "C-u", "Enter")
        for (offered, path) in [("Name=", "$.traits.name"), ("Email=", "$.traits.email"), ("Phone=", "$.traits.phone")] {
            try tmux.keys("a")
            try await tmux.waitFor("Attribute Key=value: \(offered)")
            try tmux.type(path)
            try tmux.keys("Enter")
        }
        try tmux.keys("a", "C-u")
        try tmux.type("Plan=$.traits.plan")
        try tmux.keys("Enter")
        try await tmux.waitFor("key by key (4 keys)")
        try tmux.keys("C-s")
        try await tmux.waitFor("Saved \"Trial sign-ups\"")

        // 4 Review and save; the file is what the core loads.
        try tmux.keys("n")
        try await tmux.waitFor("Ready. Press Enter to save.")
        try tmux.keys("Enter")
        try await tmux.waitFor("✓ Saved")
        let workspace = try WorkspaceStore(path: tmux.configPath).load(required: true)
        let destination = try #require(workspace.destinations.first)
        #expect(destination.setupMode == .customized)
        #expect(destination.endpoint == .custom(baseURL: sandbox.baseURL))
        let subscription = try #require(destination.subscriptions.first)
        #expect(destination.subscriptions.count == 1)
        #expect(subscription.name == "Trial sign-ups")
        #expect(subscription.action == .userUpload)
        #expect(subscription.trigger == Self.trigger)
        #expect(subscription.mapping["profileData"] == [
            "Name": ["@path": "$.traits.name"], "Email": ["@path": "$.traits.email"],
            "Phone": ["@path": "$.traits.phone"], "Plan": ["@path": "$.traits.plan"],
        ])

        // The menu's "Send test identify" through the saved destination.
        try tmux.keys("m")
        try await tmux.waitFor("Send test identify")
        try tmux.press("Down", times: 2)
        try tmux.keys("Enter")
        let result = try await tmux.waitFor(all: ["✓ Processed", "POST \(sandbox.baseURL)/1/upload",
                                                  "X-CleverTap-Passcode: \(Redactor.mask)"])
        #expect(!result.contains(Self.passcode))

        let (status, profile) = try await httpGet(sandbox.baseURL + "/sandbox/profiles/" + SampleEvents.userID)
        #expect(status == 200)
        let data = try #require(profile?["profileData"])
        #expect(data["Name"] == "Test User")
        #expect(data["Email"] == "test.user@example.com")
        #expect(data["Phone"] == "+14155550123")
        #expect(data["Plan"] == "trial")
        guard case .int(let ts)? = profile?["ts"] else {
            Issue.record("the stored profile has no integer ts: \(String(describing: profile))")
            return
        }
        #expect(ts > 1_600_000_000)

        try tmux.keys("Enter", "q")
        try await tmux.waitFor("EXIT:0")
    }

    @Test func ctrlOEditsTheSampleInEditorWithTheTerminalRestoredAroundIt() async throws {
        // The "editor" records the terminal modes it was given, then edits the file as vi would.
        let sttyFile = NSTemporaryDirectory() + "editor-stty-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: sttyFile) }
        let tmux = try WizardTmux(extraEnvironment: [
            "VISUAL": "", "EDITOR": "stty -a > \(WizardTmux.quoted(sttyFile)); sed -i s/clevertap-actions-test-user/edited-by-sed/",
        ])
        try await tmux.waitFor("Step 1 of 4: Source")
        try tmux.type("Website")
        try tmux.keys("Enter")
        try await tmux.waitFor("Step 2 of 4: Credentials")
        try tmux.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main")
        try tmux.keys("Tab", "Tab")
        try tmux.type(Self.passcode)
        try tmux.keys("Enter")
        try await tmux.waitFor("Step 3 of 4: Setup mode")
        try tmux.keys("Down", "Enter")
        try await tmux.waitFor("Subscriptions (Customized Setup)")
        try tmux.keys("u", "Enter")
        try await tmux.waitFor("Added \"User Upload\"")
        try tmux.keys("Enter")
        try await tmux.waitFor("Sample event 1/5")
        try tmux.keys("C-o")
        // Back in the wizard, redrawn, with the edited sample in use.
        try await tmux.waitFor(all: ["Sample event 6/6: Edited sample", "The edited sample is in use."])
        let modes = try String(contentsOfFile: sttyFile, encoding: .utf8)
        let words = Set(modes.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(words.contains("icanon") && words.contains("echo"), "the editor got a cooked terminal: \(modes)")
        try tmux.keys("Escape", "C-c")
        try await tmux.waitFor("Quit without saving?")
        try tmux.keys("y")
        try await tmux.waitFor("EXIT:1")
        #expect(try await tmux.sttyWords().isSuperset(of: ["icanon", "echo"]))
    }

}
