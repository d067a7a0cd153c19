import CleverTapCore
import Foundation
import Testing

/// Issue 15 through the built binary: honest exit codes when output cannot be written, dead
/// letters that cannot be lost silently, limits refused at the door, `--version` and help text.
@Suite(.serialized, .timeLimit(.minutes(5))) final class HardeningEndToEndTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path

    let home: String
    var workspace: String { home + "/workspace.json" }

    init() throws {
        home = NSTemporaryDirectory() + "clevertap-harden-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    /// Runs the binary through `ChildProcess` (killed, and the test failed, after 60 s); standard
    /// output goes to `stdoutPath` when given (e.g. /dev/full).
    func run(_ arguments: [String], stdin: String = "", stdoutPath: String? = nil,
             environment extra: [String: String] = [:], sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessRun {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        var environment = ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "SBX_PASSCODE": "sandbox-passcode"]
        environment.merge(extra) { $1 }
        return try await ChildProcess.run(Self.binary, arguments, environment: environment, stdin: stdin,
                                          stdoutPath: stdoutPath, deadline: .seconds(60), sourceLocation: sourceLocation)
    }

    func setUp() async throws {
        let setup = try await run(["setup", "--non-interactive", "--config", workspace, "--source-name", "Website",
                                   "--project-id", "TEST-SBX-123-456Z", "--passcode-env", "SBX_PASSCODE",
                                   "--endpoint", "http://127.0.0.1:9", "--quick"])
        try #require(setup.status == 0, "\(setup.stderr)")
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = home + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func identify(_ i: Int) -> String {
        #"{"type":"identify","userId":"user-\#(i)","traits":{"email":"u\#(i)@example.com"}}"#
    }

    // MARK: 2. Dead letters

    @Test func deliverRefusesToStartWhenTheDeadLetterFileCannotBeCreated() async throws {
        try await setUp()
        let input = try write("events.ndjson", Self.identify(1) + "\n{broken\n")
        let requests = home + "/requests.ndjson"
        let result = try await run(["deliver", "--config", workspace, "--dry-run", "--output", requests,
                                    "--dead-letter", home + "/no-such-directory/dead.ndjson", input])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("no-such-directory/dead.ndjson") && result.stderr.contains("nothing was read or sent"), "\(result.stderr)")
        // Nothing was sent (for a dry run: no request written).
        let written = (try? String(contentsOfFile: requests, encoding: .utf8)) ?? ""
        #expect(written.isEmpty)
    }

    @Test func aDeadLetterWriteFailureStopsAndNamesTheLostRecords() async throws {
        try await setUp()
        let input = try write("events.ndjson", ["{broken", Self.identify(1), "[1,", Self.identify(2)].joined(separator: "\n") + "\n")
        let result = try await run(["deliver", "--config", workspace, "--dry-run", "--output", home + "/requests.ndjson",
                                    "--dead-letter", "/dev/full", input])
        #expect(result.status == 1, "\(result.stderr)")
        let report = result.stderr + result.stdout
        #expect(report.contains("no record anywhere") && report.contains("\(input):1"), "\(report)")
        #expect(report.contains("No space left on device"), "\(report)")
        #expect(!report.contains("dead-lettered: 1 ->") && !report.contains("dead-lettered: 2 ->"), "\(report)")
    }

    // MARK: 4. Every verb checks its writes

    @Test(arguments: [
        ["regions"], ["regions", "--json"],
        ["detect-region", "https://in1.dashboard.clevertap.com/844-6K7-984Z/main"],
        ["detect-region", "--json", "https://in1.dashboard.clevertap.com/844-6K7-984Z/main"],
        ["config", "show", "--config", "WORKSPACE"], ["config", "show", "--json", "--config", "WORKSPACE"],
        ["config", "validate", "--config", "WORKSPACE"], ["config", "path", "--config", "WORKSPACE"],
        ["send-test", "identify", "--dry-run", "--config", "WORKSPACE"],
        ["deliver", "--dry-run", "--config", "WORKSPACE", "EVENTS"],
        ["deliver", "--dry-run", "--json", "--output", "REQUESTS", "--config", "WORKSPACE", "EVENTS"],
        ["map", "--config", "WORKSPACE", "EVENTS"],
        ["eval-trigger", "TRIGGERS"],
        ["eval-mapping", "MAPPINGS"],
        ["--version"], ["deliver", "--help"],
    ])
    func aFullStandardOutputExitsOneWithTheReason(_ template: [String]) async throws {
        try await setUp()
        let events = try write("events.ndjson", Self.identify(1) + "\n")
        let triggers = try write("triggers.ndjson", #"{"trigger": "type = \"identify\"", "event": {"type": "identify"}}"# + "\n")
        let mappings = try write("mappings.ndjson", #"{"mapping": {"a": {"@path": "$.x"}}, "event": {"x": 1}}"# + "\n")
        let arguments = template.map {
            ["WORKSPACE": workspace, "EVENTS": events, "TRIGGERS": triggers, "MAPPINGS": mappings,
             "REQUESTS": home + "/requests.ndjson"][$0] ?? $0
        }
        let result = try await run(arguments, stdoutPath: "/dev/full")
        #expect(result.status == 1, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(arguments): \(result.stderr)")
    }

    @Test func setupWithAFullStandardOutputExitsOne() async throws {
        let result = try await run(["setup", "--non-interactive", "--config", workspace, "--source-name", "Website",
                                    "--project-id", "TEST-SBX-123-456Z", "--passcode-env", "SBX_PASSCODE", "--region", "in1",
                                    "--quick"], stdoutPath: "/dev/full")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
    }

    /// Standard error that cannot be written (here /dev/full; a closed window's terminal fails the
    /// same way) must not turn an error into a crash: Foundation's `FileHandle.write` trapped, so
    /// the wizard died by SIGILL after its window closed and spent seconds on a backtrace.
    @Test(arguments: [
        (["config", "validate", "--config", "/nonexistent/workspace.json"], Int32(1)),
        (["map", "--no-such-option"], Int32(2)),
        (["deliver", "--config", "/nonexistent/workspace.json", "/nonexistent/events.ndjson"], Int32(2)),
    ])
    func anUnwritableStandardErrorKeepsTheExitStatus(arguments: [String], status: Int32) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        let result = try await ChildProcess.run("/bin/sh", ["-c", #"exec "$0" "$@" 2>/dev/full"#, Self.binary] + arguments,
                                                environment: ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"],
                                                deadline: .seconds(60))
        #expect(result.status == status, "\(arguments): exit \(result.status)")
    }

    @Test func deliverDryRunToAFullOutputFileExitsOne() async throws {
        try await setUp()
        let events = try write("events.ndjson", Self.identify(1) + "\n")
        let result = try await run(["deliver", "--dry-run", "--config", workspace, "--output", "/dev/full", events])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("could not write the requests") && result.stderr.contains("No space left on device"), "\(result.stderr)")
    }

    // MARK: 1 and 6. Limits refused at the door

    @Test func aHugeEndpointOverrideIsRefusedWithTheLimit() async throws {
        try await setUp()
        let events = try write("events.ndjson", Self.identify(1) + "\n")
        let endpoint = "http://127.0.0.1:9/" + String(repeating: "a", count: 100_000)
        let deliver = try await run(["deliver", "--config", workspace, "--endpoint", endpoint, events])
        #expect(deliver.status == 2, "\(deliver.stderr.prefix(500))")
        #expect(deliver.stderr.contains("\(CustomEndpoint.maximumLength)") && deliver.stderr.count < 1000, "\(deliver.stderr.prefix(500))")
        let sendTest = try await run(["send-test", "identify", "--config", workspace, "--endpoint", endpoint])
        #expect(sendTest.status == 2, "\(sendTest.stderr.prefix(500))")
        #expect(sendTest.stderr.contains("\(CustomEndpoint.maximumLength)") && sendTest.stderr.count < 1000, "\(sendTest.stderr.prefix(500))")
    }

    @Test func aHugePasscodeIsRefusedWithTheLimit() async throws {
        try await setUp()
        let events = try write("events.ndjson", Self.identify(1) + "\n")
        let huge = String(repeating: "p", count: 100_000)
        let deliver = try await run(["deliver", "--config", workspace, events], environment: ["SBX_PASSCODE": huge])
        #expect(deliver.status == 2, "\(deliver.stderr.prefix(500))")
        #expect(deliver.stderr.contains("\(Passcode.maximumLength)") && !deliver.stderr.contains(huge.prefix(300)), "\(deliver.stderr.prefix(500))")
        let setup = try await run(["setup", "--non-interactive", "--config", home + "/other.json", "--source-name", "W",
                                   "--project-id", "TEST-SBX-123-456Z", "--passcode-stdin"], stdin: huge)
        #expect(setup.status == 1 && setup.stderr.contains("\(Passcode.maximumLength)"), "\(setup.stderr.prefix(500))")
    }

    @Test func aHugeTriggerIsRefusedNamingTheLimit() async throws {
        let trigger = "type = \\\"" + String(repeating: "a", count: 2_000_000) + "\\\""
        let result = try await run(["eval-trigger"], stdin: #"{"trigger": "\#(trigger)"}"# + "\n")
        #expect(result.status == 1)
        #expect(result.stdout.contains("the limit is \(Trigger.maximumLength) bytes"), "\(result.stdout.prefix(300))")
    }

    // MARK: 8. `[]` lines are counted in deliver's report

    @Test func emptyArraysAreCountedInDeliversReport() async throws {
        try await setUp()
        let events = try write("events.ndjson", [Self.identify(1), "[]", "[]"].joined(separator: "\n") + "\n")
        let result = try await run(["deliver", "--dry-run", "--json", "--output", home + "/requests.ndjson", "--config", workspace, events])
        #expect(result.status == 0, "\(result.stderr)")
        let report = try JSONParser.parse(result.stdout)
        #expect(report["events"]?["empty"] == .int(2), "\(result.stdout)")
    }

    // MARK: 9. --version and help text

    @Test func versionPrintsTheVersion() async throws {
        let result = try await run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout == ToolVersion.current + "\n")
    }

    /// Help wraps once, at the width given: a wide terminal shows each paragraph on one line (no
    /// break carried in the text), a narrow one has no line past its width.
    @Test(arguments: ["deliver", "setup", "send-test", "eval-trigger", "eval-mapping", "map", "sandbox", "detect-region"])
    func helpWrapsOnceAtAnyWidth(_ verb: String) async throws {
        let wide = try await run([verb, "--help"], environment: ["COLUMNS": "1000"])
        #expect(wide.status == 0)
        let overview = wide.stdout.components(separatedBy: "\n\nUSAGE:").first ?? ""
        let lines = overview.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (index, line) in lines.enumerated() where index + 1 < lines.count {
            let next = lines[index + 1]
            // A break in the middle of a sentence: a line ending in a word, the next going on in lower case.
            let endsMidSentence = line.last.map { $0.isLetter || $0 == "," } ?? false
            let continues = next.first.map { $0.isLowercase } ?? false
            #expect(!(endsMidSentence && continues), "\(verb) --help breaks a sentence:\n\(line)\n\(next)")
        }
        let narrow = try await run([verb, "--help"], environment: ["COLUMNS": "60"])
        let overviewNarrow = narrow.stdout.components(separatedBy: "\n\nUSAGE:").first ?? ""
        for line in overviewNarrow.split(separator: "\n") where !line.hasPrefix("  ") {
            #expect(line.count <= 60, "\(verb) --help at 60 columns: \(line)")
        }
    }
}
