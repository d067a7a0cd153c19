import CleverTapCore
import EventQueue
import Foundation
import Logging

/// `deliver`: the inputs go into the queue, chunk by chunk with their progress (`FileIntake`), and
/// the queue's delivery workers (`DeliveryService`, as `serve` runs them) send them: one way of
/// delivering, per-user order, backoff and Retry-After included. Records that go dead leave the
/// queue for the dead-letter files. A run stopped at any point (signal, `kill -9`, full disk) is
/// continued by running the same command again: committed chunks are not read again, queued
/// records are sent.
public struct QueuedDelivery: Sendable {
    public let destination: Destination
    public let inputs: [FileIntake.Input]
    public let queue: any EventQueue
    public let route: DeliveryRoute
    public let settings: DeliverySettings
    public let deadLetters: DeadLetterFiles

    public init(destination: Destination, inputs: [FileIntake.Input], queue: any EventQueue, route: DeliveryRoute,
                settings: DeliverySettings, deadLetters: DeadLetterFiles) {
        self.destination = destination
        self.inputs = inputs
        self.queue = queue
        self.route = route
        self.settings = settings
        self.deadLetters = deadLetters
    }

    /// Queues the inputs and waits until every record of them is delivered or dead, or `control`
    /// is interrupted: the first interruption stops reading and claiming and lets the requests in
    /// flight finish; the second stops waiting for them (their records keep their lease, and the
    /// next run on the queue sends them). `onProgress` is called about ten times a second.
    public func run(control: DeliveryControl, counters: DeliveryCounters = DeliveryCounters(),
                    onProgress: (@Sendable (Duration) -> Void)? = nil) async -> DeliveryReport {
        let clock = ContinuousClock()
        let started = clock.now
        let subscriptions = route.pipeline.subscriptions
        var report = DeliveryReport(dryRun: false, inputs: inputs.map(\.path), subscriptions: subscriptions)
        var queued = QueuedRunReport(location: queue.location)
        let stopping: @Sendable () -> Bool = { control.currentPhase != .running }

        let sources = Set(inputs.map(\.sourceID))
        queued.carriedOver = await pending(sources)
        counters.addEvents(queued.carriedOver)
        let tally = DeliveryTally(subscriptions: subscriptions, sources: sources, counters: counters)
        let service = DeliveryService(queue: queue, routes: [route], settings: settings,
                                      logger: Logger(label: "clevertap.deliver", factory: { _ in SwiftLogNoOpLogHandler() }),
                                      onOutcome: { records, outcome in tally.add(records, outcome) })
        let workersDone = StopFlag()
        let workers = Task {
            try? await service.run()
            workersDone.set()
        }
        let ticker = onProgress.map { progress in
            Task {
                while !Task.isCancelled {
                    progress(clock.now - started)
                    try? await Task.sleep(for: .milliseconds(100))
                }
            }
        }

        var failure: String?
        for input in inputs where !stopping() && failure == nil {
            let intake = FileIntake(queue: queue, destinationID: destination.id)
            do throws(FileIntakeError) {
                let summary = try await intake.run(input, deadLetters: deadLetters.writer(forInput: input.path), shouldStop: stopping,
                                                   onQueued: { counters.addEvents($0) })
                report.eventsRead += summary.queued
                report.malformed += summary.malformed
                queued.inputs.append(QueuedRunReport.Input(path: input.path, skipped: summary.skipped, restarted: summary.restarted,
                                                           stoppedEarly: summary.stoppedEarly))
            } catch {
                failure = error.description
            }
        }
        // Until every record of these inputs is delivered or dead (or a signal): dead ones leave
        // the queue for the dead-letter files as they come.
        while !stopping() && failure == nil {
            if let problem = await takeDead(tally) { failure = problem }
            if await pending(sources) == 0 { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        service.stop()
        while !workersDone.isSet && control.currentPhase != .aborting {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if workersDone.isSet { await workers.value }
        ticker?.cancel()
        if let problem = await takeDead(tally) { failure = failure ?? problem }
        queued.stillQueued = await pending(sources)

        tally.fill(&report)
        let unread = inputs.count - queued.inputs.count
        report.interrupted = stopping() && (queued.stillQueued > 0 || unread > 0 || queued.inputs.contains(where: \.stoppedEarly))
        let closed = deadLetters.closeAll()
        report.deadLettered = closed.count
        report.deadLetterFiles = closed.paths
        report.lostRecords = closed.lost
        report.fatalError = failure ?? closed.error
        report.queued = queued
        report.elapsed = clock.now - started
        return report
    }

    private func pending(_ sources: Set<String>) async -> Int {
        var total = 0
        for source in sources { total += (try? await queue.pendingCount(sourceID: source)) ?? 0 }
        return total
    }

    /// Moves the dead records of the inputs into their dead-letter files, with the failure this
    /// run saw (kind, code, subscription) or, for a record an earlier run left dead, its reason.
    /// A line that cannot be written is kept by the writer as lost, and the report names it.
    private func takeDead(_ tally: DeliveryTally) async -> String? {
        for input in inputs {
            let writer = deadLetters.writer(forInput: input.path)
            while true {
                let dead: [DeadRecord]
                do { dead = try await queue.takeDead(sourceID: input.sourceID, limit: 500) } catch { return error.description }
                if dead.isEmpty { break }
                for record in dead {
                    let seen = tally.deadFailure(sourceID: input.sourceID, messageID: record.messageID)
                    let failure = seen?.failure ?? RecordFailure(kind: Self.kind(of: record.reason), reason: record.reason)
                    let entry = DeadLetterEntry(failure: failure, subscription: seen?.subscription,
                                                position: FileIntake.position(messageID: record.messageID, path: input.path),
                                                event: Self.deadEvent(record, sourceID: input.sourceID))
                    try? writer.write(entry)
                }
                try? writer.flush()
            }
        }
        return nil
    }

    /// The event of a dead record as its dead-letter line carries it (unwrapped when it was a dead
    /// letter fed back; kept as stored when it is not JSON at all).
    static func deadEvent(_ record: DeadRecord, sourceID: String) -> SourceEvent {
        guard let decoded = try? FilePayload.decode(record.payload, sourceID: sourceID), decoded.only != nil else { return .raw(record.payload[...]) }
        return .value(decoded.event)
    }

    /// The dead-letter kind of a queue record's reason (as ClaimDelivery words them), for records
    /// this run did not see go dead.
    static func kind(of reason: String) -> RecordFailure.Kind {
        if reason.hasPrefix("subscription ") { return .mappingError }
        if reason.hasPrefix("CleverTap code") { return .rejected }
        return .undeliverable
    }
}

/// `deliver`'s counts, from the outcomes the workers write back: per subscription as the report
/// shows them, and the failure of each record that went dead (for its dead-letter line).
final class DeliveryTally: @unchecked Sendable {
    private let lock = NSLock()
    private let sources: Set<String>
    private let indexByID: [String: Int]
    private let counters: DeliveryCounters
    private var subscriptions: [SubscriptionReport]
    private var unmatched = 0
    private var requests = 0
    private var retries = 0
    private var deadFailures: [String: (failure: RecordFailure, subscription: SubscriptionRef?)] = [:]

    init(subscriptions: [DeliverySubscription], sources: Set<String>, counters: DeliveryCounters) {
        self.sources = sources
        self.counters = counters
        self.subscriptions = subscriptions.map(SubscriptionReport.init)
        indexByID = subscriptions.indicesByID
    }

    func add(_ records: [ClaimedRecord], _ outcome: ClaimOutcome) {
        lock.withLock {
            requests += outcome.requests
            retries += outcome.requestRetries
            var touched = Set<Int>()
            var sent = 0
            var failed = 0
            for (row, record) in records.enumerated() where sources.contains(record.sourceID) && row < outcome.details.count {
                let detail = outcome.details[row]
                for result in detail.results { if let index = indexByID[result.subscription.id] { touched.insert(index) } }
                switch outcome.resolutions[row].resolution {
                case .retry, .release:
                    continue  // counted when it is finally delivered or dead
                case .dead:
                    deadFailures[Self.key(record.sourceID, record.messageID)] = detail.failure.map { ($0, detail.failedSubscription) }
                    failed += 1
                case .delivered:
                    sent += 1
                }
                if detail.results.isEmpty && detail.failure == nil { unmatched += 1 }
                for result in detail.results {
                    guard let index = indexByID[result.subscription.id] else { continue }
                    subscriptions[index].matched += 1
                    switch result.result {
                    case .processed:
                        subscriptions[index].sent += 1
                        subscriptions[index].processed += 1
                    case .failed(let failure, let wasSent):
                        if wasSent { subscriptions[index].sent += 1 }
                        subscriptions[index].unprocessed[failure.reportKey, default: 0] += 1
                    case .skipped(let reason):
                        subscriptions[index].skipped[reason, default: 0] += 1
                    }
                }
            }
            for index in touched {
                subscriptions[index].requests += outcome.requests
                subscriptions[index].retries += outcome.requestRetries
            }
            counters.addSent(sent, failed: failed)
        }
    }

    func deadFailure(sourceID: String, messageID: String) -> (failure: RecordFailure, subscription: SubscriptionRef?)? {
        lock.withLock { deadFailures.removeValue(forKey: Self.key(sourceID, messageID)) }
    }

    func fill(_ report: inout DeliveryReport) {
        lock.withLock {
            report.subscriptions = subscriptions
            report.unmatched = unmatched
            report.requests = requests
            report.retries = retries
        }
    }

    private static func key(_ sourceID: String, _ messageID: String) -> String { sourceID + "\u{0}" + messageID }
}
