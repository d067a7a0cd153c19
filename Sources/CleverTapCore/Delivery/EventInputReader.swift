#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A problem reading an input as a whole (not one bad event): it could not be opened or read.
public struct EventInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var message: String

    public init(source: String, message: String) {
        self.source = source
        self.message = message
    }

    public var description: String { "\(source): \(message)" }
}

/// One item an `EventInputReader` produced.
public enum RawInputItem: Sendable {
    /// The bytes of one complete top-level JSON value (an NDJSON line, or one element of a top-level
    /// array, or one multi-line object), trimmed of surrounding whitespace. `singleLine` tells
    /// whether the bytes contain no line break, i.e. can be copied verbatim into an NDJSON line.
    case value(bytes: [UInt8], position: InputPosition, singleLine: Bool)
    /// Bytes that cannot be a JSON value here (structurally broken, over the size limit, or cut off
    /// by the end of the input). `raw` is the offending text, kept so nothing is lost.
    case malformed(position: InputPosition, message: String, raw: [UInt8])
    /// No data arrived within the poll interval (only for pipes and terminals): a chance for the
    /// caller to flush batches and notice an interruption.
    case idle
}

/// Splits a byte stream of events into top-level JSON values without parsing them, reading
/// fixed-size chunks from a file descriptor so memory stays flat however large the input is.
///
/// The layout is detected from the first non-space byte: `[` means a JSON array (streamed element
/// by element, each with its index); `{` means NDJSON (one value per line), unless the first line
/// leaves its object open, in which case the input is a sequence of pretty-printed JSON values
/// (e.g. one indented `{"batch": [...]}` envelope). In NDJSON a broken line is reported with its line
/// number and the next line is read normally.
public struct EventInputReader: ~Copyable {
    /// Bytes requested from the descriptor per `read(2)`.
    public static let chunkSize = 256 * 1024
    /// Longest single event accepted; longer values are reported as malformed and skipped.
    public static let maximumValueBytes = 16 * 1024 * 1024

    /// How the reader is splitting the stream.
    public enum Layout: Sendable, Equatable {
        case undetermined, lines, document
    }

    public let source: String
    public private(set) var layout: Layout = .undetermined

    private let fd: Int32
    private let ownsDescriptor: Bool
    private let pollsForData: Bool
    private let pollMilliseconds: Int32
    private var buffer: [UInt8]
    private var start = 0  // first unconsumed byte
    private var end = 0  // one past the last valid byte
    private var scan = 0  // where the search for the end of the current item resumes
    private var atEOF = false
    private var line = 1  // line number of the byte at `start` (lines layout) or at `scan` (document)
    private var skippingLongLine = false
    private var skippedPrefix: [UInt8] = []
    private var sawBOMCheck = false

    // Document layout state.
    private enum DocumentState { case topLevel, arrayExpectElement, arrayAfterElement, inValue }
    private var documentState = DocumentState.topLevel
    private var inArray = false
    private var arrayIndex = 0
    private var valueStart = 0
    private var valueLine = 1
    private var valueHasNewline = false
    private var depth = 0
    private var inString = false
    private var escaped = false
    private var pendingError: (InputPosition, String, [UInt8])?

    /// Reads from `fd` (not closed by the reader unless `ownsDescriptor`). `source` names the input
    /// in positions. `pollMilliseconds` bounds how long a read from a pipe or terminal may block
    /// before `.idle` is returned.
    public init(fd: Int32, source: String, ownsDescriptor: Bool = false, pollMilliseconds: Int32 = 200) {
        self.fd = fd
        self.source = source
        self.ownsDescriptor = ownsDescriptor
        self.pollMilliseconds = pollMilliseconds
        var info = stat()
        if fstat(fd, &info) == 0 {
            pollsForData = (info.st_mode & S_IFMT) != S_IFREG
        } else {
            pollsForData = true
        }
        buffer = [UInt8](repeating: 0, count: Self.chunkSize)
    }

