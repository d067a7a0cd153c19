import Foundation

/// How much may be in flight at once.
public struct DeliveryConcurrency: Sendable, Hashable {
    /// CleverTap's per-account limit for `POST /1/upload`.
    public static let maximumUploads = 15
    /// CleverTap's per-account limit for deletes.
    public static let maximumDeletes = 3

    public var uploads: Int
    public var deletes: Int

    /// `limit`, when given, lowers both (never raises them above CleverTap's limits).
    public init(limit: Int? = nil) {
        uploads = max(1, min(limit ?? Self.maximumUploads, Self.maximumUploads))
        deletes = max(1, min(limit ?? Self.maximumDeletes, Self.maximumDeletes))
    }

    func limit(for endpoint: CleverTapEndpoint) -> Int { endpoint == .upload ? uploads : deletes }
}

/// Ctrl-C for a delivery run: the first interruption stops reading and lets what was read finish;
/// the second abandons what is still in flight (it is dead-lettered as interrupted).
public final class DeliveryControl: @unchecked Sendable {
    public enum Phase: Sendable, Equatable { case running, stopping, aborting }

    private let lock = DeliveryLock()
    private var phase = Phase.running
    let abortSignals: AsyncStream<Void>
    private let abortContinuation: AsyncStream<Void>.Continuation

