import CleverTapCore
import Foundation
import Sandbox
import Testing

/// The built `clevertap-actions deliver` run as a user runs it: real files, a real sandbox
/// process that gets killed, real signals.
@Suite(.serialized, .timeLimit(.minutes(5))) final class DeliverCLITests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path

    let directory: String
    var workspace: String { directory + "/workspace.json" }
    let environment: [String: String]

    init() throws {
        directory = NSTemporaryDirectory() + "deliver-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "LANG": "C.UTF-8", "SBX_PASSCODE": SandboxAccount.demo.passcode.revealed]
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    struct Finished {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts the binary; standard input is a pipe the caller may write to (`child.input`).
    func launch(_ arguments: [String]) throws -> ChildProcess {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        return try ChildProcess(Self.binary, arguments, environment: environment, stdin: .pipe)
    }

    func run(_ arguments: [String]) async throws -> Finished {
        let run = try await ChildProcess.run(Self.binary, arguments, environment: environment)
        return Finished(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    func setUpWorkspace(endpoint: String) async throws {
        let setup = try await run(["setup", "--non-interactive", "--config", workspace, "--source-name", "Website",
                             "--project-id", SandboxAccount.demo.projectID, "--passcode-env", "SBX_PASSCODE",
                             "--endpoint", endpoint, "--quick"])
        try #require(setup.status == 0, "setup failed: \(setup.stderr)")
    }

    func writeEvents(_ name: String, _ lines: [String]) throws -> String {
        let path = directory + "/" + name
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Waits for `condition`, checking every 20 ms, for at most `limit` checks (a bound, not a timing).
    func waitFor(limit: Int = 1500, _ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<limit {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    func identities(inStateFile path: String) -> Set<String> {
        guard let bytes = FileManager.default.contents(atPath: path),
              let state = try? JSONParser.parse(bytes: Array(bytes)) else { return [] }
        return Set(state["profiles"]?.arrayValue?.compactMap { $0["identity"]?.stringValue } ?? [])
    }

    /// CleverTap (the sandbox) killed mid-run and back a moment later: the records that failed wait
    /// in the queue and go out once it answers again; nothing is lost or dead-lettered.
    @Test func aSandboxKilledMidRunAndRestartedGetsEverything() async throws {
        let state = directory + "/sandbox-state.json"
        // 250 ms per request, two at a time: the run takes ~5 s, so a loaded machine still sees
        // the sandbox killed mid-run (at 100 ms it once stored all 2,000 before the kill).
        let sandbox = try launch(["sandbox", "--port", "0", "--state", state, "--latency-ms", "250"])
        let url = try await sandbox.firstLine()
        #expect(url.hasPrefix("http://127.0.0.1:"))
        let port = String(url.split(separator: ":").last ?? "")
        try await setUpWorkspace(endpoint: url)

        let count = 2000
        let input = try writeEvents("events.ndjson", (0..<count).map { DeliverFixtures.identify($0) })
        let deliver = try launch(["deliver", "--config", workspace, "--batch-size", "50", "--concurrency", "2", "--json", input])
        try deliver.input?.close()
        // Kill the sandbox (SIGKILL: no chance to tidy up) once it has stored a few batches.
        #expect(try await waitFor { identities(inStateFile: state).count >= 200 })
        sandbox.send(SIGKILL)
        try await sandbox.waitForExit(within: .seconds(10))
        let storedAtKill = identities(inStateFile: state).count
        try await Task.sleep(for: .seconds(1))
        let restarted = try launch(["sandbox", "--port", port, "--state", state])
        defer { restarted.send(SIGKILL) }
        #expect(try await restarted.firstLine() == url)
        let status = try await deliver.waitForExit(within: .seconds(120))

        let report = try JSONParser.parse(await deliver.allOutput())
        #expect(status == 0, "\(report)")
        #expect(storedAtKill < count, "the sandbox died before the end")
        #expect(identities(inStateFile: state) == Set((0..<count).map { "user-\($0)" }), "every record arrived")
        #expect(report["subscriptions"]?.arrayValue?.first?["processed"]?.intValue == Int64(count))
        #expect(report["deadLettered"] == 0)
        #expect(!FileManager.default.fileExists(atPath: input + ".dead-letter.ndjson"))
        #expect(!deliver.standardError().contains(SandboxAccount.demo.passcode.revealed))
    }

    @Test func malformedLinesAreReportedWithLineNumbersAndTheExitStatusSaysSo() async throws {
        try await setUpWorkspace(endpoint: "http://127.0.0.1:9")
        let input = try writeEvents("events.ndjson", [DeliverFixtures.identify(1), "{\"type\": \"identify\", oops}", DeliverFixtures.identify(3)])
        let result = try await run(["deliver", "--config", workspace, "--dry-run", "--output", directory + "/requests.ndjson", input])
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty, "no terminal, so no progress noise: \(result.stderr)")
        #expect(result.stdout.contains("malformed input: 1"))
        #expect(result.stdout.contains("dead-lettered: 1 -> \(input).dead-letter.ndjson"))
        let entries = try DeliverFixtures.deadLetters(input + ".dead-letter.ndjson")
        #expect(entries.first?["source"]?["line"] == 2)
        let requests = try String(contentsOfFile: directory + "/requests.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(requests.count == 1)
        #expect(try JSONParser.parse(String(requests[0]))["records"] == 2)
    }

    @Test(arguments: [
        (["--concurrency", "0"], "--concurrency must be at least 1"),
        (["--concurrency", "2"], "--concurrency applies to a delivery; --dry-run writes one request at a time"),
        (["--batch-size", "0"], "--batch-size must be at least 1"),
        (["--destination", "Nope"], "no destination named \"Nope\""),
        (["/nonexistent/events.ndjson"], "cannot read /nonexistent/events.ndjson: it does not exist"),
    ])
    func usageAndConfigErrorsExitWithTwo(arguments: [String], message: String) async throws {
        try await setUpWorkspace(endpoint: "http://127.0.0.1:9")
        let input = try writeEvents("events.ndjson", [DeliverFixtures.identify(1)])
        let files = arguments.contains { $0.hasPrefix("/") } ? [] : [input]
        let result = try await run(["deliver", "--config", workspace, "--dry-run"] + arguments + files)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr was: \(result.stderr)")
    }

    /// Ctrl-C and SIGTERM (what timeout, systemd and CI send) stop a run the same way.
    @Test(arguments: [SIGINT, SIGTERM])
    func aSignalStopsReadingFinishesWhatWasReadAndPrintsTheReport(signal: Int32) async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration()).start()
        try await setUpWorkspace(endpoint: sandbox.baseURL)
        let deliver = try launch(["deliver", "--config", workspace, "--flush-interval", "0.05", "--json", "-"])
        let lines = (0..<3).map { DeliverFixtures.identify($0) }.joined(separator: "\n") + "\n"
        deliver.input?.write(Data(lines.utf8))
        // Standard input stays open: only the interrupt ends the run.
        var stored = 0
        for _ in 0..<1500 where stored < 3 {
            stored = await sandbox.profiles().count
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(stored == 3)
        deliver.send(signal)
        let status = try await deliver.waitForExit(within: .seconds(30))
        await sandbox.stop()

        #expect(status == 1, "an interrupted run did not read all its input")
        let report = try JSONParser.parse(await deliver.allOutput())
        #expect(report["interrupted"] == true)
        #expect(report["events"]?["read"] == 3)
        #expect(report["subscriptions"]?.arrayValue?.first?["processed"] == 3)
        #expect(report["deadLettered"] == 0)
    }

    /// SIGTERM mid-run (what `timeout`, systemd and CI send) against a sandbox that rejects some
    /// records: the run finishes what is in flight, dead-letters every rejected record it got an
    /// answer for (with CleverTap's code), prints the report and leaves the rest queued; the same
    /// command then sends the rest. In the end every record is stored or dead-lettered, once.
    @Test func sigtermMidRunKeepsEveryRejectedRecordAndTheNextRunSendsTheRest() async throws {
        let state = directory + "/sandbox-state.json"
        let sandbox = try launch(["sandbox", "--port", "0", "--state", state, "--latency-ms", "300"])
        defer { sandbox.send(SIGKILL) }
        try await setUpWorkspace(endpoint: try await sandbox.firstLine())

        let count = 3000
        // Every tenth user has an email CleverTap refuses (code 515).
        let rejected = Set((0..<count).filter { $0 % 10 == 7 }.map { "user-\($0)" })
        let lines = (0..<count).map { i in
            i % 10 == 7 ? DeliverFixtures.identify(i, traits: #"{"Name":"Bad","Email":"not-an-email"}"#) : DeliverFixtures.identify(i)
        }
        let input = try writeEvents("events.ndjson", lines)
        let deliver = try launch(["deliver", "--config", workspace, "--batch-size", "50", "--concurrency", "1", "--json", input])
        try deliver.input?.close()
        #expect(try await waitFor { identities(inStateFile: state).count >= 300 })
        deliver.send(SIGTERM)
        let status = try await deliver.waitForExit(within: .seconds(60))

        #expect(status == 1, "an interrupted run exits non-zero")
        let report = try JSONParser.parse(await deliver.allOutput())
        #expect(report["interrupted"] == true)
        let left = Int(try #require(report["queue"]?["stillQueued"]?.intValue))
        #expect(left > 0 && left < count, "the signal left work queued: \(left)")
        let firstDead = try DeliverFixtures.deadLetters(input + ".dead-letter.ndjson")
        #expect(!firstDead.isEmpty)
        #expect(firstDead.allSatisfy { $0["kind"] == "rejected" && $0["code"] == 515 && $0["subscription"] == "User Upload" })

        let rerun = try await run(["deliver", "--config", workspace, "--json", input])
        let second = try JSONParser.parse(rerun.stdout)
        #expect(rerun.status == 1, "records were dead-lettered")
        #expect(second["queue"]?["carriedOver"]?.intValue == Int64(left))
        #expect(second["queue"]?["inputs"]?.arrayValue?.first?["skipped"]?.intValue == Int64(count), "nothing was read twice")
        let deadLettered = try DeliverFixtures.deadLetters(input + ".dead-letter.ndjson")
        let deadIdentities = deadLettered.compactMap { $0["event"]?["userId"]?.stringValue }
        let stored = identities(inStateFile: state)
        #expect(deadIdentities.count == Set(deadIdentities).count, "each record is dead-lettered once")
        #expect(Set(deadIdentities) == rejected, "exactly the rejected records are dead-lettered")
        #expect(stored == Set((0..<count).map { "user-\($0)" }).subtracting(rejected), "everything else is stored")
        let codes = Set(deadLettered.compactMap { $0["code"]?.intValue })
        #expect(codes == [515])
    }
}
