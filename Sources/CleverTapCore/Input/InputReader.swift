#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One item an `InputReader` handed out and the caller owns.
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

/// The one reader of every verb's input (`map`, `deliver`, `eval-trigger`, `eval-mapping`):
/// splits a byte stream into top-level JSON values without parsing them, reading large chunks
/// from a file descriptor so memory stays flat however large the input is.
///
/// The layout is detected from the first non-space byte: `[` means a JSON array (streamed element
/// by element, each with its index); `{` means NDJSON (one value per line), unless the first line
/// leaves its object open, in which case the input is a sequence of pretty-printed JSON values
/// (e.g. one indented `{"batch": [...]}` envelope). A UTF-8 byte order mark opening the input is
/// dropped. Values are handed out three ways, all from the same buffer and rules: owned items
/// (`next()`, for `deliver`, which keeps them), borrowed lines (`forEachLine`, for the streaming
/// verbs: no copy per line) and blocks of whole lines (`nextBlock`, for the one-thread dry run;
/// with more threads the workers read a file's blocks themselves, `fileBlocks(blockBytes:)`).
public struct InputReader: ~Copyable {
    /// Bytes requested from the descriptor per `read(2)` by default.
    public static let chunkSize = 256 * 1024
    /// Longest single event `deliver` accepts; longer values are reported as malformed and skipped.
    /// The streaming verbs hold a line of any length.
    public static let maximumValueBytes = 16 * 1024 * 1024

    /// How the reader is splitting the stream.
    public enum Layout: Sendable, Equatable {
        case undetermined, lines, document
    }

    /// The input as the user named it (a path), or `stdin`.
    public let source: String
    public internal(set) var layout: Layout = .undetermined

    let fd: Int32
    let ownsDescriptor: Bool
    let pollsForData: Bool
    let pollMilliseconds: Int32
    var buffer: [UInt8]
    var start = 0  // first unconsumed byte
    var end = 0  // one past the last valid byte
    var scan = 0  // where the search for the end of the current item resumes
    var atEOF = false
    var line = 1  // line number of the byte at `start` (lines layout) or at `scan` (document)
    var skippingLongLine = false
    var skippedPrefix: [UInt8] = []
    var sawBOMCheck = false

    // Document layout state.
    enum DocumentState { case topLevel, arrayExpectElement, arrayAfterElement, inValue }
    var documentState = DocumentState.topLevel
    var inArray = false
    var arrayIndex = 0
    var valueStart = 0
    var valueLine = 1
    var valueHasNewline = false
    var depth = 0
    var inString = false
    var escaped = false
    var pendingError: (InputPosition, String, [UInt8])?

    /// Reads from `fd` (not closed by the reader unless `ownsDescriptor`). `source` names the input
    /// in positions and errors. `pollMilliseconds` bounds how long a read from a pipe or terminal
    /// may block before `.idle` is returned.
    public init(fd: Int32, source: String, ownsDescriptor: Bool = false, pollMilliseconds: Int32 = 200,
                chunkSize: Int = InputReader.chunkSize) {
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
        buffer = [UInt8](repeating: 0, count: max(64, chunkSize))
    }

    /// Opens `path` for reading; `-` is standard input (named `stdin`). Pipes and devices
    /// (`<(cmd)`, `/dev/stdin`) are accepted; a directory is refused here rather than failing
    /// later with a bare `read failed: Is a directory`.
    public init(path: String, pollMilliseconds: Int32 = 200, chunkSize: Int = InputReader.chunkSize) throws(InputError) {
        if path == "-" {
            self.init(fd: STDIN_FILENO, source: "stdin", pollMilliseconds: pollMilliseconds, chunkSize: chunkSize)
            return
        }
        let fd = try Self.open(path)
        self.init(fd: fd, source: path, ownsDescriptor: true, pollMilliseconds: pollMilliseconds, chunkSize: chunkSize)
    }

