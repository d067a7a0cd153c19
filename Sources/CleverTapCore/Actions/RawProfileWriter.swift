/// User Upload's Person Attributes written straight from the event's bytes, with no tree: ISO-8601
/// strings converted and nested objects flattened in place, by `ActionRecordBuilder`'s rules
/// (`profileData(_:options:warnings:)`), and the output byte for byte what `JSONWriter` writes of
/// the record that function builds.
///
/// Building the profile's tree (strings, members, arrays) and writing it again was half of `map`'s
/// time on typical identify calls. The usual profile is plain: keys and strings without escapes,
/// integers, booleans, nested objects. Anything else is left to the tree, which says what it did
/// (warnings) or why it failed: a value that is not an object, an escape, a number that is not a
/// plain integer (`1.50` is written `1.5`), an array holding objects or arrays (written as JSON
/// text), an operator object (`{"$add": …}`), nesting deeper than `maximumDepth`, or keys that
/// collide after flattening (`a.b` next to `{"a": {"b": …}}`).
struct RawProfileWriter {
    /// The deepest nesting flattened from bytes.
    static let maximumDepth = 16
    /// The most keys a flattened profile may have here: collisions are found by comparing each
    /// pair's bytes, which beats hashing for profiles this small.
    static let maximumKeys = 32

    /// The parser's cursor over the profile's bytes (its whitespace, literal and punctuation rules).
    private var reader: JSONParser.Reader
    private let convertTimestamps: Bool
    /// The keys of the objects being flattened, outermost first: the prefix of a nested key.
    private let prefixes: UnsafeMutableBufferPointer<Range<Int>>
    /// Where each key written so far is in `out` (quotes included), to look for collisions.
    private let written: UnsafeMutableBufferPointer<Range<Int>>
    private var keyCount = 0
    private var flattened = false

    private var bytes: UnsafeBufferPointer<UInt8> { reader.bytes }

