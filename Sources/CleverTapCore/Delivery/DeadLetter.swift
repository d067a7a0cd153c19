#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One record (or unreadable input) that was not processed, with why and where it came from.
///
/// Written as one NDJSON line:
/// `{"reason":"...","kind":"rejected","code":515,"subscription":"User Upload","subscriptionId":"...",
/// "action":"userUpload","source":{"file":"events.ndjson","line":12},"event":{...}}`.
/// Unreadable input has `"raw":"<the text>"` instead of `"event"`. `deliver` accepts such lines as
/// input again: it takes `event` (or re-reads `raw`) and retries only the named subscription.
public struct DeadLetterEntry: Sendable {
    public var failure: RecordFailure
    public var subscription: DeliverySubscription?
    public var position: InputPosition
    public var event: SourceEvent?
    public var raw: [UInt8]?

    public init(failure: RecordFailure, subscription: DeliverySubscription?, position: InputPosition,
                event: SourceEvent?, raw: [UInt8]? = nil) {
        self.failure = failure
        self.subscription = subscription
        self.position = position
        self.event = event
        self.raw = raw
    }

    /// Appends the entry as one JSON line (without the newline).
    public func write(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"reason":"#.utf8)
        JSONWriter.writeString(failure.reason, into: &out)
        out.append(contentsOf: #","kind":"#.utf8)
        JSONWriter.writeString(failure.kind.rawValue, into: &out)
        out.append(contentsOf: #","code":"#.utf8)
        if let code = failure.code { JSONWriter.writeInteger(Int64(code), into: &out) } else { out.append(contentsOf: "null".utf8) }
        if let subscription {
            out.append(contentsOf: #","subscription":"#.utf8)
            JSONWriter.writeString(subscription.name, into: &out)
            out.append(contentsOf: #","subscriptionId":"#.utf8)
            JSONWriter.writeString(subscription.id, into: &out)
            out.append(contentsOf: #","action":"#.utf8)
            JSONWriter.writeString(subscription.action.rawValue, into: &out)
        }
        out.append(contentsOf: #","source":"#.utf8)
        JSONWriter.write(position.jsonValue, into: &out)
        if let event {
            out.append(contentsOf: #","event":"#.utf8)
            event.write(into: &out)
        } else {
            out.append(contentsOf: #","raw":"#.utf8)
            JSONWriter.writeString(String(decoding: raw ?? [], as: UTF8.self), into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

/// A dead-letter file could not be written: records would be lost, so this stops the run.
public struct DeadLetterWriteError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "cannot write the dead-letter file \(path): \(message)" }
}

/// Appends dead-letter lines to a file, created on the first entry (so a clean run leaves no
/// file) with mode 0600 because events carry personal data. Existing content is kept: earlier
/// runs' dead letters are never overwritten. Safe to use from the reading thread and sender tasks.
public final class DeadLetterWriter: @unchecked Sendable {
    public let path: String
    private let lock = DeliveryLock()
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var written = 0
    private var failure: DeadLetterWriteError?

    public init(path: String) {
        self.path = path
    }

    deinit {
        _ = try? close()
    }

    /// Entries accepted so far.
    public var count: Int { lock.withLock { written } }

    /// Queues one entry; writes through once 64 KiB are buffered.
    public func write(_ entry: DeadLetterEntry) throws(DeadLetterWriteError) {
        let result: DeadLetterWriteError? = lock.withLock {
            entry.write(into: &buffer)
            buffer.append(0x0A)
            written += 1
            if buffer.count >= 64 * 1024 { flushLocked() }
            return failure
        }
        if let result { throw result }
    }

    /// Writes out everything buffered.
    public func flush() throws(DeadLetterWriteError) {
        let result: DeadLetterWriteError? = lock.withLock {
            flushLocked()
            return failure
        }
        if let result { throw result }
    }

    /// Flushes, syncs to disk and closes the file.
    public func close() throws(DeadLetterWriteError) {
        let result: DeadLetterWriteError? = lock.withLock {
            flushLocked()
            if fd >= 0 {
                if fsync(fd) != 0 && failure == nil {
                    failure = DeadLetterWriteError(path: path, message: String(cString: strerror(errno)))
                }
                closeDescriptor(fd)
                fd = -1
            }
            return failure
        }
        if let result { throw result }
    }

    private func flushLocked() {
        guard !buffer.isEmpty, failure == nil else { return }
        if fd < 0 {
            fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
            if fd < 0 {
                failure = DeadLetterWriteError(path: path, message: String(cString: strerror(errno)))
                return
            }
        }
        if let error = writeAll(fd: fd, buffer) {
            failure = DeadLetterWriteError(path: path, message: error)
            return
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
