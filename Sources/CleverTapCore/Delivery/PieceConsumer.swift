/// The reading thread's side of a dry run, in input order: counts prepared pieces, batches their
/// records, hands full batches to the senders and dead-letters what cannot be sent. A struct the
/// loop owns (not closures over its variables), so its state is plain stored properties.
struct PieceConsumer {
    let subscriptions: [DeliverySubscription]
    let channel: BatchChannel
    let deadLetters: DeadLetterFiles
    let control: DeliveryControl
    let counters: DeliveryCounters
    private(set) var summary: ReadSummary
    private var batcher: Batcher
    private var uncounted = 0
    private var sinceCheck = 0
    /// Reading stopped because the run was interrupted.
    private var stopped = false

    init(subscriptions: [DeliverySubscription], limits: BatchLimits, channel: BatchChannel, deadLetters: DeadLetterFiles,
         control: DeliveryControl, counters: DeliveryCounters) {
        self.subscriptions = subscriptions
        self.channel = channel
        self.deadLetters = deadLetters
        self.control = control
        self.counters = counters
        summary = ReadSummary(perSubscription: Array(repeating: ReadSummary.Counts(), count: subscriptions.count))
        batcher = Batcher(limits: limits)
    }

    /// Records a failure that ends an input (or the run) in the report.
    mutating func fail(_ message: String) {
        summary.fatalError = summary.fatalError ?? message
    }

    /// Every item of `piece` in order; false when the run must stop.
    mutating func consume(_ piece: PreparedPiece) -> Bool {
        for item in piece.items where !consume(item, of: piece) { return false }
        return true
    }

    /// What was read is sent (or, if the run is being abandoned, dead-lettered), and no more
    /// batches will come.
    mutating func finish() -> ReadSummary {
        counters.addEvents(uncounted)
        uncounted = 0
        for batch in batcher.drain() { hand(batch) }
        channel.close()
        summary.interrupted = stopped
        return summary
    }

    /// Counts, batches and dead-letters one prepared item of `piece`; false when the run must stop.
    private mutating func consume(_ item: PreparedPiece.Item, of piece: PreparedPiece) -> Bool {
        switch item {
        case .idle:
            for batch in batcher.due(now: ContinuousClock.now) { hand(batch) }
            counters.addEvents(uncounted)
            uncounted = 0
            return isRunning()
        case .malformed(let position, let message, let raw):
            summary.malformed += 1
            deadLetter(RecordFailure(kind: .malformed, reason: message), subscription: nil, position: position, event: nil, raw: raw)
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
                               position: malformed.position, event: nil, raw: malformed.raw)
                    counters.addFailed(1)
                case .success(let event):
                    summary.eventsRead += 1
                    uncounted += 1
                    if event.routes.isEmpty { summary.unmatched += 1 }
                    for route in event.routes {
                        consume(piece.routes[route], of: event, bodies: piece.bodies)
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
            return isRunning()
        }
        return true
    }

    /// Whether reading goes on: false once the run is interrupted.
    private mutating func isRunning() -> Bool {
        if control.currentPhase != .running { stopped = true }
        return !stopped
    }

    /// One subscription's result for `event`: a record joins its batch, a skip is dead-lettered.
    private mutating func consume(_ route: RouteResult, of event: RoutedEvent, bodies: [UInt8]) {
        switch route {
        case .record(let subscription, let body):
            summary.perSubscription[subscription].matched += 1
            let entry = BatchEntry(subscription: subscription, action: subscriptions[subscription].action,
                                   body: bodies[body], event: event.source, position: event.position)
            if let full = batcher.add(entry, now: ContinuousClock.now) { hand(full) }
        case .skipped(let subscription, let reason, let message):
            summary.perSubscription[subscription].matched += 1
            summary.perSubscription[subscription].skipped[reason, default: 0] += 1
            deadLetter(RecordFailure(kind: reason.failureKind, reason: message), subscription: subscriptions[subscription],
                       position: event.position, event: event.source, raw: nil)
            counters.addFailed(1)
        }
    }

    /// Hands a batch to the senders; if the run was abandoned, dead-letters it instead.
    private mutating func hand(_ batch: RecordBatch) {
        guard !channel.put(batch) else { return }
        let failure = RecordFailure(kind: .interrupted, reason: "interrupted before this record was sent")
        for entry in batch.entries {
            deadLetter(failure, subscription: subscriptions[entry.subscription], position: entry.position, event: entry.event, raw: nil)
        }
        counters.addFailed(batch.entries.count)
    }

    private mutating func deadLetter(_ failure: RecordFailure, subscription: DeliverySubscription?, position: InputPosition,
                                     event: SourceEvent?, raw: [UInt8]?) {
        let writer = deadLetters.writer(forInput: position.source)
        do throws(DeadLetterWriteError) {
            try writer.write(DeadLetterEntry(failure: failure, subscription: subscription, position: position, event: event, raw: raw))
        } catch {
            fail(error.description)
        }
    }
}
