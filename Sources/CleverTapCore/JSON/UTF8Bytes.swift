/// Byte-level string operations. Swift's `==` treats canonically equivalent strings as equal ("é"
/// and "e\u{301}"), but JSON keys and JavaScript strings are different strings then. Comparing
/// UTF-8 bytes is exact (and equivalent to comparing UTF-16 code units), and it is fast.
enum UTF8Bytes {
    @inline(__always)
    static func equal(_ a: String, _ b: String) -> Bool {
        // Lengths first (stored, so free): most keys scanned in a lookup differ in length. Equal
        // bytes imply `==`, and `==` is a plain memcmp for ASCII strings; the byte check only
        // separates canonical equivalents.
        guard a.utf8.count == b.utf8.count, a == b else { return false }
        return withBytes(a) { x in withBytes(b) { y in
            x.count == 0 || memcmpEqual(x, y, count: x.count)
        } }
    }

    @inline(__always)
    static func hasPrefix(_ s: String, _ prefix: String) -> Bool {
        guard s.utf8.count >= prefix.utf8.count else { return false }
        return withBytes(s) { x in withBytes(prefix) { p in
            p.count == 0 || memcmpEqual(x, p, count: p.count)
        } }
    }

    @inline(__always)
    static func hasSuffix(_ s: String, _ suffix: String) -> Bool {
        guard s.utf8.count >= suffix.utf8.count else { return false }
        return withBytes(s) { x in withBytes(suffix) { p in
            p.count == 0 || memcmpEqual(UnsafeBufferPointer(rebasing: x[(x.count - p.count)...]), p, count: p.count)
        } }
    }

    static func contains(_ s: String, _ needle: String) -> Bool {
        guard s.utf8.count >= needle.utf8.count else { return false }
        return withBytes(s) { x in withBytes(needle) { n in
            if n.isEmpty { return true }
            let first = n[0]
            let last = x.count - n.count
            var i = 0
            while i <= last {
                if x[i] == first && memcmpEqual(UnsafeBufferPointer(rebasing: x[i...]), n, count: n.count) { return true }
                i += 1
            }
            return false
        } }
    }

    @inline(__always)
    static func memcmpEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>, count: Int) -> Bool {
        for i in 0..<count where a[i] != b[i] { return false }
        return true
    }

    @inline(__always)
    private static func withBytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = s.utf8.withContiguousStorageIfAvailable(body) { return result }
        let copy = Array(s.utf8)
        return copy.withUnsafeBufferPointer(body)
    }
}

/// A string key hashed and compared by its UTF-8 bytes, for sets of JSON keys.
struct UTF8Key: Hashable {
    let string: String
    static func == (lhs: UTF8Key, rhs: UTF8Key) -> Bool { UTF8Bytes.equal(lhs.string, rhs.string) }
    func hash(into hasher: inout Hasher) {
        for byte in string.utf8 { hasher.combine(byte) }
    }
}
