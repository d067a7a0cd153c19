import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MapStream {
    /// Files smaller than this are mapped on one thread: starting workers would cost more than it saves.
    public static let parallelThreshold = 1 << 20

    /// `run`'s output, byte for byte and in the same order, with `workers` threads mapping blocks
    /// of lines of a regular file at once; reading and writing stay on the calling thread, and at
    /// most four blocks per worker are held (memory stays flat). A pipe, a terminal or a small file
    /// is mapped by `run` on one thread.
    public static func run(pipeline: SubscriptionPipeline, input: Int32, output: Int32, workers: Int,
                           blockBytes: Int = 1 << 20, threshold: Int = parallelThreshold) throws(StreamIOError) -> MapSummary {
        var info = stat()
        guard workers > 1, fstat(input, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) >= threshold,
              try isNDJSON(input) else {
            return try run(pipeline: pipeline, input: input, output: output)
        }
        let board = BlockBoard(capacity: workers * 4)
        for _ in 0..<workers {
            let thread = Thread { board.work(pipeline: pipeline) }
            // Deep events and Liquid templates recurse: give the workers the main thread's room.
            thread.stackSize = 8 << 20
            thread.start()
        }
        defer { board.close() }
        var reader = BlockReader(descriptor: input, blockBytes: max(1, blockBytes))
        var writer = BufferedByteWriter(descriptor: output, flushThreshold: 0)
        var summary = MapSummary()
        var submitted = 0
        var written = 0
        var readAll = false
        while true {
            while !readAll && submitted - written < board.capacity {
                guard let block = try reader.next() else {
                    readAll = true
                    break
                }
                board.submit(MapBlock(index: submitted, bytes: block.bytes, firstLine: block.firstLine))
                submitted += 1
            }
            if written == submitted { break }
            let finished = board.result(written)
            summary.add(finished.summary)
            writer.bytes = finished.output
            try writer.flush()
            written += 1
        }
        summary.lines = reader.lines
        return summary
    }

    /// Whether the regular file `input` holds NDJSON by deliver's layout rule; it is read from
    /// where it stands and put back there.
    private static func isNDJSON(_ input: Int32) throws(StreamIOError) -> Bool {
        let origin = lseek(input, 0, SEEK_CUR)
        var detector = EventInputReader(fd: input, source: "input")
        let layout: EventInputReader.Layout
        do { layout = try detector.determineLayout() } catch { throw StreamIOError(reading: error) }
        guard origin >= 0, lseek(input, origin, SEEK_SET) == origin else {
            throw StreamIOError(operation: "read", code: errno, detail: "cannot go back to where the file was read from: \(String(cString: strerror(errno)))")
        }
        return layout != .document
    }

    /// Maps every line of `block` (the worker's part): the same lines `run` writes for them.
    static func map(_ block: MapBlock, pipeline: SubscriptionPipeline) -> MappedBlock {
        var out: [UInt8] = []
        out.reserveCapacity(block.bytes.count + block.bytes.count / 2)
        var summary = MapSummary()
        var outcomes: [PipelineOutcome] = []
        block.bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            var number = block.firstLine
            while start < buffer.count {
                let lineEnd = memchr(base + start, 0x0A, buffer.count - start)
                    .map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? buffer.count
                let contentEnd = ByteLineReader.contentEnd(base, start: start, lineEnd: lineEnd)
                mapLine(UnsafeBufferPointer(start: base + start, count: contentEnd - start), number: number,
                        pipeline: pipeline, outcomes: &outcomes, summary: &summary, into: &out)
                number += 1
                start = lineEnd + 1
            }
        }
        return MappedBlock(output: out, summary: summary)
    }
}

/// Whole lines of the input and the number of the first.
struct MapBlock: Sendable {
    let index: Int
    let bytes: [UInt8]
    let firstLine: Int
}

struct MappedBlock: Sendable {
    let output: [UInt8]
    let summary: MapSummary
}

/// Reads a file in blocks of whole lines (at least `blockBytes`, cut after a newline; the last
/// block may end without one), numbering lines as `ByteLineReader` does.
struct BlockReader: ~Copyable {
    let descriptor: Int32
    let blockBytes: Int
    private var carry: [UInt8] = []
    private var ended = false
    private var atStart = true
    /// Lines handed out so far.
    private(set) var lines = 0

    init(descriptor: Int32, blockBytes: Int) {
        self.descriptor = descriptor
        self.blockBytes = blockBytes
    }

    mutating func next() throws(StreamIOError) -> (bytes: [UInt8], firstLine: Int)? {
        var bytes = carry
        carry = []
        var scanned = 0
        var cut: Int?
        while !ended {
            if bytes.count >= blockBytes, let newline = Self.lastNewline(in: bytes, from: scanned) {
                cut = newline
                break
            }
            scanned = bytes.count
            let want = blockBytes
            let old = bytes.count
            bytes.reserveCapacity(old + want)
            var failure: Int32?
            var count = 0
            // Read straight into the array's spare room.
            bytes.append(contentsOf: repeatElement(0, count: want))
            bytes.withUnsafeMutableBytes { raw in
                while true {
                    count = read(descriptor, raw.baseAddress! + old, want)
                    if count >= 0 || errno != EINTR { break }
                }
                if count < 0 { failure = errno }
            }
            bytes.removeLast(want - max(0, count))
            if let failure { throw StreamIOError(operation: "read", code: failure) }
            if count == 0 { ended = true }
        }
        if let cut, cut + 1 < bytes.count {
            carry = Array(bytes[(cut + 1)...])
            bytes.removeLast(bytes.count - cut - 1)
        }
        if bytes.isEmpty { return nil }
        if atStart {
            atStart = false
            bytes.removeFirst(bytes.withUnsafeBufferPointer(ByteLineReader.byteOrderMarkLength))
        }
        let firstLine = lines + 1
        var newlines = 0
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count, let found = memchr(base + start, 0x0A, buffer.count - start) {
                newlines += 1
                start = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
            }
        }
        lines += newlines + (bytes.last == 0x0A ? 0 : 1)
        return (bytes, firstLine)
    }

    private static func lastNewline(in bytes: [UInt8], from start: Int) -> Int? {
        var index = bytes.count - 1
        while index >= start {
            if bytes[index] == 0x0A { return index }
            index -= 1
        }
        return nil
    }
}

/// Hands blocks to the workers and their results back, in order, to the writer.
final class BlockBoard: @unchecked Sendable {
    let capacity: Int
    private let condition = NSCondition()
    private var pending: [MapBlock] = []
    private var results: [Int: MappedBlock] = [:]
    private var closed = false

    init(capacity: Int) {
        self.capacity = capacity
    }

    func submit(_ block: MapBlock) {
        condition.lock()
        pending.append(block)
        condition.broadcast()
        condition.unlock()
    }

    /// A worker's loop: map blocks until closed.
    func work(pipeline shared: SubscriptionPipeline) {
        let pipeline = shared.compiledAgain()
        while true {
            condition.lock()
            while pending.isEmpty && !closed { condition.wait() }
            if closed {
                condition.unlock()
                return
            }
            let block = pending.removeFirst()
            condition.unlock()
            let mapped = MapStream.map(block, pipeline: pipeline)
            condition.lock()
            results[block.index] = mapped
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Waits for block `index`'s result.
    func result(_ index: Int) -> MappedBlock {
        condition.lock()
        defer { condition.unlock() }
        while results[index] == nil { condition.wait() }
        return results.removeValue(forKey: index)!
    }

    func close() {
        condition.lock()
        closed = true
        pending.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