    public init() {
        (abortSignals, abortContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Escalates: running -> stopping -> aborting. Returns the new phase.
    @discardableResult
    public func interrupt() -> Phase {
        let next: Phase = lock.withLock {
            switch phase {
            case .running: phase = .stopping
            case .stopping, .aborting: phase = .aborting
            }
            return phase
        }
        if next == .aborting { abortContinuation.yield() }
        return next
    }

    public var currentPhase: Phase { lock.withLock { phase } }

    func finish() { abortContinuation.finish() }
}

/// Where dead letters go: one explicit file, or a file beside each input
/// (`<input>.dead-letter.ndjson`; for standard input `stdin.dead-letter.ndjson` in the current
/// directory).
public final class DeadLetterFiles: @unchecked Sendable {
    private let explicitPath: String?
    private let directory: String
    private let lock = DeliveryLock()
    private var writers: [String: DeadLetterWriter] = [:]
    private var order: [String] = []

    public init(explicitPath: String?, currentDirectory: String = FileManager.default.currentDirectoryPath) {
        self.explicitPath = explicitPath
        directory = currentDirectory
    }

    /// The dead-letter path used for events read from `input`.
    public func path(forInput input: String) -> String {
        if let explicitPath { return explicitPath }
        if input == "stdin" || input == "-" { return directory + "/stdin.dead-letter.ndjson" }
        return input + ".dead-letter.ndjson"
    }

    /// Opens the dead-letter file of every input before anything is read or sent: a run that could
    /// not keep its dead letters must not start.
    public func prepare(inputs: [String]) throws(DeadLetterWriteError) {
        for input in inputs { try writer(forInput: input).open() }
    }

    /// Whether a dead letter could not be written: the run stops reading.
    var hasFailed: Bool {
        lock.withLock { order.contains { writers[$0]!.writeFailure != nil } }
    }

    /// The writer of `input`'s dead-letter file (one per path, shared by inputs that share it).
    public func writer(forInput input: String) -> DeadLetterWriter {
        let path = path(forInput: input)
        return lock.withLock {
            if let writer = writers[path] { return writer }
            let writer = DeadLetterWriter(path: path)
            writers[path] = writer
            order.append(path)
            return writer
        }
    }

    /// Closes every file; returns (lines written, paths with lines, first error, records lost).
    public func closeAll() -> (count: Int, paths: [String], error: String?, lost: [LostRecord]) {
        let all = lock.withLock { order.map { writers[$0]! } }
        var count = 0
        var paths: [String] = []
        var firstError: String?
        var lost: [LostRecord] = []
        for writer in all {
            do throws(DeadLetterWriteError) { try writer.close() } catch { firstError = firstError ?? error.description }
            lost += writer.lost
            let written = writer.count
            if written > 0 {
                count += written
                paths.append(writer.path)
            }
        }
        return (count, paths, firstError, lost)
    }
}

/// Everything a delivery run needs besides its inputs.
public struct DeliveryOptions: Sendable {
    public var limits: BatchLimits
    public var concurrency: DeliveryConcurrency
    /// Full batches that may wait for a free sender before reading pauses (back-pressure).
    public var queuedBatches: Int
    /// How long a read from a pipe or terminal may block before batches are checked for flushing.
    public var pollMilliseconds: Int32
    /// One batch at a time across both actions, so output follows input order (dry runs).
    public var sequential: Bool
    /// Threads that decode and route events of a regular file (1: the reading thread alone).
    public var workers: Int
    /// Files smaller than this are read on one thread: starting workers would cost more than it saves.
    var parallelThreshold = 1 << 20

    public init(limits: BatchLimits = BatchLimits(), concurrency: DeliveryConcurrency = DeliveryConcurrency(),
                queuedBatches: Int = 4, pollMilliseconds: Int32 = 200, sequential: Bool = false, workers: Int = 1) {
        self.workers = max(1, workers)
        self.limits = limits
        self.concurrency = concurrency
        self.sequential = sequential
        self.queuedBatches = max(1, queuedBatches)
        self.pollMilliseconds = pollMilliseconds
    }
}

/// Streams events from inputs through a destination's subscriptions into batched requests: what
/// `deliver --dry-run` writes. Sending is not done here: every real delivery goes through the
/// queue and its workers (`QueuedDelivery`, `DeliveryService`), so there is one way of sending.
///
/// Shape: one dedicated thread reads, parses and routes (the hot path, blocking reads never occupy
/// the async pool; with `workers` > 1 a regular file is parsed and routed on that many threads
/// and taken back in input order); full batches pass through a bounded queue, so reading pauses when sending falls
/// behind; a task group sends them with at most the configured number of uploads and deletes in
/// flight. Every record ends processed or in a dead-letter file.
public struct DeliveryEngine: Sendable {
    public let router: any EventRouter
    public let transport: any DeliveryTransport
    public let options: DeliveryOptions
    public let deadLetters: DeadLetterFiles

    public init(router: any EventRouter, transport: any DeliveryTransport, options: DeliveryOptions,
                deadLetters: DeadLetterFiles) {
        self.router = router
        self.transport = transport
        self.options = options
        self.deadLetters = deadLetters
    }

    private enum GroupEvent: Sendable {
        case sent(RecordBatch, BatchOutcome)
        case readerFinished(ReadSummary)
        case abortRequested
        case background
    }

    /// Runs to the end of the inputs (or an interruption) and returns the report.
    /// `inputs` are paths, `-` for standard input. `onProgress` is called a few times a second with
    /// the elapsed time, if given.
    public func run(inputs: [String], control: DeliveryControl = DeliveryControl(), counters: DeliveryCounters = DeliveryCounters(),
                    onProgress: (@Sendable (Duration) -> Void)? = nil) async -> DeliveryReport {
        let clock = ContinuousClock()
        let started = clock.now
        var report = DeliveryReport(dryRun: !transport.sendsForReal, inputs: inputs, subscriptions: router.subscriptions)
        let channel = BatchChannel(capacity: options.queuedBatches)
        let reader = ReadingLoop(inputs: inputs, router: router, limits: options.limits, channel: channel,
                                 deadLetters: deadLetters, control: control, counters: counters,
                                 pollMilliseconds: options.pollMilliseconds, workers: options.workers,
                                 parallelThreshold: options.parallelThreshold)
        let transport = self.transport
        let concurrency = options.concurrency
        let sequential = options.sequential
        var inFlight: [CleverTapEndpoint: Int] = [:]
        var aborted = false
        var summary: ReadSummary?

        await withTaskGroup(of: GroupEvent.self) { group in
            group.addTask { .readerFinished(await reader.runOnThread()) }
            group.addTask {
                for await _ in control.abortSignals { return .abortRequested }
                return .background
            }
            if let onProgress {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(250))
                        if Task.isCancelled { break }
                        onProgress(clock.now - started)
                    }
                    return .background
                }
            }

            func handle(_ event: GroupEvent) {
                switch event {
                case .sent(let batch, let outcome):
                    inFlight[batch.endpoint, default: 0] -= 1
                    account(batch, outcome, into: &report, counters: counters)
                case .readerFinished(let result):
                    summary = result
                case .abortRequested:
                    if !aborted {
                        aborted = true
                        for batch in channel.abort() { deadLetterInterrupted(batch, into: &report, counters: counters) }
                        group.cancelAll()
                    }
                case .background:
                    break
                }
            }

            while !aborted, let batch = await channel.take() {
                while !aborted && (inFlight[batch.endpoint, default: 0] >= concurrency.limit(for: batch.endpoint)
                    || (sequential && inFlight.values.contains { $0 > 0 })) {
                    if let event = await group.next() { handle(event) }
                }
                if aborted {
                    deadLetterInterrupted(batch, into: &report, counters: counters)
                    break
                }
                inFlight[batch.endpoint, default: 0] += 1
                group.addTask { .sent(batch, await transport.send(batch)) }
            }
            // Input is done (or abandoned): wait for the senders and the reader.
            while summary == nil || inFlight.values.contains(where: { $0 > 0 }) {
                guard let event = await group.next() else { break }
                handle(event)
                if summary != nil && aborted { for batch in channel.abort() { deadLetterInterrupted(batch, into: &report, counters: counters) } }
            }
            control.finish()
            group.cancelAll()
        }

