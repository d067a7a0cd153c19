#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read or write on a file descriptor failed.
public struct StreamIOError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var code: Int32

    public init(operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(code)))"
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

    public init(descriptor: Int32, chunkSize: Int = 1 << 20) {
        self.descriptor = descriptor
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 64), alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` with each line (without its `\n`, and without a `\r` before it) until the
    /// input ends; a last line without a newline is included. The buffer is valid only inside
    /// `body`.
    public mutating func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws(StreamIOError) -> Void) throws(StreamIOError) {
        while true {
            // Hand out every complete line in the buffer.
            let base = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)
            while start < end {
                guard let newline = memchr(base + start, 0x0A, end - start) else { break }
                let lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
                var contentEnd = lineEnd
                if contentEnd > start && base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                lineNumber += 1
                try body(UnsafeBufferPointer(start: base + start, count: contentEnd - start), lineNumber)
                start = lineEnd + 1
            }
            if reachedEnd {
                if start < end {
                    var contentEnd = end
                    if base[contentEnd - 1] == 0x0D { contentEnd -= 1 }
                    lineNumber += 1
                    try body(UnsafeBufferPointer(start: base + start, count: contentEnd - start), lineNumber)
                }
                start = end
                return
            }
            try refill()
        }
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

/// Opens what a command was given as input: a file path, or `-` / nothing for standard input.
public enum InputDescriptor {
    /// The descriptor to read; the caller closes it unless it is standard input (0).
    public static func openForReading(_ path: String?) throws(StreamIOError) -> Int32 {
        guard let path, path != "-" else { return 0 }
        while true {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            if descriptor >= 0 { return descriptor }
            if errno == EINTR { continue }
            throw StreamIOError(operation: "opening \(path)", code: errno)
        }
    }

    public static func closeIfOwned(_ descriptor: Int32) {
        if descriptor > 2 { _ = close(descriptor) }
    }
}
