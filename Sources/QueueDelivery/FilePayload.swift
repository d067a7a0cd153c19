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

    /// The event (only `selection` of it, from `selection(reading:)`, built) and, for a dead
    /// letter fed back, the one subscription to retry it for.
    static func decode(_ payload: [UInt8], sourceID: String, selecting selection: JSONSelection = .all) throws(JSONParseError) -> (event: JSONValue, only: String?) {
        let parsed: Result<JSONValue, JSONParseError> = payload.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                let value = try JSONParser.parse(buffer, selecting: selection)
                // A wrapped dead letter is taken apart: parsed whole.
                return .success(value["retryOnly"] == nil ? value : try JSONParser.parse(buffer))
            } catch { return .failure(error) }
        }
        let value = try parsed.get()
        guard sourceID.hasPrefix(sourcePrefix), let only = value["retryOnly"]?.stringValue,
              let event = value["event"], value.objectValue?.count == 2 else { return (value, nil) }
        return (event, only)
    }
}
