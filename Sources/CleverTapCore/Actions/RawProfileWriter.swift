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

    private let bytes: UnsafeBufferPointer<UInt8>
    private let convertTimestamps: Bool
    private var index = 0
    /// The keys of the objects being flattened, outermost first: the prefix of a nested key.
    private let prefixes: UnsafeMutableBufferPointer<Range<Int>>
    /// Where each key written so far is in `out` (quotes included), to look for collisions.
    private let written: UnsafeMutableBufferPointer<Range<Int>>
    private var keyCount = 0
    private var flattened = false

    /// Writes `json` (one complete, valid JSON value: what the mapping's path chose, as the
    /// selective parse checked it) as a record's `profileData` and returns true; returns false,
    /// with `out` as it was, when the tree must do it.
    static func write(_ json: UnsafeBufferPointer<UInt8>, convertTimestamps: Bool, into out: inout [UInt8]) -> Bool {
        let mark = out.count
        let done = withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maximumDepth) { prefixes in
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: maximumKeys) { written in
                var writer = RawProfileWriter(bytes: json, convertTimestamps: convertTimestamps, prefixes: prefixes, written: written)
                return writer.profile(into: &out)
            }
        }
        if !done { out.removeSubrange(mark...) }
        return done
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, convertTimestamps: Bool,
                 prefixes: UnsafeMutableBufferPointer<Range<Int>>, written: UnsafeMutableBufferPointer<Range<Int>>) {
        self.bytes = bytes
        self.convertTimestamps = convertTimestamps
        self.prefixes = prefixes
        self.written = written
    }

    private mutating func profile(into out: inout [UInt8]) -> Bool {
        skipWhitespace()
        guard index < bytes.count else { return false }
        if bytes[index] == UInt8(ascii: "n") {
            out.append(contentsOf: "{}".utf8)  // null Person Attributes: an empty profile
            return true
        }
        guard bytes[index] == UInt8(ascii: "{") else { return false }
        index += 1
        out.append(UInt8(ascii: "{"))
        var first = true
        guard members(depth: 0, first: &first, into: &out) else { return false }
        out.append(UInt8(ascii: "}"))
        return !flattened || keysAreDistinct(in: out)
    }

    /// The members of the object whose `{` was just read, through its `}`; the keys of `depth`
    /// enclosing objects (`prefixes`) start each member's key.
    private mutating func members(depth: Int, first: inout Bool, into out: inout [UInt8]) -> Bool {
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard let key = string() else { return false }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipWhitespace()
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: "{") {
                index += 1
                skipWhitespace()
                // `{"$add": …}` and friends go to CleverTap as they are; the tree tells them apart.
                guard depth < Self.maximumDepth, index + 1 < bytes.count,
                      !(bytes[index] == UInt8(ascii: "\"") && bytes[index + 1] == UInt8(ascii: "$")) else { return false }
                flattened = true
                prefixes[depth] = key
                guard members(depth: depth + 1, first: &first, into: &out) else { return false }
            } else {
                writeKey(key, depth: depth, first: &first, into: &out)
                guard bytes[index] == UInt8(ascii: "[") ? array(into: &out) : scalar(converting: convertTimestamps, into: &out) else {
                    return false
                }
            }
            skipWhitespace()
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "}") { return true }
            guard byte == UInt8(ascii: ",") else { return false }
        }
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
        index += 1
        out.append(UInt8(ascii: "["))
        skipWhitespace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
            index += 1
            out.append(UInt8(ascii: "]"))
            return true
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] != UInt8(ascii: "{"), bytes[index] != UInt8(ascii: "["),
                  scalar(converting: false, into: &out) else { return false }
            skipWhitespace()
            guard index < bytes.count else { return false }
            let byte = bytes[index]
            index += 1
            out.append(byte)
            if byte == UInt8(ascii: "]") { return true }
            guard byte == UInt8(ascii: ",") else { return false }
        }
    }

    /// A string (an ISO-8601 one as Unix seconds when `converting`), a plain integer or a literal.
    private mutating func scalar(converting: Bool, into out: inout [UInt8]) -> Bool {
        switch bytes[index] {
        case UInt8(ascii: "\""):
            guard let text = string() else { return false }
            let content = UnsafeBufferPointer(rebasing: bytes[text])
            if converting, let seconds = ISO8601Timestamp.unixSeconds(utf8: content) {
                JSONWriter.writeInteger(seconds, into: &out)
            } else {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[(text.lowerBound - 1)..<(text.upperBound + 1)]))
            }
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return integer(into: &out)
        case UInt8(ascii: "t"): return literal(4, into: &out)
        case UInt8(ascii: "f"): return literal(5, into: &out)
        case UInt8(ascii: "n"): return literal(4, into: &out)
        default: return false
        }
    }

    /// An integer as `JSONWriter` writes it: no fraction or exponent, no `-0`, at most 18 digits
    /// (so it surely fits an `Int64`).
    private mutating func integer(into out: inout [UInt8]) -> Bool {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
        let digits = index - digitsStart
        guard digits >= 1, digits <= 18 else { return false }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            return false
        }
        if digitsStart > start && digits == 1 && bytes[digitsStart] == UInt8(ascii: "0") { return false }  // -0 is written 0
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        return true
    }

    /// `true`, `false` or `null`, which the selective parse has checked.
    private mutating func literal(_ length: Int, into out: inout [UInt8]) -> Bool {
        guard index + length <= bytes.count else { return false }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
        index += length
        return true
    }

    /// The content of the string starting at `index` (past its closing quote after), or nil for
    /// one with an escape: unescaped, it is what `JSONWriter` writes unchanged.
    private mutating func string() -> Range<Int>? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let start = index + 1
        var i = start
        while i < bytes.count {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                index = i + 1
                return start..<i
            }
            if byte == UInt8(ascii: "\\") { return nil }
            i += 1
        }
        return nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
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
