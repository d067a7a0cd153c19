import Foundation

/// What the reading thread counted.
struct ReadSummary: Sendable {
    struct Counts: Sendable {
        var matched = 0
        var skipped: [SkipReason: Int] = [:]
    }

    var eventsRead = 0
    var bytesRead = 0
    var malformed = 0
    var unmatched = 0
    var emptyValues = 0
    var perSubscription: [Counts]
    var interrupted = false
    var fatalError: String?
}

/// One input item made ready on any thread: its values decoded and every event routed. The part
/// of reading that needs no shared state, so `deliver --dry-run` can do it on every core.
enum PreparedItem: Sendable {
    case idle
    case malformed(position: InputPosition, message: String, raw: [UInt8])
    /// A value's events (or what in it was not an event) and their routes; `byteCount` as read.
    case value(byteCount: Int, events: [Result<RoutedEvent, MalformedInput>])
}

/// Where an event came from and what each matching subscription made of it. The parsed event
/// itself stays (and is freed) on the thread that parsed it: handing its tree back cost the
/// reading thread more than the parse saved.
struct RoutedEvent: Sendable {
    var source: SourceEvent
    var position: InputPosition
    var routes: [RouteResult]
}

/// Decodes and routes items with one router; each worker thread has its own.
struct ItemPreparer {
    let router: any EventRouter
    let indexByID: [String: Int]
    /// What to parse of a one-line event: what the router reads.
    let selection: JSONSelection
    private var decoded: [Result<InputEvent, MalformedInput>] = []

    init(router: any EventRouter) {
        self.router = router
        selection = EventDecoder.selection(reading: router.eventSelection)
        indexByID = Dictionary(router.subscriptions.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { first, _ in first })
    }

    mutating func prepare(_ item: RawInputItem) -> PreparedItem {
        switch item {
        case .idle:
            return .idle
        case .malformed(let position, let message, let raw):
            return .malformed(position: position, message: message, raw: raw)
        case .value(let bytes, let position, let singleLine):
            decoded.removeAll(keepingCapacity: true)
            EventDecoder.decode(bytes: bytes, position: position, singleLine: singleLine, selecting: selection, into: &decoded)
            return .value(byteCount: bytes.count + 1, events: decoded.map { decoded in
                decoded.map { event in
                    var routes: [RouteResult] = []
                    router.route(event.value, only: event.retryOnlySubscriptionID.flatMap { indexByID[$0] }, into: &routes)
                    return RoutedEvent(source: event.source, position: event.position, routes: routes)
                }
            })
        }
    }
}

/// The reading side: inputs -> events -> routed records -> batches -> channel. Runs on its own
/// thread; with `workers` > 1 and a regular file, events are decoded and routed by that many
/// threads of their own (`OrderedWorkers`) and counted, batched and dead-lettered here in input
/// order, so the output is the one-thread output.
struct ReadingLoop: Sendable {
    let inputs: [String]
    let router: any EventRouter
    let limits: BatchLimits
    let channel: BatchChannel
    let deadLetters: DeadLetterFiles
    let control: DeliveryControl
    let counters: DeliveryCounters
    let pollMilliseconds: Int32
    var workers = 1
    var parallelThreshold = 1 << 20

    /// Items a worker gets at once: enough to amortise the hand-off, few enough to keep memory flat.
    static let itemsPerPiece = 256

