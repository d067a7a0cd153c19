import Foundation
import Testing
@testable import CleverTapCore

/// The Quick Setup destination: uploads on identify, deletes on "Delete User".
func quickSetupDestination(endpoint: Endpoint = .custom(baseURL: "http://127.0.0.1:9")) -> Destination {
    Destination(id: "dest-1", name: "CleverTap", sourceID: "src-1", projectID: "TEST-SBX-123-456Z",
                passcode: .inline(Secret("sandbox-passcode")), endpoint: endpoint, setupMode: .quick,
                subscriptions: Preset.quickSetup.enumerated().map { $0.element.makeSubscription(id: "sub-\($0.offset + 1)") })
}

func identifyLine(_ i: Int, email: String? = nil) -> String {
    #"{"type":"identify","userId":"user-\#(i)","timestamp":"2026-11-28T10:00:00Z","traits":{"name":"User \#(i)","email":"\#(email ?? "user\(i)@example.com")"}}"#
}

func deleteLine(_ i: Int) -> String {
    #"{"type":"track","event":"Delete User","userId":"user-\#(i)","timestamp":"2026-11-28T10:00:00Z","properties":{}}"#
}

func dryRun(inputs: [String], directory: borrowing DeliveryTempDirectory, batchSize: Int? = nil,
            deadLetter: String? = nil) async throws -> (DeliveryReport, [JSONValue]) {
    let (report, text) = try await dryRunText(inputs: inputs, directory: directory, batchSize: batchSize, deadLetter: deadLetter)
    return (report, try text.split(separator: "\n").map { try JSONParser.parse(String($0)) })
}

/// A dry run's report and the requests it wrote, as written; `workers` threads parse and route
/// files of `parallelThreshold` bytes or more.
func dryRunText(inputs: [String], directory: borrowing DeliveryTempDirectory, batchSize: Int? = nil,
                deadLetter: String? = nil, workers: Int = 1, parallelThreshold: Int = 1 << 20) async throws -> (DeliveryReport, String) {
    let requestsPath = directory.path + "/requests-\(UUID().uuidString).ndjson"
    let sink = try LineSink.file(requestsPath)
    var options = DeliveryOptions(limits: BatchLimits(batchSize: batchSize), workers: workers)
    options.parallelThreshold = parallelThreshold
    let engine = DeliveryEngine(router: deliveryRouter(for: quickSetupDestination()), transport: DryRunTransport(sink: sink),
                                options: options,
                                deadLetters: DeadLetterFiles(explicitPath: deadLetter, currentDirectory: directory.path))
    let report = await engine.run(inputs: inputs)
    #expect(sink.flush() == nil)
    return (report, try String(contentsOfFile: requestsPath, encoding: .utf8))
}

@Suite(.timeLimit(.minutes(2))) struct DeliveryEngineTests {
    @Test func identifiesAndDeletesAreBatchedAtTheLimits() async throws {
        let directory = try DeliveryTempDirectory()
        var lines: [String] = []
        for i in 0..<2500 { lines.append(identifyLine(i)) }
        for i in 0..<250 { lines.append(deleteLine(i)) }
        lines.append(#"{"type":"track","event":"Order Completed","userId":"u"}"#)
        let input = try directory.write("events.ndjson", lines.joined(separator: "\n") + "\n")
        let (report, requests) = try await dryRun(inputs: [input], directory: directory)

        let uploads = requests.filter { $0["path"] == "/1/upload" }
        let deletes = requests.filter { $0["path"] == "/1/delete/profiles.json" }
        #expect(uploads.map { $0["body"]?["d"]?.arrayValue?.count } == [1000, 1000, 500])
        #expect(deletes.map { $0["body"]?["identity"]?.arrayValue?.count } == [100, 100, 50])
        #expect(uploads.first?["body"]?["d"]?.arrayValue?.first?["identity"] == "user-0")
        // A dry run writes requests in the order batches fill, so runs can be diffed.
        #expect(requests.map { $0["path"]?.stringValue == "/1/upload" ? "U" : "D" } == ["U", "U", "D", "D", "U", "D"])
        #expect(deletes.first?["body"]?["identity"]?.arrayValue?.first == "user-0")

        #expect(report.dryRun)
        #expect(report.eventsRead == 2751)
        #expect(report.unmatched == 1)
        #expect(report.malformed == 0)
        #expect(report.subscriptions.map(\.matched) == [2500, 250])
        #expect(report.subscriptions.map(\.sent) == [2500, 250])
        #expect(report.requests == 6)
        #expect(report.deadLettered == 0)
        #expect(report.exitStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: input + ".dead-letter.ndjson"))
    }

    @Test func malformedLinesAreReportedWithLineNumbersDeadLetteredAndTheRunContinues() async throws {
        let directory = try DeliveryTempDirectory()
        let lines = [identifyLine(1), #"{"type":"identify","userId":"user-2","#, identifyLine(3), "42", identifyLine(5)]
        let input = try directory.write("events.ndjson", lines.joined(separator: "\n") + "\n")
        let (report, requests) = try await dryRun(inputs: [input], directory: directory)

        #expect(report.malformed == 2)
        #expect(report.eventsRead == 3)
        #expect(report.subscriptions[0].sent == 3)
        #expect(requests.count == 1)
        #expect(report.deadLettered == 2)
        #expect(report.exitStatus == 1)
        #expect(report.deadLetterFiles == [input + ".dead-letter.ndjson"])
        let deadLetters = try String(contentsOfFile: input + ".dead-letter.ndjson", encoding: .utf8)
            .split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(deadLetters.map { $0["source"]?["line"] } == [2, 4])
        #expect(deadLetters.map { $0["kind"] } == ["malformed", "malformed"])
        #expect(deadLetters[0]["raw"] == .string(lines[1]))
        #expect(deadLetters[0]["reason"]?.stringValue?.hasPrefix("invalid JSON at column") == true)
        #expect(report.text.contains("malformed input: 2"))
    }

    /// The subscriptions read five members of an event; the rest is checked, not built. What a
    /// dead letter keeps is the event as read, all of it, and a fault in a part no subscription
    /// reads still makes the line malformed, on one thread and on several.
    @Test(arguments: [1, 2])
    func unreadPartsAreCheckedAndKeptWhole(workers: Int) async throws {
        let directory = try DeliveryTempDirectory()
        let noIdentity = #"{"type":"identify","traits":{"name":"N"},"context":{"page":{"url":"https://e.example/"},"library":{"name":"js"}},"messageId":"m-9"}"#
        let badContext = #"{"type":"identify","userId":"u","context":{"ip":"1","ip":"2"}}"#
        let lines = [identifyLine(1), noIdentity, badContext] + (0..<2000).map { identifyLine($0 + 10) }
        let input = try directory.write("events.ndjson", lines.joined(separator: "\n") + "\n")
        let (report, _) = try await dryRunText(inputs: [input], directory: directory, workers: workers, parallelThreshold: 1)
        #expect(report.malformed == 1)
        #expect(report.subscriptions[0].sent == 2001)
        let deadLetters = try String(contentsOfFile: input + ".dead-letter.ndjson", encoding: .utf8)
            .split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(deadLetters.count == 2)
        #expect(deadLetters.first { $0["kind"] == "validationError" }?["event"] == (try JSONParser.parse(noIdentity)))
        let malformed = deadLetters.first { $0["kind"] == "malformed" }
        #expect(malformed?["source"]?["line"] == 3)
        #expect(malformed?["reason"]?.stringValue?.contains(#"duplicate key "ip""#) == true)
    }

    @Test func aDeadLetterFileIsAcceptedAsInputAfterFixing() async throws {
        let directory = try DeliveryTempDirectory()
        let broken = #"{"type":"identify","userId":"user-2","traits":{"name":"Two"}"#
        let input = try directory.write("events.ndjson", [identifyLine(1), broken].joined(separator: "\n") + "\n")
        let (first, _) = try await dryRun(inputs: [input], directory: directory)
        #expect(first.deadLettered == 1)

        // The user fixes the raw text in the dead-letter file (adds the missing brace) and feeds it back.
        let deadLetterPath = input + ".dead-letter.ndjson"
        let line = try String(contentsOfFile: deadLetterPath, encoding: .utf8).trimmingCharacters(in: .newlines)
        guard case .object(var entry) = try JSONParser.parse(line) else {
            Issue.record("dead-letter line is not an object")
            return
        }
        entry["raw"] = .string(broken + "}")
        let fixed = try directory.write("fixed.ndjson", JSONValue.object(entry).description + "\n")
        let (second, requests) = try await dryRun(inputs: [fixed], directory: directory)
        #expect(second.deadLettered == 0)
        #expect(second.exitStatus == 0)
        #expect(requests.first?["body"]?["d"]?.arrayValue?.first?["identity"] == "user-2")
    }

    @Test func arraysAndBatchEnvelopesDeliverLikeNDJSON() async throws {
        let directory = try DeliveryTempDirectory()
        let array = try directory.write("events.json", "[\n" + (0..<5).map { identifyLine($0) }.joined(separator: ",\n") + "\n]\n")
        let envelope = try directory.write("batch.json", #"{"batch":["# + (5..<8).map { identifyLine($0) }.joined(separator: ",") + "]}\n")
        let (report, requests) = try await dryRun(inputs: [array, envelope], directory: directory)
        #expect(report.eventsRead == 8)
        #expect(requests.count == 1)
        #expect(requests[0]["body"]?["d"]?.arrayValue?.compactMap { $0["identity"]?.stringValue } == (0..<8).map { "user-\($0)" })
    }

    /// A dry run on several threads writes what it writes on one: the same requests in the same
    /// order, the same dead letters, the same counts, for NDJSON and for a top-level array.
    @Test(arguments: ["ndjson", "array"])
    func severalThreadsWriteTheOneThreadDryRun(layout: String) async throws {
        let directory = try DeliveryTempDirectory()
        let lines: [String] = (0..<3000).map { i in
            switch i % 8 {
            case 0: return #"{"type":"identify", oops}"#
            case 1: return "[1,2]"
            case 2: return #"{"batch":[\#(identifyLine(i)),\#(deleteLine(i)),7]}"#
            case 3: return deleteLine(i)
            case 4: return #"{"type":"identify","traits":{"name":"no identity"}}"#
            default: return identifyLine(i)
            }
        }
        let text = layout == "ndjson" ? lines.joined(separator: "\n") + "\n"
            : "[\n" + lines.filter { !$0.contains("oops") }.joined(separator: ",\n") + "\n]\n"
        let input = try directory.write("events.\(layout)", text)
        let one = try await dryRunText(inputs: [input], directory: directory, batchSize: 7,
                                       deadLetter: directory.path + "/one.dead.ndjson")
        let many = try await dryRunText(inputs: [input], directory: directory, batchSize: 7,
                                        deadLetter: directory.path + "/many.dead.ndjson", workers: 3, parallelThreshold: 0)
        #expect(many.1 == one.1, "the requests differ")
        #expect(one.1.split(separator: "\n").count > 300)
        let deadOne = try String(contentsOfFile: directory.path + "/one.dead.ndjson", encoding: .utf8)
        let deadMany = try String(contentsOfFile: directory.path + "/many.dead.ndjson", encoding: .utf8)
        #expect(deadMany == deadOne)
        #expect(deadOne.split(separator: "\n").count > 1000)
        for report in [one.0, many.0] {
            #expect(report.eventsRead == one.0.eventsRead && report.malformed == one.0.malformed)
            #expect(report.subscriptions.map(\.sent) == one.0.subscriptions.map(\.sent))
            #expect(report.subscriptions.map(\.skipped) == one.0.subscriptions.map(\.skipped))
            #expect(report.deadLettered == one.0.deadLettered && report.unmatched == one.0.unmatched)
        }
    }

    @Test func oneRequestPerRecordWithBatchSizeOne() async throws {
        let directory = try DeliveryTempDirectory()
        let input = try directory.write("events.ndjson", (0..<7).map { identifyLine($0) }.joined(separator: "\n"))
        let (report, requests) = try await dryRun(inputs: [input], directory: directory, batchSize: 1)
        #expect(requests.count == 7)
        #expect(report.requests == 7)
    }

    @Test func aStopEndsReadingAndStillSendsWhatWasRead() async throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let directory = try DeliveryTempDirectory()
        let requestsPath = directory.path + "/requests.ndjson"
        let sink = try LineSink.file(requestsPath)
        let control = DeliveryControl()
        let counters = DeliveryCounters()
        let engine = DeliveryEngine(router: deliveryRouter(for: quickSetupDestination()), transport: DryRunTransport(sink: sink),
                                    options: DeliveryOptions(pollMilliseconds: 20),
                                    deadLetters: DeadLetterFiles(explicitPath: nil, currentDirectory: directory.path))
        let text = Array(((0..<3).map { identifyLine($0) }.joined(separator: "\n") + "\n").utf8)
        #expect(write(fds[1], text, text.count) == text.count)
        // The writer end stays open: without the stop, reading would wait forever.
        let pipePath = "/dev/fd/\(fds[0])"
        let run = Task { await engine.run(inputs: [pipePath], control: control, counters: counters) }
        while counters.snapshot.events < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(control.interrupt() == .stopping)
        let report = await run.value
        close(fds[1])
        #expect(report.interrupted)
        #expect(report.eventsRead == 3)
        #expect(report.subscriptions[0].sent == 3)
        #expect(report.deadLettered == 0)
        sink.flush()
        let requests = try String(contentsOfFile: requestsPath, encoding: .utf8).split(separator: "\n")
        #expect(requests.count == 1)
    }

    @Test func theJSONReportCarriesEveryCount() async throws {
        let directory = try DeliveryTempDirectory()
        let input = try directory.write("events.ndjson", [identifyLine(1), deleteLine(1), "nope"].joined(separator: "\n"))
        let (report, _) = try await dryRun(inputs: [input], directory: directory)
        let json = try JSONParser.parse(report.jsonValue.description)
        #expect(json["dryRun"] == true)
        #expect(json["events"]?["read"] == 2)
        #expect(json["events"]?["malformed"] == 1)
        #expect(json["subscriptions"]?.arrayValue?.map { $0["matched"] } == [1, 1])
        #expect(json["subscriptions"]?.arrayValue?.first?["skipped"] == ["mappingError": 0, "validationError": 0])
        #expect(json["deadLettered"] == 1)
        #expect(json["requests"] == 2)
    }

    /// A dry run's request lines are long: they are written as they are, not copied into the
    /// sink's buffer, and must still come out whole, in order, one per line.
    @Test func longAndShortLinesKeepTheirOrder() throws {
        let directory = try DeliveryTempDirectory()
        let path = directory.path + "/lines.ndjson"
        let sink = try LineSink.file(path)
        let long = { (byte: Character) in String(repeating: byte, count: 70_000) }
        let lines = ["a", long("b"), long("c"), "d", "e", long("f"), "g"]
        for line in lines { sink.writeLine(Array(line.utf8)) }
        #expect(sink.flush() == nil)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == lines.joined(separator: "\n") + "\n")
    }
}
