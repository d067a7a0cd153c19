import CleverTapCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The shared queue: PostgreSQL, for several `serve` processes on one queue.
///
/// Claims take `FOR UPDATE SKIP LOCKED` rows under a lease, so each record goes to one process;
/// a crashed process's leases expire and others take its records. Per-user order holds across
/// processes because a record stays `pending` (and so blocks the later ones of its identity) until
/// it is resolved, whoever holds it.
public final class PostgresEventQueue: EventQueue {
    public let location: String
    public let dedupeWindow: Duration
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger
    private let insertedSinceAnalyze = Mutex(0)

    /// Connects to `url` (`postgres://USER[:PASSWORD]@HOST[:PORT]/DB`) and creates the tables when missing.
    public init(url: String, dedupeWindow: Duration = .seconds(24 * 3600)) async throws(QueueError) {
        location = QueueURL.redacted(url)
        self.dedupeWindow = dedupeWindow
        guard let parts = URLComponents(string: url), let host = parts.host, let user = parts.user,
              let database = parts.path.split(separator: "/").first.map(String.init) else {
            throw .invalidURL(QueueURL.redacted(url), reason: "expected postgres://USER@HOST:PORT/DB")
        }
        logger = Logger(label: "clevertap.queue.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let configuration = PostgresClient.Configuration(host: host, port: parts.port ?? 5432, username: user,
                                                         password: parts.password, database: database, tls: .disable)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        runner = Task { await client.run() }
        do {
            try await client.withConnection { connection in
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS records(
                        id BIGSERIAL PRIMARY KEY, destination_id TEXT NOT NULL, source_id TEXT NOT NULL,
                        identity TEXT NOT NULL, message_id TEXT NOT NULL, payload BYTEA NOT NULL, state TEXT NOT NULL,
                        attempts INTEGER NOT NULL DEFAULT 0, enqueued_at BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL,
                        lease_until BIGINT, lease_token TEXT, last_error TEXT, updated_at BIGINT NOT NULL)
                    """, logger: self.logger)
                try await connection.query("CREATE INDEX IF NOT EXISTS records_pending_identity ON records(destination_id, identity, id) WHERE state = 'pending'", logger: self.logger)
                try await connection.query("CREATE INDEX IF NOT EXISTS records_pending ON records(destination_id, id) WHERE state = 'pending'", logger: self.logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS message_ids(source_id TEXT NOT NULL, message_id TEXT NOT NULL, seen_at BIGINT NOT NULL,
                        PRIMARY KEY(source_id, message_id))
                    """, logger: self.logger)
                try await connection.query("CREATE INDEX IF NOT EXISTS message_ids_seen ON message_ids(seen_at)", logger: self.logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS rejected(id BIGSERIAL PRIMARY KEY, source_id TEXT NOT NULL, reason TEXT NOT NULL,
                        payload BYTEA NOT NULL, received_at BIGINT NOT NULL)
                    """, logger: self.logger)
                try await connection.query("CREATE TABLE IF NOT EXISTS counters(name TEXT PRIMARY KEY, value BIGINT NOT NULL)", logger: self.logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS input_progress(key TEXT PRIMARY KEY, head_hash TEXT NOT NULL, size BIGINT NOT NULL,
                        consumed BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                    """, logger: self.logger)
                try await connection.query("CREATE INDEX IF NOT EXISTS records_source ON records(source_id, state)", logger: self.logger)
            }
        } catch {
            runner.cancel()
            throw .cannotOpen(location: location, detail: Self.describe(error))
        }
    }

    public func enqueue(_ request: EnqueueRequest, now: Date) async throws(QueueError) -> EnqueueResult {
        let nowMS = SQLiteEventQueue.milliseconds(now)
        let cutoff = nowMS - SQLiteEventQueue.milliseconds(dedupeWindow)
        let result = try await transaction { connection, logger in
            var result = EnqueueResult()
            // One statement for the message ids and one for the records, not one round trip per
            // event: arrays in, rows out in array order (WITH ORDINALITY), so ids still follow arrival.
            var events = request.events
            if request.deduplicate {
                // A repeat inside the request is a duplicate of its first occurrence (and one
                // statement may not touch a row twice).
                var seen = Set<String>()
                events = events.filter { seen.insert($0.messageID).inserted }
                // A row comes back for each id that is new, or was last seen before the window.
                let ids = events.map(\.messageID)
                let rows = try await connection.query("""
                    INSERT INTO message_ids(source_id, message_id, seen_at)
                    SELECT \(request.sourceID), m, \(nowMS) FROM unnest(\(ids)::text[]) AS m
                    ON CONFLICT (source_id, message_id) DO UPDATE SET seen_at = EXCLUDED.seen_at WHERE message_ids.seen_at < \(cutoff)
                    RETURNING message_id
                    """, logger: logger)
                var fresh = Set<String>()
                for try await id in rows.decode(String.self) { fresh.insert(id) }
                events = events.filter { fresh.contains($0.messageID) }
                result.duplicates = request.events.count - events.count
            }
            var destinations: [String] = [], identities: [String] = [], messages: [String] = [], payloads: [ByteBuffer] = []
            for event in events {
                let payload = ByteBuffer(bytes: event.payload)
                for destination in request.destinationIDs {
                    destinations.append(destination)
                    identities.append(event.identity)
                    messages.append(event.messageID)
                    payloads.append(payload)
                }
            }
            if !destinations.isEmpty {
                try await connection.query("""
                    INSERT INTO records(destination_id, source_id, identity, message_id, payload, state, enqueued_at, next_attempt_at, updated_at)
                    SELECT d, \(request.sourceID), i, m, p, 'pending', \(nowMS), \(nowMS), \(nowMS)
                    FROM unnest(\(destinations)::text[], \(identities)::text[], \(messages)::text[], \(payloads)::bytea[])
                        WITH ORDINALITY AS t(d, i, m, p, n)
                    ORDER BY n
                    """, logger: logger)
            }
            result.accepted = events.count
            for rejected in request.rejected {
                try await connection.query("""
                    INSERT INTO rejected(source_id, reason, payload, received_at)
                    VALUES (\(request.sourceID), \(rejected.reason), \(ByteBuffer(bytes: rejected.payload)), \(nowMS))
                    """, logger: logger)
                result.rejected += 1
            }
            if result.duplicates > 0 { try await Self.add(result.duplicates, to: "duplicates", connection, logger) }
            if let progress = request.progress {
                try await connection.query("""
                    INSERT INTO input_progress(key, head_hash, size, consumed, updated_at)
                    VALUES (\(progress.key), \(progress.headHash), \(progress.size), \(Int64(progress.consumed)), \(nowMS))
                    ON CONFLICT (key) DO UPDATE SET head_hash = EXCLUDED.head_hash, size = EXCLUDED.size,
                        consumed = EXCLUDED.consumed, updated_at = EXCLUDED.updated_at
                    """, logger: logger)
            }
            if Int.random(in: 0..<100) == 0 {
                try await connection.query("DELETE FROM message_ids WHERE seen_at < \(cutoff)", logger: logger)
            }
            return result
        }
        await refreshStatistics(after: result.accepted * request.destinationIDs.count)
        return result
    }

    /// Statistics for the claim query's plan. Without them (a new table filled in a burst, before
    /// autovacuum's next round) PostgreSQL plans the "first pending record of its identity" check
    /// as a scan of every pending record per candidate: measured 5.2 s per claim of 1000 over a
    /// backlog of 20,000, against 20 ms once analysed. So this process analyses the table after
    /// every 2,000 records it stored (ANALYZE samples at most 30,000 rows: bounded cost).
    private func refreshStatistics(after inserted: Int) async {
        guard inserted > 0 else { return }
        let due = insertedSinceAnalyze.withLock { count -> Bool in
            count += inserted
            guard count >= 2000 else { return false }
            count = 0
            return true
        }
        guard due else { return }
        _ = try? await client.query("ANALYZE records", logger: logger)
    }

    /// A claim is a handful of index probes when PostgreSQL plans it well (about 20 ms for 1,000
    /// over a backlog of 50,000). Statistics taken at a moment when nearly everything had been
    /// delivered make it plan the "first pending record of its identity" check as a scan of every
    /// pending record per candidate: seen taking 66 s on such a backlog. So a claim gets a few
    /// seconds; past them it is cancelled, the table analysed, and the claim made again.
    static let claimTimeout = "3s"

    public func claim(destinationID: String, limit: Int, lease: Duration, now: Date) async throws(QueueError) -> [ClaimedRecord] {
        do throws(ClaimAttemptError) {
            return try await claimOnce(destinationID: destinationID, limit: limit, lease: lease, now: now)
        } catch {
            guard case .timedOut = error else { throw error.queueError(location) }
        }
        _ = try? await client.query("ANALYZE records", logger: logger)
        do throws(ClaimAttemptError) {
            return try await claimOnce(destinationID: destinationID, limit: limit, lease: lease, now: now)
        } catch {
            throw error.queueError(location)
        }
    }

    private enum ClaimAttemptError: Error {
        case timedOut
        case failed(QueueError)

        func queueError(_ location: String) -> QueueError {
            switch self {
            case .failed(let error): return error
            case .timedOut:
                return .unavailable(location: location, detail: "claiming records took longer than \(PostgresEventQueue.claimTimeout) even after ANALYZE")
            }
        }
    }

    private func claimOnce(destinationID: String, limit: Int, lease: Duration, now: Date) async throws(ClaimAttemptError) -> [ClaimedRecord] {
        let nowMS = SQLiteEventQueue.milliseconds(now)
        let until = nowMS + SQLiteEventQueue.milliseconds(lease)
        let token = UUID().uuidString
        return try await transaction(timingOut: Self.claimTimeout) { connection, logger in
            let rows = try await connection.query("""
                WITH candidates AS (
                    SELECT id FROM records r
                    WHERE r.state = 'pending' AND r.destination_id = \(destinationID) AND r.next_attempt_at <= \(nowMS)
                      AND (r.lease_until IS NULL OR r.lease_until <= \(nowMS))
                      AND NOT EXISTS (SELECT 1 FROM records e WHERE e.state = 'pending' AND e.destination_id = r.destination_id
                                      AND e.identity = r.identity AND e.id < r.id)
                    ORDER BY r.id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                UPDATE records SET lease_until = \(until), lease_token = \(token), updated_at = \(nowMS)
                FROM candidates WHERE records.id = candidates.id
                RETURNING records.id, records.source_id, records.identity, records.message_id, records.payload, records.attempts, records.enqueued_at
                """, logger: logger)
            var claimed: [ClaimedRecord] = []
            for try await (id, source, identity, message, payload, attempts, enqueued) in rows.decode((Int64, String, String, String, ByteBuffer, Int32, Int64).self) {
                claimed.append(ClaimedRecord(id: id, destinationID: destinationID, sourceID: source, identity: identity, messageID: message,
                                             payload: Array(payload.readableBytesView), attempts: Int(attempts),
                                             enqueuedAt: SQLiteEventQueue.date(enqueued), leaseToken: token))
            }
            return claimed.sorted { $0.id < $1.id }
        }
    }

    public func resolve(_ resolutions: [RecordResolution], now: Date) async throws(QueueError) {
        if resolutions.isEmpty { return }
        let nowMS = SQLiteEventQueue.milliseconds(now)
        try await transaction { connection, logger in
            var delivered: [String: Int] = [:]
            // Delivered records (nearly all of them) leave in one statement per claim, not one each.
            var deliveredByToken: [String: [Int64]] = [:]
            for item in resolutions where item.resolution == .delivered {
                deliveredByToken[item.record.leaseToken, default: []].append(item.record.id)
            }
            for (token, ids) in deliveredByToken {
                let gone = try await connection.query(
                    "DELETE FROM records WHERE id = ANY(\(ids)) AND lease_token = \(token) AND state = 'pending' RETURNING destination_id",
                    logger: logger)
                for try await destination in gone.decode(String.self) { delivered[destination, default: 0] += 1 }
            }
            for item in resolutions {
                let record = item.record
                switch item.resolution {
                case .delivered:
                    break
                case .retry(let at, let reason):
                    try await connection.query("""
                        UPDATE records SET attempts = attempts + 1, next_attempt_at = \(SQLiteEventQueue.milliseconds(at)), lease_until = NULL,
                            lease_token = NULL, last_error = \(reason), updated_at = \(nowMS)
                        WHERE id = \(record.id) AND lease_token = \(record.leaseToken) AND state = 'pending'
                        """, logger: logger)
                case .dead(let reason):
                    try await connection.query("""
                        UPDATE records SET state = 'dead', attempts = attempts + 1, lease_until = NULL, lease_token = NULL,
                            last_error = \(reason), updated_at = \(nowMS)
                        WHERE id = \(record.id) AND lease_token = \(record.leaseToken) AND state = 'pending'
                        """, logger: logger)
                case .release:
                    try await connection.query("""
                        UPDATE records SET lease_until = NULL, lease_token = NULL, updated_at = \(nowMS)
                        WHERE id = \(record.id) AND lease_token = \(record.leaseToken) AND state = 'pending'
                        """, logger: logger)
                }
            }
            for (destination, count) in delivered { try await Self.add(count, to: "delivered:" + destination, connection, logger) }
        }
    }

    public func status(now: Date) async throws(QueueError) -> QueueStatus {
        let nowMS = SQLiteEventQueue.milliseconds(now)
        return try await transaction { connection, logger in
            var byDestination: [String: DestinationCounts] = [:]
            let rows = try await connection.query("""
                SELECT destination_id,
                       CASE WHEN state = 'dead' THEN 'dead'
                            WHEN lease_until IS NOT NULL AND lease_until > \(nowMS) THEN 'in-flight'
                            WHEN attempts > 0 THEN 'retrying' ELSE 'waiting' END AS s,
                       COUNT(*)::BIGINT, MIN(CASE WHEN state = 'pending' THEN enqueued_at END)
                FROM records GROUP BY 1, 2
                """, logger: logger)
            for try await (destination, stateName, count, oldest) in rows.decode((String, String, Int64, Int64?).self) {
                var counts = byDestination[destination] ?? DestinationCounts(destinationID: destination)
                counts.counts[RecordState(rawValue: stateName) ?? .waiting, default: 0] += Int(count)
                if let oldest {
                    let date = SQLiteEventQueue.date(oldest)
                    counts.oldestPending = min(counts.oldestPending ?? date, date)
                }
                byDestination[destination] = counts
            }
            var duplicates = 0
            for try await (name, value) in try await connection.query("SELECT name, value FROM counters", logger: logger).decode((String, Int64).self) {
                if name == "duplicates" { duplicates = Int(value) }
                if name.hasPrefix("delivered:") {
                    let destination = String(name.dropFirst("delivered:".count))
                    var counts = byDestination[destination] ?? DestinationCounts(destinationID: destination)
                    counts.counts[.delivered] = Int(value)
                    byDestination[destination] = counts
                }
            }
            var rejected = 0
            for try await count in try await connection.query("SELECT COUNT(*)::BIGINT FROM rejected", logger: logger).decode(Int64.self) {
                rejected = Int(count)
            }
            var errors: [RecentError] = []
            let errorRows = try await connection.query("""
                SELECT destination_id, identity, message_id, state, last_error, updated_at FROM records
                WHERE last_error IS NOT NULL ORDER BY updated_at DESC, id DESC LIMIT 10
                """, logger: logger)
            for try await (destination, identity, message, state, reason, at) in errorRows.decode((String, String, String, String, String, Int64).self) {
                errors.append(RecentError(destinationID: destination, identity: identity, messageID: message,
                                          state: state == "dead" ? .dead : .retrying, reason: reason, at: SQLiteEventQueue.date(at)))
            }
            return QueueStatus(destinations: byDestination.values.sorted { $0.destinationID < $1.destinationID },
                               rejected: rejected, duplicates: duplicates, recentErrors: errors)
        }
    }

    public func replay(destinationID: String?, since: Date?, now: Date) async throws(QueueError) -> Int {
        let nowMS = SQLiteEventQueue.milliseconds(now)
        let sinceMS = since.map(SQLiteEventQueue.milliseconds) ?? Int64.min
        return try await transaction { connection, logger in
            let rows = try await connection.query("""
                UPDATE records SET state = 'pending', attempts = 0, next_attempt_at = \(nowMS), lease_until = NULL, lease_token = NULL,
                    updated_at = \(nowMS)
                WHERE state = 'dead' AND (\(destinationID)::TEXT IS NULL OR destination_id = \(destinationID)) AND updated_at >= \(sinceMS)
                RETURNING 1
                """, logger: logger).collect()
            return rows.count
        }
    }

    public func progress(key: String) async throws(QueueError) -> InputProgress? {
        try await transaction { connection, logger in
            let rows = try await connection.query("SELECT head_hash, size, consumed FROM input_progress WHERE key = \(key)", logger: logger)
            for try await (hash, size, consumed) in rows.decode((String, Int64, Int64).self) {
                return InputProgress(key: key, headHash: hash, size: size, consumed: Int(consumed))
            }
            return nil
        }
    }

    public func pendingCount(sourceID: String) async throws(QueueError) -> Int {
        try await transaction { connection, logger in
            let rows = try await connection.query(
                "SELECT COUNT(*)::BIGINT FROM records WHERE source_id = \(sourceID) AND state = 'pending'", logger: logger)
            var count = 0
            for try await value in rows.decode(Int64.self) { count = Int(value) }
            return count
        }
    }

    public func takeDead(sourceID: String, limit: Int) async throws(QueueError) -> [DeadRecord] {
        try await transaction { connection, logger in
            let rows = try await connection.query("""
                DELETE FROM records WHERE id IN (
                    SELECT id FROM records WHERE source_id = \(sourceID) AND state = 'dead' ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING id, destination_id, message_id, payload, last_error
                """, logger: logger)
            var taken: [(Int64, DeadRecord)] = []
            for try await (id, destination, message, payload, reason) in rows.decode((Int64, String, String, ByteBuffer, String?).self) {
                taken.append((id, DeadRecord(destinationID: destination, messageID: message, payload: Array(payload.readableBytesView),
                                             reason: reason ?? "dead")))
            }
            return taken.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Shared by several processes: leases are left to expire, never taken over.
    public func takeOver(now: Date) async throws(QueueError) {}

    public func ping() async throws(QueueError) {
        _ = try await transaction { connection, logger in
            try await connection.query("SELECT 1", logger: logger)
        }
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    private func transaction<T: Sendable>(_ body: (PostgresConnection, Logger) async throws -> T) async throws(QueueError) -> T {
        do { return try await run(timeout: nil, body) } catch { throw .unavailable(location: location, detail: Self.describe(error)) }
    }

    /// A transaction whose statements are cancelled past `timeout` (`statement_timeout`, local to it).
    private func transaction<T: Sendable>(timingOut timeout: String,
                                          _ body: (PostgresConnection, Logger) async throws -> T) async throws(ClaimAttemptError) -> T {
        do { return try await run(timeout: timeout, body) } catch {
            // 57014: query_canceled, which is what statement_timeout raises.
            if let error = error as? PSQLError, error.serverInfo?[.sqlState] == "57014" { throw .timedOut }
            throw .failed(.unavailable(location: location, detail: Self.describe(error)))
        }
    }

    private func run<T: Sendable>(timeout: String?, _ body: (PostgresConnection, Logger) async throws -> T) async throws -> T {
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            if let timeout {
                try await connection.query(PostgresQuery(unsafeSQL: "SET LOCAL statement_timeout = '\(timeout)'"), logger: logger)
            }
            return try await body(connection, logger)
        }
    }

    private static func add(_ count: Int, to counter: String, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("""
            INSERT INTO counters(name, value) VALUES (\(counter), \(Int64(count)))
            ON CONFLICT (name) DO UPDATE SET value = counters.value + EXCLUDED.value
            """, logger: logger)
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)"
        }
        return String(describing: error)
    }
}
