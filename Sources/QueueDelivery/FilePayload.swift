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

    /// The event and, for a dead letter fed back, the one subscription to retry it for.
    static func decode(_ payload: [UInt8], sourceID: String) throws(JSONParseError) -> (event: JSONValue, only: String?) {
        let value = try JSONParser.parse(bytes: payload)
        guard sourceID.hasPrefix(sourcePrefix), let only = value["retryOnly"]?.stringValue,
              let event = value["event"], value.objectValue?.count == 2 else { return (value, nil) }
        return (event, only)
    }
}