    /// Opens `path` for reading (`-` is standard input).
    public init(path: String, pollMilliseconds: Int32 = 200) throws(EventInputError) {
        if path == "-" {
            self.init(fd: STDIN_FILENO, source: "stdin", ownsDescriptor: false, pollMilliseconds: pollMilliseconds)
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            throw EventInputError(source: path, message: "cannot open for reading: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw EventInputError(source: path, message: "is a directory, expected a file of events")
        }
        self.init(fd: fd, source: path, ownsDescriptor: true, pollMilliseconds: pollMilliseconds)
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Reads until the layout is known, without handing anything out: `.lines`, `.document`, or
    /// `.undetermined` for an input with nothing but whitespace. Waits through quiet pipes.
    public mutating func determineLayout() throws(EventInputError) -> Layout {
        while layout == .undetermined {
            if let decided = try detectLayout() {
                if case .idle = decided { continue }
            }
            if layout == .undetermined { return .undetermined }
        }
        return layout
    }

    /// The bytes read but not handed out, which the caller continues with (`map` reads NDJSON with
    /// its own line reader once the layout says lines). The reader is spent afterwards.
    public mutating func takeBuffered() -> [UInt8] {
        let rest = Array(buffer[start..<end])
        start = end
        scan = end
        return rest
    }

    /// The next item, or nil at the end of the input.
    public mutating func next() throws(EventInputError) -> RawInputItem? {
        while true {
            if let pending = pendingError {
                pendingError = nil
                return .malformed(position: pending.0, message: pending.1, raw: pending.2)
            }
            switch layout {
            case .undetermined:
                if let decided = try detectLayout() { if case .idle = decided { return .idle } }
                if layout == .undetermined { return nil }  // empty input
            case .lines:
                return try nextLine()
            case .document:
                return try nextDocumentValue()
            }
        }
    }

    // MARK: Reading

    /// Reads more bytes after `end`, compacting or growing the buffer. Returns false at end of
    /// input, nil when a poll timed out without data.
    private mutating func fill() throws(EventInputError) -> Bool? {
        if atEOF { return false }
        if start > 0 && (end == buffer.count || start > buffer.count / 2) {
            let count = end - start
            let from = start
            buffer.withUnsafeMutableBufferPointer { pointer in
                let base = pointer.baseAddress!
                base.update(from: base + from, count: count)
            }
            scan -= start
            valueStart -= start
            start = 0
            end = count
        }
        if end == buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: buffer.count))
        }
        if pollsForData {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, pollMilliseconds)
            if ready == 0 { return nil }
            if ready < 0 && errno == EINTR { return nil }
        }
        while true {
            let capacity = buffer.count - end
            let offset = end
            let got = buffer.withUnsafeMutableBufferPointer { pointer in
                read(fd, pointer.baseAddress! + offset, capacity)
            }
            if got > 0 {
                end += got
                return true
            }
            if got == 0 {
                atEOF = true
                return false
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
            throw EventInputError(source: source, message: "read failed: \(String(cString: strerror(errno)))")
        }
    }

    @inline(__always)
    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// Skips a UTF-8 byte-order mark and decides the layout from the first non-space byte.
    private mutating func detectLayout() throws(EventInputError) -> RawInputItem? {
        while true {
            if !sawBOMCheck {
                if end - start < 3 && !atEOF {
                    guard let more = try fill() else { return .idle }
                    if more { continue }
                }
                sawBOMCheck = true
                let from = start, count = end - start
                start += buffer.withUnsafeBufferPointer { ByteLineReader.byteOrderMarkLength(UnsafeBufferPointer(rebasing: $0[from..<from + count])) }
                scan = start
            }
            // Find the first non-space byte without consuming anything: line numbers stay right.
            var index = start
            while index < end && Self.isSpace(buffer[index]) { index += 1 }
            if index < end {
                if buffer[index] == UInt8(ascii: "[") {
                    layout = .document
                    scan = start
                } else if buffer[index] == UInt8(ascii: "{") {
                    // NDJSON unless the first object does not close on its own line.
                    var cursor = index
                    var d = 0
                    var str = false
                    var esc = false
                    var decided = false
                    while cursor < end {
                        let b = buffer[cursor]
                        cursor += 1
                        if str {
                            if esc { esc = false } else if b == 0x5C { esc = true } else if b == 0x22 { str = false }
                            continue
                        }
                        if b == 0x0A { layout = d > 0 ? .document : .lines; decided = true; break }
                        if b == 0x22 { str = true } else if b == 0x7B || b == 0x5B { d += 1 } else if b == 0x7D || b == 0x5D { d -= 1 }
                    }
                    if !decided {
                        if atEOF { layout = .lines } else if end - start >= Self.maximumValueBytes { layout = .lines } else {
                            guard let more = try fill() else { return .idle }
                            if !more { layout = .lines }
                            continue
                        }
                    }
                    scan = start
                } else {
                    layout = .lines
                    scan = start
                }
                return nil
            }
            // Only whitespace so far.
            guard let more = try fill() else { return .idle }
            if !more { return nil }
        }
    }

    // MARK: NDJSON

    private mutating func nextLine() throws(EventInputError) -> RawInputItem? {
        while true {
            let newline: Int? = buffer.withUnsafeBufferPointer { pointer in
                let base = pointer.baseAddress!
                guard scan < end, let found = memchr(base + scan, 0x0A, end - scan) else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            if let newline {
                let lineNumber = line
                line += 1
                let lineStart = start
                start = newline + 1
                scan = start
                if skippingLongLine {
                    skippingLongLine = false
                    skippedPrefix.append(contentsOf: buffer[lineStart..<newline])
                    defer { skippedPrefix = [] }
                    return .malformed(position: InputPosition(source: source, line: lineNumber),
                                      message: "line is longer than \(Self.maximumValueBytes / (1024 * 1024)) MiB; not delivered (kept whole here)",
                                      raw: skippedPrefix)
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
                    defer { skippedPrefix = [] }
                    return .malformed(position: InputPosition(source: source, line: lineNumber),
                                      message: "line is longer than \(Self.maximumValueBytes / (1024 * 1024)) MiB; not delivered (kept whole here)",
                                      raw: skippedPrefix)
                }
                if let item = lineItem(from: lineStart, to: end, lineNumber: lineNumber) { return item }
                return nil
            }
        }
    }

    /// The trimmed line as a value, or nil for a blank line.
    private func lineItem(from lower: Int, to upper: Int, lineNumber: Int) -> RawInputItem? {
        var low = lower
        var high = upper
        while low < high && Self.isSpace(buffer[low]) { low += 1 }
        while high > low && Self.isSpace(buffer[high - 1]) { high -= 1 }
        if low == high { return nil }
        return .value(bytes: Array(buffer[low..<high]), position: InputPosition(source: source, line: lineNumber),
                      singleLine: true)
    }

    // MARK: JSON arrays and multi-line values

    private mutating func nextDocumentValue() throws(EventInputError) -> RawInputItem? {
        while true {
            if let item = scanDocument() { return item }
            guard let more = try fill() else { return .idle }
            if !more { return finishDocument() }
        }
    }

    /// What is left when the input ends inside the document.
    private mutating func finishDocument() -> RawInputItem? {
        switch documentState {
        case .topLevel:
            return nil
        case .inValue:
            // A scalar at the very end of the input (or inside a still-open array) ends at EOF.
            if depth == 0 && !inString {
                let item = completeValue(upTo: end)
                if inArray {
                    pendingError = (InputPosition(source: source, line: line), "the top-level JSON array is not closed (the input ends after element \(arrayIndex))", [])
                    inArray = false
                }
                documentState = .topLevel
                return item
            }
            let position = InputPosition(source: source, line: valueLine, arrayIndex: inArray ? arrayIndex : nil)
            let raw = Array(buffer[valueStart..<end])
            start = end
            scan = end
            documentState = .topLevel
            inArray = false
            return .malformed(position: position, message: "the input ends inside this value (it is cut off or a bracket is missing)", raw: raw)
        case .arrayExpectElement, .arrayAfterElement:
            documentState = .topLevel
            inArray = false
            start = end
            scan = end
            return .malformed(position: InputPosition(source: source, line: line),
                              message: "the top-level JSON array is not closed: ']' missing at the end of the input", raw: [])
        }
    }

    private mutating func completeValue(upTo upper: Int) -> RawInputItem {
        var high = upper
        while high > valueStart && Self.isSpace(buffer[high - 1]) { high -= 1 }
        let bytes = Array(buffer[valueStart..<high])
        let position = InputPosition(source: source, line: valueLine, arrayIndex: inArray ? arrayIndex : nil)
        start = upper
        return .value(bytes: bytes, position: position, singleLine: !valueHasNewline)
    }

    private mutating func beginValue(at index: Int) {
        documentState = .inValue
        valueStart = index
        valueLine = line
        valueHasNewline = false
        depth = 0
        inString = false
        escaped = false
    }

    /// Advances through the buffered bytes; returns an item once one is complete.
    private mutating func scanDocument() -> RawInputItem? {
        while scan < end {
            let b = buffer[scan]
            switch documentState {
            case .topLevel:
                if Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    scan += 1
                    start = scan
                    continue
                }
                if b == UInt8(ascii: "[") {
                    inArray = true
                    arrayIndex = 0
                    documentState = .arrayExpectElement
                    scan += 1
                    start = scan
                    continue
                }
                beginValue(at: scan)
            case .arrayExpectElement:
                if Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    scan += 1
                    start = scan
                    continue
                }
                if b == UInt8(ascii: "]") {
                    inArray = false
                    documentState = .topLevel
                    scan += 1
                    start = scan
                    // `[a, b,]`: JSON has no trailing comma; say so rather than read on silently.
                    if arrayIndex > 0 {
                        return .malformed(position: InputPosition(source: source, line: line, arrayIndex: arrayIndex),
                                          message: "a trailing comma before ']' closes the top-level array; JSON allows none", raw: [])
                    }
                    continue
                }
                beginValue(at: scan)
            case .arrayAfterElement:
                if Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    scan += 1
                    start = scan
                    continue
                }
                scan += 1
                start = scan
                if b == UInt8(ascii: ",") {
                    arrayIndex += 1
                    documentState = .arrayExpectElement
                    continue
                }
                if b == UInt8(ascii: "]") {
                    inArray = false
                    documentState = .topLevel
                    continue
                }
                // Resynchronise: report the stray byte and read on as if a comma had been there.
                arrayIndex += 1
                documentState = .arrayExpectElement
                scan -= 1
                start = scan
                return .malformed(position: InputPosition(source: source, line: line, arrayIndex: arrayIndex - 1),
                                  message: "expected ',' or ']' after element \(arrayIndex - 1) of the top-level array, found '\(JSONParser.Reader.printable(b))'",
                                  raw: [])
            case .inValue:
                if let item = scanValueBytes() { return item }
                if scan - valueStart > Self.maximumValueBytes {
                    let position = InputPosition(source: source, line: valueLine, arrayIndex: inArray ? arrayIndex : nil)
                    let raw = Array(buffer[valueStart..<(valueStart + 64 * 1024)])
                    // Cannot find where this value ends without keeping it: stop this input.
                    start = end
                    scan = end
                    atEOF = true
                    documentState = .topLevel
                    inArray = false
                    return .malformed(position: position,
                                      message: "value is larger than \(Self.maximumValueBytes / (1024 * 1024)) MiB; reading of this input stopped here",
                                      raw: raw)
                }
            }
        }
        if documentState != .inValue { start = scan }
        return nil
    }

    /// Scans the current value; returns it when its last byte is found.
    private mutating func scanValueBytes() -> RawInputItem? {
        let limit = end
        var index = scan
        var d = depth
        var str = inString
        var esc = escaped
        var lines = 0
        // Where the value ends (exclusive), once known.
        var valueEnd: Int?
        buffer.withUnsafeBufferPointer { pointer in
            while index < limit {
                let b = pointer[index]
                if str {
                    index += 1
                    if esc {
                        esc = false
                    } else if b == 0x5C {
                        esc = true
                    } else if b == 0x22 {
                        str = false
                        if d == 0 { valueEnd = index; return }
                    } else if b == 0x0A {
                        lines += 1
                    }
                    continue
                }
                switch b {
                case 0x22:
                    str = true
                case 0x7B, 0x5B:
                    d += 1
                case 0x7D, 0x5D:
                    if d == 0 { valueEnd = index; return }  // a scalar ends before a closing bracket
                    d -= 1
                    if d == 0 { valueEnd = index + 1; index += 1; return }
                case 0x2C, 0x20, 0x09, 0x0D:
                    if d == 0 { valueEnd = index; return }
                case 0x0A:
                    if d == 0 { valueEnd = index; return }
                    lines += 1
                default:
                    break
                }
                index += 1
            }
        }
        if lines > 0 { valueHasNewline = true }
        line += lines
        depth = d
        inString = str
        escaped = esc
        guard let valueEnd else {
            scan = index
            return nil
        }
        if valueEnd == valueStart {
            // A closing bracket or comma where a value should start.
            let b = buffer[valueStart]
            scan = valueStart + 1
            start = scan
            documentState = inArray ? .arrayExpectElement : .topLevel
            let position = InputPosition(source: source, line: line, arrayIndex: inArray ? arrayIndex : nil)
            if inArray { arrayIndex += 1 }
            return .malformed(position: position,
                              message: "unexpected '\(JSONParser.Reader.printable(b))' where a value should start", raw: [b])
        }
        scan = valueEnd
        let item = completeValue(upTo: valueEnd)
        documentState = inArray ? .arrayAfterElement : .topLevel
        return item
    }
}
