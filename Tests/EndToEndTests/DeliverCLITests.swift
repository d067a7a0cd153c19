import CleverTapCore
import Foundation
import Sandbox
import Testing

/// The built `clevertap-actions deliver` run as a user runs it: real files, a real sandbox
/// process that gets killed, real signals.
@Suite(.serialized) final class DeliverCLITests {
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

    /// Starts the binary with stdout and stderr going to files; stdin is a pipe the caller may write to.
    func launch(_ arguments: [String]) throws -> (Process, Pipe, out: String, err: String) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = environment
        let out = directory + "/.out-\(UUID().uuidString)"
        let err = directory + "/.err-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        let input = Pipe()
        process.standardInput = input
        try process.run()
        return (process, input, out, err)
    }

    func run(_ arguments: [String]) throws -> Finished {
        let (process, input, out, err) = try launch(arguments)
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        return Finished(status: process.terminationStatus, stdout: try String(contentsOfFile: out, encoding: .utf8),
                        stderr: try String(contentsOfFile: err, encoding: .utf8))
    }

    func setUpWorkspace(endpoint: String) throws {
        let setup = try run(["setup", "--non-interactive", "--config", workspace, "--source-name", "Website",
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
    func waitFor(limit: Int = 1500, _ condition: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<limit {
            if try condition() { return true }
            usleep(20_000)
        }
        return false
    }

    func identities(inStateFile path: String) -> Set<String> {
        guard let bytes = FileManager.default.contents(atPath: path),
              let state = try? JSONParser.parse(bytes: Array(bytes)) else { return [] }
        return Set(state["profiles"]?.arrayValue?.compactMap { $0["identity"]?.stringValue } ?? [])
    }

    @Test func aSandboxKilledMidRunLosesNothing() throws {
        let state = directory + "/sandbox-state.json"
        let (sandbox, sandboxInput, sandboxOut, _) = try launch(["sandbox", "--port", "0", "--state", state, "--latency-ms", "100"])
        defer {
            if sandbox.isRunning { kill(sandbox.processIdentifier, SIGKILL) }
            try? sandboxInput.fileHandleForWriting.close()
        }
        #expect(waitFor { ((try? String(contentsOfFile: sandboxOut, encoding: .utf8)) ?? "").contains("\n") })
        let url = try #require(try String(contentsOfFile: sandboxOut, encoding: .utf8).split(separator: "\n").first.map(String.init))
        #expect(url.hasPrefix("http://127.0.0.1:"))
        try setUpWorkspace(endpoint: url)

        let count = 2000
        let input = try writeEvents("events.ndjson", (0..<count).map { DeliverFixtures.identify($0) })
        let (deliver, deliverInput, deliverOut, deliverErr) = try launch(["deliver", "--config", workspace, "--batch-size", "50",
                                                                        "--concurrency", "2", "--json", input])
        try deliverInput.fileHandleForWriting.close()
        // Kill the sandbox (SIGKILL: no chance to tidy up) once it has stored a few batches.
        #expect(waitFor { identities(inStateFile: state).count >= 200 })
        kill(sandbox.processIdentifier, SIGKILL)
        sandbox.waitUntilExit()
        deliver.waitUntilExit()

        #expect(deliver.terminationStatus == 1)
        let report = try JSONParser.parse(try String(contentsOfFile: deliverOut, encoding: .utf8))
        let stored = identities(inStateFile: state)
        let deadLetterPath = input + ".dead-letter.ndjson"
        let deadLettered = try DeliverFixtures.deadLetters(deadLetterPath)
        let deadIdentities = Set(deadLettered.compactMap { $0["event"]?["userId"]?.stringValue })
        #expect(stored.count < count, "the sandbox died before the end")
        #expect(stored.union(deadIdentities) == Set((0..<count).map { "user-\($0)" }), "every record is stored or dead-lettered")
        #expect(deadLettered.allSatisfy { $0["kind"] == "undeliverable" || $0["kind"] == "interrupted" })
        let processed = report["subscriptions"]?.arrayValue?.first?["processed"]?.intValue ?? -1
        #expect(Int(processed) + deadLettered.count == count)
        #expect(report["deadLetterFiles"] == [.string(deadLetterPath)])
        let stderr = try String(contentsOfFile: deliverErr, encoding: .utf8)
        #expect(!stderr.contains(SandboxAccount.demo.passcode.revealed))
    }

    @Test func malformedLinesAreReportedWithLineNumbersAndTheExitStatusSaysSo() throws {
        try setUpWorkspace(endpoint: "http://127.0.0.1:9")
        let input = try writeEvents("events.ndjson", [DeliverFixtures.identify(1), "{\"type\": \"identify\", oops}", DeliverFixtures.identify(3)])
        let result = try run(["deliver", "--config", workspace, "--dry-run", "--output", directory + "/requests.ndjson", input])
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
        (["--batch-size", "0"], "--batch-size must be at least 1"),
        (["--destination", "Nope"], "no destination named \"Nope\""),
        (["/nonexistent/events.ndjson"], "/nonexistent/events.ndjson: cannot open for reading"),
    ])
    func usageAndConfigErrorsExitWithTwo(arguments: [String], message: String) throws {
        try setUpWorkspace(endpoint: "http://127.0.0.1:9")
        let input = try writeEvents("events.ndjson", [DeliverFixtures.identify(1)])
        let files = arguments.contains { $0.hasPrefix("/") } ? [] : [input]
        let result = try run(["deliver", "--config", workspace, "--dry-run"] + arguments + files)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "stderr was: \(result.stderr)")
    }

    @Test func ctrlCStopsReadingFinishesWhatWasReadAndPrintsTheReport() async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration()).start()
        try setUpWorkspace(endpoint: sandbox.baseURL)
        let (deliver, input, out, _) = try launch(["deliver", "--config", workspace, "--flush-interval", "0.05", "--json", "-"])
        let lines = (0..<3).map { DeliverFixtures.identify($0) }.joined(separator: "\n") + "\n"
        input.fileHandleForWriting.write(Data(lines.utf8))
        // Standard input stays open: only the interrupt ends the run.
        var stored = 0
        for _ in 0..<1500 where stored < 3 {
            stored = await sandbox.profiles().count
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(stored == 3)
        deliver.interrupt()
        // Poll instead of waitUntilExit: a blocked cooperative thread could starve the in-process sandbox.
        while deliver.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        try input.fileHandleForWriting.close()
        await sandbox.stop()

        #expect(deliver.terminationStatus == 1, "an interrupted run did not read all its input")
        let report = try JSONParser.parse(try String(contentsOfFile: out, encoding: .utf8))
        #expect(report["interrupted"] == true)
        #expect(report["events"]?["read"] == 3)
        #expect(report["subscriptions"]?.arrayValue?.first?["processed"] == 3)
        #expect(report["deadLettered"] == 0)
    }
}
