import EventQueue
import Foundation
import Logging
import PostgresNIO
import Testing

/// A queue implementation the shared suite runs against: `make(directory)` opens the queue that
/// belongs to a test's temporary directory (empty the first time, the same one when called again).
struct QueueKind: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable (_ directory: String) async throws -> any EventQueue

    var testDescription: String { name }

    static let sqlite = QueueKind(name: "sqlite") { directory in
        try SQLiteEventQueue(path: directory + "/queue.sqlite")
    }

    /// A database per test directory on the cluster named by `CLEVERTAP_TEST_POSTGRES`
    /// (`postgres://postgres@127.0.0.1:5433/postgres`; `.ci/run` starts one and sets it).
    static let postgres = QueueKind(name: "postgres") { directory in
        guard let base = ProcessInfo.processInfo.environment["CLEVERTAP_TEST_POSTGRES"] else {
            throw PostgresSetupError(message: "CLEVERTAP_TEST_POSTGRES is not set: .ci/run starts a PostgreSQL cluster and sets it")
        }
        let name = "queue_" + String(directory.filter(\.isHexDigit).suffix(32)).lowercased()
        try await PostgresSetup.createDatabase(name, at: base)
        var components = try #require(URLComponents(string: base))
        components.path = "/" + name
        return try await PostgresEventQueue(url: try #require(components.string))
    }

    /// SQLite always; PostgreSQL where a cluster is configured, and always in CI (where a missing
    /// cluster fails the tests instead of skipping them).
    static var all: [QueueKind] {
        let environment = ProcessInfo.processInfo.environment
        return environment["CLEVERTAP_TEST_POSTGRES"] != nil || environment["CI"] == "true" ? [.sqlite, .postgres] : [.sqlite]
    }
}

struct PostgresSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

enum PostgresSetup {
    /// `CREATE DATABASE name` unless it exists.
    static func createDatabase(_ name: String, at base: String) async throws {
        let components = try #require(URLComponents(string: base))
        let configuration = PostgresClient.Configuration(
            host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: String(components.path.dropFirst()), tls: .disable)
        let client = PostgresClient(configuration: configuration)
        let logger = Logger(label: "queue-tests", factory: { _ in SwiftLogNoOpLogHandler() })
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let exists = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger).collect()
            if exists.isEmpty {
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(name)\""), logger: logger)
            }
        }
    }
}

