#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects output bytes and writes them to a file descriptor in large blocks.
public struct BufferedByteWriter: ~Copyable {
    private let descriptor: Int32
    private let flushThreshold: Int
    /// What the output is called in an error (`standard output`, a path).
    private let name: String
    /// Append output here, then call `flushIfNeeded()`.
    public var bytes: [UInt8] = []

    public init(descriptor: Int32, flushThreshold: Int = 1 << 18, name: String = "standard output") {
        self.descriptor = descriptor
        self.flushThreshold = flushThreshold
        self.name = name
        bytes.reserveCapacity(flushThreshold + (1 << 16))
    }

    @inline(__always)
    public mutating func flushIfNeeded() throws(StreamError) {
        if bytes.count >= flushThreshold { try flush() }
    }

    public mutating func flush() throws(StreamError) {
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
        if let failure {
            throw .output(OutputError(target: name, reason: "write failed: \(String(cString: strerror(failure)))"))
        }
    }
}
