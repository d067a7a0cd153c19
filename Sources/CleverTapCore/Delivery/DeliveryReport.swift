/// What happened to one subscription's events in a delivery run.
public struct SubscriptionReport: Sendable, Hashable {
    public var subscription: DeliverySubscription
    /// Events whose trigger matched (records made plus records skipped).
    public var matched = 0
    /// Records put into requests (for a dry run: written to the request file).
    public var sent = 0
    /// Records CleverTap confirmed.
    public var processed = 0
    /// Records not processed, by CleverTap code (`"515"`), refused request (`"HTTP 401"`), or kind
    /// (`"undeliverable"`, `"interrupted"`).
    public var unprocessed: [String: Int] = [:]
    /// Matched events that made no record, by reason.
    public var skipped: [SkipReason: Int] = [:]
    /// Requests that carried this subscription's records (retries included).
    public var requests = 0
    /// Retries among those requests.
    public var retries = 0

    public init(subscription: DeliverySubscription) {
        self.subscription = subscription
    }

    public var unprocessedTotal: Int { unprocessed.values.reduce(0, +) }
    public var skippedTotal: Int { skipped.values.reduce(0, +) }
}

/// The final account of a delivery run: per subscription and overall.
public struct DeliveryReport: Sendable {
    public var dryRun: Bool
    public var inputs: [String]
    /// Events read (each element of a batch envelope counts).
    public var eventsRead = 0
    /// Bytes read from the inputs.
    public var bytesRead = 0
    /// Input values that were not events (invalid JSON, cut off, not an object).
    public var malformed = 0
    /// Events no enabled subscription's trigger matched (skipped, not dead-lettered).
    public var unmatched = 0
    public var subscriptions: [SubscriptionReport]
    /// All HTTP requests made (retries included) or, for a dry run, written.
    public var requests = 0
    public var retries = 0
    /// Lines written to dead-letter files.
    public var deadLettered = 0
    /// Dead-letter files that received lines.
    public var deadLetterFiles: [String] = []
    /// Records whose dead letter could not be written: they are neither processed nor in a file.
    public var lostRecords: [LostRecord] = []
    /// Input values that were empty arrays or batch envelopes (`[]`, `{"batch": []}`): read, and
    /// holding nothing to deliver.
    public var emptyValues = 0
    /// True when the run was stopped by Ctrl-C before the inputs ended.
    public var interrupted = false
    /// An error that stopped the run (an input that could not be read, a dead-letter file that could
    /// not be written).
    public var fatalError: String?
    public var elapsed: Duration = .zero
    /// Set for a run through the durable queue (every delivery but a dry run).
    public var queued: QueuedRunReport?

    public init(dryRun: Bool, inputs: [String], subscriptions: [DeliverySubscription]) {
        self.dryRun = dryRun
        self.inputs = inputs
        self.subscriptions = subscriptions.map(SubscriptionReport.init)
    }

    /// 0 when everything read was processed (or skipped for want of a matching subscription),
    /// 1 when anything was dead-lettered or the run failed.
    public var exitStatus: Int32 {
        deadLettered > 0 || !lostRecords.isEmpty || fatalError != nil || interrupted || (queued?.stillQueued ?? 0) > 0 ? 1 : 0
    }

    public var eventsPerSecond: Double {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return seconds > 0 ? Double(eventsRead) / seconds : 0
    }

    private var elapsedSeconds: Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The report as JSON (`--json`).
    public var jsonValue: JSONValue {
        var root = JSONObject()
        root["dryRun"] = .bool(dryRun)
        root["inputs"] = .array(inputs.map { .string($0) })
        root["interrupted"] = .bool(interrupted)
        root["events"] = [
            "read": .int(Int64(eventsRead)), "malformed": .int(Int64(malformed)),
            "unmatched": .int(Int64(unmatched)), "empty": .int(Int64(emptyValues)),
        ]
        root["subscriptions"] = .array(subscriptions.map { report in
            var object = JSONObject()
            object["id"] = .string(report.subscription.id)
            object["name"] = .string(report.subscription.name)
            object["action"] = .string(report.subscription.action.rawValue)
            object["matched"] = .int(Int64(report.matched))
            object["sent"] = .int(Int64(report.sent))
            object["processed"] = .int(Int64(report.processed))
            var unprocessed = JSONObject()
            for key in report.unprocessed.keys.sorted() { unprocessed[key] = .int(Int64(report.unprocessed[key]!)) }
            object["unprocessed"] = .object(unprocessed)
            var skipped = JSONObject()
            for reason in SkipReason.allCases { skipped[reason.rawValue] = .int(Int64(report.skipped[reason] ?? 0)) }
            object["skipped"] = .object(skipped)
            object["requests"] = .int(Int64(report.requests))
            object["retries"] = .int(Int64(report.retries))
            return .object(object)
        })
        root["requests"] = .int(Int64(requests))
        root["retries"] = .int(Int64(retries))
        root["deadLettered"] = .int(Int64(deadLettered))
        root["deadLetterFiles"] = .array(deadLetterFiles.map { .string($0) })
        if let fatalError { root["error"] = .string(fatalError) }
        if !lostRecords.isEmpty {
            root["lost"] = .array(lostRecords.map { lost in
                var object = JSONObject()
                object["source"] = lost.position.jsonValue
                object["subscription"] = lost.subscription.map { .string($0) } ?? .null
                object["reason"] = .string(lost.reason)
                return .object(object)
            })
        }
        if let queued { root["queue"] = queued.jsonValue }
        root["elapsedSeconds"] = .double((elapsedSeconds * 1000).rounded() / 1000)
        root["eventsPerSecond"] = .int(Int64(eventsPerSecond.rounded()))
        return .object(root)
    }

