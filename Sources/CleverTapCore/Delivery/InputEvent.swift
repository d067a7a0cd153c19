/// The event text a record came from, kept so a failed record can be written to the dead-letter
/// file exactly as it arrived. Serialised only when it is actually needed.
public enum SourceEvent: Sendable {
    /// The event's own bytes: compact enough for one NDJSON line (no line breaks). Often a slice
    /// of a block of input lines, shared by every event read from it: no copy per event.
    case raw(ArraySlice<UInt8>)
    /// An event taken out of a larger value (a batch envelope, a dead-letter line, a multi-line
    /// array element): written back compactly.
    case value(JSONValue)

    /// Appends the event as one line of JSON.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .raw(let bytes): out.append(contentsOf: bytes)
        case .value(let value): JSONWriter.write(value, into: &out)
        }
    }
}

/// One event read from an input, ready for the subscriptions.
public struct InputEvent: Sendable {
    public var value: JSONValue
    public var position: InputPosition
    public var source: SourceEvent
    /// Set when the event came back from a dead-letter file: the id of the subscription whose
    /// record failed, so only that subscription takes it again (others already processed it).
    public var retryOnlySubscriptionID: String?
    /// Where in `source`'s raw bytes the parts the selection marked raw are (empty unless the
    /// event is a whole one-line value parsed with `parse(_:selecting:capturing:)`).
    public var rawSpans: RawSpans

    public init(value: JSONValue, position: InputPosition, source: SourceEvent, retryOnlySubscriptionID: String? = nil,
                rawSpans: RawSpans = RawSpans()) {
        self.value = value
        self.position = position
        self.source = source
        self.retryOnlySubscriptionID = retryOnlySubscriptionID
        self.rawSpans = rawSpans
    }

    /// Calls `body` with the event's bytes and raw spans, or nil when nothing was captured.
    @inline(__always)
    public func withRawEvent<Result>(_ body: (RawEvent?) -> Result) -> Result {
        guard !rawSpans.isEmpty, case .raw(let bytes) = source else { return body(nil) }
        return bytes.withUnsafeBufferPointer { body(RawEvent(bytes: $0, spans: rawSpans)) }
    }
}

/// Input that is not an event: invalid JSON, a non-object where an event should be, a cut-off value.
public struct MalformedInput: Sendable, Error, CustomStringConvertible {
    public var position: InputPosition
    public var message: String
    /// The offending text as read (possibly empty when there was none, e.g. a missing `]`).
    public var raw: [UInt8]

    public init(position: InputPosition, message: String, raw: [UInt8]) {
        self.position = position
        self.message = message
        self.raw = raw
    }

    public var description: String { "\(position): \(message)" }
}

/// Turns the raw values an `InputReader` yields into events: parses them, opens Segment batch
/// envelopes (`{"batch": [...]}`, whose top-level `context` fills in events that have none), and
/// recognises dead-letter lines (`{"reason": ..., "event": {...}}`) so a dead-letter file can be
/// fed back as input.
public enum EventDecoder {
    /// The events of a Segment batch envelope (an object without a `type` whose `batch` is an
    /// array); nil for anything else. `map` and `deliver` open envelopes by this one rule.
    @inline(__always)
    public static func batchItems(_ object: JSONObject) -> [JSONValue]? {
        guard object["type"] == nil, case .array(let items)? = object["batch"] else { return nil }
        return items
    }

    /// False for what may be a batch envelope or a dead-letter line (objects without a `type`
    /// holding `batch` or `reason`): anything else `decode(value:…)` takes as one event as it is,
    /// so a reader may route it without going through `decode`.
    @inline(__always)
    public static func isPlainEvent(_ object: JSONObject) -> Bool {
        object["type"] != nil || (object["batch"] == nil && object["reason"] == nil)
    }

    /// What to parse of a one-line value for subscriptions that read `reads`
    /// (`SubscriptionPipeline.eventSelection`): those parts, and the keys that tell an event from
    /// a batch envelope or a dead-letter line.
    public static func selection(reading reads: JSONSelection) -> JSONSelection {
        var selection = reads
        for key in ["type", "batch", "reason"] { selection.insert(path: CollectionOfOne(key)) }
        return selection
    }

