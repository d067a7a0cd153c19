import CleverTapCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `deliver` through its queue: the real binary, a real SQLite queue file and a real sandbox
/// process. The events add to a counter (`$incr`), so a record applied twice shows in the profile.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DeliverQueueEndToEndTests {
    static func counting(_ users: Range<Int>, prefix: String) -> String {
        users.map { #"{"type":"identify","userId":"\#(prefix)\#($0)","traits":{"visits":{"$incr":1}}}"# }.joined(separator: "\n") + "\n"
    }

    /// Every profile's `visits`, by identity.
    static func visits(_ sandbox: String) async throws -> [String: Int64] {
        let (_, body) = try await httpGet(sandbox + "/sandbox/profiles")
        var visits: [String: Int64] = [:]
        for profile in body?["profiles"]?.arrayValue ?? [] {
            if let identity = profile["identity"]?.stringValue { visits[identity] = profile["profileData"]?["visits"]?.intValue ?? 0 }
        }
        return visits
    }

    func deliver(_ home: ServeHome, _ file: String, extra: [String] = []) -> [String] {
        ["deliver", "--config", home.config, "--queue", home.queue, file] + extra
    }

    @Test func aRunKilledMidFileContinuesWhereItsCommitsStoppedAndAppliesSentRecordsOnce() async throws {
        let home = try ServeHome()
        // Each request takes 3 s and four claims of 1000 go at once: 8000 events take two
        // rounds, and the kill lands after the first round's profiles appear, during the second.
        let sandbox = try await home.startSandbox(extra: ["--latency-ms", "3000"])
        _ = try await home.setup(endpoint: sandbox.url)
        let file = home.path + "/events.ndjson"
        try Self.counting(0..<8000, prefix: "k").write(toFile: file, atomically: true, encoding: .utf8)

        let first = try ChildProcess(ServeHome.binary, deliver(home, file), environment: home.environment,
                                     stderrPath: home.nextLog("deliver"))
        let started = try await eventually(timeout: .seconds(60)) { try await sandboxIdentities(sandbox.url).count >= 1000 }
        #expect(started)
        first.send(SIGKILL)
        _ = try await first.waitForExit(within: .seconds(10))
        let beforeRerun = try await Self.visits(sandbox.url).count
        #expect(beforeRerun < 8000, "the kill came after the whole file was sent; the test proves nothing")

        let second = try await home.runCapturing(deliver(home, file, extra: ["--json"]))
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        let report = try JSONParser.parse(second.stdout)
        let skipped = report["queue"]?["inputs"]?.arrayValue?.first?["skipped"]?.intValue ?? 0
        #expect(skipped > 0, "the rerun read the whole file again: \(second.stdout)")
        #expect(skipped + (report["events"]?["read"]?.intValue ?? 0) == 8000)
        #expect(report["queue"]?["stillQueued"]?.intValue == 0)
        #expect(report["deadLettered"]?.intValue == 0)

        let visits = try await Self.visits(sandbox.url)
        #expect(visits.count == 8000)
        #expect(visits.values.allSatisfy { $0 >= 1 })
        // Only what was in flight at the kill (sent, its answer not yet recorded) can apply twice:
        // at most one claim of 1000 per worker loop (4). Sending the file again would double the
        // 4000 of the first round as well.
        let twice = visits.values.filter { $0 > 1 }.count
        #expect(twice <= 4000, "\(twice) records applied twice")

        // A third run has nothing to read or send.
        let third = try await home.runCapturing(deliver(home, file, extra: ["--json"]))
        #expect(third.status == 0)
        let again = try JSONParser.parse(third.stdout)
        #expect(again["events"]?["read"]?.intValue == 0)
        #expect(again["queue"]?["inputs"]?.arrayValue?.first?["skipped"]?.intValue == 8000)
        #expect(again["subscriptions"]?.arrayValue?.first?["processed"]?.intValue == 0)
        #expect(try await Self.visits(sandbox.url) == visits)
        _ = try await sandbox.terminate()
    }

    /// CleverTap down: every record waits for a retry when SIGTERM comes. The run says so and
    /// exits 1; the next run, with CleverTap back, sends them, each once.
    @Test func sigtermLeavesTheRestQueuedAndTheNextRunSendsIt() async throws {
        let home = try ServeHome()
        let port = try freePort()
        _ = try await home.setup(endpoint: "http://127.0.0.1:\(port)")
        let file = home.path + "/events.ndjson"
        try Self.counting(0..<300, prefix: "t").write(toFile: file, atomically: true, encoding: .utf8)
        let first = try ChildProcess(ServeHome.binary, deliver(home, file), environment: home.environment,
                                     stderrPath: home.nextLog("deliver"))
        // `status` may open the queue while deliver is creating it (it waits for the creation to
        // finish); before the file exists it answers "no queue" and is asked again.
        let retrying = try await eventually(timeout: .seconds(30)) {
            let run = try await home.runCapturing(["status", "--config", home.config, "--queue", home.queue, "--json"])
            guard run.status == 0, let status = try? JSONParser.parse(run.stdout) else { return false }
            return (status["destinations"]?.arrayValue?.first?["retrying"]?.intValue ?? 0) > 0
        }
        #expect(retrying)
        first.send(SIGTERM)
        let status = try await first.waitForExit(within: .seconds(30))
        let output = await first.allOutput()
        #expect(status == 1)
        #expect(output.contains("Delivery interrupted"), "\(output)")
        #expect(output.contains("still queued: 300 events; run the same command again"), "\(output)")

        let sandbox = try await home.startSandbox(port: port)
        let second = try await home.runCapturing(deliver(home, file))
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        #expect(second.stdout.contains("300 skipped (queued by an earlier run)"), "\(second.stdout)")
        #expect(second.stdout.contains("carried over from an earlier run: 300 events"), "\(second.stdout)")
        #expect(second.stdout.contains("processed 300"), "\(second.stdout)")
        let visits = try await Self.visits(sandbox.url)
        #expect(visits.count == 300)
        #expect(visits.values.allSatisfy { $0 == 1 }, "\(visits.values.filter { $0 != 1 }.count) profiles applied twice or never")
        _ = try await sandbox.terminate()
    }

    /// A second signal does not wait for requests in flight (here a CleverTap that takes a minute
    /// to answer): the run ends at once with everything still queued, and the next run takes the
    /// queue over and sends each record once.
    @Test func aSecondSignalStopsWaitingForTheRequestsInFlightAndTheNextRunSendsThem() async throws {
        let home = try ServeHome()
        let slow = try await home.startSandbox(extra: ["--latency-ms", "60000"])
        _ = try await home.setup(endpoint: slow.url)
        let file = home.path + "/events.ndjson"
        try Self.counting(0..<50, prefix: "s").write(toFile: file, atomically: true, encoding: .utf8)
        let first = try ChildProcess(ServeHome.binary, deliver(home, file, extra: ["--json"]), environment: home.environment,
                                     stderrPath: home.nextLog("deliver"))
        let inFlight = try await eventually(timeout: .seconds(30)) {
            let run = try await home.runCapturing(["status", "--config", home.config, "--queue", home.queue, "--json"])
            guard run.status == 0, let status = try? JSONParser.parse(run.stdout) else { return false }
            return status["destinations"]?.arrayValue?.first?["in-flight"]?.intValue == 50
        }
        #expect(inFlight)
        first.send(SIGTERM)
        // Two signals sent at once may reach the process as one (a pending signal is not counted):
        // the second goes once the first has been taken.
        #expect(try await eventually(timeout: .seconds(10)) { first.standardError().contains("stopping:") })
        first.send(SIGTERM)
        let status = try await first.waitForExit(within: .seconds(20))
        let report = try JSONParser.parse(await first.allOutput())
        #expect(status == 1)
        #expect(report["interrupted"] == true)
        #expect(report["queue"]?["stillQueued"]?.intValue == 50)
        #expect(first.standardError().contains("no longer waiting for the requests in flight"))
        slow.child.send(SIGKILL)
        _ = try await slow.child.waitForExit(within: .seconds(10))

        let sandbox = try await home.startSandbox()
        let second = try await home.runCapturing(deliver(home, file, extra: ["--endpoint", sandbox.url, "--json"]))
        #expect(second.status == 0, "\(second.stdout)\n\(second.stderr)")
        let again = try JSONParser.parse(second.stdout)
        #expect(again["queue"]?["carriedOver"]?.intValue == 50)
        let visits = try await Self.visits(sandbox.url)
        #expect(visits.count == 50)
        #expect(visits.values.allSatisfy { $0 == 1 })
        _ = try await sandbox.terminate()
    }

    /// Several files in one run, one of them named twice: each is read once, each record applied
    /// once, and a rerun reads and sends nothing.
    @Test func severalFilesAreEachReadOnceAndARerunSendsNothing() async throws {
        let home = try ServeHome()
        let sandbox = try await home.startSandbox()
        _ = try await home.setup(endpoint: sandbox.url)
        let first = home.path + "/first.ndjson"
        let second = home.path + "/second.ndjson"
        try Self.counting(0..<100, prefix: "a").write(toFile: first, atomically: true, encoding: .utf8)
        try Self.counting(0..<150, prefix: "b").write(toFile: second, atomically: true, encoding: .utf8)
        let arguments = ["deliver", "--config", home.config, "--queue", home.queue, "--json", first, second, first]
        let run = try await home.runCapturing(arguments)
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let report = try JSONParser.parse(run.stdout)
        #expect(report["events"]?["read"]?.intValue == 250)
        #expect(report["subscriptions"]?.arrayValue?.first?["processed"]?.intValue == 250)
        #expect(report["queue"]?["inputs"]?.arrayValue?.count == 2)

        let again = try await home.runCapturing(arguments)
        #expect(again.status == 0)
        let rerun = try JSONParser.parse(again.stdout)
        #expect(rerun["events"]?["read"]?.intValue == 0)
        #expect(rerun["queue"]?["inputs"]?.arrayValue?.compactMap { $0["skipped"]?.intValue } == [100, 150])
        let visits = try await Self.visits(sandbox.url)
        #expect(visits.count == 250)
        #expect(visits.values.allSatisfy { $0 == 1 })
        _ = try await sandbox.terminate()
    }

    @Test func recordsThatGoDeadAndLinesThatAreNotEventsEndInTheDeadLetterFileWithTheirPlace() async throws {
        let home = try ServeHome()
        let sandbox = try await home.startSandbox()
        _ = try await home.setup(endpoint: sandbox.url)
        let file = home.path + "/events.ndjson"
        let long = String(repeating: "y", count: 600)
        try [#"{"type":"identify","userId":"ok-1","traits":{"email":"a@b.c"}}"#,
             #"{"type":"identify","userId": nope"#,
             #"{"type":"identify","userId":"long-1","traits":{"bio":"\#(long)"}}"#].joined(separator: "\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        let run = try await home.runCapturing(deliver(home, file))
        #expect(run.status == 1)
        #expect(run.stdout.contains("processed 1"), "\(run.stdout)")
        #expect(run.stdout.contains("unprocessed 1 (555: 1)"), "\(run.stdout)")
        #expect(run.stdout.contains("malformed input: 1 (dead-lettered)"), "\(run.stdout)")
        #expect(run.stdout.contains("dead-lettered: 2"), "\(run.stdout)")
        #expect(!run.stdout.contains("still queued"), "\(run.stdout)")
        let lines = try String(contentsOfFile: file + ".dead-letter.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let malformed = try JSONParser.parse(String(lines[0]))
        #expect(malformed["kind"]?.stringValue == "malformed")
        #expect(malformed["source"]?["line"]?.intValue == 2)
        #expect(malformed["raw"]?.stringValue?.contains("nope") == true)
        let rejected = try JSONParser.parse(String(lines[1]))
        #expect(rejected["kind"]?.stringValue == "rejected")
        #expect(rejected["code"]?.intValue == 555, "\(lines[1])")
        #expect(rejected["subscription"]?.stringValue == "User Upload", "\(lines[1])")
        #expect(rejected["source"]?["line"]?.intValue == 3)
        #expect(rejected["event"]?["userId"]?.stringValue == "long-1")
        // Taken out of the queue: the dead-letter file is their one place.
        let status = try await home.status()
        #expect(status["destinations"]?.arrayValue?.first?["dead"]?.intValue ?? 0 == 0)
        #expect(try await sandboxIdentities(sandbox.url) == ["ok-1"])
        _ = try await sandbox.terminate()
    }

    /// The same on a PostgreSQL queue (the cluster `.ci/run` starts): all sent once, a rerun reads nothing.
    @Test(.enabled(if: ServePostgresEndToEndTests.enabled))
    func aPostgreSQLQueueWorksTheSameWay() async throws {
        let home = try ServeHome()
        let queue = try await home.scratchPostgresQueue()
        let sandbox = try await home.startSandbox()
        _ = try await home.setup(endpoint: sandbox.url)
        let file = home.path + "/events.ndjson"
        try Self.counting(0..<600, prefix: "p").write(toFile: file, atomically: true, encoding: .utf8)
        let arguments = ["deliver", "--config", home.config, "--queue", queue, file]
        let first = try await home.runCapturing(arguments)
        #expect(first.status == 0, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("processed 600"), "\(first.stdout)")
        #expect(first.stdout.contains("dead-lettered: 0"), "\(first.stdout)")
        let second = try await home.runCapturing(arguments)
        #expect(second.status == 0)
        #expect(second.stdout.contains("600 skipped (queued by an earlier run)"), "\(second.stdout)")
        let visits = try await Self.visits(sandbox.url)
        #expect(visits.count == 600)
        #expect(visits.values.allSatisfy { $0 == 1 })
        _ = try await sandbox.terminate()
    }

    @Test(arguments: [
        (["--dry-run"], "--dry-run sends nothing"),
        (["--give-up-after", "0"], "--give-up-after must be a positive number of seconds"),
        (["--output", "requests.ndjson"], "--output only applies with --dry-run"),
        (["--jobs", "2"], "--jobs only applies with --dry-run"),
    ])
    func optionsThatDoNotGoWithAQueueAreUsageErrors(extra: [String], message: String) async throws {
        let home = try ServeHome()
        _ = try await home.setup(endpoint: "http://127.0.0.1:9")
        let file = home.path + "/events.ndjson"
        try Self.counting(0..<1, prefix: "u").write(toFile: file, atomically: true, encoding: .utf8)
        let run = try await home.runCapturing(deliver(home, file, extra: extra))
        #expect(run.status == 2)
        #expect(run.stderr.contains(message), "\(run.stderr)")
    }
}