    /// The report for people, one block per subscription.
    public var text: String {
        var lines: [String] = []
        let verb = dryRun ? "dry run, nothing sent" : (interrupted ? "interrupted" : "done")
        lines.append("Delivery \(verb): \(Self.grouped(eventsRead)) events read in \(Self.seconds(elapsedSeconds)) (\(Self.grouped(Int(eventsPerSecond.rounded()))) events/s)")
        if let queued { lines += queued.lines }
        if malformed > 0 { lines.append("  malformed input: \(Self.grouped(malformed)) (dead-lettered)") }
        lines.append("  no subscription matched: \(Self.grouped(unmatched)) events (skipped)")
        if emptyValues > 0 { lines.append("  empty arrays or batches: \(Self.grouped(emptyValues)) (nothing to deliver)") }
        for report in subscriptions {
            lines.append("  \(report.subscription.name) [\(report.subscription.action.displayName)]")
            lines.append("    matched \(Self.grouped(report.matched)), \(dryRun ? "would send" : "sent") \(Self.grouped(report.sent))"
                + (dryRun ? "" : ", processed \(Self.grouped(report.processed))")
                + ", requests \(Self.grouped(report.requests)), retries \(Self.grouped(report.retries))")
            if report.unprocessedTotal > 0 {
                let parts = report.unprocessed.keys.sorted().map { "\($0): \(Self.grouped(report.unprocessed[$0]!))" }
                lines.append("    unprocessed \(Self.grouped(report.unprocessedTotal)) (\(parts.joined(separator: ", ")))")
            }
            if report.skippedTotal > 0 {
                let parts = SkipReason.allCases.compactMap { reason in
                    report.skipped[reason].map { "\(reason == .mappingError ? "mapping error" : "validation error"): \(Self.grouped($0))" }
                }
                lines.append("    skipped \(Self.grouped(report.skippedTotal)) (\(parts.joined(separator: ", ")))")
            }
        }
        if deadLettered > 0 {
            lines.append("  dead-lettered: \(Self.grouped(deadLettered)) -> \(deadLetterFiles.joined(separator: ", "))")
            lines.append("  fix them and run deliver again with the dead-letter file as input")
        } else {
            lines.append("  dead-lettered: 0")
        }
        if let fatalError { lines.append("  error: \(fatalError)") }
        if !lostRecords.isEmpty {
            lines.append("  \(Self.grouped(lostRecords.count)) record(s) have no record anywhere (not processed, no dead letter); resend them from the input:")
            for lost in lostRecords { lines.append("    \(lost): \(lost.reason)") }
        }
        if let queued { lines += queued.closingLines }
        return lines.joined(separator: "\n")
    }

    /// `1234567` -> `1,234,567`.
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    static func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)s"
    }
}

/// Live counts for the progress line, shared between the reading thread and the senders.
public final class DeliveryCounters: @unchecked Sendable {
    private let lock = DeliveryLock()
    private var events = 0
    private var sent = 0
    private var failed = 0

    public init() {}

    public func addEvents(_ count: Int) { lock.withLock { events += count } }
    public func addSent(_ count: Int, failed newlyFailed: Int) {
        lock.withLock {
            sent += count
            failed += newlyFailed
        }
    }
    public func addFailed(_ count: Int) { lock.withLock { failed += count } }

    /// (events read, records sent, records failed) at this moment.
    public var snapshot: (events: Int, sent: Int, failed: Int) { lock.withLock { (events, sent, failed) } }

    /// `events 12,345 | sent 12,000 | failed 3 | 45,210 ev/s | 2.7s`
    public func progressLine(elapsed: Duration) -> String {
        let (events, sent, failed) = snapshot
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int((Double(events) / seconds).rounded()) : 0
        return "events \(DeliveryReport.grouped(events)) | sent \(DeliveryReport.grouped(sent)) | failed \(DeliveryReport.grouped(failed)) | \(DeliveryReport.grouped(rate)) ev/s | \(DeliveryReport.seconds(seconds))"
    }
}
