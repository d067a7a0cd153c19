extension JSONParser {
    /// Parses one complete JSON document, building only what `selection` keeps: members of
    /// objects no selected path goes through are checked as strictly as `parse` checks them
    /// (grammar, UTF-8, escapes, number range, nesting, duplicate keys) and skipped without
    /// building anything. A document `parse` rejects throws the very error `parse` throws.
    ///
    /// Most of an event is read by no subscription (`context`, `messageId`, a track call's
    /// `properties` when only its name is tested): on events the size browsers send, building
    /// those parts was 40% of `map`'s time.
    /// Anything unusual (an escaped key, more than 128 keys in the objects open at once) falls
    /// back to the full parse, cut down to the selection: rare shapes cost time, never correctness.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, selecting selection: JSONSelection) throws(JSONParseError) -> JSONValue {
        var unused = RawSpans()
        return try parse(buffer, selecting: selection, capturing: false, spans: &unused)
    }

    /// `parse(_:selecting:)`, except that members the selection marks raw
    /// (`JSONSelection.Member.rawSlot`) are checked and skipped like unselected ones, and where
    /// each was is recorded in `spans`: a reader that writes them out as they are needs no tree of
    /// them. A document the selective reader leaves to the full parse has every raw member built
    /// (`spans` then comes back empty), so the value is always in the tree or in a span.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>, selecting selection: JSONSelection,
                             capturing spans: inout RawSpans) throws(JSONParseError) -> JSONValue {
        try parse(buffer, selecting: selection, capturing: true, spans: &spans)
    }

    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>, selecting selection: JSONSelection, capturing: Bool,
                              spans: inout RawSpans) throws(JSONParseError) -> JSONValue {
        let built = withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * SelectiveReader.maximumScannedKeys) { keys in
            var reader = SelectiveReader(reader: Reader(bytes: buffer), keys: keys, capturing: capturing)
            let value = reader.document(selection)
            spans = reader.spans
            return value
        }
        if let built { return built }
        spans = RawSpans()
        return try parse(buffer).restricted(to: selection)
    }
}

/// The reader behind `JSONParser.parse(_:selecting:)`: nil means "not sure, parse it all".
struct SelectiveReader {
    var reader: JSONParser.Reader
    /// Start and end offsets of the keys of the objects open on the way down, innermost last
    /// (`keyCount` of them in use): duplicate keys are found without building them.
    private let keys: UnsafeMutableBufferPointer<Int>
    private var keyCount = 0
    /// Beyond this many keys in the open objects the document is left to the full parser (events
    /// have a few dozen; the full parser checks wide objects through a set).
    static let maximumScannedKeys = 128
    /// Whether raw-marked members are skipped and recorded in `spans` rather than built.
    private let capturing: Bool
    /// Where raw-marked members were, when `capturing`.
    private(set) var spans = RawSpans()

    init(reader: JSONParser.Reader, keys: UnsafeMutableBufferPointer<Int>, capturing: Bool) {
        self.reader = reader
        self.keys = keys
        self.capturing = capturing
    }

    private var bytes: UnsafeBufferPointer<UInt8> { reader.bytes }

    @inline(__always)
    private func peek(_ byte: UInt8) -> Bool { reader.index < bytes.count && bytes[reader.index] == byte }

    mutating func document(_ selection: JSONSelection) -> JSONValue? {
        reader.skipWhitespace()
        guard let value = value(selection, depth: 0) else { return nil }
        reader.skipWhitespace()
        // Not `? value : nil`: JSONValue takes `nil` as a literal, which would make it `.null`.
        guard reader.index == bytes.count else { return nil }
        return value
    }

    private mutating func value(_ selection: JSONSelection, depth: Int) -> JSONValue? {
        guard reader.index < bytes.count else { return nil }
        switch bytes[reader.index] {
        case UInt8(ascii: "{"): return object(selection, depth: depth + 1)
        case UInt8(ascii: "["): return array(depth: depth + 1)
        default:
            do throws(JSONParseError) { return try reader.parseValue(depth: depth) } catch { return nil }
        }
    }

    /// An array, every element whole (a path into an array keeps it all).
    private mutating func array(depth: Int) -> JSONValue? {
        if depth > JSONParser.maximumDepth { return nil }
        var elements: [JSONValue] = []
        if reader.enter(closing: UInt8(ascii: "]")) { return .array(elements) }
        while true {
            reader.skipWhitespace()
            guard let element = value(.all, depth: depth) else { return nil }
            elements.append(element)
            guard let closed = reader.next(closing: UInt8(ascii: "]")) else { return nil }
            if closed { return .array(elements) }
        }
    }

