/// Where a document's raw parts are: the values a selection marks raw (`JSONSelection.Member.rawSlot`),
/// found by `JSONParser.parse(_:selecting:capturing:)` as byte ranges of the document instead of
/// built as trees. A value type of fixed size: recording spans allocates nothing.
public struct RawSpans: Sendable, Hashable {
    /// How many raw parts a selection may mark; values read from more places are built as trees.
    public static let capacity = 4
    /// Start and end of each slot's span; -1 where the slot holds nothing.
    private var bounds = SIMD8<Int>(repeating: -1)

    public init() {}

    /// The bytes of `slot`'s value in the document, or nil when it was not captured (the document
    /// lacks it, or it was built as a tree).
    @inline(__always)
    public subscript(slot: Int) -> Range<Int>? {
        let start = bounds[2 * slot]
        return start < 0 ? nil : start..<bounds[2 * slot + 1]
    }

    /// True when nothing was captured.
    public var isEmpty: Bool { bounds == SIMD8(repeating: -1) }

    mutating func record(_ span: Range<Int>, slot: Int) {
        bounds[2 * slot] = span.lowerBound
        bounds[2 * slot + 1] = span.upperBound
    }
}

/// A one-line event's bytes with the spans of its raw parts: what a pipeline needs to write those
/// parts straight from the input (`SubscriptionPipeline.forEachOutcome(_:raw:only:writingInto:_:)`).
public struct RawEvent {
    public let bytes: UnsafeBufferPointer<UInt8>
    public let spans: RawSpans

    public init(bytes: UnsafeBufferPointer<UInt8>, spans: RawSpans) {
        self.bytes = bytes
        self.spans = spans
    }

    /// The bytes of `slot`'s value, when it was captured.
    @inline(__always)
    func value(inSlot slot: Int) -> UnsafeBufferPointer<UInt8>? {
        spans[slot].map { UnsafeBufferPointer(rebasing: bytes[$0]) }
    }
}
