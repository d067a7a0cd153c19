import CleverTapCore
import Foundation
import GRDB

/// The embedded queue: one SQLite file in WAL mode, for one `serve` process (other processes may
/// read it, e.g. `status`).
///
/// Durability: `synchronous = FULL`. In WAL mode NORMAL already survives a process crash
/// (`kill -9`), but a power loss may roll back the last commits; FULL syncs the log on every commit,
/// so a 2xx the intake gave is on disk. One sync per intake request (clients batch) is the price.
///
/// Built on GRDB: a write is one synchronous closure run as one transaction on GRDB's serial
/// writer, so concurrent callers can never interleave inside each other's transaction, and the
/// async entry points wait without blocking Swift's cooperative threads.
public final class SQLiteEventQueue: EventQueue {
    public let path: String
    public let dedupeWindow: Duration
    private let pool: DatabasePool
    private let ownership = ProcessLock()

    public var location: String { "sqlite:" + path }

    /// Opens the queue at `path`, waiting (up to `patience`) while another process creates or
    /// migrates it: two processes preparing one new file at once would otherwise race inside
    /// SQLite's journal-mode switch and the loser would fail ("database is locked"). The wait is
    /// an `flock` on `PATH.open.lock`, tried without blocking between sleeps.
    public static func open(path: String, dedupeWindow: Duration = .seconds(24 * 3600),
                            patience: Duration = .seconds(30)) async throws(QueueError) -> SQLiteEventQueue {
        try prepareFile(path)
        let opening = ProcessLock()
        let clock = ContinuousClock()
        let deadline = clock.now + patience
        while !opening.acquire(path + ".open.lock") {
            if clock.now >= deadline {
                throw .cannotOpen(location: "sqlite:" + path, detail: "another process has been creating it for longer than \(patience); is it stuck?")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        defer { opening.release() }
        return try SQLiteEventQueue(path: path, dedupeWindow: dedupeWindow)
    }

    /// Opens (creating with mode 0600, and its folder with 0700, when missing) the queue at `path`.
    /// Callers that may race another process use `open(path:)`.
    public init(path: String, dedupeWindow: Duration = .seconds(24 * 3600)) throws(QueueError) {
        self.path = path
        self.dedupeWindow = dedupeWindow
        let location = "sqlite:" + path
        do {
            try Self.prepareFile(path)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch let error as QueueError {
            throw error
        } catch {
            throw .cannotOpen(location: location, detail: Self.describe(error))
        }
    }

    /// Creates the file 0600 before SQLite does (SQLite gives its -wal and -shm files the same mode).
    static func prepareFile(_ path: String) throws(QueueError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw .cannotOpen(location: "sqlite:" + path, detail: "cannot create the folder \(directory): \(error.localizedDescription)")
            }
        }
        if let failure = createPrivateFile(path) {
            throw .cannotOpen(location: "sqlite:" + path, detail: failure)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            // AUTOINCREMENT: ids are never reused, so id order is arrival order for ever.
            try db.execute(sql: """
                CREATE TABLE records(
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    destination_id TEXT NOT NULL,
                    source_id TEXT NOT NULL,
                    identity TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    state TEXT NOT NULL,            -- 'pending' or 'dead'
                    attempts INTEGER NOT NULL DEFAULT 0,
                    enqueued_at INTEGER NOT NULL,   -- milliseconds since 1970
                    next_attempt_at INTEGER NOT NULL,
                    lease_until INTEGER,
                    lease_token TEXT,
                    last_error TEXT,
                    updated_at INTEGER NOT NULL);
                CREATE INDEX records_pending_identity ON records(destination_id, identity, id) WHERE state = 'pending';
                CREATE INDEX records_pending ON records(destination_id, id) WHERE state = 'pending';
                CREATE INDEX records_dead ON records(destination_id, updated_at) WHERE state = 'dead';
                CREATE TABLE message_ids(
                    source_id TEXT NOT NULL, message_id TEXT NOT NULL, seen_at INTEGER NOT NULL,
                    PRIMARY KEY(source_id, message_id)) WITHOUT ROWID;
                CREATE INDEX message_ids_seen ON message_ids(seen_at);
                CREATE TABLE rejected(
                    id INTEGER PRIMARY KEY, source_id TEXT NOT NULL, reason TEXT NOT NULL,
                    payload BLOB NOT NULL, received_at INTEGER NOT NULL);
                CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v2-deliver-progress") { db in
            try db.execute(sql: """
                CREATE TABLE input_progress(
                    key TEXT PRIMARY KEY, head_hash TEXT NOT NULL, size INTEGER NOT NULL,
                    consumed INTEGER NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX records_source ON records(source_id, state);
                """)
        }
        return migrator
    }

    // MARK: EventQueue

    public func enqueue(_ request: EnqueueRequest, now: Date) async throws(QueueError) -> EnqueueResult {
        let nowMS = Self.milliseconds(now)
        let cutoff = nowMS - Self.milliseconds(dedupeWindow)
        return try await write { db in
            try db.execute(sql: "DELETE FROM message_ids WHERE seen_at < ?", arguments: [cutoff])
            var result = EnqueueResult()
            let seen = try db.cachedStatement(sql: "SELECT 1 FROM message_ids WHERE source_id = ? AND message_id = ?")
            let remember = try db.cachedStatement(sql: "INSERT OR REPLACE INTO message_ids(source_id, message_id, seen_at) VALUES (?, ?, ?)")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO records(destination_id, source_id, identity, message_id, payload, state, enqueued_at, next_attempt_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?)
                """)
            for event in request.events {
                if request.deduplicate {
                    if try Bool.fetchOne(seen, arguments: [request.sourceID, event.messageID]) != nil {
                        result.duplicates += 1
                        continue
                    }
                    try remember.execute(arguments: [request.sourceID, event.messageID, nowMS])
                }
                let payload = Data(event.payload)
                for destination in request.destinationIDs {
                    try insert.execute(arguments: [destination, request.sourceID, event.identity, event.messageID, payload, nowMS, nowMS, nowMS])
                }
                result.accepted += 1
            }
            for rejected in request.rejected {
                try db.execute(sql: "INSERT INTO rejected(source_id, reason, payload, received_at) VALUES (?, ?, ?, ?)",
                               arguments: [request.sourceID, rejected.reason, Data(rejected.payload), nowMS])
                result.rejected += 1
            }
            if result.duplicates > 0 { try Self.add(result.duplicates, to: "duplicates", db) }
            if let progress = request.progress {
                try db.execute(sql: """
                    INSERT INTO input_progress(key, head_hash, size, consumed, updated_at) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(key) DO UPDATE SET head_hash = excluded.head_hash, size = excluded.size,
                        consumed = excluded.consumed, updated_at = excluded.updated_at
                    """, arguments: [progress.key, progress.headHash, progress.size, progress.consumed, nowMS])
            }
            return result
        }
    }

    public func progress(key: String) async throws(QueueError) -> InputProgress? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT head_hash, size, consumed FROM input_progress WHERE key = ?", arguments: [key]).map { row in
                InputProgress(key: key, headHash: row["head_hash"], size: row["size"], consumed: row["consumed"])
            }
        }
    }

    public func pendingCount(sourceID: String) async throws(QueueError) -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM records WHERE source_id = ? AND state = 'pending'", arguments: [sourceID]) ?? 0
        }
    }

    public func takeDead(sourceID: String, limit: Int) async throws(QueueError) -> [DeadRecord] {
        try await write { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, destination_id, message_id, payload, last_error FROM records
                WHERE source_id = ? AND state = 'dead' ORDER BY id LIMIT ?
                """, arguments: [sourceID, limit])
            let delete = try db.cachedStatement(sql: "DELETE FROM records WHERE id = ?")
            return try rows.map { row in
                try delete.execute(arguments: [row["id"] as Int64])
                let payload: Data = row["payload"]
                return DeadRecord(destinationID: row["destination_id"], messageID: row["message_id"], payload: Array(payload),
                                  reason: row["last_error"] ?? "dead")
            }
        }
    }

    public func claim(destinationID: String, limit: Int, lease: Duration, now: Date) async throws(QueueError) -> [ClaimedRecord] {
        let nowMS = Self.milliseconds(now)
        let until = nowMS + Self.milliseconds(lease)
        let token = UUID().uuidString
        return try await write { db in
            // The first pending record of each identity, if it is due and not leased.
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, source_id, identity, message_id, payload, attempts, enqueued_at FROM records r
                WHERE r.state = 'pending' AND r.destination_id = ?1 AND r.next_attempt_at <= ?2
                  AND (r.lease_until IS NULL OR r.lease_until <= ?2)
                  AND NOT EXISTS (SELECT 1 FROM records e WHERE e.state = 'pending' AND e.destination_id = r.destination_id
                                  AND e.identity = r.identity AND e.id < r.id)
                ORDER BY r.id LIMIT ?3
                """, arguments: [destinationID, nowMS, limit])
            let lease = try db.cachedStatement(sql: "UPDATE records SET lease_until = ?, lease_token = ?, updated_at = ? WHERE id = ?")
            return try rows.map { row in
                let id: Int64 = row["id"]
                try lease.execute(arguments: [until, token, nowMS, id])
                let payload: Data = row["payload"]
                let enqueued: Int64 = row["enqueued_at"]
                return ClaimedRecord(id: id, destinationID: destinationID, sourceID: row["source_id"], identity: row["identity"],
                                     messageID: row["message_id"], payload: Array(payload), attempts: row["attempts"],
                                     enqueuedAt: Self.date(enqueued), leaseToken: token)
            }
        }
    }

    public func resolve(_ resolutions: [RecordResolution], now: Date) async throws(QueueError) {
        if resolutions.isEmpty { return }
        let nowMS = Self.milliseconds(now)
        try await write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM records WHERE id = ? AND lease_token = ? AND state = 'pending'")
            let retry = try db.cachedStatement(sql: """
                UPDATE records SET attempts = attempts + 1, next_attempt_at = ?, lease_until = NULL, lease_token = NULL,
                    last_error = ?, updated_at = ? WHERE id = ? AND lease_token = ? AND state = 'pending'
                """)
            let dead = try db.cachedStatement(sql: """
                UPDATE records SET state = 'dead', attempts = attempts + 1, lease_until = NULL, lease_token = NULL,
                    last_error = ?, updated_at = ? WHERE id = ? AND lease_token = ? AND state = 'pending'
                """)
            let release = try db.cachedStatement(sql: """
                UPDATE records SET lease_until = NULL, lease_token = NULL, updated_at = ? WHERE id = ? AND lease_token = ? AND state = 'pending'
                """)
            var delivered: [String: Int] = [:]
            for item in resolutions {
                let record = item.record
                switch item.resolution {
                case .delivered:
                    try delete.execute(arguments: [record.id, record.leaseToken])
                    if db.changesCount > 0 { delivered[record.destinationID, default: 0] += 1 }
                case .retry(let at, let reason):
                    try retry.execute(arguments: [Self.milliseconds(at), reason, nowMS, record.id, record.leaseToken])
                case .dead(let reason):
                    try dead.execute(arguments: [reason, nowMS, record.id, record.leaseToken])
                case .release:
                    try release.execute(arguments: [nowMS, record.id, record.leaseToken])
                }
            }
            for (destination, count) in delivered { try Self.add(count, to: "delivered:" + destination, db) }
        }
    }

    public func status(now: Date) async throws(QueueError) -> QueueStatus {
        let nowMS = Self.milliseconds(now)
        return try await read { db in
            var byDestination: [String: DestinationCounts] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT destination_id,
                       CASE WHEN state = 'dead' THEN 'dead'
                            WHEN lease_until IS NOT NULL AND lease_until > ?1 THEN 'in-flight'
                            WHEN attempts > 0 THEN 'retrying' ELSE 'waiting' END AS s,
                       COUNT(*) AS n,
                       MIN(CASE WHEN state = 'pending' THEN enqueued_at END) AS oldest
                FROM records GROUP BY destination_id, s
                """, arguments: [nowMS])
            for row in rows {
                let destination: String = row["destination_id"]
                let state = RecordState(rawValue: row["s"]) ?? .waiting
                var counts = byDestination[destination] ?? DestinationCounts(destinationID: destination)
                counts.counts[state, default: 0] += row["n"] as Int
                if let oldest: Int64 = row["oldest"] {
                    let date = Self.date(oldest)
                    counts.oldestPending = min(counts.oldestPending ?? date, date)
                }
                byDestination[destination] = counts
            }
            var duplicates = 0
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM counters") {
                let name: String = row["name"]
                let value: Int = row["value"]
                if name == "duplicates" { duplicates = value }
                if name.hasPrefix("delivered:") {
                    let destination = String(name.dropFirst("delivered:".count))
                    var counts = byDestination[destination] ?? DestinationCounts(destinationID: destination)
                    counts.counts[.delivered] = value
                    byDestination[destination] = counts
                }
            }
            let rejected = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM rejected") ?? 0
            let errors = try Row.fetchAll(db, sql: """
                SELECT destination_id, identity, message_id, state, last_error, updated_at FROM records
                WHERE last_error IS NOT NULL ORDER BY updated_at DESC, id DESC LIMIT 10
                """).map { row in
                RecentError(destinationID: row["destination_id"], identity: row["identity"], messageID: row["message_id"],
                            state: (row["state"] as String) == "dead" ? .dead : .retrying, reason: row["last_error"],
                            at: Self.date(row["updated_at"]))
            }
            return QueueStatus(destinations: byDestination.values.sorted { $0.destinationID < $1.destinationID },
                               rejected: rejected, duplicates: duplicates, recentErrors: errors)
        }
    }

    public func replay(destinationID: String?, since: Date?, now: Date) async throws(QueueError) -> Int {
        let nowMS = Self.milliseconds(now)
        return try await write { db in
            var sql = """
                UPDATE records SET state = 'pending', attempts = 0, next_attempt_at = ?, lease_until = NULL, lease_token = NULL,
                    updated_at = ? WHERE state = 'dead'
                """
            var arguments: StatementArguments = [nowMS, nowMS]
            if let destinationID {
                sql += " AND destination_id = ?"
                arguments += [destinationID]
            }
            if let since {
                sql += " AND updated_at >= ?"
                arguments += [Self.milliseconds(since)]
            }
            try db.execute(sql: sql, arguments: arguments)
            return db.changesCount
        }
    }

    public func takeOver(now: Date) async throws(QueueError) {
        // A predecessor that is just exiting (or a child forked at that moment, which holds the
        // descriptor until it execs) keeps the lock a little longer: wait up to 3 s before refusing.
        var acquired = ownership.acquire(path + ".lock")
        for _ in 0..<60 where !acquired {
            try? await Task.sleep(for: .milliseconds(50))
            acquired = ownership.acquire(path + ".lock")
        }
        if !acquired { throw .inUse(location: location) }
        let nowMS = Self.milliseconds(now)
        try await write { db in
            try db.execute(sql: "UPDATE records SET lease_until = NULL, lease_token = NULL, updated_at = ? WHERE state = 'pending' AND lease_until IS NOT NULL",
                           arguments: [nowMS])
        }
    }

    public func ping() async throws(QueueError) {
        _ = try await write { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM counters") }
    }

    public func close() async {
        try? pool.close()
        ownership.release()
    }

    // MARK: Helpers

    private func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(QueueError) -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw .unavailable(location: location, detail: Self.describe(error))
        }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(QueueError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw .unavailable(location: location, detail: Self.describe(error))
        }
    }

    private static func add(_ count: Int, to counter: String, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO counters(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = value + excluded.value",
                       arguments: [counter, count])
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return error.message ?? "\(error.resultCode)"
        }
        return String(describing: error)
    }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    static func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }
}

/// Creates `path` with mode 0600 if it does not exist; returns the error text on failure.
private func createPrivateFile(_ path: String) -> String? {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    if fd < 0 { return String(cString: strerror(errno)) }
    close(fd)
    return nil
}

/// An exclusive `flock` on a file beside the queue, held while this process delivers from it (the
/// kernel drops it when the process dies, even by `kill -9`).
final class ProcessLock: @unchecked Sendable {
    private let lock = NSLock()
    private var fd: Int32 = -1

    func acquire(_ path: String) -> Bool {
        lock.withLock {
            if fd >= 0 { return true }
            let opened = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            if opened < 0 { return false }
            if flock(opened, LOCK_EX | LOCK_NB) != 0 {
                close(opened)
                return false
            }
            fd = opened
            return true
        }
    }

    func release() {
        lock.withLock {
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }
}
