import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The NDJSON lines of a regular file as blocks that worker threads read for themselves
/// (`pread`): the thread that hands the blocks out reads, copies and scans nothing, and each
/// block's bytes arrive in the cache of the core that parses them. Before this the handing-out
/// thread read every block, copied it into an array and counted its newlines: with two jobs,
/// a third busy thread on two cores.
///
/// Block `index` owns the lines that start in its byte range: it skips the end of a line begun
/// before it and reads on past its range to the end of its last line. Line numbers are relayed
/// from block to block (`LineRelay`): a worker counts its block's lines, waits for the number of
/// the block's first line and passes on the next block's, which costs a count, not a parse.
/// The file is cut by its size when the run starts; the last block reads on to the end of file
/// as it then is (a file being appended to is read as far as it has got).
public struct FileBlocks: Sendable {
    /// The input as named in positions and errors.
    public let source: String
    let descriptor: Int32
    let start: Int
    let size: Int
    let blockBytes: Int
    let relay: LineRelay

    /// How many blocks the file is cut into.
    public var count: Int { max(1, (size - start + blockBytes - 1) / blockBytes) }

    /// The number of the line after the last one handed out; valid once every block is read.
    public var nextLine: Int { relay.nextLine }

    /// Every block read and made into an `Output` by `workers` threads (each with the worker
    /// `makeWorker` builds on it, given the block's lines and the number of the first), handed to
    /// `body` in file order, a failed read as its error, until `body` returns false or the blocks
    /// end. At most four blocks per worker are held (memory stays flat).
    func forEachInOrder<Output: Sendable, Failure: Error>(
        workers: Int,
        makeWorker: @escaping @Sendable () -> (_ lines: [UInt8], _ firstLine: Int) -> Output,
        _ body: (Result<Output, InputError>) throws(Failure) -> Bool
    ) throws(Failure) {
        let board = OrderedWorkers<Int, Result<Output, InputError>>(threads: workers) { [self] in
            let worker = makeWorker()
            return { index in
                Result { () throws(InputError) in
                    let block = try read(index)
                    return worker(block.bytes, block.firstLine)
                }
            }
        }
        defer { board.close() }
        var submitted = 0
        while true {
            while submitted < count && !board.isFull {
                board.submit(submitted)
                submitted += 1
            }
            guard let result = board.takeNext(), try body(result) else { return }
        }
    }

    /// Block `index`'s whole lines (the last one may lack its newline at the end of the file) and
    /// the number of the first. A block with no line starting in it is empty. A failed read
    /// throws, after passing the line numbers on (as if the block were empty) so no worker waits
    /// forever.
    func read(_ index: Int) throws(InputError) -> (bytes: [UInt8], firstLine: Int) {
        let bytes: [UInt8]
        do {
            bytes = try readLines(ofBlock: index)
        } catch {
            _ = relay.pass(index, lines: 0)
            throw error
        }
        return (bytes, relay.pass(index, lines: bytes.withUnsafeBufferPointer(InputReader.countLines)))
    }

    private func readLines(ofBlock index: Int) throws(InputError) -> [UInt8] {
        let offset = start + index * blockBytes
        let end = offset + blockBytes
        let isLast = index == count - 1
        guard let lineStart = index == 0 ? start : try startOfFirstLine(atOrAfter: offset),
              lineStart < end || isLast else { return [] }
        // A little past the range: most blocks' last line ends within it, read in the same call.
        let overhang = 4 << 10
        var (bytes, atEnd) = try read(from: lineStart, count: max(0, end - lineStart) + overhang)
        // The last line is the one holding the range's last byte: cut after its newline. The
        // last block reads on to the end of the file.
        var searched = min(end - 1 - lineStart, bytes.count)
        while true {
            if !isLast, let newline = bytes.withUnsafeBufferPointer({ InputReader.firstNewline(in: $0, from: searched) }) {
                bytes.removeLast(bytes.count - newline - 1)
                return bytes
            }
            if atEnd { return bytes }
            searched = bytes.count
            let more = try read(from: lineStart + bytes.count, count: 64 << 10)
            bytes.append(contentsOf: more.bytes)
            atEnd = more.atEnd
        }
    }

    /// The offset just past the first newline at or after `offset - 1`: where the first line that
    /// starts at or after `offset` begins; nil when no newline follows.
    private func startOfFirstLine(atOrAfter offset: Int) throws(InputError) -> Int? {
        var from = offset - 1
        while true {
            let probe = try read(from: from, count: 4 << 10)
            if let found = probe.bytes.withUnsafeBufferPointer({ InputReader.firstNewline(in: $0, from: 0) }) {
                return from + found + 1
            }
            if probe.atEnd { return nil }
            from += probe.bytes.count
        }
    }

    /// Up to `count` bytes from `offset`, read straight into the array; `atEnd` when the file
    /// ended first.
    private func read(from offset: Int, count: Int) throws(InputError) -> (bytes: [UInt8], atEnd: Bool) {
        var failure: Int32 = 0
        var atEnd = false
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var got = 0
            while got < count {
                let n = pread(descriptor, buffer.baseAddress! + got, count - got, off_t(offset + got))
                if n > 0 {
                    got += n
                } else if n == 0 {
                    atEnd = true
                    break
                } else if errno != EINTR {
                    failure = errno
                    break
                }
            }
            initialized = got
        }
        if failure != 0 { throw .readFailed(source, code: failure) }
        return (bytes, atEnd)
    }
}

/// The line numbers of blocks read out of order, passed on in order: each block's first line is
/// the previous block's first line plus its count. One `NSCondition` guards the turn.
final class LineRelay: @unchecked Sendable {
    private let condition = NSCondition()
    private var turn: Int = 0
    private var firstLine: Int

    init(firstLine: Int) { self.firstLine = firstLine }

    /// Waits for block `index`'s turn (every earlier block has passed), returns the number of its
    /// first line and passes the turn on. Blocks are taken in order, so an earlier one is always
    /// held by a thread that will pass it.
    func pass(_ index: Int, lines: Int) -> Int {
        condition.lock()
        defer { condition.unlock() }
        while turn != index { condition.wait() }
        let first = firstLine
        firstLine += lines
        turn += 1
        condition.broadcast()
        return first
    }

    /// The number the next block's first line would have.
    var nextLine: Int {
        condition.lock()
        defer { condition.unlock() }
        return firstLine
    }
}

extension InputReader {
    /// This reader's NDJSON lines, from the first one not handed out yet, as blocks of about
    /// `blockBytes` that threads read themselves; nil unless the input is a regular file of
    /// lines (a document's values, a pipe or a terminal are read by `next()`).
    public mutating func fileBlocks(blockBytes: Int) throws(InputError) -> FileBlocks? {
        guard try determineLayout() != .document, !pollsForData else { return nil }
        let position = lseek(fd, 0, SEEK_CUR)
        var info = stat()
        guard position >= 0, fstat(fd, &info) == 0 else { return nil }
        // What the reader has read and not handed out is read again by the blocks.
        let first = Int(position) - (end - start)
        return FileBlocks(source: source, descriptor: fd, start: first, size: max(first, Int(info.st_size)),
                          blockBytes: max(1, blockBytes), relay: LineRelay(firstLine: line))
    }
}
