#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// NDJSON: one value per line, handed out owned (`next`), borrowed (`forEachLine`) or in blocks.
extension InputReader {
    /// The number of the last line handed out by `forEachLine` or `nextBlock` (blank lines count).
    public var linesHandedOut: Int { line - 1 }

    /// Every item of the input in order, whatever its layout: NDJSON lines borrowed from the
    /// buffer (`line`, as `forEachLine` hands them), the values of a top-level array or of
    /// pretty-printed text owned (`value`: a value, or what could not be one). `beforeWaiting`
    /// runs before the reader may wait for more input. The one loop of the streaming verbs.
    public mutating func forEachItem<Failure: Error>(
        beforeWaiting: () throws(Failure) -> Void,
        line: (UnsafeBufferPointer<UInt8>, Int) throws(Failure) -> Void,
        value: (RawInputItem) throws(Failure) -> Void,
        readFailure: (InputError) -> Failure
    ) throws(Failure) {
        let layout: Layout
        do { layout = try determineLayout() } catch { throw readFailure(error) }
        guard layout == .document else {
            return try forEachLine(beforeWaiting: beforeWaiting, line, readFailure: readFailure)
        }
        while true {
            let item: RawInputItem?
            do { item = try next() } catch { throw readFailure(error) }
            guard let item else { return }
            if case .idle = item { try beforeWaiting() } else { try value(item) }
        }
    }

    /// Calls `body` with each line, without its `\n` (and a `\r` before it), and its 1-based
    /// number, until the input ends; blank lines too, and a last line without a newline. The bytes
    /// are the reader's own, valid only inside `body`: nothing is copied per line. `beforeWaiting`
    /// runs whenever every line read so far has been handed out and the reader is about to read
    /// (and perhaps wait) again: the moment to flush output, so answers to lines typed at a
    /// terminal or trickling through a pipe appear at once. For the `.lines` layout (or an input
    /// of only whitespace); a document is read with `next()`.
    public mutating func forEachLine<Failure: Error>(
        beforeWaiting: () throws(Failure) -> Void,
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws(Failure) -> Void,
        readFailure: (InputError) -> Failure
    ) throws(Failure) {
        do { _ = try determineLayout() } catch { throw readFailure(error) }  // drops a byte order mark
        while true {
            let last = atEOF
            if let cut = last ? end : endOfLastLine(), cut > start {
                let from = start
                let first = line
                line = try buffer.withUnsafeBufferPointer { (pointer) throws(Failure) in
                    try Self.forEachLine(in: UnsafeBufferPointer(rebasing: pointer[from..<cut]), firstLine: first, body)
                }
                start = cut
                scan = cut
            }
            if last { return }
            try beforeWaiting()
            do { _ = try fill() } catch { throw readFailure(error) }
        }
    }

    /// The next block of whole lines, at least `minimumBytes` long unless the input ends first (the
    /// last block may lack a final newline), with the number of its first line; nil at the end.
    /// For the one-thread dry run, which splits the block with `forEachLine(in:)`'s rules.
    public mutating func nextBlock(minimumBytes: Int) throws(InputError) -> (bytes: [UInt8], firstLine: Int)? {
        _ = try determineLayout()  // drops a byte order mark
        while true {
            if end - start >= minimumBytes || atEOF {
                if let cut = atEOF ? end : endOfLastLine() {
                    guard cut > start else { return nil }
                    let bytes = Array(buffer[start..<cut])
                    let firstLine = line
                    line += bytes.withUnsafeBufferPointer(Self.countLines)
                    start = cut
                    scan = cut
                    return (bytes, firstLine)
                }
            }
            _ = try fill()  // grows the buffer when one block's lines fill it
        }
    }

    /// Calls `body` with each line of `block` and its number, by the rules of `forEachLine` (no
    /// `\n`, no `\r` before it; a last line without a newline too); returns the number after the
    /// last line. For a block from `nextBlock`, and for `forEachLine`'s own complete lines.
    @inline(__always) @discardableResult
    public static func forEachLine<Failure: Error>(in block: UnsafeBufferPointer<UInt8>, firstLine: Int,
                                                   _ body: (UnsafeBufferPointer<UInt8>, Int) throws(Failure) -> Void) throws(Failure) -> Int {
        guard let base = block.baseAddress else { return firstLine }
        var from = 0
        var number = firstLine
        while from < block.count {
            let lineEnd = firstNewline(in: block, from: from) ?? block.count
            try body(UnsafeBufferPointer(start: base + from, count: contentEnd(base, start: from, lineEnd: lineEnd) - from), number)
            number += 1
            from = lineEnd + 1
        }
        return number
    }

