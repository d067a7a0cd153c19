import AsyncHTTPClient
import CleverTapCore
import Foundation
import Testing

/// The real binary as a new user meets it: the sandbox in a terminal (tmux), `setup
/// --non-interactive` against it, `send-test`, then the stored profile read back over HTTP.
@Suite(.serialized, .timeLimit(.minutes(5))) final class SandboxCLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path
    static let demoProject = "TEST-SBX-123-456Z"
    static let demoPasscode = "sandbox-passcode"

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let home: String
    var config: String { home + "/workspace.json" }

    init() throws {
        home = NSTemporaryDirectory() + "/clevertap-sandbox-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "CLEVERTAP_PASSCODE": Self.demoPasscode]
        environment.merge(extra) { $1 }
        return environment
    }

    /// Runs the binary to completion.
    func run(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        let run = try await ChildProcess.run(Self.binary, arguments, environment: environment(extra))
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    /// A sandbox started as a child process; its first stdout line is the base URL.
    struct SandboxProcess {
        let child: ChildProcess
        let baseURL: String

        /// SIGTERM, then the exit status (the test fails if it takes more than 10 seconds).
        func stop() async throws -> Int32 { try await child.stop() }
    }

    func startSandbox(_ arguments: [String] = [], environment extra: [String: String] = [:]) async throws -> SandboxProcess {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        let child = try ChildProcess(Self.binary, ["sandbox"] + arguments, environment: environment(extra),
                                     stderrPath: home + "/sandbox.err")
        return SandboxProcess(child: child, baseURL: try await child.firstLine())
    }

    func setup(endpoint: String, passcodeVariable: String = "CLEVERTAP_PASSCODE", environment extra: [String: String] = [:]) async throws -> Run {
        try await run(["setup", "--non-interactive", "--config", config, "--source-name", "Website", "--source-type", "javascript",
                 "--project-id", Self.demoProject, "--passcode-env", passcodeVariable, "--endpoint", endpoint, "--quick"],
                environment: extra)
    }


    // MARK: The README's new-user sequence

    @Test func newUserSequenceInATerminal() async throws {
        // The sandbox runs in a real terminal on a private tmux socket, spawned the way the wizard
        // tests do it (a tmux server started through Foundation's Process keeps its pipe open and
        // hangs the test).
        let terminal = try WizardTmux(arguments: ["sandbox", "--state", home + "/sandbox-state.json"], start: false)
        let state = home + "/sandbox-state.json"
        try terminal.start()
        let screen = try await terminal.waitFor("Press Ctrl-C to stop.")
        // In a terminal stdout and stderr interleave; the URL is the one line that is only a URL.
        let urlLine = screen.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("http://127.0.0.1:") && !$0.contains(" ") }
        let baseURL = try #require(urlLine)

        let setup = try await setup(endpoint: baseURL)
        #expect(setup.status == 0, "setup failed: \(setup.stderr)")

        let identify = try await run(["send-test", "identify", "--config", config])
        #expect(identify.status == 0, "send-test failed: \(identify.stdout) \(identify.stderr)")
        #expect(identify.stdout.contains("Answer: processed by CleverTap"))
        #expect(identify.stdout.contains("X-CleverTap-Passcode: <redacted>"))
        #expect(!(identify.stdout + identify.stderr).contains(Self.demoPasscode))

        let profile = try await httpGet(baseURL + "/sandbox/profiles/clevertap-actions-test-user")
        #expect(profile.status == 200)
        #expect(profile.body?["profileData"]?["email"] == "test.user@example.com")
        let requests = try await httpGet(baseURL + "/sandbox/requests")
        #expect(requests.body?["requests"]?.arrayValue?.first?["headers"]?["X-CleverTap-Passcode"] == "<redacted>")

        // Ctrl-C in the sandbox's terminal stops it cleanly, and the profile was kept in --state.
        try terminal.keys("C-c")
        let stopped = try await terminal.waitFor("EXIT:")
        #expect(stopped.contains("sandbox stopped"))
        #expect(stopped.contains("EXIT:0"))
        let saved = try JSONParser.parse(String(contentsOfFile: state, encoding: .utf8))
        #expect(saved["profiles"]?.arrayValue?.first?["identity"] == "clevertap-actions-test-user")
    }

    @Test func deleteTestRemovesTheProfile() async throws {
        let sandbox = try await startSandbox()
        defer { sandbox.child.send(SIGKILL) }  // a failed test leaves nothing running
        #expect(try await setup(endpoint: sandbox.baseURL).status == 0)
        #expect(try await run(["send-test", "identify", "--config", config]).status == 0)
        let delete = try await run(["send-test", "delete", "--config", config, "--json"])
        #expect(delete.status == 0)
        let report = try JSONParser.parse(delete.stdout)
        #expect(report["outcome"] == "processed")
        #expect(report["request"]?["body"] == ["identity": ["clevertap-actions-test-user"]])
        #expect(try await httpGet(sandbox.baseURL + "/sandbox/profiles/clevertap-actions-test-user").status == 404)
        #expect(try await sandbox.stop() == 0, "SIGTERM stops the sandbox with status 0")
    }

    @Test func badPasscodeFailsWithAnActionableMessage() async throws {
        let sandbox = try await startSandbox()
        defer { sandbox.child.send(SIGKILL) }  // a failed test leaves nothing running
        #expect(try await setup(endpoint: sandbox.baseURL, passcodeVariable: "WRONG_PASSCODE",
                          environment: ["WRONG_PASSCODE": "not-the-passcode"]).status == 0)
        let result = try await run(["send-test", "identify", "--config", config], environment: ["WRONG_PASSCODE": "not-the-passcode"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("Answer: NOT processed"))
        #expect(result.stdout.contains("refused the credentials (HTTP 401: \"Invalid Credentials\")"))
        #expect(!result.stdout.contains("not-the-passcode"))
    }

    @Test func scriptedServerErrorsExhaustTheRetries() async throws {
        let sandbox = try await startSandbox(["--faults", "500,500,500"])
        defer { sandbox.child.send(SIGKILL) }  // a failed test leaves nothing running
        #expect(try await setup(endpoint: sandbox.baseURL).status == 0)
        let result = try await run(["send-test", "identify", "--config", config])
        #expect(result.status == 1)
        #expect(result.stdout.contains("HTTP 500"))
        #expect(result.stdout.contains("on all 3 attempts"))
    }

    @Test func unmatchedEventFileIsExplainedAndNotSent() async throws {
        let sandbox = try await startSandbox()
        defer { sandbox.child.send(SIGKILL) }  // a failed test leaves nothing running
        #expect(try await setup(endpoint: sandbox.baseURL).status == 0)
        let eventPath = home + "/page.json"
        try Data(#"{"type":"page","userId":"u1","name":"Home"}"#.utf8).write(to: URL(fileURLWithPath: eventPath))
        let result = try await run(["send-test", "identify", "--config", config, "--event", eventPath])
        #expect(result.status == 1)
        #expect(result.stdout.contains("No User Upload subscription"))
        #expect(result.stdout.contains(#"trigger type = "identify" does not match"#))
        #expect(try await httpGet(sandbox.baseURL + "/sandbox/requests").body?["count"] == 0)
    }

    @Test func dryRunShowsTheRequestWithoutASandbox() async throws {
        #expect(try await setup(endpoint: "http://127.0.0.1:9").status == 0)
        let result = try await run(["send-test", "identify", "--config", config, "--dry-run"], environment: ["CLEVERTAP_PASSCODE": ""])
        #expect(result.status == 0)
        #expect(result.stdout.contains("POST http://127.0.0.1:9/1/upload"))
        #expect(result.stdout.contains("Dry run: not sent."))
    }

    @Test(arguments: [
        (["--faults", "200"], Int32(2), "--faults"),
        (["--project-id", "TEST-SBX-123-456Z"], 2, "go together"),
        (["--project-id", "TEST-SBX-123-456Z", "--passcode-env", "NOT_SET_ANYWHERE"], 1, "NOT_SET_ANYWHERE"),
        (["--failure-rate", "2"], 2, "Failure rate 2.0 is out of range"),
    ])
    func badSandboxOptionsAreRefused(arguments: [String], status: Int32, message: String) async throws {
        let result = try await run(["sandbox"] + arguments)
        #expect(result.status == status)
        #expect(result.stderr.contains(message))
        #expect(result.stdout.isEmpty, "no URL is printed when the sandbox does not start")
    }

    /// Naming a destination that does not exist is a usage error (exit 2), like leaving out
    /// --destination when there are several; it used to exit 1, as if CleverTap had refused.
    @Test func destinationChoiceMistakesAreUsageErrors() async throws {
        for name in ["First", "Second"] {
            let made = try await run(["setup", "--non-interactive", "--config", config, "--source-name", "Website",
                                "--source-type", "javascript", "--project-id", Self.demoProject,
                                "--passcode-env", "CLEVERTAP_PASSCODE", "--endpoint", "http://127.0.0.1:9", "--quick",
                                "--destination-name", name])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let several = try await run(["send-test", "identify", "--config", config, "--dry-run"])
        #expect(several.status == 2)
        #expect(several.stderr.contains(#"several destinations ("First", "Second"); pick one with --destination NAME"#))
        let unknown = try await run(["send-test", "identify", "--config", config, "--dry-run", "--destination", "Nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains(#"no destination named "Nope"; the workspace has "First", "Second""#))
        #expect(unknown.stdout.isEmpty)
        let chosen = try await run(["send-test", "identify", "--config", config, "--dry-run", "--destination", "Second"])
        #expect(chosen.status == 0)
    }

    @Test func ownAccountFromTheEnvironment() async throws {
        let sandbox = try await startSandbox(["--project-id", "abc-def-ghij", "--passcode-env", "MY_SANDBOX_PASSCODE"],
                                       environment: ["MY_SANDBOX_PASSCODE": "my-own-passcode"])
        defer { sandbox.child.send(SIGKILL) }  // a failed test leaves nothing running
        let stderr = try String(contentsOfFile: sandbox.child.stderrPath, encoding: .utf8)
        #expect(stderr.contains("ABC-DEF-GHIJ"))
        #expect(!stderr.contains("my-own-passcode"))
        #expect(try await sandbox.stop() == 0)
    }

    /// A signal sent the moment the URL line is read is honoured every time, also with both cores
    /// busy: it was once dropped (a signal source armed asynchronously) and the sandbox ran on.
    @Test func aSignalRightAfterTheURLLineStopsTheSandboxEveryTime() async throws {
        let load = try (0..<2).map { _ in try ChildProcess("/bin/sh", ["-c", "while :; do :; done"]) }
        defer { for burner in load { burner.send(SIGKILL) } }
        for attempt in 0..<50 {
            let signal = attempt.isMultiple(of: 2) ? SIGTERM : SIGINT
            let sandbox = try await startSandbox()
            sandbox.child.send(signal)
            let status = try await sandbox.child.waitForExit(within: .seconds(10))
            #expect(status == 0, "attempt \(attempt): signal \(signal) gave exit status \(status)")
        }
    }
}
