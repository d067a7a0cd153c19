import Foundation
import Testing
@testable import CleverTapCore

func deliveryEntry(_ i: Int, action: ActionKind = .userUpload) -> BatchEntry {
    let record: JSONValue = action == .userUpload
        ? ["type": "profile", "identity": .string("u\(i)"), "profileData": ["n": .int(Int64(i))]]
        : ["identity": .string("u\(i)")]
    return BatchEntry(subscription: 0, action: action, record: record, event: .value(["userId": .string("u\(i)")]),
                      position: InputPosition(source: "in.ndjson", line: i + 1))
}

@Suite(.timeLimit(.minutes(2))) struct DeliveryBatcherTests {
    @Test(arguments: [(ActionKind.userUpload, 2500, [1000, 1000, 500]), (.userDelete, 250, [100, 100, 50])])
    func recordsAreCutAtCleverTapsLimits(action: ActionKind, count: Int, expected: [Int]) {
        var batcher = Batcher(limits: BatchLimits())
        let now = ContinuousClock.now
        var sizes: [Int] = []
        for i in 0..<count {
            if let batch = batcher.add(deliveryEntry(i, action: action), now: now) {
                #expect(batch.endpoint == action.endpoint)
                sizes.append(batch.entries.count)
            }
        }
        sizes += batcher.drain().map(\.entries.count)
        #expect(sizes == expected)
        #expect(batcher.pendingCount == 0)
    }

    @Test func uploadsAndDeletesBatchSeparately() {
        var batcher = Batcher(limits: BatchLimits(batchSize: 2))
        let now = ContinuousClock.now
        #expect(batcher.add(deliveryEntry(0), now: now) == nil)
        #expect(batcher.add(deliveryEntry(1, action: .userDelete), now: now) == nil)
        let full = batcher.add(deliveryEntry(2), now: now)
        #expect(full?.endpoint == .upload)
        #expect(full?.entries.map(\.position.line) == [1, 3])
        let rest = batcher.drain()
        #expect(rest.map(\.endpoint) == [.deleteProfiles])
    }

    /// CleverTap takes profile and event records mixed in one upload (spec §3), so they share
    /// batches in the order they were read; deletes still go apart.
    @Test func profilesAndEventsShareUploadBatchesInReadingOrder() throws {
        var batcher = Batcher(limits: BatchLimits(batchSize: 3))
        let now = ContinuousClock.now
        let event = BatchEntry(subscription: 1, action: .userEvent,
                               record: ["type": "event", "identity": "u1", "evtName": "Signed In", "evtData": [:]],
                               event: .value(["userId": "u1"]), position: InputPosition(source: "in.ndjson", line: 2))
        #expect(batcher.add(deliveryEntry(0), now: now) == nil)
        #expect(batcher.add(event, now: now) == nil)
        #expect(batcher.add(deliveryEntry(5, action: .userDelete), now: now) == nil)
        let completed = batcher.add(deliveryEntry(2), now: now)
        let full = try #require(completed)
        #expect(full.endpoint == .upload)
        #expect(full.entries.map(\.action) == [.userUpload, .userEvent, .userUpload])
        var body: [UInt8] = []
        full.writeBody(into: &body)
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"d":[{"type":"profile","identity":"u0","profileData":{"n":0}},{"type":"event","identity":"u1","evtName":"Signed In","evtData":{}},{"type":"profile","identity":"u2","profileData":{"n":2}}]}"#)
        #expect(batcher.drain().map(\.endpoint) == [.deleteProfiles])
    }

    @Test func aSmallerBatchSizeNeverExceedsTheLimitsAndOneMeansOneRequestPerRecord() {
        #expect(BatchLimits(batchSize: 5000).upload == 1000)
        #expect(BatchLimits(batchSize: 5000).delete == 100)
        var batcher = Batcher(limits: BatchLimits(batchSize: 1))
        let batch = batcher.add(deliveryEntry(0), now: .now)
        #expect(batch?.entries.count == 1)
    }

    @Test func aPartialBatchIsFlushedOnceItHasWaitedTheInterval() {
        var batcher = Batcher(limits: BatchLimits(flushInterval: .seconds(1)))
        let start = ContinuousClock.now
        _ = batcher.add(deliveryEntry(0), now: start)
        #expect(batcher.due(now: start + .milliseconds(999)).isEmpty)
        let due = batcher.due(now: start + .seconds(1))
        #expect(due.count == 1)
        #expect(due.first?.entries.count == 1)
        #expect(batcher.pendingCount == 0)
    }

    @Test func bodiesAreExactlyWhatCleverTapReceives() throws {
        let upload = RecordBatch(action: .userUpload, entries: [deliveryEntry(1), deliveryEntry(2)])
        var body: [UInt8] = []
        upload.writeBody(into: &body)
        #expect(String(decoding: body, as: UTF8.self)
            == #"{"d":[{"type":"profile","identity":"u1","profileData":{"n":1}},{"type":"profile","identity":"u2","profileData":{"n":2}}]}"#)
        let delete = RecordBatch(action: .userDelete, entries: [deliveryEntry(1, action: .userDelete), deliveryEntry(2, action: .userDelete)])
        body = []
        delete.writeBody(into: &body)
        #expect(String(decoding: body, as: UTF8.self) == #"{"identity":["u1","u2"]}"#)
        #expect(try JSONParser.parse(bytes: body)["identity"]?.arrayValue?.count == 2)
    }
}