    /// Opens the file `path` for reading, by the one rule of every input: a directory is refused
    /// here rather than failing later with a bare `read failed: Is a directory`. The caller closes it.
    public static func open(_ path: String) throws(InputError) -> Int32 {
        if path.isEmpty { throw InputError(source: "\"\"", reason: "the path is empty; give a file, or - for standard input") }
        var fd: Int32
        repeat { fd = systemOpen(path, O_RDONLY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw .cannotOpen(path, code: errno) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw .cannotOpen(path, code: EISDIR)
        }
        return fd
    }

    /// The reader of what a verb was given: a path, or standard input for nothing or `-`.
    public init(pathOrStandardInput path: String?, chunkSize: Int = InputReader.chunkSize) throws(InputError) {
        try self.init(path: path ?? "-", chunkSize: chunkSize)
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// True when no input was named and standard input is a terminal: the command would sit
    /// waiting for typing, which a user who forgot the file name takes for a hang.
    public static func wouldWaitOnATerminal(_ path: String?) -> Bool {
        path == nil && isatty(STDIN_FILENO) != 0
    }

    /// True when the input is a regular file of at least `bytes` bytes (worth reading on several threads).
    public func isRegularFile(ofAtLeast bytes: Int) -> Bool {
        var info = stat()
        return fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && Int(info.st_size) >= bytes
    }

    /// Reads until the layout is known, without handing anything out: `.lines`, `.document`, or
    /// `.undetermined` for an input with nothing but whitespace. Waits through quiet pipes.
    public mutating func determineLayout() throws(InputError) -> Layout {
        while layout == .undetermined {
            if let decided = try detectLayout() {
                if case .idle = decided { continue }
            }
            if layout == .undetermined { return .undetermined }
        }
        return layout
    }

    /// The next item, or nil at the end of the input.
    public mutating func next() throws(InputError) -> RawInputItem? {
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
    mutating func fill() throws(InputError) -> Bool? {
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
            // An array, not `repeatElement`: appending that went element by element in a debug
            // build, seconds for the 32 MiB a long line grows the buffer to.
            buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))
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
            throw .readFailed(source, code: errno)
        }
    }

    @inline(__always)
    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// 3 when `bytes` opens with a UTF-8 byte order mark, else 0. Editors on Windows write one, and
    /// it would make the first event invalid JSON.
    @inline(__always)
    static func byteOrderMarkLength(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
    }

    /// Where the content of the line `start..<lineEnd` ends: a `\r` before its `\n` is not content.
    @inline(__always)
    static func contentEnd(_ base: UnsafePointer<UInt8>, start: Int, lineEnd: Int) -> Int {
        lineEnd > start && base[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
    }

    /// Skips a UTF-8 byte-order mark and decides the layout from the first non-space byte.
    mutating func detectLayout() throws(InputError) -> RawInputItem? {
        while true {
            if !sawBOMCheck {
                if end - start < 3 && !atEOF {
                    guard let more = try fill() else { return .idle }
                    if more { continue }
                }
                sawBOMCheck = true
                let from = start, count = end - start
                start += buffer.withUnsafeBufferPointer { Self.byteOrderMarkLength(UnsafeBufferPointer(rebasing: $0[from..<from + count])) }
                scan = start
            }
            // Find the first non-space byte without consuming anything: line numbers stay right.
            var index = start
            while index < end && Self.isSpace(buffer[index]) { index += 1 }
            if index < end {
                if buffer[index] == UInt8(ascii: "[") {
                    layout = .document
                } else if buffer[index] == UInt8(ascii: "{") {
                    // NDJSON unless the first object does not close on its own line.
                    guard let leavesOpen = firstLineLeavesAnObjectOpen(from: index) else {
                        // No whole first line yet: read on, unless no more can come or the line is
                        // already too long to be one event (then it is NDJSON's problem line).
                        if !atEOF && end - start < Self.maximumValueBytes {
                            guard try fill() != nil else { return .idle }
                            continue
                        }
                        layout = .lines
                        scan = start
                        return nil
                    }
                    layout = leavesOpen ? .document : .lines
                } else {
                    layout = .lines
                }
                scan = start
                return nil
            }
            // Only whitespace so far.
            guard let more = try fill() else { return .idle }
            if !more { return nil }
        }
    }

    /// Whether the line starting at `index` ends with an object still open; nil when no newline
    /// has been read yet.
    private func firstLineLeavesAnObjectOpen(from index: Int) -> Bool? {
        var cursor = index
        var depth = 0
        var inString = false
        var escaped = false
        while cursor < end {
            let b = buffer[cursor]
            cursor += 1
            if inString {
                if escaped { escaped = false } else if b == 0x5C { escaped = true } else if b == 0x22 { inString = false }
                continue
            }
            if b == 0x0A { return depth > 0 }
            if b == 0x22 { inString = true } else if b == 0x7B || b == 0x5B { depth += 1 } else if b == 0x7D || b == 0x5D { depth -= 1 }
        }
        return nil
    }
}

// File scope: inside `InputReader`, `open` names its own method.
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }
