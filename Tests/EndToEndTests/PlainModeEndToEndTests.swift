import CleverTapCore
import Sandbox
import Foundation
import Testing

/// Plain mode driven through a pipe, as a screen-reader user's session or a script would: the real
/// binary, no terminal at all, answers on stdin, the saved file read back with `WorkspaceStore`.
@Suite(.serialized, .timeLimit(.minutes(5))) final class PlainModeEndToEndTests: Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path
    static let dashboardURL = "https://in1.dashboard.clevertap.com/844-6K7-984Z/main"
    static let passcode = "dca1d7eb3a6e4a0e9f2b"

    /// The answers of a Quick Setup from an empty workspace: source name, type (JavaScript is
    /// current; Enter creates it), the pasted dashboard URL, Project ID kept (filled from
    /// the URL), passcode, region kept (from the URL), Continue, Quick Setup, Save, Finish.
    static let quickSetupAnswers = ["Website", "", dashboardURL, "", passcode, "", "1", "1", "1", "1"]

    struct Run: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let home: String
    var config: String { home + "/.config/clevertap-actions/workspace.json" }

    init() throws {
        home = NSTemporaryDirectory() + "/clevertap-plain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    /// Runs the binary with `input` as its standard input (no terminal).
    func run(_ arguments: [String], input: String, environment extra: [String: String] = [:]) async throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        var environment = ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "TERM": "xterm-256color"]
        environment.merge(extra) { $1 }
        let run = try await ChildProcess.run(Self.binary, arguments, environment: environment, stdin: input)
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    static func lines(_ answers: [String]) -> String { answers.map { $0 + "\n" }.joined() }

    @Test func quickSetupThroughAPipeSavesTheWorkspace() async throws {
        let run = try await run(["setup", "--plain"], input: Self.lines(Self.quickSetupAnswers))
        #expect(run.status == 0, "stderr: \(run.stderr)\nstdout: \(run.stdout)")
        #expect(run.stdout.contains("Step 2 of 4: Credentials"))
        #expect(run.stdout.contains("Dashboard URL: Region India (in1) and Project ID 844-6K7-984Z."))
        #expect(run.stdout.contains("Saved the workspace to \(config)"))
        // The passcode is read, saved and never shown.
        #expect(!run.stdout.contains(Self.passcode) && !run.stderr.contains(Self.passcode))
        #expect(run.stdout.contains("Passcode (not shown): (not shown)"))

        let workspace = try WorkspaceStore(path: config).load(required: true)
        let source = try #require(workspace.sources.first)
        #expect(workspace.sources.count == 1 && source.name == "Website" && source.type == .javascript)
        let destination = try #require(workspace.destinations.first)
        #expect(destination.sourceID == source.id)
        #expect(destination.projectID == "844-6K7-984Z")
        #expect(destination.endpoint == .region(Region.named("in1")!))
        #expect(destination.passcode == .inline(Secret(Self.passcode)))
        #expect(destination.setupMode == .quick)
        #expect(destination.subscriptions.map(\.trigger) == Preset.quickSetup.map(\.trigger))
        let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func termDumbRunsPlainModeWithoutAnyArgument() async throws {
        let run = try await run([], input: Self.lines(Self.quickSetupAnswers), environment: ["TERM": "dumb"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("plain mode"))
        #expect(try WorkspaceStore(path: config).load(required: true).destinations.count == 1)
    }

    @Test func endOfInputBeforeSavingWritesNothingAndFails() async throws {
        let run = try await run(["setup", "--plain"], input: Self.lines(Array(Self.quickSetupAnswers.prefix(8))))
        #expect(run.status == 1)
        #expect(run.stderr.contains("input ended before the setup was saved; nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: config))
        #expect(!FileManager.default.fileExists(atPath: home + "/.config/clevertap-actions"))
    }

    @Test func wrongAnswersAreExplainedAndAskedAgain() async throws {
        // "7" is not a source type, "x" is not a step 3 choice; each is refused and asked again.
        var answers = Self.quickSetupAnswers
        answers.insert("7", at: 1)
        answers.insert("x", at: 8)
        let run = try await run(["setup", "--plain"], input: Self.lines(answers))
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("Error: \"7\" is not one of the options; type a number from 1 to 5, or ? for help."))
        #expect(run.stdout.contains("Error: \"x\" is not one of the options; type a number from 1 to 3, or ? for help."))
        #expect(try WorkspaceStore(path: config).load(required: true).destinations.first?.setupMode == .quick)
    }

    @Test func quitWithUnsavedChangesAsksThenWritesNothing() async throws {
        let run = try await run(["setup", "--plain"], input: Self.lines(["Website", "q", "y"]))
        // What was typed is dropped: not a success.
        #expect(run.status == 1)
        #expect(run.stdout.contains("Quit without saving? (y/n)"))
        #expect(run.stderr.contains("quit without saving; what was entered was discarded and nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: config))
    }

    @Test func withoutATerminalOrPlainTheWizardStillRefuses() async throws {
        let run = try await run([], input: "")
        #expect(run.status == 2)
        #expect(run.stderr.contains("needs a terminal"))
    }

    @Test func plainAndNonInteractiveTogetherIsAUsageError() async throws {
        let run = try await run(["setup", "--plain", "--non-interactive"], input: "")
        #expect(run.status == 2)
        #expect(run.stderr.contains("--plain and --non-interactive both given"))
    }
}

/// Plain mode's test sends from the menu, through the real binary and a pipe.
@Suite(.serialized, .timeLimit(.minutes(5))) final class PlainModeTestSendTests: Sendable {
    let home: String
    var config: String { home + "/.config/clevertap-actions/workspace.json" }

    init() throws {
        home = NSTemporaryDirectory() + "/clevertap-plain-send-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    /// A saved Quick Setup destination whose endpoint is `baseURL`, with the sandbox's demo account.
    func saveWorkspace(endpoint baseURL: String) throws {
        let source = Source(id: "src-plain", name: "Website", type: .javascript, writeKey: "k")
        let destination = Destination(
            id: "dst-plain", name: "CleverTap (Actions)", sourceID: source.id, projectID: SandboxAccount.demo.projectID,
            passcode: .inline(SandboxAccount.demo.passcode), endpoint: .custom(baseURL: baseURL), setupMode: .quick,
            subscriptions: Preset.quickSetup.enumerated().map { $0.element.makeSubscription(id: "sub-plain-\($0.offset)") })
        try WorkspaceStore(path: config).save(Workspace(sources: [source], destinations: [destination]))
    }

    func run(_ answers: [String]) async throws -> PlainModeEndToEndTests.Run {
        let runner = try PlainModeEndToEndTests()
        defer { try? FileManager.default.removeItem(atPath: runner.home) }
        return try await runner.run(["setup", "--plain", "--config", config], input: PlainModeEndToEndTests.lines(answers))
    }

    @Test func sendTestIdentifyFromTheMenuReachesTheSandbox() async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration()).start()
        do {
            try saveWorkspace(endpoint: sandbox.baseURL)
            // Menu: 1 Edit, 2 Add, 3 Send test identify, 4 Send test delete, 5 Send test track, 6 [ ] local sandbox, 7 Quit.
            let run = try await self.run(["3", "1"])
            #expect(run.status == 0, "stderr: \(run.stderr)\nstdout: \(run.stdout)")
            #expect(run.stdout.contains("Test identify through CleverTap (Actions)"))
            #expect(run.stdout.contains("✓ Processed"))
            #expect(run.stdout.contains("\nRequest\nPOST \(sandbox.baseURL)/1/upload\n"))
            #expect(run.stdout.contains("\n        \"identity\": \"\(SampleEvents.userID)\",\n"))
            #expect(!run.stdout.contains(SandboxAccount.demo.passcode.revealed))
            let profile = try #require(await sandbox.profile(identity: SampleEvents.userID))
            #expect(profile.accountID == SandboxAccount.demo.projectID)
            #expect(profile.ts != nil)
            #expect(profile.profileData["email"] == .string("test.user@example.com"))
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func oneRunSetsUpAgainstTheSandboxThenSendsATestFromTheMenu() async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration()).start()
        do {
            // No dashboard URL: Project ID and passcode typed, "Custom endpoint" (last region
            // option) pointed at the sandbox; Continue, Quick Setup, Save, back to the menu, Send
            // test identify, back to the menu, end of input.
            let answers = ["Website", "", "", SandboxAccount.demo.projectID, SandboxAccount.demo.passcode.revealed,
                           "\(Region.catalog.count + 1)", sandbox.baseURL, "1", "1", "1", "2", "3", "1"]
            let runner = try PlainModeEndToEndTests()
            defer { try? FileManager.default.removeItem(atPath: runner.home) }
            let run = try await runner.run(["setup", "--plain"], input: PlainModeEndToEndTests.lines(answers))
            #expect(run.status == 0, "stderr: \(run.stderr)\nstdout: \(run.stdout)")
            #expect(run.stdout.contains("✓ Processed"))
            #expect(!run.stdout.contains(SandboxAccount.demo.passcode.revealed))
            let destination = try #require(try WorkspaceStore(path: runner.config).load(required: true).destinations.first)
            #expect(destination.endpoint == .custom(baseURL: sandbox.baseURL))
            #expect(destination.passcode == .inline(SandboxAccount.demo.passcode))
            let profile = try #require(await sandbox.profile(identity: SampleEvents.userID))
            #expect(profile.profileData["name"] == .string("Test User"))
            #expect(profile.ts != nil)
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func sendToTheLocalSandboxNeedsNoServerAtAll() async throws {
        // An endpoint nothing listens on: only the in-process sandbox can answer.
        try saveWorkspace(endpoint: "http://127.0.0.1:9")
        let run = try await run(["6", "3"])
        #expect(run.status == 0, "stderr: \(run.stderr)\nstdout: \(run.stdout)")
        #expect(run.stdout.contains("To the local sandbox (started in this process)"))
        #expect(run.stdout.contains("✓ Processed"))
        #expect(run.stdout.contains("The sandbox now holds profile \"\(SampleEvents.userID)\"."))
    }
}