@Suite(.timeLimit(.minutes(2))) struct DeliveryDeadLetterTests {
    @Test func entriesAreAppendedWithMode0600AndReadBackAsEvents() throws {
        let directory = try DeliveryTempDirectory()
        let path = directory.path + "/events.ndjson.dead-letter.ndjson"
        try "{\"earlier\":\"run\"}\n".write(toFile: path, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let writer = DeadLetterWriter(path: path)
        let subscription = DeliverySubscription(id: "sub-1", name: "User Upload", action: .userUpload)
        try writer.write(DeadLetterEntry(failure: RecordFailure(kind: .rejected, code: 515, reason: "Email is not valid"),
                                         subscription: subscription, position: InputPosition(source: "events.ndjson", line: 4),
                                         event: .raw(Array(#"{"type":"identify","userId":"u1"}"#.utf8)[...])))
        try writer.write(DeadLetterEntry(failure: RecordFailure(kind: .malformed, reason: "invalid JSON at column 3: x"),
                                         subscription: nil, position: InputPosition(source: "events.ndjson", line: 5),
                                         event: nil, raw: Array("{\"ty".utf8)))
        try writer.close()
        #expect(writer.count == 2)

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0] == #"{"earlier":"run"}"#, "earlier dead letters must never be overwritten")
        #expect(lines[1] == #"{"reason":"Email is not valid","kind":"rejected","code":515,"subscription":"User Upload","subscriptionId":"sub-1","action":"userUpload","source":{"file":"events.ndjson","line":4},"event":{"type":"identify","userId":"u1"}}"#)
        #expect(lines[2] == #"{"reason":"invalid JSON at column 3: x","kind":"malformed","code":null,"source":{"file":"events.ndjson","line":5},"raw":"{\"ty"}"#)

        var decoded: [Result<InputEvent, MalformedInput>] = []
        EventDecoder.decode(bytes: Array(lines[1].utf8), position: InputPosition(source: path, line: 2), singleLine: true, into: &decoded)
        let event = try #require(try? decoded.first?.get())
        #expect(event.value == ["type": "identify", "userId": "u1"])
        #expect(event.retryOnlySubscriptionID == "sub-1")
    }

    @Test func aNewFileIsCreatedOnlyWhenSomethingIsDeadLetteredAndIsPrivate() throws {
        let directory = try DeliveryTempDirectory()
        let path = directory.path + "/dl.ndjson"
        let writer = DeadLetterWriter(path: path)
        try writer.flush()
        #expect(!FileManager.default.fileExists(atPath: path))
        try writer.write(DeadLetterEntry(failure: RecordFailure(kind: .interrupted, reason: "interrupted"), subscription: nil,
                                         position: InputPosition(source: "stdin", line: 1), event: .value(["a": 1])))
        try writer.close()
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func anUnwritableDeadLetterFileIsAnErrorNamingIt() throws {
        let writer = DeadLetterWriter(path: "/nonexistent-dir/dl.ndjson")
        // Written through, so the failure shows at once (issue 15), and again at close.
        #expect(throws: DeadLetterWriteError.self) {
            try writer.write(DeadLetterEntry(failure: RecordFailure(kind: .interrupted, reason: "x"), subscription: nil,
                                             position: InputPosition(source: "stdin", line: 1), event: .value(["a": 1])))
        }
        #expect(throws: DeadLetterWriteError.self) { try writer.close() }
        do { try writer.close() } catch { #expect(error.description.contains("/nonexistent-dir/dl.ndjson")) }
    }

    @Test func defaultPathsSitBesideEachInputAndStdinGoesToTheCurrentDirectory() {
        let files = DeadLetterFiles(explicitPath: nil, currentDirectory: "/tmp/work")
        #expect(files.path(forInput: "data/events.ndjson") == "data/events.ndjson.dead-letter.ndjson")
        #expect(files.path(forInput: "stdin") == "/tmp/work/stdin.dead-letter.ndjson")
        let explicit = DeadLetterFiles(explicitPath: "/tmp/all.ndjson")
        #expect(explicit.path(forInput: "a.ndjson") == "/tmp/all.ndjson")
        #expect(explicit.path(forInput: "stdin") == "/tmp/all.ndjson")
    }

    @Test(arguments: [
        (RecordFailure(kind: .rejected, code: 515, reason: ""), "515"),
        (RecordFailure(kind: .undeliverable, code: 401, reason: ""), "HTTP 401"),
        (RecordFailure(kind: .undeliverable, code: nil, reason: ""), "undeliverable"),
        (RecordFailure(kind: .interrupted, reason: ""), "interrupted"),
    ])
    func failuresAreCountedUnderTheirCode(failure: RecordFailure, key: String) {
        #expect(failure.reportKey == key)
    }
}
