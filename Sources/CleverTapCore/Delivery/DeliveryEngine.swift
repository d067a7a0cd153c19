import Foundation

/// Ctrl-C for a delivery run: the first interruption stops reading and lets what was read finish;
/// the second stops waiting for what is still in flight (queued delivery; a dry run has nothing
/// in flight: it writes each request as its batch fills).
public final class DeliveryControl: @unchecked Sendable {
    public enum Phase: Sendable, Equatable { case running, stopping, aborting }

    private let lock = DeliveryLock()
    private var phase = Phase.running

    public init() {}

    /// Escalates: running -> stopping -> aborting. Returns the new phase.
    @discardableResult
    public func interrupt() -> Phase {
        lock.withLock {
            switch phase {
            case .running: phase = .stopping
            case .stopping, .aborting: phase = .aborting
            }
            return phase
        }
    }

    public var currentPhase: Phase { lock.withLock { phase } }
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

/// Everything a dry run needs besides its inputs.
public struct DeliveryOptions: Sendable {
    public var limits: BatchLimits
    /// How long a read from a pipe or terminal may block before batches are checked for flushing.
    public var pollMilliseconds: Int32
    /// Threads that decode and route events of a regular file (1: the reading thread alone).
    public var workers: Int
    /// Files smaller than this are read on one thread: starting workers would cost more than it saves.
    var parallelThreshold = 1 << 20

    public init(limits: BatchLimits = BatchLimits(), pollMilliseconds: Int32 = 200, workers: Int = 1) {
        self.workers = max(1, workers)
        self.limits = limits
        self.pollMilliseconds = pollMilliseconds
    }
}

/// Streams events from inputs through a destination's subscriptions into batched requests: what
/// `deliver --dry-run` writes. Sending is not done here: every real delivery goes through the
/// queue and its workers (`QueuedDelivery`, `DeliveryService`), so there is one way of sending.
///
/// Shape: one dedicated thread reads, parses, routes, batches and writes each request as its batch
/// fills, in input order (`ReadingLoop`; blocking reads never occupy the async pool); with
/// `workers` > 1 a regular file is parsed and routed on that many threads and taken back in
/// input order. Every record ends written or in a dead-letter file.
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

    /// Runs to the end of the inputs (or an interruption) and returns the report.
    /// `inputs` are paths, `-` for standard input. `onProgress` is called a few times a second with
    /// the elapsed time, if given.
    public func run(inputs: [String], control: DeliveryControl = DeliveryControl(), counters: DeliveryCounters = DeliveryCounters(),
                    onProgress: (@Sendable (Duration) -> Void)? = nil) async -> DeliveryReport {
        let clock = ContinuousClock()
        let started = clock.now
        let reader = ReadingLoop(inputs: inputs, router: router, limits: options.limits, transport: transport,
                                 deadLetters: deadLetters, control: control, counters: counters,
                                 pollMilliseconds: options.pollMilliseconds, workers: options.workers,
                                 parallelThreshold: options.parallelThreshold)
        var report = await withTaskGroup(of: Void.self) { group in
            if let onProgress {
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(250))
                        if Task.isCancelled { break }
                        onProgress(clock.now - started)
                    }
                }
            }
            let report = await reader.runOnThread()
            group.cancelAll()
            return report
        }
        let closed = deadLetters.closeAll()
        report.deadLettered = closed.count
        report.deadLetterFiles = closed.paths
        report.lostRecords = closed.lost
        if let error = closed.error { report.fatalError = report.fatalError ?? error }
        report.elapsed = clock.now - started
        return report
    }
}
