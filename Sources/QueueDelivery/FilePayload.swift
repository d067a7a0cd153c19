import CleverTapCore

/// How `deliver` stores an event from a file in the queue. Usually the event itself; an event fed
/// back from a dead-letter file that names its subscription is wrapped with that subscription, so
/// the workers retry it for that one only (the others processed it the first time), as the
/// dead-letter format promises. Only records of file sources are read this way: `serve`'s events
/// are stored as they came.
enum FilePayload {
    /// The queue source of a file's records starts with this.
    static let sourcePrefix = "deliver:"

    static func encode(_ event: InputEvent) -> [UInt8] {
        var payload: [UInt8] = []
        if let only = event.retryOnlySubscriptionID {
            let wrapped: JSONValue = ["retryOnly": .string(only), "event": event.value]
            JSONWriter.write(wrapped, into: &payload)
        } else {
            event.source.write(into: &payload)
        }
        return payload
    }

    /// What to parse of a stored event for subscriptions that read `reads`: those parts, and
    /// the key that marks a dead letter fed back.
    static func selection(reading reads: JSONSelection) -> JSONSelection {
        var selection = reads
        selection.insert(path: CollectionOfOne("retryOnly"))
        return selection
    }

    /// The event, parsed whole, and, for a dead letter fed back, the one subscription to retry
    /// it for.
    static func decode(_ payload: [UInt8], sourceID: String) throws(JSONParseError) -> (event: JSONValue, only: String?) {
        var none = RawSpans()  // `.all` marks nothing raw
        let decoded: Result<(event: JSONValue, only: String?), JSONParseError> = payload.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                return .success(try decode(buffer, sourceID: sourceID, selecting: .all, capturing: &none))
            } catch { return .failure(error) }
        }
        return try decoded.get()
    }

    /// The event, only `selection` of it (from `selection(reading:)`) built and the parts it
    /// marks raw captured in `spans` (`JSONParser.parse(_:selecting:capturing:)`), for the workers
    /// to write User Upload profiles from those bytes as `map` and the dry run do; and, for a dead
    /// letter fed back, the one subscription to retry it for. A plain stored event is one JSON
    /// value, so its spans are spans of `payload`; a wrapped dead letter is taken apart, so it is
    /// parsed whole and `spans` comes back empty.
    static func decode(_ payload: UnsafeBufferPointer<UInt8>, sourceID: String, selecting selection: JSONSelection,
                       capturing spans: inout RawSpans) throws(JSONParseError) -> (event: JSONValue, only: String?) {
        var value = try JSONParser.parse(payload, selecting: selection, capturing: &spans)
        if value["retryOnly"] != nil {
            spans = RawSpans()
            value = try JSONParser.parse(payload)
        }
        guard sourceID.hasPrefix(sourcePrefix), let only = value["retryOnly"]?.stringValue,
              let event = value["event"], value.objectValue?.count == 2 else { return (value, nil) }
        return (event, only)
    }
}