    private mutating func object(_ selection: JSONSelection, depth: Int) -> JSONValue? {
        if depth > JSONParser.maximumDepth { return nil }
        var members: [JSONObject.Member] = []
        if reader.enter(closing: UInt8(ascii: "}")) { return .object(JSONObject()) }
        let frame = keyCount
        defer { keyCount = frame }
        while true {
            reader.skipWhitespace()
            guard let key = newKey(frame: frame) else { return nil }
            if case .all = selection {
                // Keys were checked (UTF-8, no escapes) by `newKey`, and duplicates by their bytes.
                guard let value = value(.all, depth: depth) else { return nil }
                if members.isEmpty { members.reserveCapacity(8) }
                members.append(JSONObject.Member(key: String(decoding: key, as: UTF8.self), value: value))
            } else if let chosen = selection.member(key) {
                if capturing, let slot = chosen.rawSlot {
                    // Checked as strictly as a skipped value; its reader writes it from these bytes.
                    let start = reader.index
                    guard skipValue(depth: depth) else { return nil }
                    spans.record(start..<reader.index, slot: slot)
                } else {
                    guard let value = value(chosen.selection, depth: depth) else { return nil }
                    if members.isEmpty { members.reserveCapacity(8) }
                    members.append(JSONObject.Member(key: chosen.name, value: value))
                }
            } else {
                guard skipValue(depth: depth) else { return nil }
            }
            guard let closed = reader.next(closing: UInt8(ascii: "}")) else { return nil }
            if closed { return .object(JSONObject(members)) }
        }
    }

    /// The next key of the object whose keys start at `frame`, through its `:`; nil for a bad,
    /// escaped or repeated key, or one too many.
    private mutating func newKey(frame: Int) -> UnsafeBufferPointer<UInt8>? {
        guard peek(UInt8(ascii: "\"")), keyCount + 2 <= keys.count else { return nil }
        reader.index += 1
        let start = reader.index
        guard skipStringContent(allowEscapes: false) else { return nil }
        let end = reader.index - 1
        let key = UnsafeBufferPointer(rebasing: bytes[start..<end])
        var k = frame
        while k < keyCount {
            if keys[k + 1] - keys[k] == key.count,
               key.isEmpty || UTF8Bytes.memcmpEqual(UnsafeBufferPointer(rebasing: bytes[keys[k]..<keys[k + 1]]), key, count: key.count) {
                return nil
            }
            k += 2
        }
        keys[keyCount] = start
        keys[keyCount + 1] = end
        keyCount += 2
        reader.skipWhitespace()
        guard peek(UInt8(ascii: ":")) else { return nil }
        reader.index += 1
        reader.skipWhitespace()
        return key
    }

    private mutating func skipValue(depth: Int) -> Bool {
        guard reader.index < bytes.count else { return false }
        switch bytes[reader.index] {
        case UInt8(ascii: "{"): return skipObject(depth: depth + 1)
        case UInt8(ascii: "["): return skipArray(depth: depth + 1)
        case UInt8(ascii: "\""): reader.index += 1; return skipStringContent(allowEscapes: true)
        case UInt8(ascii: "t"): return (try? reader.expectLiteral("true")) != nil
        case UInt8(ascii: "f"): return (try? reader.expectLiteral("false")) != nil
        case UInt8(ascii: "n"): return (try? reader.expectLiteral("null")) != nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return skipNumber()
        default: return false
        }
    }

    private mutating func skipObject(depth: Int) -> Bool {
        if depth > JSONParser.maximumDepth { return false }
        if reader.enter(closing: UInt8(ascii: "}")) { return true }
        let frame = keyCount
        defer { keyCount = frame }
        while true {
            reader.skipWhitespace()
            guard newKey(frame: frame) != nil, skipValue(depth: depth), let closed = reader.next(closing: UInt8(ascii: "}")) else { return false }
            if closed { return true }
        }
    }

    private mutating func skipArray(depth: Int) -> Bool {
        if depth > JSONParser.maximumDepth { return false }
        if reader.enter(closing: UInt8(ascii: "]")) { return true }
        while true {
            reader.skipWhitespace()
            guard skipValue(depth: depth), let closed = reader.next(closing: UInt8(ascii: "]")) else { return false }
            if closed { return true }
        }
    }

    /// From just after the opening quote to just after the closing one, checking what
    /// `parseString` checks: no control characters, valid escapes and surrogate pairs, UTF-8.
    private mutating func skipStringContent(allowEscapes: Bool) -> Bool {
        while true {
            advanceToSpecialByte()
            guard reader.index < bytes.count else { return false }
            let byte = bytes[reader.index]
            if byte == UInt8(ascii: "\"") { reader.index += 1; return true }
            if byte == UInt8(ascii: "\\") {
                guard allowEscapes, skipEscape() else { return false }
                continue
            }
            if byte < 0x20 { return false }
            guard let length = UTF8Validation.sequenceLength(in: bytes, at: reader.index) else { return false }
            reader.index += length
        }
    }

