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

/// A record that is neither processed nor in a dead-letter file, because writing its dead letter
/// failed: where it came from and why it was being dead-lettered, for the final report.
public struct LostRecord: Sendable, Hashable, CustomStringConvertible {
    public var position: InputPosition
    public var subscription: String?
    public var reason: String

    /// `events.ndjson:12`, plus ` (User Upload)` when a subscription's record was lost.
    public var description: String {
        position.description + (subscription.map { " (\($0))" } ?? "")
    }
}

/// Appends dead-letter lines to a file, mode 0600 because events carry personal data. Existing
/// content is kept: earlier runs' dead letters are never overwritten.
///
/// Each entry is written through as it occurs (one `write` of a whole line, on an `O_APPEND`
/// descriptor), so a signal or crash loses nothing already dead-lettered. `open()` creates the
/// file up front, so a run can refuse to start when it could not keep its dead letters; a file it
/// created and never wrote is removed again by `close()`, so a clean run leaves no file. After a
/// failed write (disk full, `ulimit -f`) the partial line is cut off again, nothing more is
/// written, and every entry from then on is kept in `lost` for the report. Safe to use from the
/// reading thread and sender tasks.
public final class DeadLetterWriter: @unchecked Sendable {
    public let path: String
    private let lock = DeliveryLock()
    private var fd: Int32 = -1
    private var created = false
    private var written = 0
    private var failure: DeadLetterWriteError?
    private var lostRecords: [LostRecord] = []
    private var line: [UInt8] = []

    public init(path: String) {
        self.path = path
    }

    deinit {
        _ = try? close()
    }

    /// Entries on disk so far.
    public var count: Int { lock.withLock { written } }

    /// Entries that could not be written: these records have no record anywhere.
    public var lost: [LostRecord] { lock.withLock { lostRecords } }

    /// The first write failure, if any.
    public var writeFailure: DeadLetterWriteError? { lock.withLock { failure } }

    /// Opens (creating, 0600) the file; throws when it cannot be, before anything is sent.
    public func open() throws(DeadLetterWriteError) {
        let result: DeadLetterWriteError? = lock.withLock {
            openLocked()
            return failure
        }
        if let result { throw result }
    }

    /// Writes one entry through to the file.
    public func write(_ entry: DeadLetterEntry) throws(DeadLetterWriteError) {
        let result: DeadLetterWriteError? = lock.withLock {
            if failure == nil { openLocked() }
            if failure == nil {
                line.removeAll(keepingCapacity: true)
                entry.write(into: &line)
                line.append(0x0A)
                let start = lseek(fd, 0, SEEK_END)
                if let error = writeAll(fd: fd, line) {
                    failure = DeadLetterWriteError(path: path, message: error)
                    // Cut a partial line off again: the file stays valid NDJSON for `deliver`.
                    if start >= 0 { _ = ftruncate(fd, start) }
                } else {
                    written += 1
                }
            }
            if failure != nil {
                lostRecords.append(LostRecord(position: entry.position, subscription: entry.subscription?.name,
                                              reason: entry.failure.reason))
            }
            return failure
        }
        if let result { throw result }
    }

    /// Everything is written as it occurs; kept for callers that flush before reporting.
    public func flush() throws(DeadLetterWriteError) {
        if let result = writeFailure { throw result }
    }

    /// Syncs to disk and closes the file (removing it if this writer created it and wrote nothing).
    public func close() throws(DeadLetterWriteError) {
        let result: DeadLetterWriteError? = lock.withLock {
            if fd >= 0 {
                if written > 0, fsync(fd) != 0, failure == nil, errno != EINVAL {
                    failure = DeadLetterWriteError(path: path, message: String(cString: strerror(errno)))
                }
                closeDescriptor(fd)
                fd = -1
                if created && written == 0 { _ = unlink(path) }
            }
            return failure
        }
        if let result { throw result }
    }

    private func openLocked() {
        guard fd < 0, failure == nil else { return }
        var info = stat()
        let existed = stat(path, &info) == 0
        if existed && (info.st_mode & S_IFMT) == S_IFDIR {
            failure = DeadLetterWriteError(path: path, message: "it is a directory")
            return
        }
        fd = openDescriptor(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0 {
            failure = DeadLetterWriteError(path: path, message: String(cString: strerror(errno)))
            return
        }
        created = !existed
    }
}

// File-scope wrappers: inside the writer, `open` and `close` name its own methods.
private func openDescriptor(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 {
    open(path, flags, mode)
}

private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