    /// Where the last complete line read so far ends (just after its `\n`), or nil when no line is complete.
    private func endOfLastLine() -> Int? {
        var index = end
        while index > start && buffer[index - 1] != 0x0A { index -= 1 }
        return index > start ? index : nil
    }

    /// The `\n` bytes in `bytes`. `memchr` per line, not a word-at-a-time count: this libc's
    /// vector `memchr` skips a 300-byte line in a few instructions; the word count measured no
    /// faster (282 against 271 ms for the 200,000-event dry run).
    static func countNewlines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        var from = 0
        while let found = firstNewline(in: bytes, from: from) {
            count += 1
            from = found + 1
        }
        return count
    }

    /// The lines of `bytes`, whole lines as `nextBlock` and `FileBlocks` hand out: its newlines,
    /// and a last line without one.
    static func countLines(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        countNewlines(bytes) + (bytes.isEmpty || bytes.last == 0x0A ? 0 : 1)
    }

    /// Where the first `\n` at or after `from` is in `bytes`, or nil: the one newline search of
    /// every line reader.
    @inline(__always)
    static func firstNewline(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let base = bytes.baseAddress, from < bytes.count else { return nil }
        return memchr(base + from, 0x0A, bytes.count - from).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
    }

    // MARK: Owned lines (deliver)

    mutating func nextLine() throws(InputError) -> RawInputItem? {
        while true {
            let newline = buffer.withUnsafeBufferPointer { Self.firstNewline(in: UnsafeBufferPointer(rebasing: $0[..<end]), from: scan) }
            if let newline {
                let lineNumber = line
                line += 1
                let lineStart = start
                start = newline + 1
                scan = start
                if skippingLongLine {
                    skippingLongLine = false
                    skippedPrefix.append(contentsOf: buffer[lineStart..<newline])
                    return takeLongLine(lineNumber)
                }
                if let item = lineItem(from: lineStart, to: newline, lineNumber: lineNumber) { return item }
                continue
            }
            scan = end
            if !skippingLongLine && end - start > Self.maximumValueBytes {
                skippingLongLine = true
                skippedPrefix = []
            }
            if skippingLongLine {
                // The whole line goes to its dead letter, so the event can be recovered (as `map`,
                // which holds any line, would read it); only delivery refuses it.
                skippedPrefix.append(contentsOf: buffer[start..<end])
                start = end
                scan = end
            }
            guard let more = try fill() else { return .idle }
            if !more {
                // Last line without a trailing newline.
                guard start < end || skippingLongLine else { return nil }
                let lineNumber = line
                let lineStart = start
                start = end
                scan = end
                if skippingLongLine {
                    skippingLongLine = false
                    return takeLongLine(lineNumber)
                }
                return lineItem(from: lineStart, to: end, lineNumber: lineNumber)
            }
        }
    }

    private mutating func takeLongLine(_ lineNumber: Int) -> RawInputItem {
        defer { skippedPrefix = [] }
        return .malformed(position: InputPosition(source: source, line: lineNumber), message: Self.longLineMessage, raw: skippedPrefix)
    }

    /// Why a line longer than `maximumValueBytes` is not delivered (it goes to its dead letter whole).
    public static let longLineMessage = "line is longer than \(maximumValueBytes / (1024 * 1024)) MiB; not delivered (kept whole here)"

    /// The trimmed line as a value, or nil for a blank line.
    private func lineItem(from lower: Int, to upper: Int, lineNumber: Int) -> RawInputItem? {
        let value = buffer.withUnsafeBufferPointer { Self.trimmed($0, lower..<upper) }
        if value.isEmpty { return nil }
        return .value(bytes: Array(buffer[value]), position: InputPosition(source: source, line: lineNumber), singleLine: true)
    }

    /// `range` of `bytes` without the whitespace around it: a line's value (empty for a blank
    /// line). The one rule for lines read one by one and lines split out of a block.
    @inline(__always)
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high && isSpace(bytes[low]) { low += 1 }
        while high > low && isSpace(bytes[high - 1]) { high -= 1 }
        return low..<high
    }
}