    /// Moves to the next byte of a string that needs a look (`"`, `\`, a control character or
    /// a non-ASCII byte), or the end: 8 bytes at a time (user agents and URLs are long runs of
    /// plain bytes), then one by one.
    @inline(__always)
    private mutating func advanceToSpecialByte() {
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let highs: UInt64 = 0x8080_8080_8080_8080
            while reader.index + 8 <= bytes.count {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + reader.index).loadUnaligned(as: UInt64.self))
                // Each term sets the high bit of (at least) the first byte it matches, so the
                // lowest flagged byte is the first special one (later flags may be borrows).
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5C)
                let below = (word &- ones &* 0x20) & ~word
                let flagged = (below | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash) | word) & highs
                if flagged != 0 {
                    reader.index += flagged.trailingZeroBitCount >> 3
                    return
                }
                reader.index += 8
            }
        }
        while reader.index < bytes.count {
            let byte = bytes[reader.index]
            if byte < 0x20 || byte >= 0x80 || byte == 0x22 || byte == 0x5C { return }
            reader.index += 1
        }
    }

    /// One escape, from its backslash; a `\u` high surrogate must be followed by a `\u` low one.
    private mutating func skipEscape() -> Bool {
        reader.index += 1
        guard reader.index < bytes.count else { return false }
        let escape = bytes[reader.index]
        reader.index += 1
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
             UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return true
        case UInt8(ascii: "u"):
            guard let unit = try? reader.parseHex4() else { return false }
            if (0xDC00...0xDFFF).contains(unit) { return false }
            guard (0xD800...0xDBFF).contains(unit) else { return true }
            guard reader.index + 1 < bytes.count, bytes[reader.index] == UInt8(ascii: "\\"),
                  bytes[reader.index + 1] == UInt8(ascii: "u") else { return false }
            reader.index += 2
            guard let low = try? reader.parseHex4() else { return false }
            return (0xDC00...0xDFFF).contains(low)
        default:
            return false
        }
    }

    /// RFC 8259's number grammar; a number `parse` would read as a Double must be finite there.
    private mutating func skipNumber() -> Bool {
        let start = reader.index
        if bytes[reader.index] == UInt8(ascii: "-") { reader.index += 1 }
        if peek(UInt8(ascii: "0")) {
            reader.index += 1
            if reader.index < bytes.count, isDigit(bytes[reader.index]) { return false }  // leading zero
        } else {
            guard skipDigits(atLeastOne: true) else { return false }
        }
        let integerDigits = reader.index - start
        if peek(UInt8(ascii: ".")) {
            reader.index += 1
            guard skipDigits(atLeastOne: true) else { return false }
        }
        var hasExponent = false
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            hasExponent = true
            reader.index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { reader.index += 1 }
            guard skipDigits(atLeastOne: true) else { return false }
        }
        // Without an exponent, 300 integer digits are far below Double's range: only these can overflow.
        guard hasExponent || integerDigits > 300 else { return true }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<reader.index]), as: UTF8.self)
        guard let double = Double(text) else { return false }
        return double.isFinite
    }

    @inline(__always)
    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func skipDigits(atLeastOne: Bool) -> Bool {
        let start = reader.index
        while reader.index < bytes.count, isDigit(bytes[reader.index]) { reader.index += 1 }
        return !atLeastOne || reader.index > start
    }
}

/// Well-formed UTF-8 as Unicode defines it (no overlong forms, no surrogates, nothing past
/// U+10FFFF): what `String(validating:)` accepts.
enum UTF8Validation {
    /// The length of the well-formed sequence starting at `index` (a byte of 0x80 or more), or nil.
    @inline(__always)
    static func sequenceLength(in bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        @inline(__always) func continuation(_ offset: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool {
            index + offset < bytes.count && range.contains(bytes[index + offset])
        }
        switch lead {
        case 0xC2...0xDF:
            return continuation(1) ? 2 : nil
        case 0xE0:
            return continuation(1, 0xA0...0xBF) && continuation(2) ? 3 : nil
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : nil
        case 0xED:
            return continuation(1, 0x80...0x9F) && continuation(2) ? 3 : nil
        case 0xF0:
            return continuation(1, 0x90...0xBF) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : nil
        case 0xF4:
            return continuation(1, 0x80...0x8F) && continuation(2) && continuation(3) ? 4 : nil
        default:
            return nil
        }
    }
}
