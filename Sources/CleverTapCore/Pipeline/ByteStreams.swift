#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read or write on a file descriptor failed.
public struct StreamIOError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var code: Int32
    /// The words of a reader that said it itself (deliver's `EventInputReader`), used as they are.
    public var detail: String?

    public init(operation: String, code: Int32, detail: String? = nil) {
        self.operation = operation
        self.code = code
        self.detail = detail
    }

    /// A failure of `EventInputReader` (which `map` uses to tell the input's layout), in its words.
    public init(reading error: EventInputError) {
        self.init(operation: "read", code: EIO, detail: error.message)
    }

    public var description: String {
        detail ?? "\(operation) failed: \(String(cString: strerror(code)))"
    }
}

/// Reads a file descriptor in large chunks and hands out its lines as byte buffers, without
/// copying them or decoding text (NDJSON streams of millions of events stay flat in memory).
public struct ByteLineReader: ~Copyable {
    private let descriptor: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var reachedEnd = false
    /// 1-based number of the line last returned.
    public private(set) var lineNumber = 0

    /// `prefix` holds bytes already read from `descriptor` (by a reader that looked at the start).
    public init(descriptor: Int32, chunkSize: Int = 1 << 20, prefix: [UInt8] = []) {
        self.descriptor = descriptor
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 64, prefix.count * 2), alignment: 16)
        if !prefix.isEmpty {
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            end = prefix.count
        }
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with each line (without its `\n`, and without a `\r` before it) until the
    /// input ends; a last line without a newline is included. The buffer is valid only inside
    /// `body`. `beforeReading` runs whenever every line read so far has been handed out and the
    /// reader is about to read (and perhaps wait) again: the moment to flush output, so answers
    /// to lines typed at a terminal or trickling through a pipe appear at once.
    public mutating func forEachLine(beforeReading: () throws(StreamIOError) -> Void = {},
                                     _ body: (UnsafeBufferPointer<UInt8>, Int) throws(StreamIOError) -> Void) throws(StreamIOError) {
        while true {
            // Hand out every complete line in the buffer.
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            while start < end {
                guard let newline = memchr(base + start, 0x0A, end - start) else { break }
                let lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                lineNumber += 1
                try body(Self.line(base, from: start, to: Self.contentEnd(base, start: start, lineEnd: lineEnd), number: lineNumber),
                         lineNumber)
                start = lineEnd + 1
            }
            if reachedEnd {
                if start < end {
                    lineNumber += 1
                    try body(Self.line(base, from: start, to: Self.contentEnd(base, start: start, lineEnd: end), number: lineNumber),
                             lineNumber)
                }
                start = end
                return
            }
            try beforeReading()
            try refill()
        }
    }

    /// The line's bytes; a UTF-8 byte order mark opening the input is dropped.
    @inline(__always)
    private static func line(_ base: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int, number: Int) -> UnsafeBufferPointer<UInt8> {
        let from = number == 1 ? start + byteOrderMarkLength(UnsafeBufferPointer(start: base + start, count: end - start)) : start
        return UnsafeBufferPointer(start: base + from, count: end - from)
    }

    /// Where the content of the line `start..<lineEnd` ends: a `\r` before its `\n` is not content.
    @inline(__always)
    static func contentEnd(_ base: UnsafePointer<UInt8>, start: Int, lineEnd: Int) -> Int {
        lineEnd > start && base[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
    }

    /// 3 when `bytes` opens with a UTF-8 byte order mark, else 0. Editors on Windows write one, and
    /// it would make the first event invalid JSON: every reader drops it.
    @inline(__always)
    public static func byteOrderMarkLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    private mutating func refill() throws(StreamIOError) {
        // Move the partial line to the front; grow when one line fills the whole buffer.
        if start > 0 {
            let remaining = end - start
            if remaining > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, remaining) }
            start = 0
            end = remaining
        }
        if end == buffer.count {
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count * 2, alignment: 16)
            bigger.copyMemory(from: UnsafeRawBufferPointer(buffer))
            buffer.deallocate()
            buffer = bigger
        }
        while true {
            let count = read(descriptor, buffer.baseAddress! + end, buffer.count - end)
            if count > 0 { end += count; return }
            if count == 0 { reachedEnd = true; return }
            if errno == EINTR { continue }
            throw StreamIOError(operation: "read", code: errno)
        }
    }
}