        if let summary {
            report.eventsRead = summary.eventsRead
            report.bytesRead = summary.bytesRead
            report.malformed = summary.malformed
            report.unmatched = summary.unmatched
            report.emptyValues = summary.emptyValues
            for (index, counts) in summary.perSubscription.enumerated() {
                report.subscriptions[index].matched += counts.matched
                for (reason, count) in counts.skipped { report.subscriptions[index].skipped[reason, default: 0] += count }
            }
            report.interrupted = summary.interrupted || aborted
            if let error = summary.fatalError { report.fatalError = error }
        }
        let closed = deadLetters.closeAll()
        report.deadLettered = closed.count
        report.deadLetterFiles = closed.paths
        report.lostRecords = closed.lost
        if let error = closed.error { report.fatalError = report.fatalError ?? error }
        report.elapsed = clock.now - started
        return report
    }

    private func account(_ batch: RecordBatch, _ outcome: BatchOutcome, into report: inout DeliveryReport,
                         counters: DeliveryCounters) {
        report.requests += outcome.requests
        report.retries += outcome.retries
        // A flag per subscription, not a set: hashing each record's index cost more than the rest.
        var touched = Array(repeating: false, count: report.subscriptions.count)
        var failed = 0
        // By index, not `for entry in`: a copy of each entry retained its bytes and position.
        for index in batch.entries.indices {
            let subscription = batch.entries[index].subscription
            touched[subscription] = true
            report.subscriptions[subscription].sent += 1
            let result = index < outcome.outcomes.count
                ? outcome.outcomes[index]
                : .failed(RecordFailure(kind: .undeliverable, reason: "no answer for this record in CleverTap's reply"))
            switch result {
            case .processed:
                // A dry run confirms nothing: its records are counted as sent only.
                if transport.sendsForReal { report.subscriptions[subscription].processed += 1 }
            case .failed(let failure):
                failed += 1
                report.subscriptions[subscription].unprocessed[failure.reportKey, default: 0] += 1
                deadLetter(batch.entries[index], failure, into: &report)
            }
        }
        for subscription in touched.indices where touched[subscription] {
            report.subscriptions[subscription].requests += outcome.requests
            report.subscriptions[subscription].retries += outcome.retries
        }
        counters.addSent(batch.entries.count - failed, failed: failed)
    }

    private func deadLetterInterrupted(_ batch: RecordBatch, into report: inout DeliveryReport, counters: DeliveryCounters) {
        let failure = RecordFailure(kind: .interrupted, reason: "interrupted before this record was sent")
        for entry in batch.entries {
            report.subscriptions[entry.subscription].unprocessed[failure.reportKey, default: 0] += 1
            deadLetter(entry, failure, into: &report)
        }
        counters.addFailed(batch.entries.count)
    }

    private func deadLetter(_ entry: BatchEntry, _ failure: RecordFailure, into report: inout DeliveryReport) {
        let writer = deadLetters.writer(forInput: entry.position.source)
        do throws(DeadLetterWriteError) {
            try writer.write(DeadLetterEntry(failure: failure, subscription: router.subscriptions[entry.subscription],
                                             position: entry.position, event: entry.event))
        } catch {
            report.fatalError = report.fatalError ?? error.description
        }
    }
}
