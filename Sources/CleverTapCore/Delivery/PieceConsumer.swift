/// The reading thread's side of a dry run, in input order: counts prepared pieces, batches their
/// records, writes each full batch's request (`DeliveryTransport.send`) and dead-letters what
/// cannot be sent. A struct the loop owns (not closures over its variables), so its state is plain
/// stored properties.
///
/// Writing here, on the thread that batches, rather than handing batches to an async sender:
/// a dry run writes one request at a time in input order anyway, and the hand-off cost two thread
/// wake-ups per batch and a fourth busy thread on a two-core machine (README, "Speed").
struct PieceConsumer {
    let subscriptions: [DeliverySubscription]
    let transport: any DeliveryTransport
    let deadLetters: DeadLetterFiles
    let control: DeliveryControl
    let counters: DeliveryCounters
    /// What was read, sent and skipped so far; dead letters and timing are the engine's to add.
    private(set) var report: DeliveryReport
    private var batcher: Batcher
    private var uncounted = 0
    private var sinceCheck = 0
    /// Reading stopped because the run was interrupted.
    private var stopped = false

    init(inputs: [String], subscriptions: [DeliverySubscription], limits: BatchLimits, transport: any DeliveryTransport,
         deadLetters: DeadLetterFiles, control: DeliveryControl, counters: DeliveryCounters) {
        self.subscriptions = subscriptions
        self.transport = transport
        self.deadLetters = deadLetters
        self.control = control
        self.counters = counters
        report = DeliveryReport(dryRun: !transport.sendsForReal, inputs: inputs, subscriptions: subscriptions)
        batcher = Batcher(limits: limits)
    }

    /// Records a failure that ends an input (or the run) in the report.
    mutating func fail(_ message: String) {
        report.fatalError = report.fatalError ?? message
    }

    /// Every item of `piece` in order; false when the run must stop.
    mutating func consume(_ piece: PreparedPiece) -> Bool {
        for item in piece.items where !consume(item, of: piece) { return false }
        return true
    }

    /// What was read is sent, and the report of the reading and sending is complete.
    mutating func finish() -> DeliveryReport {
        counters.addEvents(uncounted)
        uncounted = 0
        for batch in batcher.drain() { send(batch) }
        report.interrupted = stopped
        return report
    }

    /// Counts, batches and dead-letters one prepared item of `piece`; false when the run must stop.
    private mutating func consume(_ item: PreparedPiece.Item, of piece: PreparedPiece) -> Bool {
        switch item {
        case .idle:
            for batch in batcher.due(now: ContinuousClock.now) { send(batch) }
            counters.addEvents(uncounted)
            uncounted = 0
            return isRunning()
        case .malformed(let position, let message, let raw):
            report.malformed += 1
            deadLetter(RecordFailure(kind: .malformed, reason: message), subscription: nil, position: position, event: nil, raw: raw)
            counters.addFailed(1)
        case .value(let byteCount, let events):
            report.bytesRead += byteCount
            // `[]` or `{"batch": []}`: read, nothing to deliver; counted so the report adds up.
            if events.isEmpty { report.emptyValues += 1 }
            for index in events {
                switch piece.events[index] {
                case .failure(let malformed):
                    report.malformed += 1
                    deadLetter(RecordFailure(kind: .malformed, reason: malformed.message), subscription: nil,
                               position: malformed.position, event: nil, raw: malformed.raw)
                    counters.addFailed(1)
                case .success(let event):
                    report.eventsRead += 1
                    uncounted += 1
                    if event.routes.isEmpty { report.unmatched += 1 }
                    for route in event.routes {
                        consume(piece.routes[route], of: event, bodies: piece.bodies)
                    }
                }
            }
        }
        // A dead letter that could not be written stops the run: every later one would be lost too.
        if report.fatalError != nil && deadLetters.hasFailed { return false }
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
            report.subscriptions[subscription].matched += 1
            let entry = BatchEntry(subscription: subscription, action: subscriptions[subscription].action,
                                   body: bodies[body], event: event.source, position: event.position)
            if let full = batcher.add(entry, now: ContinuousClock.now) { send(full) }
        case .skipped(let subscription, let reason, let message):
            report.subscriptions[subscription].matched += 1
            report.subscriptions[subscription].skipped[reason, default: 0] += 1
            deadLetter(RecordFailure(kind: reason.failureKind, reason: message), subscription: subscriptions[subscription],
                       position: event.position, event: event.source, raw: nil)
            counters.addFailed(1)
        }
    }

    /// Writes `batch`'s request and counts what became of each of its records.
    private mutating func send(_ batch: RecordBatch) {
        let outcome = transport.send(batch)
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
                let entry = batch.entries[index]
                deadLetter(failure, subscription: subscriptions[subscription], position: entry.position, event: entry.event, raw: nil)
            }
        }
        for subscription in touched.indices where touched[subscription] {
            report.subscriptions[subscription].requests += outcome.requests
            report.subscriptions[subscription].retries += outcome.retries
        }
        counters.addSent(batch.entries.count - failed, failed: failed)
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