/// A temporary folder, removed afterwards.
final class QueueTempDirectory: Sendable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "queue-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func event(_ identity: String, _ messageID: String) -> IncomingEvent {
    IncomingEvent(messageID: messageID, identity: identity,
                  payload: Array(#"{"type":"identify","userId":"\#(identity)","messageId":"\#(messageID)"}"#.utf8))
}

let t0 = Date(timeIntervalSince1970: 1_800_000_000)

/// The queue's semantics, the same for every implementation.
@Suite(.timeLimit(.minutes(2))) struct EventQueueSuite {
    @Test(arguments: QueueKind.all)
    func enqueueStoresOneRecordPerEventAndDestination(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        let result = try await queue.enqueue(
            EnqueueRequest(sourceID: "s1", destinationIDs: ["d1", "d2"], events: [event("u1", "m1"), event("u2", "m2"), event("u3", "m3")]),
            now: t0)
        #expect(result == EnqueueResult(accepted: 3, duplicates: 0, rejected: 0))
        let status = try await queue.status(now: t0)
        #expect(status.counts(for: "d1")[.waiting] == 3)
        #expect(status.counts(for: "d2")[.waiting] == 3)
        #expect(status.counts(for: "d1").oldestPending == t0)
        let claimed = try await queue.claim(destinationID: "d2", limit: 10, lease: .seconds(30), now: t0)
        #expect(claimed.map(\.messageID) == ["m1", "m2", "m3"])
        #expect(claimed[0].payload == event("u1", "m1").payload)
        await queue.close()
    }

    @Test(arguments: QueueKind.all)
    func aLaterRecordForTheSameIdentityWaitsUntilTheEarlierOneIsDelivered(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"],
                                                   events: [event("u1", "a"), event("u2", "b"), event("u1", "c")]), now: t0)
        let first = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0)
        #expect(first.map(\.messageID) == ["a", "b"])
        // "c" stays blocked while "a" is in flight...
        #expect(try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0).isEmpty)
        // ...and while "a" waits for its retry.
        try await queue.resolve([RecordResolution(first[0], .retry(at: t0 + 60, reason: "HTTP 503")), RecordResolution(first[1], .delivered)], now: t0)
        #expect(try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0 + 30).isEmpty)
        let retried = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0 + 61)
        #expect(retried.map(\.messageID) == ["a"])
        #expect(retried[0].attempts == 1)
        try await queue.resolve([RecordResolution(retried[0], .delivered)], now: t0 + 61)
        let next = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0 + 61)
        #expect(next.map(\.messageID) == ["c"])
        await queue.close()
    }

    @Test(arguments: QueueKind.all)
    func orderIsPerDestination(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1", "d2"],
                                                   events: [event("u1", "a"), event("u1", "b")]), now: t0)
        let onFirst = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0)
        let onSecond = try await queue.claim(destinationID: "d2", limit: 10, lease: .seconds(30), now: t0)
        #expect(onFirst.map(\.messageID) == ["a"])
        #expect(onSecond.map(\.messageID) == ["a"])
        await queue.close()
    }

    @Test(arguments: QueueKind.all)
    func anExpiredLeaseIsClaimedAgainAndTheOldClaimsAnswerIsIgnored(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "a")]), now: t0)
        let stale = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0)
        #expect(try await queue.status(now: t0 + 1).counts(for: "d1")[.inFlight] == 1)
        #expect(try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0 + 29).isEmpty)
        let fresh = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0 + 31)
        #expect(fresh.map(\.messageID) == ["a"])
        // The crashed worker's late answer must not finish the record the new worker holds.
        try await queue.resolve([RecordResolution(stale[0], .dead(reason: "late"))], now: t0 + 32)
        #expect(try await queue.status(now: t0 + 32).counts(for: "d1")[.dead] == 0)
        try await queue.resolve([RecordResolution(fresh[0], .delivered)], now: t0 + 32)
        let status = try await queue.status(now: t0 + 33)
        #expect(status.counts(for: "d1")[.delivered] == 1)
        #expect(status.counts(for: "d1")[.waiting] == 0)
        await queue.close()
    }

    @Test(arguments: QueueKind.all)
    func releaseMakesARecordClaimableAtOnceWithoutCountingAnAttempt(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "a")]), now: t0)
        let claimed = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0)
        try await queue.resolve([RecordResolution(claimed[0], .release)], now: t0)
        let again = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0)
        #expect(again.map(\.attempts) == [0])
        await queue.close()
    }

    @Test(arguments: QueueKind.all)
    func deadRecordsKeepTheirReasonAndReplayPutsThemBack(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1", "d2"],
                                                   events: [event("u1", "a"), event("u2", "b")]), now: t0)
        for destination in ["d1", "d2"] {
            let claimed = try await queue.claim(destinationID: destination, limit: 10, lease: .seconds(30), now: t0)
            try await queue.resolve(claimed.map { RecordResolution($0, .dead(reason: "code 515: phone number is not valid")) },
                                    now: t0 + 5)
        }
        var status = try await queue.status(now: t0 + 6)
        #expect(status.counts(for: "d1")[.dead] == 2)
        #expect(status.recentErrors.first?.reason == "code 515: phone number is not valid")
        #expect(status.recentErrors.first?.state == .dead)
        #expect(try await queue.replay(destinationID: "d1", since: t0 + 10, now: t0 + 20) == 0)
        #expect(try await queue.replay(destinationID: "d1", since: t0, now: t0 + 20) == 2)
        status = try await queue.status(now: t0 + 20)
        #expect(status.counts(for: "d1")[.waiting] == 2)
        #expect(status.counts(for: "d2")[.dead] == 2)
        #expect(try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0 + 20).map(\.messageID) == ["a", "b"])
        #expect(try await queue.replay(destinationID: nil, since: nil, now: t0 + 30) == 2)
        await queue.close()
    }

    @Test(arguments: QueueKind.all)
    func aRepeatedMessageIDFromTheSameSourceWithinTheWindowIsCountedNotStored(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        var result = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"],
                                                            events: [event("u1", "m1"), event("u1", "m1")]), now: t0)
        #expect(result == EnqueueResult(accepted: 1, duplicates: 1))
        result = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "m1")]), now: t0 + 3600)
        #expect(result == EnqueueResult(accepted: 0, duplicates: 1))
        // Another source may use the same id.
        result = try await queue.enqueue(EnqueueRequest(sourceID: "s2", destinationIDs: ["d1"], events: [event("u1", "m1")]), now: t0 + 3600)
        #expect(result == EnqueueResult(accepted: 1, duplicates: 0))
        // After 24 hours it is new again.
        result = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "m1")]),
                                         now: t0 + 24 * 3600 + 1)
        #expect(result == EnqueueResult(accepted: 1, duplicates: 0))
        let status = try await queue.status(now: t0 + 24 * 3600 + 1)
        #expect(status.duplicates == 2)
        #expect(status.counts(for: "d1")[.waiting] == 3)
        // A file's events (deliver) are kept from repeating by their progress: all stored.
        result = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "m1"), event("u1", "m1")],
                                                        deduplicate: false), now: t0 + 24 * 3600 + 2)
        #expect(result == EnqueueResult(accepted: 2, duplicates: 0))
        await queue.close()
    }

    @Test(arguments: QueueKind.all)
    func twoProcessesClaimingAtOnceNeverShareARecord(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let first = try await kind.make(directory.path)
        let second = try await kind.make(directory.path)
        _ = try await first.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"],
                                                   events: (0..<200).map { event("u\($0)", "m\($0)") }), now: t0)
        let claimed = try await withThrowingTaskGroup(of: [String].self) { group in
            for queue in [first, second] {
                group.addTask {
                    var mine: [String] = []
                    while true {
                        let batch = try await queue.claim(destinationID: "d1", limit: 7, lease: .seconds(60), now: t0)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.messageID)
                        try await queue.resolve(batch.map { RecordResolution($0, .delivered) }, now: t0)
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        #expect(claimed.count == 200)
        #expect(Set(claimed).count == 200)
        #expect(try await first.status(now: t0).counts(for: "d1")[.delivered] == 200)
        await first.close()
        await second.close()
    }

    @Test(arguments: QueueKind.all)
    func rejectedEventsAreCounted(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        let result = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "m1")],
                                                            rejected: [RejectedEvent(reason: "no userId or anonymousId", payload: Array("{}".utf8))]),
                                             now: t0)
        #expect(result == EnqueueResult(accepted: 1, duplicates: 0, rejected: 1))
        #expect(try await queue.status(now: t0).rejected == 1)
        await queue.close()
    }

    /// `deliver`'s place in a file is stored with the events, in the same transaction,
    /// and kept across a reopen; later progress replaces earlier.
    @Test(arguments: QueueKind.all)
    func inputProgressIsCommittedWithItsEvents(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        var queue = try await kind.make(directory.path)
        #expect(try await queue.progress(key: "k1") == nil)
        let first = InputProgress(key: "k1", headHash: "abc", size: 400, consumed: 2)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "f1", destinationIDs: ["d1"], events: [event("u1", "0"), event("u2", "1")],
                                                   progress: first), now: t0)
        #expect(try await queue.progress(key: "k1") == first)
        await queue.close()
        queue = try await kind.make(directory.path)
        let second = InputProgress(key: "k1", headHash: "abc", size: 400, consumed: 3)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "f1", destinationIDs: ["d1"], events: [event("u3", "2")], progress: second),
                                    now: t0)
        #expect(try await queue.progress(key: "k1") == second)
        #expect(try await queue.progress(key: "k2") == nil)
        #expect(try await queue.pendingCount(sourceID: "f1") == 3)
        #expect(try await queue.pendingCount(sourceID: "other") == 0)
        await queue.close()
    }

    /// Dead records of one source leave the queue once taken (the dead-letter file is then their
    /// place); other sources' and pending records stay.
    @Test(arguments: QueueKind.all)
    func deadRecordsOfASourceAreTakenOutOnce(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        let queue = try await kind.make(directory.path)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "f1", destinationIDs: ["d1"],
                                                   events: [event("u1", "a"), event("u2", "b"), event("u3", "c")]), now: t0)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "s2", destinationIDs: ["d1"], events: [event("u4", "d")]), now: t0)
        let claimed = try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0)
        #expect(claimed.map(\.messageID) == ["a", "b", "c", "d"])
        try await queue.resolve([RecordResolution(claimed[0], .dead(reason: "code 515")), RecordResolution(claimed[1], .delivered),
                                 RecordResolution(claimed[2], .dead(reason: "code 512")), RecordResolution(claimed[3], .dead(reason: "x"))],
                                now: t0)
        #expect(try await queue.pendingCount(sourceID: "f1") == 0)
        let dead = try await queue.takeDead(sourceID: "f1", limit: 1)
        #expect(dead.map(\.messageID) == ["a"])
        #expect(dead.first?.reason == "code 515")
        #expect(dead.first?.payload == event("u1", "a").payload)
        #expect(try await queue.takeDead(sourceID: "f1", limit: 10).map(\.messageID) == ["c"])
        #expect(try await queue.takeDead(sourceID: "f1", limit: 10).isEmpty)
        #expect(try await queue.status(now: t0).counts(for: "d1")[.dead] == 1)  // s2's stays for replay
        await queue.close()
    }

    @Test(arguments: QueueKind.all)
    func recordsSurviveClosingAndReopening(kind: QueueKind) async throws {
        let directory = try QueueTempDirectory()
        var queue = try await kind.make(directory.path)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "a"), event("u2", "b")]), now: t0)
        await queue.close()
        queue = try await kind.make(directory.path)
        #expect(try await queue.claim(destinationID: "d1", limit: 10, lease: .seconds(30), now: t0).map(\.messageID) == ["a", "b"])
        try await queue.ping()
        await queue.close()
    }
}