/// Collects output bytes and writes them to a file descriptor in large blocks.
public struct BufferedByteWriter: ~Copyable {
    private let descriptor: Int32
    private let flushThreshold: Int
    /// Append output here, then call `flushIfNeeded()`.
    public var bytes: [UInt8] = []

    public init(descriptor: Int32, flushThreshold: Int = 1 << 18) {
        self.descriptor = descriptor
        self.flushThreshold = flushThreshold
        bytes.reserveCapacity(flushThreshold + (1 << 16))
    }

    @inline(__always)
    public mutating func flushIfNeeded() throws(StreamIOError) {
        if bytes.count >= flushThreshold { try flush() }
    }

    public mutating func flush() throws(StreamIOError) {
        var offset = 0
        let total = bytes.count
        let failure: Int32? = bytes.withUnsafeBytes { raw in
            while offset < total {
                let count = write(descriptor, raw.baseAddress! + offset, total - offset)
                if count >= 0 { offset += count; continue }
                if errno == EINTR { continue }
                return errno
            }
            return nil
        }
        bytes.removeAll(keepingCapacity: true)
        if let failure { throw StreamIOError(operation: "write", code: failure) }
    }
}

/// An input file that cannot be read, with the reason in words a user can act on.
public struct InputOpenError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    /// `it does not exist`, `it is a directory, not a file`, `permission denied`, …
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot read \(path): \(reason)" }
}

/// Opens what a command was given as input: a file path, or `-` / nothing for standard input.
public enum InputDescriptor {
    /// The descriptor to read; the caller closes it unless it is standard input (0).
    /// Pipes and devices (`<(cmd)`, `/dev/stdin`) are accepted; a directory is refused here
    /// rather than failing later with a bare `read failed: Is a directory`.
    public static func openForReading(_ path: String?) throws(InputOpenError) -> Int32 {
        guard let path, path != "-" else { return 0 }
        if path.isEmpty { throw InputOpenError(path: "\"\"", reason: "the path is empty; give a file, or - for standard input") }
        var descriptor: Int32
        repeat { descriptor = open(path, O_RDONLY | O_CLOEXEC) } while descriptor < 0 && errno == EINTR
        guard descriptor >= 0 else { throw InputOpenError(path: path, reason: reason(errno)) }
        var info = stat()
        if fstat(descriptor, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            _ = close(descriptor)
            throw InputOpenError(path: path, reason: "it is a directory, not a file")
        }
        return descriptor
    }

    /// True when no input was named and standard input is a terminal: the command would sit
    /// waiting for typing, which a user who forgot the file name takes for a hang.
    public static func wouldWaitOnATerminal(_ path: String?) -> Bool {
        path == nil && isatty(0) != 0
    }

    /// What the user reads for the errors people actually meet; the system's words otherwise.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "it does not exist"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "a part of the path is not a directory"
        case EISDIR: return "it is a directory, not a file"
        default: return String(cString: strerror(code))
        }
    }

    /// A failure while streaming, naming the side that failed: the input (its path, or
    /// `standard input`) for a read, `standard output` for a write.
    public static func describe(_ error: StreamIOError, reading path: String?) -> String {
        guard error.operation == "read" else { return "standard output: \(error)" }
        guard let path, path != "-" else { return "standard input: \(error)" }
        return "\(path): \(error)"
    }

    public static func closeIfOwned(_ descriptor: Int32) {
        if descriptor > 2 { _ = close(descriptor) }
    }
}
