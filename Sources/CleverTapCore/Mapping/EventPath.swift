/// A pre-split path into an event, in Segment's path syntax: `$.traits.email`, `$.a[0].b`,
/// `$.a.0`, `a['b']`, or `$.` / empty for the whole event.
///
/// Splitting follows mapping-kit's `get`: a `.` separates keys; `[` separates only when a digit or
/// quote follows it and `]` only when a digit or quote precedes it (so `a[b]` is one key); quotes
/// are dropped; empty pieces are skipped; `$.` is removed once. Lookup walks objects by key and
/// arrays by canonical index (`0`, `12`; not `01`). Unlike JavaScript we do not read `length` or
/// characters of strings, and a falsy value half-way (`0`, `""`) ends the walk as missing instead
/// of being returned: both are JavaScript accidents no mapping relies on.
public struct EventPath: Sendable, Hashable, CustomStringConvertible {
    public struct Segment: Sendable, Hashable {
        public let key: String
        /// The key as an array index when it is one.
        public let index: Int?
    }

    public let text: String
    public let segments: [Segment]

    /// Splits `text` once; lookups then do no string work besides key comparison.
    public init(_ text: String, stripRootPrefix: Bool = true) {
        self.text = text
        var path = text
        if stripRootPrefix { path = EventPath.removingFirstRootMarker(path) }
        segments = EventPath.split(path).map { Segment(key: $0, index: EventPath.canonicalIndex($0)) }
    }

    public var description: String { text }

    /// True for `$.`, `""` and other spellings of the whole event.
    public var isRoot: Bool { segments.isEmpty }

    /// The value at this path, or nil when any step is missing.
    @inlinable
    public func lookup(in root: JSONValue) -> JSONValue? {
        var current = root
        for segment in segments {
            switch current {
            case .object(let object):
                guard let next = object[segment.key] else { return nil }
                current = next
            case .array(let elements):
                guard let index = segment.index, index < elements.count else { return nil }
                current = elements[index]
            default:
                return nil
            }
        }
        return current
    }

    static func split(_ path: String) -> [String] {
        let scalars = Array(path.unicodeScalars)
        func opensIndex(_ i: Int) -> Bool {
            guard i + 1 < scalars.count else { return false }
            let next = scalars[i + 1]
            return next == "\"" || next == "'" || ("0"..."9").contains(next)
        }
        func closesIndex(_ i: Int) -> Bool {
            guard i > 0 else { return false }
            let previous = scalars[i - 1]
            return previous == "\"" || previous == "'" || ("0"..."9").contains(previous)
        }
        var pieces: [String] = []
        var current = String.UnicodeScalarView()
        func finish() {
            let piece = String(current).filter { $0 != "\"" && $0 != "'" }
            if !piece.isEmpty { pieces.append(piece) }
            current = String.UnicodeScalarView()
        }
        var i = 0
        while i < scalars.count {
            let scalar = scalars[i]
            if scalar == "." || (scalar == "[" && opensIndex(i)) {
                finish()
                i += 1
            } else if scalar == "]" && closesIndex(i) {
                finish()
                while i < scalars.count && scalars[i] == "]" { i += 1 }
            } else {
                current.append(scalar)
                i += 1
            }
        }
        finish()
        return pieces
    }

    /// mapping-kit's `path.replace('$.', '')`: the first `$.` anywhere goes.
    static func removingFirstRootMarker(_ path: String) -> String {
        let bytes = Array(path.utf8)
        guard bytes.count >= 2 else { return path }
        for i in 0..<(bytes.count - 1) where bytes[i] == UInt8(ascii: "$") && bytes[i + 1] == UInt8(ascii: ".") {
            return String(decoding: bytes[..<i] + bytes[(i + 2)...], as: UTF8.self)
        }
        return path
    }

    static func canonicalIndex(_ key: String) -> Int? {
        let utf8 = key.utf8
        guard let first = utf8.first, !utf8.isEmpty, utf8.count <= 18 else { return nil }
        if first == UInt8(ascii: "0") && utf8.count > 1 { return nil }
        var value = 0
        for byte in utf8 {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}