@Suite(.timeLimit(.minutes(2))) struct SQLiteEventQueueTests {
    @Test func theFilesAreReadableByTheOwnerOnly() async throws {
        let directory = try QueueTempDirectory()
        let path = directory.path + "/nested/queue.sqlite"
        let queue = try SQLiteEventQueue(path: path)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "a")]), now: t0)
        for file in [path, path + "-wal"] {
            let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        await queue.close()
    }

    @Test func aRestartTakesBackTheLeasesOfACrashedProcessAndASecondDelivererIsRefused() async throws {
        let directory = try QueueTempDirectory()
        let path = directory.path + "/queue.sqlite"
        let crashed = try SQLiteEventQueue(path: path)
        try await crashed.takeOver(now: t0)
        _ = try await crashed.enqueue(EnqueueRequest(sourceID: "s1", destinationIDs: ["d1"], events: [event("u1", "a")]), now: t0)
        #expect(try await crashed.claim(destinationID: "d1", limit: 10, lease: .seconds(120), now: t0).count == 1)
        let second = try SQLiteEventQueue(path: path)
        await #expect(throws: QueueError.inUse(location: "sqlite:" + path)) { try await second.takeOver(now: t0) }
        await second.close()
        await crashed.close()
        let restarted = try SQLiteEventQueue(path: path)
        try await restarted.takeOver(now: t0 + 1)
        #expect(try await restarted.claim(destinationID: "d1", limit: 10, lease: .seconds(120), now: t0 + 1).map(\.messageID) == ["a"])
        await restarted.close()
    }

    /// Several openers of one new file at once (serve, deliver, status started together) all get the
    /// queue: without the opening lock the losers of SQLite's journal-mode switch failed.
    @Test func openersRacingOnANewFileAllSucceed() async throws {
        for round in 0..<5 {
            let directory = try QueueTempDirectory()
            let path = directory.path + "/race-\(round).sqlite"
            let opened = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let queue = try await QueueURL.sqlite(path: path).open()
                        let stored = try await queue.enqueue(EnqueueRequest(sourceID: "s\(index)", destinationIDs: ["d1"],
                                                                            events: [event("u\(index)", "m\(index)")]), now: t0)
                        await queue.close()
                        return stored.accepted
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(opened == 8, "round \(round)")
        }
    }

    @Test func anUnwritablePathIsAnErrorInWords() throws {
        #expect {
            _ = try SQLiteEventQueue(path: "/proc/no-such-place/queue.sqlite")
        } throws: { error in
            (error as? QueueError)?.description.contains("cannot open the queue at sqlite:/proc/no-such-place/queue.sqlite") == true
        }
    }

    @Test(arguments: [
        ("sqlite:/tmp/q.sqlite", QueueURL.sqlite(path: "/tmp/q.sqlite")),
        ("sqlite:relative.db", QueueURL.sqlite(path: "relative.db")),
    ])
    func queueURLs(text: String, expected: QueueURL) throws {
        #expect(try QueueURL.parse(text) == expected)
    }

    @Test func theDefaultQueueIsUnderXDGStateHome() throws {
        #expect(try QueueURL.parse(nil, environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/a"])
            == .sqlite(path: "/state/clevertap-actions/queue.sqlite"))
        #expect(try QueueURL.parse(nil, environment: ["HOME": "/home/a"])
            == .sqlite(path: "/home/a/.local/state/clevertap-actions/queue.sqlite"))
    }

    @Test func anUnknownSchemeIsRefusedInWords() {
        #expect(throws: QueueError.invalidURL("redis://x", reason: "unknown scheme")) { try QueueURL.parse("redis://x") }
    }
}
