import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        releaseInBackground(path)
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

extension LineSink {
    /// Files at least this large are released in the background rather than truncated.
    static let backgroundReleaseBytes = 1 << 20

    /// Takes an earlier run's output at `path` out of the way without waiting for the kernel to
    /// free its pages: truncating 30 MB of freshly written requests took ~10 ms, all of it before
    /// the first event was read (a rerun into the same `--output` is the usual way of comparing
    /// dry runs; gigabytes of output took seconds). The name is unlinked at once, so `open` then
    /// creates a new file (mode 0600); the old file's last reference, a descriptor, is closed on
    /// a thread of its own, where the freeing happens (at exit at the latest: nothing is left
    /// behind). Only a large regular file of ours with one name is taken this way: a symlink, a
    /// device, a pipe or a file with other links keeps its identity and is truncated as before.
    static func releaseInBackground(_ path: String) {
        var named = stat()
        guard lstat(path, &named) == 0, named.st_mode & S_IFMT == S_IFREG, named.st_nlink == 1,
              named.st_uid == geteuid(), named.st_size >= backgroundReleaseBytes else { return }
        let old = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard old >= 0 else { return }
        var opened = stat()
        // The file checked is the file held (not one put there since), and its name can go.
        guard fstat(old, &opened) == 0, opened.st_dev == named.st_dev, opened.st_ino == named.st_ino,
              unlink(path) == 0 else {
            close(old)
            return
        }
        Thread.detachNewThread { close(old) }
    }
}
