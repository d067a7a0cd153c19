import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checked standard output: every verb writes its results through here, so a full disk, a closed
/// file or `/dev/full` ends the run with exit status 1 and the reason on standard error instead of
/// being dropped (Swift's `print` buffers and ignores failed writes; `FileHandle.write(_:)` traps).
enum Output {
    /// Writes `text` and a newline.
    static func line(_ text: String) throws(ExitCode) {
        try write(Array((text + "\n").utf8))
    }

    /// Writes `bytes` as they are, unbuffered.
    static func write(_ bytes: [UInt8]) throws(ExitCode) {
        if let reason = writeAll(STDOUT_FILENO, bytes) {
            throw Console.fail("cannot write to standard output: \(reason)")
        }
    }

    /// Writes all of `bytes` to `fd`, retrying short and interrupted writes; the error text on failure.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBufferPointer { systemWrite(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                return String(cString: strerror(errno))
            }
            offset += count
        }
        return nil
    }
}

// File scope: inside `Output`, `write` names its own method.
private func systemWrite(_ fd: Int32, _ pointer: UnsafePointer<UInt8>, _ count: Int) -> Int {
    write(fd, pointer, count)
}

/// The first of several failures reported from a callback (the plain wizard's output).
final class FirstFailure: @unchecked Sendable {
    private let lock = NSLock()
    private var first: String?

    func record(_ reason: String) { lock.withLock { if first == nil { first = reason } } }
    var reason: String? { lock.withLock { first } }
}