    func runOnThread() async -> ReadSummary {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: self.run())
            }
            thread.name = "clevertap-deliver-reader"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func run() -> ReadSummary {
        let subscriptions = router.subscriptions
        var summary = ReadSummary(perSubscription: Array(repeating: ReadSummary.Counts(), count: subscriptions.count))
        var batcher = Batcher(limits: limits)
        var preparer = ItemPreparer(router: router)
        var uncounted = 0
        var sinceCheck = 0
        var stopped = false
        let clock = ContinuousClock()

        /// Hands a batch to the senders; if the run was abandoned, dead-letters it instead.
        func hand(_ batch: RecordBatch) {
            if !channel.put(batch) {
                let failure = RecordFailure(kind: .interrupted, reason: "interrupted before this record was sent")
                for entry in batch.entries { deadLetter(failure, subscription: subscriptions[entry.subscription], position: entry.position, event: entry.event, raw: nil, summary: &summary) }
                counters.addFailed(batch.entries.count)
            }
        }

        /// Counts, batches and dead-letters one prepared item; false when the run must stop.
        func consume(_ item: PreparedItem) -> Bool {
            switch item {
            case .idle:
                for batch in batcher.due(now: clock.now) { hand(batch) }
                counters.addEvents(uncounted)
                uncounted = 0
                if control.currentPhase != .running { stopped = true; return false }
                return true
            case .malformed(let position, let message, let raw):
                summary.malformed += 1
                deadLetter(RecordFailure(kind: .malformed, reason: message), subscription: nil, position: position,
                           event: nil, raw: raw, summary: &summary)
                counters.addFailed(1)
            case .value(let byteCount, let events):
                summary.bytesRead += byteCount
                // `[]` or `{"batch": []}`: read, nothing to deliver; counted so the report adds up.
                if events.isEmpty { summary.emptyValues += 1 }
                for result in events {
                    switch result {
                    case .failure(let malformed):
                        summary.malformed += 1
                        deadLetter(RecordFailure(kind: .malformed, reason: malformed.message), subscription: nil,
                                   position: malformed.position, event: nil, raw: malformed.raw, summary: &summary)
                        counters.addFailed(1)
                    case .success(let event):
                        summary.eventsRead += 1
                        uncounted += 1
                        if event.routes.isEmpty { summary.unmatched += 1 }
                        for route in event.routes {
                            switch route {
                            case .record(let subscription, let body):
                                summary.perSubscription[subscription].matched += 1
                                let entry = BatchEntry(subscription: subscription, action: subscriptions[subscription].action,
                                                       body: body, event: event.source, position: event.position)
                                if let full = batcher.add(entry, now: clock.now) { hand(full) }
                            case .skipped(let subscription, let reason, let message):
                                summary.perSubscription[subscription].matched += 1
                                summary.perSubscription[subscription].skipped[reason, default: 0] += 1
                                deadLetter(RecordFailure(kind: reason.failureKind, reason: message),
                                           subscription: subscriptions[subscription], position: event.position,
                                           event: event.source, raw: nil, summary: &summary)
                                counters.addFailed(1)
                            }
                        }
                    }
                }
            }
            // A dead letter that could not be written stops the run: every later one would be lost too.
            if summary.fatalError != nil && deadLetters.hasFailed { return false }
            sinceCheck += 1
            if sinceCheck >= 256 {
                sinceCheck = 0
                counters.addEvents(uncounted)
                uncounted = 0
                if control.currentPhase != .running { stopped = true; return false }
            }
            return true
        }

        inputs: for input in inputs {
            var reader: InputReader
            do throws(InputError) {
                reader = try InputReader(path: input, pollMilliseconds: pollMilliseconds)
            } catch {
                summary.fatalError = summary.fatalError ?? error.description
                continue
            }
            if workers > 1 && reader.isRegularFile(ofAtLeast: parallelThreshold) {
                let (finished, failure) = consumeInParallel(&reader, consume: consume)
                if let failure { summary.fatalError = summary.fatalError ?? failure.description }
                if !finished { break inputs }
                continue
            }
            while true {
                let item: RawInputItem?
                do throws(InputError) { item = try reader.next() } catch {
                    summary.fatalError = summary.fatalError ?? error.description
                    break
                }
                guard let item else { break }
                if !consume(preparer.prepare(item)) { break inputs }
            }
        }
        counters.addEvents(uncounted)
        // What was read is sent (or, if the run is being abandoned, dead-lettered by `hand`).
        for batch in batcher.drain() { hand(batch) }
        channel.close()
        summary.interrupted = stopped
        return summary
    }

    /// Reads `reader` in pieces that `workers` threads prepare, consuming them in input order.
    /// `finished` is false when the run must stop; a read failure ends this input after what was
    /// read before it is consumed.
    private func consumeInParallel(_ reader: inout InputReader,
                                   consume: (PreparedItem) -> Bool) -> (finished: Bool, failure: InputError?) {
        var failure: InputError?
        let router = self.router
        let board = OrderedWorkers<[RawInputItem], [PreparedItem]>(threads: workers) {
            var preparer = ItemPreparer(router: router.forWorker())
            return { items in items.map { preparer.prepare($0) } }
        }
        defer { board.close() }
        var readAll = false
        while true {
            while !readAll && !board.isFull {
                var piece: [RawInputItem] = []
                piece.reserveCapacity(Self.itemsPerPiece)
                while piece.count < Self.itemsPerPiece {
                    let item: RawInputItem?
                    do throws(InputError) { item = try reader.next() } catch {
                        failure = error
                        readAll = true
                        break
                    }
                    guard let item else { readAll = true; break }
                    piece.append(item)
                }
                if !piece.isEmpty { board.submit(piece) }
            }
            guard let prepared = board.takeNext() else { return (true, failure) }
            for item in prepared where !consume(item) { return (false, failure) }
        }
    }

    private func deadLetter(_ failure: RecordFailure, subscription: DeliverySubscription?, position: InputPosition,
                            event: SourceEvent?, raw: [UInt8]?, summary: inout ReadSummary) {
        let writer = deadLetters.writer(forInput: position.source)
        do throws(DeadLetterWriteError) {
            try writer.write(DeadLetterEntry(failure: failure, subscription: subscription, position: position, event: event, raw: raw))
        } catch {
            summary.fatalError = summary.fatalError ?? error.description
        }
    }
}

/// A bounded hand-off from the reading thread (which blocks when it is full: back-pressure) to the
/// async sender loop (which suspends when it is empty).
final class BatchChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var items: [RecordBatch] = []
    private var closed = false
    private var aborted = false
    private var waiter: CheckedContinuation<RecordBatch?, Never>?

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Blocks while full. Returns false (keeping nothing) once the channel was aborted.
    func put(_ batch: RecordBatch) -> Bool {
        condition.lock()
        while items.count >= capacity && !aborted { condition.wait() }
        if aborted {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: batch)
            return true
        }
        items.append(batch)
        condition.unlock()
        return true
    }

    /// No more batches will come.
    func close() {
        condition.lock()
        closed = true
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    /// The next batch, or nil once closed (or aborted) and empty.
    func take() async -> RecordBatch? {
        await withCheckedContinuation { continuation in
            condition.lock()
            if !items.isEmpty {
                let batch = items.removeFirst()
                condition.signal()
                condition.unlock()
                continuation.resume(returning: batch)
                return
            }
            if closed || aborted {
                condition.unlock()
                continuation.resume(returning: nil)
                return
            }
            waiter = continuation
            condition.unlock()
        }
    }

    /// Stops the channel and returns what was queued; blocked and later `put`s return false.
    func abort() -> [RecordBatch] {
        condition.lock()
        aborted = true
        let rest = items
        items = []
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: nil)
        return rest
    }
}
