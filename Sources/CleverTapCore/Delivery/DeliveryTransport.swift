/// Why a record was not processed, in the words the report and the dead-letter file use.
public struct RecordFailure: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// The input was not an event (invalid JSON, not an object, cut off).
        case malformed
        /// The subscription's mapping failed on the event.
        case mappingError
        /// The mapped record broke the action's rules.
        case validationError
        /// CleverTap answered and refused this record (a per-record code such as 515).
        case rejected
        /// The request could not be completed (retries exhausted, bad credentials, unreachable).
        case undeliverable
        /// The run was interrupted before the record was confirmed.
        case interrupted
    }

    public var kind: Kind
    /// CleverTap's per-record code (`rejected`), or the HTTP status of a refused request.
    public var code: Int?
    /// What happened, for a person.
    public var reason: String

    public init(kind: Kind, code: Int? = nil, reason: String) {
        self.kind = kind
        self.code = code
        self.reason = reason
    }

    /// The key the report counts this failure under: the CleverTap code (`"515"`), or
    /// `"HTTP 401"`, or the kind (`"undeliverable"`, `"interrupted"`).
    public var reportKey: String {
        switch kind {
        case .rejected: return code.map(String.init) ?? "rejected"
        case .undeliverable: return code.map { "HTTP \($0)" } ?? "undeliverable"
        default: return kind.rawValue
        }
    }
}

/// What happened to one record of a batch.
public enum DeliveryOutcome: Sendable, Hashable {
    case processed
    case failed(RecordFailure)
}

/// The answer to one batch: one outcome per entry (same order), and what it cost.
public struct BatchOutcome: Sendable {
    public var outcomes: [DeliveryOutcome]
    /// HTTP requests made, retries included.
    public var requests: Int
    /// Attempts beyond the first.
    public var retries: Int

    public init(outcomes: [DeliveryOutcome], requests: Int, retries: Int) {
        self.outcomes = outcomes
        self.requests = requests
        self.retries = retries
    }

    /// Every record failed the same way (the request as a whole failed).
    public static func allFailed(_ count: Int, _ failure: RecordFailure, requests: Int, retries: Int) -> BatchOutcome {
        BatchOutcome(outcomes: Array(repeating: .failed(failure), count: count), requests: requests, retries: retries)
    }
}

/// Where the engine's batches go: the request file of a dry run (`DryRunTransport`).
public protocol DeliveryTransport: Sendable {
    /// Sends one batch and reports every record's fate. Called on the reading thread, one batch
    /// at a time in input order, so it must not wait on anything slow. Never throws: a failed
    /// request is an outcome.
    func send(_ batch: RecordBatch) -> BatchOutcome
    /// Whether records count as delivered (false for a dry run).
    var sendsForReal: Bool { get }
}

/// Sends nothing: writes each request that would be made as one NDJSON line
/// `{"method":"POST","path":"/1/upload","records":N,"body":{...}}` so it can be inspected and diffed.
public struct DryRunTransport: DeliveryTransport {
    public let sink: LineSink

    public init(sink: LineSink) {
        self.sink = sink
    }

    public var sendsForReal: Bool { false }

    public func send(_ batch: RecordBatch) -> BatchOutcome {
        var line: [UInt8] = []
        line.reserveCapacity(batch.entries.count * 256 + 64)
        line.append(contentsOf: #"{"method":"POST","path":""#.utf8)
        line.append(contentsOf: batch.endpoint.path.utf8)
        line.append(contentsOf: #"","records":"#.utf8)
        JSONWriter.writeInteger(Int64(batch.entries.count), into: &line)
        line.append(contentsOf: #","body":"#.utf8)
        batch.writeBody(into: &line)
        line.append(UInt8(ascii: "}"))
        sink.writeLine(line)
        return BatchOutcome(outcomes: Array(repeating: .processed, count: batch.entries.count), requests: 1, retries: 0)
    }
}
