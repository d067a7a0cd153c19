/// Where an event came from, precisely enough for a person to find it: the input's name, the
/// 1-based line the value starts on, and for JSON arrays and batch envelopes the 0-based index.
public struct InputPosition: Sendable, Hashable, CustomStringConvertible {
    /// The input as the user named it (a path), or `stdin`.
    public var source: String
    /// 1-based line on which the value starts.
    public var line: Int
    /// 0-based index of the element in a top-level JSON array, if the input is one.
    public var arrayIndex: Int?
    /// 0-based index inside a Segment batch envelope (`{"batch": [...]}`), if the event came from one.
    public var batchIndex: Int?

    public init(source: String, line: Int, arrayIndex: Int? = nil, batchIndex: Int? = nil) {
        self.source = source
        self.line = line
        self.arrayIndex = arrayIndex
        self.batchIndex = batchIndex
    }

    /// `events.ndjson:12`, `events.json:40 (element 7)`, `batch.ndjson:3 (batch item 2)`.
    public var description: String {
        var text = "\(source):\(line)"
        if let arrayIndex { text += " (element \(arrayIndex))" }
        if let batchIndex { text += " (batch item \(batchIndex))" }
        return text
    }

    /// The position as a JSON object, for dead-letter lines and JSON reports.
    public var jsonValue: JSONValue {
        var object = JSONObject()
        object["file"] = .string(source)
        object["line"] = .int(Int64(line))
        if let arrayIndex { object["element"] = .int(Int64(arrayIndex)) }
        if let batchIndex { object["batchItem"] = .int(Int64(batchIndex)) }
        return .object(object)
    }
}
