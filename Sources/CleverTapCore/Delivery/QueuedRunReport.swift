/// The part of a delivery report that belongs to a run through the durable queue: where the
/// queue is, how far each input had already been queued by an earlier run, and what is left.
public struct QueuedRunReport: Sendable, Hashable {
    /// One input file (or standard input) of the run.
    public struct Input: Sendable, Hashable {
        public var path: String
        /// Top-level items (lines, array elements, envelopes) skipped: an earlier run queued them.
        public var skipped: Int
        /// An earlier run's progress existed but the file changed: it was read from the start.
        public var restarted: Bool
        /// A signal stopped the reading before the end.
        public var stoppedEarly: Bool

        public init(path: String, skipped: Int, restarted: Bool, stoppedEarly: Bool) {
            self.path = path
            self.skipped = skipped
            self.restarted = restarted
            self.stoppedEarly = stoppedEarly
        }
    }

    /// `sqlite:PATH` or the PostgreSQL URL without its password.
    public var location: String
    public var inputs: [Input] = []
    /// Events of these inputs an earlier run queued and left, delivered (or dead-lettered) now.
    public var carriedOver = 0
    /// Events still in the queue at the end (a signal, or CleverTap still failing): the same
    /// command sends them.
    public var stillQueued = 0

    public init(location: String) {
        self.location = location
    }

    /// Lines for the report, after its header.
    var lines: [String] {
        var lines = ["  queue: \(location)"]
        for input in inputs {
            var notes: [String] = []
            if input.skipped > 0 { notes.append("\(DeliveryReport.grouped(input.skipped)) skipped (queued by an earlier run)") }
            if input.restarted { notes.append("changed since an earlier run: read from the start") }
            if input.stoppedEarly { notes.append("stopped before the end") }
            if !notes.isEmpty { lines.append("  \(input.path): \(notes.joined(separator: ", "))") }
        }
        if carriedOver > 0 { lines.append("  carried over from an earlier run: \(DeliveryReport.grouped(carriedOver)) events") }
        return lines
    }

    /// The closing lines: what is left and how to send it.
    var closingLines: [String] {
        guard stillQueued > 0 else { return [] }
        return ["  still queued: \(DeliveryReport.grouped(stillQueued)) events; run the same command again to send them (nothing already sent is sent again)"]
    }

    var jsonValue: JSONValue {
        var object = JSONObject()
        object["location"] = .string(location)
        object["inputs"] = .array(inputs.map { input in
            var entry = JSONObject()
            entry["file"] = .string(input.path)
            entry["skipped"] = .int(Int64(input.skipped))
            entry["restarted"] = .bool(input.restarted)
            entry["stoppedEarly"] = .bool(input.stoppedEarly)
            return .object(entry)
        })
        object["carriedOver"] = .int(Int64(carriedOver))
        object["stillQueued"] = .int(Int64(stillQueued))
        return .object(object)
    }
}
