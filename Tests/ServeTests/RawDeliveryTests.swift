import CleverTapCore
import EventQueue
import Foundation
import QueueDelivery
import Sandbox
import Testing

/// The delivery workers write User Upload profiles from the stored event's bytes and send every
/// record as the bytes it was encoded to, as `deliver --dry-run` does: the requests must be byte
/// for byte the ones the tree path sent (each record a `JSONValue` tree, the body written from
/// them), and the ones the dry run writes for the same events.
@Suite(.timeLimit(.minutes(2))) struct RawDeliveryTests {
    /// Quick Setup with its event presets: User Upload (profile from `$.traits`, written raw),
    /// User Delete, Track Event and Order Completed → Charged (trees).
    static let presets = Preset.quickSetup(events: true)

    /// Events with what the raw writer converts or hands to the tree: ISO-8601 strings, phone
    /// numbers, nested objects, escapes, decimals, operators, spaces, a User Delete, an event
    /// that makes both an upload and a delete, and ones that make no record.
    static let events = [
        #"{"type":"identify","userId":"t-1","timestamp":"2026-11-28T10:15:30.512Z","traits":{"createdAt":"2024-01-02T03:04:05Z","birthday":"1990-04-12","lastSeen":"2026-02-03T04:05:06.789+01:00","bad":"2025-02-30","noZone":"2025-01-02T03:04"}}"#,
        #"{"type":"identify","userId":"t-2","traits":{"phone":"+14155551234","Phone":"0049 30 1234567","mobile":4915112345678,"email":"t2@example.com"}}"#,
        #"{"type":"identify","userId":"t-3","traits":{"address":{"city":"Berlin","geo":{"lat":52.52,"lng":13}},"tags":["a","2025-01-02T03:04:05Z"],"company":{"name":"Acme","employees":120}}}"#,
        #"{"type":"identify","userId":"t-4","traits":{"name":"J\u00fcrgen \ud83d\ude00","city":"Z\u00fcrich","note":"say \"hi\"\tthere"}}"#,
        #"{"type":"identify","userId":"t-5","timestamp":"2019-02-01","traits":{"name":"Ana Müller","emoji":"😀","山田":"太郎"}}"#,
        #"{"type":"identify","userId":"t-6","timestamp":1764325200,"traits":{"price":12.50,"big":1e3,"minusZero":-0,"n":-12,"huge":123456789012345678901234567890,"logins":42}}"#,
        #"{"type":"identify","userId":"t-7","traits":{"score":{"$incr":1},"plan":"pro","items":[{"sku":"a"}]}}"#,
        #" { "traits" : { "b" : 1 , "a" : [ 1 , "x" , true , null ] , "c" : { } } , "userId" : "t-8" , "type" : "identify" } "#,
        #"{"type":"track","event":"Delete User","userId":"t-9","properties":{}}"#,
        #"{"type":"track","event":"Signed Up","userId":"t-10","timestamp":"2026-11-28T10:20:00Z","properties":{"plan":"pro","at":"2026-11-28T10:20:00Z","price":9.90}}"#,
        #"{"type":"track","event":"Order Completed","userId":"t-11","properties":{"order_id":"o-1","revenue":99.5,"products":[{"sku":"S-1","price":49.75}]}}"#,
        #"{"type":"identify","event":"Delete User","userId":"t-12","traits":{"createdAt":"2024-01-02T03:04:05Z"}}"#,
        #"{"type":"identify","traits":{"email":"nobody@example.com"}}"#,
        #"{"type":"page","userId":"t-14","name":"Home"}"#,
    ]

    /// A dead letter fed back to `deliver`, stored wrapped: retried for User Upload only, though
    /// User Delete matches it too.
    static let wrappedEvent = #"{"type":"identify","event":"Delete User","userId":"w-1","traits":{"phone":"+14155550000","at":"2024-01-02T03:04:05Z"}}"#
    static let wrapped = #"{"retryOnly":"sub-1","event":"# + wrappedEvent + "}"

    /// The sample events, each user made unique so one claim holds them all.
    static func sampleEvents() throws -> [String] {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
        let text = try String(contentsOfFile: path + "/Fixtures/sample-events.ndjson", encoding: .utf8)
        return text.split(separator: "\n").enumerated().map { index, line in
            line.replacingOccurrences(of: #""userId":""#, with: #""userId":"s\#(index)-"#)
                .replacingOccurrences(of: #""anonymousId":""#, with: #""anonymousId":"s\#(index)-"#)
        }
    }

    /// The requests' bodies: every upload record in one, deletes of events without an upload in
    /// one, those of events with one in another (sent after it), as one claim sends them.
    struct Bodies: Equatable {
        var upload: String
        var deletes: [String]
    }

    /// Each event's records (`records` gives them, and whether each is a delete) grouped into
    /// the requests one claim makes. `only` is the subscription a wrapped event is retried for.
    static func grouped<Record>(_ lines: [(line: String, only: Int?)],
                                _ records: (String, Int?) throws -> [(record: Record, delete: Bool)]) rethrows -> (uploads: [Record], deletes: [[Record]]) {
        var uploads: [Record] = []
        var deletes: [Record] = []
        var laterDeletes: [Record] = []
        for (line, only) in lines {
            let made = try records(line, only)
            uploads += made.filter { !$0.delete }.map(\.record)
            let rowDeletes = made.filter(\.delete).map(\.record)
            if made.contains(where: { !$0.delete }) { laterDeletes += rowDeletes } else { deletes += rowDeletes }
        }
        return (uploads, [deletes, laterDeletes].filter { !$0.isEmpty })
    }

    /// What serve's workers sent before: a record tree per record, the body written from the
    /// trees (`CleverTapClient.upload(_:)`, `deleteProfiles(identities:)`).
    static func treeBodies(_ lines: [(line: String, only: Int?)], pipeline: SubscriptionPipeline) throws -> Bodies {
        let (uploads, deletes) = try grouped(lines) { line, only -> [(record: JSONValue, delete: Bool)] in
            var made: [(record: JSONValue, delete: Bool)] = []
            pipeline.forEachOutcome(try JSONParser.parse(line), only: only.map { pipeline.subscriptions[$0].id }) { _, outcome in
                if case .record(_, let action, let record) = outcome { made.append((record.record, action == .userDelete)) }
            }
            return made
        }
        func written(_ value: JSONValue) -> String {
            var bytes: [UInt8] = []
            JSONWriter.write(value, into: &bytes)
            return String(decoding: bytes, as: UTF8.self)
        }
        return Bodies(upload: written(["d": .array(uploads)]), deletes: deletes.map { records in
            written(["identity": .array(records.map { JSONValue.string($0["identity"]?.stringValue ?? "") })])
        })
    }

    /// What `deliver --dry-run` writes: the event parsed selectively with raw parts captured,
    /// routed by `PipelineRouter` into encoded records, each request's body written from them
    /// (`RecordBatch.writeBody`). Also counts the records written straight from the bytes.
    static func dryRunBodies(_ lines: [(line: String, only: Int?)], router: PipelineRouter) throws -> (Bodies, written: Int) {
        let selection = EventDecoder.selection(reading: router.eventSelection)
        var written = 0
        let (uploads, deletes) = try grouped(lines) { line, only -> [(record: BatchEntry, delete: Bool)] in
            let bytes = Array(line.utf8)
            var results: [RouteResult] = []
            var bodies: [UInt8] = []
            try bytes.withUnsafeBufferPointer { buffer in
                var spans = RawSpans()
                // A dead letter fed back is its event, taken apart whole: no raw parts.
                let event = only == nil ? try EventDecoder.parse(buffer, selecting: selection, capturing: &spans) : try JSONParser.parse(buffer)
                let raw = spans.isEmpty ? nil : RawEvent(bytes: buffer, spans: spans)
                router.route(event, raw: raw, only: only, into: &results, bodies: &bodies)
                var scratch: [UInt8] = []
                router.pipeline.forEachOutcome(event, raw: raw, only: only.map { router.subscriptions[$0].id }, writingInto: &scratch) { _, output, _ in
                    if case .written = output { written += 1 }
                }
            }
            return results.compactMap { result in
                guard case .record(let index, let range) = result else { return nil }
                let action = router.subscriptions[index].action
                let entry = BatchEntry(subscription: index, action: action, body: bodies[range], event: .raw(bytes[...]),
                                       position: InputPosition(source: "events", line: 1))
                return (entry, action.endpoint == .deleteProfiles)
            }
        }
        func body(_ endpoint: CleverTapEndpoint, _ entries: [BatchEntry]) -> String {
            var body: [UInt8] = []
            RecordBatch(endpoint: endpoint, entries: entries).writeBody(into: &body)
            return String(decoding: body, as: UTF8.self)
        }
        return (Bodies(upload: body(.upload, uploads), deletes: deletes.map { body(.deleteProfiles, $0) }), written)
    }

    @Test func theWorkersSendTheBytesTheTreePathSentAndTheDryRunWrites() async throws {
        let directory = NSTemporaryDirectory() + "serve-raw-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration()).start()
        let queue = try SQLiteEventQueue(path: directory + "/queue.sqlite")
        let plain = Self.events + (try Self.sampleEvents())
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "src-1", destinationIDs: ["dst-1"], events: plain.enumerated().map {
            QueueDeliveryTests.event($1, "user-\($0)", "m\($0)")
        }), now: Date())
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "deliver:events", destinationIDs: ["dst-1"], events: [
            QueueDeliveryTests.event(Self.wrapped, "wrapped", "w1"),
        ]), now: Date())
        let client = try CleverTapClient(configuration: CleverTapClientConfiguration(
            baseURL: sandbox.baseURL, accountID: SandboxAccount.demo.projectID, passcode: SandboxAccount.demo.passcode,
            connectTimeout: .seconds(2), requestTimeout: .seconds(5), retryPolicy: .none))
        let destination = QueueDeliveryTests.destination(sandbox, presets: Self.presets)
        let routes = DeliveryRoute.make(destinations: [destination]) { _ in client }
        let status = try await QueueDeliveryTests.deliverAll(queue, routes)
        let counts = status.counts(for: "dst-1")
        #expect(counts[.waiting] + counts[.inFlight] + counts[.retrying] == 0, "\(status)")

        let lines = plain.map { ($0, nil as Int?) } + [(Self.wrappedEvent, 0)]
        let pipeline = SubscriptionPipeline(destination: destination)
        let tree = try Self.treeBodies(lines, pipeline: pipeline)
        let (dryRun, written) = try Self.dryRunBodies(lines, router: PipelineRouter(pipeline: pipeline))
        #expect(dryRun == tree)
        #expect(written >= 8, "the raw writer took most profiles")
        #expect(tree.deletes.count == 2, "a delete sent on its own, and one after its event's upload")
        let sent = Bodies(upload: await sandbox.recentRequestBodies(path: CleverTapPath.upload).joined(separator: "\n"),
                          deletes: await sandbox.recentRequestBodies(path: CleverTapPath.deleteProfiles))
        #expect(sent == tree)
        if sent != tree {
            for (a, b) in zip(sent.upload.split(separator: "},{"), tree.upload.split(separator: "},{")) where a != b {
                Issue.record("sent \(a)\nwant \(b)")
            }
        }
        try await client.shutdown()
        await queue.close()
        await sandbox.stop()
    }

    /// The client's encoded calls and its `JSONValue` calls make the same body.
    @Test func encodedAndTreeUploadsSendTheSameBody() async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration()).start()
        let client = try CleverTapClient(configuration: CleverTapClientConfiguration(
            baseURL: sandbox.baseURL, accountID: SandboxAccount.demo.projectID, passcode: SandboxAccount.demo.passcode,
            retryPolicy: .none))
        let records: [JSONValue] = [
            ["identity": "a", "type": "profile", "profileData": ["Name": "Ä \u{1F600}", "n": 1.5, "Phone": "+14155550000"]],
            ["identity": "b", "type": "event", "evtName": "X", "ts": 1136225047, "evtData": ["q": "say \"hi\""]],
        ]
        let encoded = records.map { record -> ArraySlice<UInt8> in
            var bytes: [UInt8] = []
            JSONWriter.write(record, into: &bytes)
            return bytes[...]
        }
        let fromTrees = await client.upload(records)
        let fromBytes = await client.upload(encodedRecords: encoded)
        #expect(fromTrees.outcomes == fromBytes.outcomes)
        _ = await client.deleteProfiles(identities: ["a", "ü\"x"])
        _ = await client.delete(key: .identity, encodedValues: [Array(#""a""#.utf8)[...], Array(#""ü\"x""#.utf8)[...]])
        let uploads = await sandbox.recentRequestBodies(path: CleverTapPath.upload)
        let deletes = await sandbox.recentRequestBodies(path: CleverTapPath.deleteProfiles)
        #expect(uploads.count == 2 && uploads.first == uploads.last)
        #expect(deletes == [#"{"identity":["a","ü\"x"]}"#, #"{"identity":["a","ü\"x"]}"#])
        try await client.shutdown()
        await sandbox.stop()
    }
}