    /// Parses a one-line value building only `selection` (from `selection(reading:)`) of an
    /// event: the rest of it is never read, and its bytes are what is kept; the parts the
    /// selection marks raw are captured in `spans`, not built. A batch envelope or a dead-letter
    /// line, which are taken apart and written back as values, is parsed whole.
    @inline(__always)
    public static func parse(_ line: UnsafeBufferPointer<UInt8>, selecting selection: JSONSelection,
                             capturing spans: inout RawSpans) throws(JSONParseError) -> JSONValue {
        let value = try JSONParser.parse(line, selecting: selection, capturing: &spans)
        if case .members = selection, case .object(let object) = value, !isPlainEvent(object) {
            spans = RawSpans()
            return try JSONParser.parse(line)
        }
        return value
    }

    /// Decodes one raw value, appending events and problems in input order. A one-line value is
    /// parsed for `selection` (see `parse(_:selecting:capturing:)`): members it marks raw are in
    /// the event's `rawSpans`, not its `value`, so route it with them (`withRawEvent`). Other
    /// values are kept whole, as they are written back from their value.
    public static func decode(bytes: [UInt8], position: InputPosition, singleLine: Bool, selecting selection: JSONSelection = .all,
                              into events: inout [Result<InputEvent, MalformedInput>]) {
        decode(bytes: bytes[...], position: position, singleLine: singleLine, selecting: selection, into: &events)
    }

    /// `decode(bytes:...)` for part of a larger buffer (a line of a block), which a one-line
    /// event's `SourceEvent.raw` then shares.
    public static func decode(bytes: ArraySlice<UInt8>, position: InputPosition, singleLine: Bool, selecting selection: JSONSelection = .all,
                              into events: inout [Result<InputEvent, MalformedInput>]) {
        var spans = RawSpans()
        let parsed: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                return .success(try singleLine ? parse(buffer, selecting: selection, capturing: &spans) : JSONParser.parse(buffer))
            } catch { return .failure(error) }
        }
        switch parsed {
        case .failure(let error):
            let (line, column) = error.lineAndColumn(in: bytes)
            var at = position
            at.line = position.line + line - 1
            events.append(.failure(MalformedInput(
                position: at, message: "invalid JSON at column \(column): \(error.message)", raw: Array(bytes))))
        case .success(let value):
            decode(value: value, position: position, source: singleLine ? .raw(bytes) : .value(value), rawSpans: spans, into: &events)
        }
    }

    /// Decodes an already parsed top-level value; `rawSpans` (the spans captured of it, in
    /// `source`'s raw bytes) go with it when it is itself an event.
    public static func decode(value: JSONValue, position: InputPosition, source: SourceEvent, rawSpans: RawSpans = RawSpans(),
                              into events: inout [Result<InputEvent, MalformedInput>]) {
        guard case .object(let object) = value else {
            if case .array(let elements) = value {
                // An array on one NDJSON line: its elements are events.
                for (index, element) in elements.enumerated() {
                    var at = position
                    at.arrayIndex = index
                    decode(value: element, position: at, source: .value(element), into: &events)
                }
                return
            }
            events.append(.failure(MalformedInput(
                position: position, message: "expected an event object, found a \(value.kindName)",
                raw: Array(value.description.utf8))))
            return
        }
        if let items = batchItems(object) {
            let sharedContext = object["context"]
            for (index, item) in items.enumerated() {
                var at = position
                at.batchIndex = index
                guard case .object(var event) = item else {
                    events.append(.failure(MalformedInput(
                        position: at, message: "expected an event object in \"batch\", found a \(item.kindName)",
                        raw: Array(item.description.utf8))))
                    continue
                }
                if let sharedContext, event["context"] == nil { event["context"] = sharedContext }
                let eventValue = JSONValue.object(event)
                events.append(.success(InputEvent(value: eventValue, position: at, source: .value(eventValue))))
            }
            return
        }
        if !isPlainEvent(object), case .string? = object["reason"] {
            let retryID = object["subscriptionId"]?.stringValue
            if case .object? = object["event"], let event = object["event"] {
                events.append(.success(InputEvent(value: event, position: position, source: .value(event),
                                                  retryOnlySubscriptionID: retryID)))
                return
            }
            if case .string(let raw)? = object["raw"] {
                // A line that was malformed when first read; read it again (it may have been fixed).
                let bytes = Array(raw.utf8)
                let before = events.count
                decode(bytes: bytes, position: position, singleLine: !bytes.contains(0x0A), into: &events)
                if let retryID {
                    for index in before..<events.count {
                        if case .success(var event) = events[index] {
                            event.retryOnlySubscriptionID = retryID
                            events[index] = .success(event)
                        }
                    }
                }
                return
            }
        }
        events.append(.success(InputEvent(value: value, position: position, source: source, rawSpans: rawSpans)))
    }
}
