#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
    /// Sends one batch and reports every record's fate. Never throws: a failed request is an outcome.
    /// On task cancellation it returns promptly with `.interrupted` failures for unconfirmed records.
    func send(_ batch: RecordBatch) async -> BatchOutcome
    /// Whether records count as delivered (false for a dry run).
    var sendsForReal: Bool { get }
}

/// A byte sink several tasks may write whole lines to (standard output or a file).
public final class LineSink: @unchecked Sendable {
    private let fd: Int32
    private let ownsDescriptor: Bool
    private let lock = DeliveryLock()
    private var buffer: [UInt8] = []
    private var failure: String?

    /// Standard output.
    public static func standardOutput() -> LineSink { LineSink(fd: STDOUT_FILENO, owns: false) }

    /// A file created (or truncated) with mode 0600: request bodies carry personal data.
    public static func file(_ path: String) throws(OutputError) -> LineSink {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if fd < 0 {
            throw OutputError(target: path, reason: "cannot create for writing: \(String(cString: strerror(errno)))")
        }
        return LineSink(fd: fd, owns: true)
    }

    init(fd: Int32, owns: Bool) {
        self.fd = fd
        ownsDescriptor = owns
        buffer.reserveCapacity(1 << 20)
    }

    deinit {
        flush()
        if ownsDescriptor { close(fd) }
    }

    /// Appends `line` plus a newline. A long line (a dry run's request) is written as it is,
    /// after what is buffered, rather than copied into the buffer first.
    public func writeLine(_ line: [UInt8]) {
        lock.withLock {
            if line.count >= 1 << 16 {
                flushLocked()
                if failure == nil { failure = writeAll(fd: fd, line) }
                buffer.append(0x0A)  // goes out first with what is written next
                return
            }
            buffer.append(contentsOf: line)
            buffer.append(0x0A)
            if buffer.count >= 1 << 20 { flushLocked() }
        }
    }

    /// Writes out what is buffered. Returns the first write error seen, if any.
    @discardableResult
    public func flush() -> String? {
        lock.withLock {
            flushLocked()
            return failure
        }
    }

    private func flushLocked() {
        if !buffer.isEmpty, failure == nil {
            failure = writeAll(fd: fd, buffer)
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Writes all of `bytes`, retrying short writes; returns an error text on failure.
func writeAll(fd: Int32, _ bytes: [UInt8]) -> String? {
    var offset = 0
    while offset < bytes.count {
        let written = bytes.withUnsafeBufferPointer { pointer in
            write(fd, pointer.baseAddress! + offset, bytes.count - offset)
        }
        if written < 0 {
            if errno == EINTR { continue }
            return String(cString: strerror(errno))
        }
        offset += written
    }
    return nil
}

/// Sends nothing: writes each request that would be made as one NDJSON line
/// `{"method":"POST","path":"/1/upload","records":N,"body":{...}}` so it can be inspected and diffed.
public struct DryRunTransport: DeliveryTransport {
    public let sink: LineSink

    public init(sink: LineSink) {
        self.sink = sink
    }

    public var sendsForReal: Bool { false }

    public func send(_ batch: RecordBatch) async -> BatchOutcome {
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
