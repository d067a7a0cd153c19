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
    /// Bytes of whole lines a worker gets at once from a regular file (about a thousand events).
    static let blockBytes = 256 << 10

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

        /// Counts, batches and dead-letters one prepared item of `piece`; false when the run must stop.
        func consume(_ item: PreparedPiece.Item, of piece: PreparedPiece) -> Bool {
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
                for index in events {
                    switch piece.events[index] {
                    case .failure(let malformed):
                        summary.malformed += 1
                        deadLetter(RecordFailure(kind: .malformed, reason: malformed.message), subscription: nil,
                                   position: malformed.position, event: nil, raw: malformed.raw, summary: &summary)
                        counters.addFailed(1)
                    case .success(let event):
                        summary.eventsRead += 1
                        uncounted += 1
                        if event.routes.isEmpty { summary.unmatched += 1 }
                        for route in piece.routes[event.routes] {
                            switch route {
                            case .record(let subscription, let body):
                                summary.perSubscription[subscription].matched += 1
                                let entry = BatchEntry(subscription: subscription, action: subscriptions[subscription].action,
                                                       body: piece.bodies[body], event: event.source, position: event.position)
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

        /// Every item of `piece` in order; false when the run must stop.
        func consume(_ piece: PreparedPiece) -> Bool {
            for item in piece.items where !consume(item, of: piece) { return false }
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
            // A regular file of NDJSON is handed over in blocks of lines (no copy per line);
            // anything else (a pipe, a terminal, a JSON document) item by item.
            var inBlocks = false
            if reader.isRegularFile(ofAtLeast: 0) {
                do throws(InputError) { inBlocks = try reader.determineLayout() != .document } catch {
                    summary.fatalError = summary.fatalError ?? error.description
                    continue
                }
            }
            if workers > 1 && reader.isRegularFile(ofAtLeast: parallelThreshold) {
                let (finished, failure) = consumeInParallel(&reader, inBlocks: inBlocks, consume: consume)
                if let failure { summary.fatalError = summary.fatalError ?? failure.description }
                if !finished { break inputs }
                continue
            }
            while true {
                let next = Self.nextPiece(of: &reader, inBlocks: inBlocks)
                if let piece = next.piece, !consume(preparer.prepare(piece)) { break inputs }
                if let failure = next.failure { summary.fatalError = summary.fatalError ?? failure.description }
                if next.ended { break }
            }
        }
        counters.addEvents(uncounted)
        // What was read is sent (or, if the run is being abandoned, dead-lettered by `hand`).
        for batch in batcher.drain() { hand(batch) }
        channel.close()
        summary.interrupted = stopped
        return summary
    }

    /// The next piece of `reader`'s input: a block of whole lines (`inBlocks`), or at most
    /// `itemsPerPiece` items ending after an `.idle` (the reader would wait: what was read is
    /// handled now, so a slow stream still flows). `ended` at the end of the input or at a read
    /// failure, which ends it after what was read before it.
    static func nextPiece(of reader: inout InputReader, inBlocks: Bool) -> (piece: InputPiece?, ended: Bool, failure: InputError?) {
        if inBlocks {
            do throws(InputError) {
                guard let block = try reader.nextBlock(minimumBytes: blockBytes) else { return (nil, true, nil) }
                return (.lines(block: block.bytes, firstLine: block.firstLine, source: reader.source), false, nil)
            } catch {
                return (nil, true, error)
            }
        }
        var items: [RawInputItem] = []
        items.reserveCapacity(itemsPerPiece)
        var ended = false
        var failure: InputError?
        while items.count < itemsPerPiece {
            let item: RawInputItem?
            do throws(InputError) { item = try reader.next() } catch {
                failure = error
                ended = true
                break
            }
            guard let item else { ended = true; break }
            items.append(item)
            if case .idle = item { break }
        }
        return (items.isEmpty ? nil : .items(items), ended, failure)
    }

    /// Reads `reader` in pieces that `workers` threads prepare, consuming them in input order.
    /// `finished` is false when the run must stop; a read failure ends this input after what was
    /// read before it is consumed.
    private func consumeInParallel(_ reader: inout InputReader, inBlocks: Bool,
                                   consume: (PreparedPiece) -> Bool) -> (finished: Bool, failure: InputError?) {
        var failure: InputError?
        let router = self.router
        let board = OrderedWorkers<InputPiece, PreparedPiece>(threads: workers) {
            var preparer = ItemPreparer(router: router.forWorker())
            return { input in preparer.prepare(input) }
        }
        defer { board.close() }
        var readAll = false
        while true {
            while !readAll && !board.isFull {
                let next = Self.nextPiece(of: &reader, inBlocks: inBlocks)
                if let piece = next.piece { board.submit(piece) }
                if let error = next.failure { failure = error }
                readAll = next.ended
            }
            guard let prepared = board.takeNext() else { return (true, failure) }
            if !consume(prepared) { return (false, failure) }
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