    /// Writes `json` (one complete, valid JSON value: what the mapping's path chose, as the
    /// selective parse checked it) as a record's `profileData` and returns true; returns false,
    /// with `out` as it was, when the tree must do it.
    static func write(_ json: UnsafeBufferPointer<UInt8>, convertTimestamps: Bool, into out: inout [UInt8]) -> Bool {
        let mark = out.count
        let done = withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maximumDepth) { prefixes in
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maximumKeys) { written in
                var writer = RawProfileWriter(reader: JSONParser.Reader(bytes: json), convertTimestamps: convertTimestamps,
                                              prefixes: prefixes, written: written)
                return writer.profile(into: &out)
            }
        }
        if !done { out.removeSubrange(mark...) }
        return done
    }

    private init(reader: JSONParser.Reader, convertTimestamps: Bool,
                 prefixes: UnsafeMutableBufferPointer<Range<Int>>, written: UnsafeMutableBufferPointer<Range<Int>>) {
        self.reader = reader
        self.convertTimestamps = convertTimestamps
        self.prefixes = prefixes
        self.written = written
    }

    private mutating func profile(into out: inout [UInt8]) -> Bool {
        reader.skipWhitespace()
        if reader.current == UInt8(ascii: "n") {
            out.append(contentsOf: "{}".utf8)  // null Person Attributes: an empty profile
            return true
        }
        guard reader.current == UInt8(ascii: "{") else { return false }
        out.append(UInt8(ascii: "{"))
        var first = true
        guard members(depth: 0, first: &first, into: &out) else { return false }
        out.append(UInt8(ascii: "}"))
        return !flattened || keysAreDistinct(in: out)
    }

    /// The members of the object at the cursor, through its `}`; the keys of `depth` enclosing
    /// objects (`prefixes`) start each member's key.
    private mutating func members(depth: Int, first: inout Bool, into out: inout [UInt8]) -> Bool {
        if reader.enter(closing: UInt8(ascii: "}")) { return true }
        while true {
            reader.skipWhitespace()
            guard let key = string() else { return false }
            reader.skipWhitespace()
            guard reader.current == UInt8(ascii: ":") else { return false }
            reader.index += 1
            reader.skipWhitespace()
            switch reader.current {
            case UInt8(ascii: "{")?:
                // `{"$add": …}` and friends go to CleverTap as they are; the tree tells them apart.
                guard depth < Self.maximumDepth, !startsOperatorObject() else { return false }
                flattened = true
                prefixes[depth] = key
                guard members(depth: depth + 1, first: &first, into: &out) else { return false }
            case UInt8(ascii: "[")?:
                writeKey(key, depth: depth, first: &first, into: &out)
                guard array(into: &out) else { return false }
            case .some:
                writeKey(key, depth: depth, first: &first, into: &out)
                guard scalar(converting: convertTimestamps, into: &out) else { return false }
            case nil:
                return false
            }
            guard let closed = reader.next(closing: UInt8(ascii: "}")) else { return false }
            if closed { return true }
        }
    }

    /// Whether the object at the cursor starts with a `$` key (an operator, or maybe one).
    private func startsOperatorObject() -> Bool {
        var look = reader
        look.index += 1
        look.skipWhitespace()
        return look.current == UInt8(ascii: "\"") && look.index + 1 < bytes.count && bytes[look.index + 1] == UInt8(ascii: "$")
    }

    /// `"outer.inner.key":`, recording where the key is for the collision check.
    private mutating func writeKey(_ key: Range<Int>, depth: Int, first: inout Bool, into out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        let start = out.count
        out.append(UInt8(ascii: "\""))
        for level in 0..<depth {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[prefixes[level]]))
            out.append(UInt8(ascii: "."))
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[key]))
        out.append(UInt8(ascii: "\""))
        if keyCount < Self.maximumKeys { written[keyCount] = start..<out.count }
        keyCount += 1
        out.append(UInt8(ascii: ":"))
    }

    /// An array of scalars, as it is (its strings are not converted: the tree does not convert
    /// them either); one holding an object or an array is the tree's.
    private mutating func array(into out: inout [UInt8]) -> Bool {
        out.append(UInt8(ascii: "["))
        if reader.enter(closing: UInt8(ascii: "]")) {
            out.append(UInt8(ascii: "]"))
            return true
        }
        while true {
            reader.skipWhitespace()
            guard let byte = reader.current, byte != UInt8(ascii: "{"), byte != UInt8(ascii: "["),
                  scalar(converting: false, into: &out), let closed = reader.next(closing: UInt8(ascii: "]")) else { return false }
            out.append(closed ? UInt8(ascii: "]") : UInt8(ascii: ","))
            if closed { return true }
        }
    }

    /// A string (an ISO-8601 one as Unix seconds when `converting`), a plain integer or a literal.
    private mutating func scalar(converting: Bool, into out: inout [UInt8]) -> Bool {
        let start = reader.index
        switch bytes[start] {
        case UInt8(ascii: "\""):
            guard let text = string() else { return false }
            if converting, let seconds = ISO8601Timestamp.unixSeconds(utf8: UnsafeBufferPointer(rebasing: bytes[text])) {
                JSONWriter.writeInteger(seconds, into: &out)
                return true
            }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            guard plainInteger() else { return false }
        case UInt8(ascii: "t"):
            guard (try? reader.expectLiteral("true")) != nil else { return false }
        case UInt8(ascii: "f"):
            guard (try? reader.expectLiteral("false")) != nil else { return false }
        case UInt8(ascii: "n"):
            guard (try? reader.expectLiteral("null")) != nil else { return false }
        default:
            return false
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<reader.index]))  // as it is
        return true
    }

    /// Past an integer `JSONWriter` writes as it is: no fraction or exponent, no `-0`, at most 18
    /// digits (so it surely fits an `Int64`).
    private mutating func plainInteger() -> Bool {
        let start = reader.index
        if bytes[reader.index] == UInt8(ascii: "-") { reader.index += 1 }
        let digitsStart = reader.index
        while let byte = reader.current, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { reader.index += 1 }
        let digits = reader.index - digitsStart
        guard digits >= 1, digits <= 18 else { return false }
        if let byte = reader.current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            return false
        }
        return !(digitsStart > start && digits == 1 && bytes[digitsStart] == UInt8(ascii: "0"))  // -0 is written 0
    }

    /// The content of the string at the cursor (left past its closing quote), or nil for one with
    /// an escape: unescaped, it is what `JSONWriter` writes unchanged.
    private mutating func string() -> Range<Int>? {
        guard reader.current == UInt8(ascii: "\"") else { return nil }
        let start = reader.index + 1
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                reader.index = i + 1
                return start..<i
            }
            if byte == UInt8(ascii: "\\") { return nil }
            i += 1
        }
        return nil
    }

    /// No two keys the same after flattening (the tree keeps the first and warns).
    private func keysAreDistinct(in out: [UInt8]) -> Bool {
        guard keyCount <= Self.maximumKeys else { return false }
        return out.withUnsafeBufferPointer { buffer in
            for i in 1..<max(keyCount, 1) {
                let key = UnsafeBufferPointer(rebasing: buffer[written[i]])
                for j in 0..<i where written[j].count == key.count {
                    if UTF8Bytes.memcmpEqual(UnsafeBufferPointer(rebasing: buffer[written[j]]), key, count: key.count) { return false }
                }
            }
            return true
        }
    }
}
