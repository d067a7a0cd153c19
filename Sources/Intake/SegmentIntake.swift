import CleverTapCore
import EventQueue
import Foundation

/// The calls of Segment's HTTP Tracking API, by their long and analytics.js's one-letter paths.
public enum IntakeCall: String, Sendable, CaseIterable {
    case identify, track, page, screen, group, alias, batch

    /// `identify` or `i`, …; `import` is `batch` (analytics-ruby's default path).
    public init?(pathComponent: String) {
        switch pathComponent {
        case "identify", "i": self = .identify
        case "track", "t": self = .track
        case "page", "p": self = .page
        case "screen", "s": self = .screen
        case "group", "g": self = .group
        case "alias", "a": self = .alias
        case "batch", "b", "import": self = .batch
        default: return nil
        }
    }
}

/// Segment's size limits.
public struct IntakeLimits: Sendable, Hashable {
    /// One call, and each event of a batch.
    public var eventBytes = 32 * 1024
    /// One `/v1/batch` request.
    public var batchBytes = 500 * 1024
    public var batchEvents = 2500

    public init() {}

    /// The most bytes a request of `call` may carry (after gzip is undone).
    public func requestBytes(_ call: IntakeCall) -> Int { call == .batch ? batchBytes : eventBytes }

    /// `32 KB per event` or `500 KB per batch`, for error messages.
    public func describe(_ call: IntakeCall) -> String {
        call == .batch ? "\(batchBytes / 1024) KB per batch request" : "\(eventBytes / 1024) KB per event"
    }
}

/// A request the intake refuses as a whole, with the HTTP status and the JSON error sent back.
public struct IntakeFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }

    /// `{"success":false,"error":"..."}`
    public var body: [UInt8] {
        var out: [UInt8] = []
        JSONWriter.write(.object(JSONObject(["success": .bool(false), "error": .string(message)])), into: &out)
        return out
    }
}

/// The sources that take events: write key -> source and its enabled destinations.
public struct IntakeSources: Sendable {
    public struct Entry: Sendable {
        public var source: Source
        public var destinationIDs: [String]
    }

    private let byKey: [String: Entry]

    public init(workspace: Workspace) {
        var byKey: [String: Entry] = [:]
        for source in workspace.sources where !source.writeKey.isEmpty {
            let destinations = workspace.destinations.filter { $0.enabled && $0.sourceID == source.id }.map(\.id)
            byKey[source.writeKey] = Entry(source: source, destinationIDs: destinations)
        }
        self.byKey = byKey
    }

    public func source(writeKey: String) -> Entry? { byKey[writeKey] }
}

/// Turns one intake request into what the queue stores: finds the source by its write key, takes
/// the events out of the body, refuses single events that can never be delivered (without failing
/// the rest), and enriches the others as Segment does.
public struct SegmentIntake: Sendable {
    public let sources: IntakeSources
    public let limits: IntakeLimits

    public init(sources: IntakeSources, limits: IntakeLimits = IntakeLimits()) {
        self.sources = sources
        self.limits = limits
    }

    /// `body` is the request body with any gzip already undone; `authorization` the header's value.
    public func accept(call: IntakeCall, body: [UInt8], authorization: String?, now: Date) throws(IntakeFailure) -> EnqueueRequest {
        if body.count > limits.requestBytes(call) {
            throw IntakeFailure(status: 413, message: "the request is \(body.count) bytes; the limit is \(limits.describe(call))")
        }
        let parsed: JSONValue
        do throws(JSONParseError) { parsed = try JSONParser.parse(bytes: body) } catch {
            throw IntakeFailure(status: 400, message: "the body is not JSON: \(error.message)")
        }
        guard case .object(let envelope) = parsed else {
            throw IntakeFailure(status: 400, message: "the body must be a JSON object, found a \(parsed.kindName)")
        }
        let entry = try source(authorization: authorization, envelope: envelope)
        var items: [JSONValue]
        var shared = JSONObject()
        if call == .batch {
            guard case .array(let batch)? = envelope["batch"] else {
                throw IntakeFailure(status: 400, message: "a batch body needs \"batch\": an array of events")
            }
            if batch.count > limits.batchEvents {
                throw IntakeFailure(status: 400, message: "the batch has \(batch.count) events; the limit is \(limits.batchEvents) per batch")
            }
            items = batch
            if let context = envelope["context"] { shared["context"] = context }
            if let sentAt = envelope["sentAt"] { shared["sentAt"] = sentAt }
        } else {
            var single = envelope
            if single["type"] == nil { single["type"] = .string(call.rawValue) }
            items = [.object(single)]
        }
        let receivedAt = now
        var request = EnqueueRequest(sourceID: entry.source.id, destinationIDs: entry.destinationIDs, events: [])
        for item in items {
            switch enrich(item, shared: shared, receivedAt: receivedAt) {
            case .accepted(let event): request.events.append(event)
            case .rejected(let rejected): request.rejected.append(rejected)
            }
        }
        return request
    }

    private func source(authorization: String?, envelope: JSONObject) throws(IntakeFailure) -> IntakeSources.Entry {
        let key = Self.basicUser(authorization) ?? envelope["writeKey"]?.stringValue
        guard let key, !key.isEmpty else {
            throw IntakeFailure(status: 401, message: "no write key: send the source's write key as the HTTP Basic user name or as \"writeKey\" in the body")
        }
        guard let entry = sources.source(writeKey: key) else {
            throw IntakeFailure(status: 401, message: "unknown write key: no source in the workspace has it (see `clevertap-actions config show`)")
        }
        return entry
    }

    /// The user name of `Basic base64(user:password)`.
    static func basicUser(_ header: String?) -> String? {
        guard let header, header.count > 6, header.prefix(6).lowercased() == "basic " else { return nil }
        guard let data = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: data, encoding: .utf8) else { return nil }
        return String(text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// One event made ready for the queue, or the reason it can never be delivered.
    func enrich(_ item: JSONValue, shared: JSONObject, receivedAt: Date) -> Enriched {
        guard case .object(var event) = item else {
            return .rejected(Self.reject("an event must be a JSON object, found a \(item.kindName)", item))
        }
        guard let identity = Self.identity(event["userId"]) ?? Self.identity(event["anonymousId"]) else {
            return .rejected(Self.reject("no userId or anonymousId: Segment drops such events", item))
        }
        guard let type = event["type"]?.stringValue, IntakeCall(rawValue: type) != nil, type != "batch" else {
            return .rejected(Self.reject("\"type\" must be identify, track, page, screen, group or alias", item))
        }
        if type == "track", (event["event"]?.stringValue ?? "").isEmpty {
            return .rejected(Self.reject("a track needs \"event\": its name", item))
        }
        event["writeKey"] = nil
        if event["context"] == nil, let context = shared["context"] { event["context"] = context }
        let sentAt = (event["sentAt"] ?? shared["sentAt"])?.stringValue.flatMap(IntakeTimestamps.parse)
        event["receivedAt"] = .string(IntakeTimestamps.format(receivedAt))
        let original = (event["timestamp"] ?? event["originalTimestamp"])?.stringValue
        if let original {
            // An unreadable client time is kept as sent; only a readable one is corrected.
            if let sentAt, let stamped = IntakeTimestamps.parse(original) {
                // The client's clock may be off: shift its time by the difference between when it
                // said it sent the request and when the request arrived.
                event["originalTimestamp"] = .string(original)
                event["timestamp"] = .string(IntakeTimestamps.format(receivedAt - sentAt.timeIntervalSince(stamped)))
            }
        } else {
            event["timestamp"] = .string(IntakeTimestamps.format(receivedAt))
        }
        if let sentAt, event["sentAt"] == nil { event["sentAt"] = .string(IntakeTimestamps.format(sentAt)) }
        let messageID: String
        if let given = event["messageId"]?.stringValue, !given.isEmpty {
            messageID = given
        } else {
            messageID = "srv-" + UUID().uuidString.lowercased()
            event["messageId"] = .string(messageID)
        }
        var payload: [UInt8] = []
        JSONWriter.write(.object(event), into: &payload)
        if payload.count > limits.eventBytes {
            return .rejected(Self.reject("the event is \(payload.count) bytes; the limit is \(limits.eventBytes / 1024) KB per event", item))
        }
        return .accepted(IncomingEvent(messageID: messageID, identity: identity, payload: payload))
    }

    enum Enriched {
        case accepted(IncomingEvent)
        case rejected(RejectedEvent)
    }

    static func identity(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)? where !text.isEmpty: return text
        case .int(let number)?: return String(number)
        case .double(let number)?: return String(number)
        default: return nil
        }
    }

    static func reject(_ reason: String, _ item: JSONValue) -> RejectedEvent {
        var payload: [UInt8] = []
        JSONWriter.write(item, into: &payload)
        return RejectedEvent(reason: reason, payload: payload)
    }
}

/// ISO 8601 times as Segment's libraries write them (`2026-12-01T08:00:00.123Z`, Python's
/// `2026-12-01T08:00:00.123456+00:00`), read without a calendar, and written with milliseconds.
public enum IntakeTimestamps {
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<from + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 19, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 32 || bytes[10] == 116,
              bytes[13] == 58, bytes[16] == 58,
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            if index == start { return nil }
        }
        var offset = 0
        if index < bytes.count {
            switch bytes[index] {
            case 90, 122: index += 1
            case 43, 45:
                let sign = bytes[index] == 45 ? -1 : 1
                guard let hours = number(index + 1, 2) else { return nil }
                var minutesAt = index + 3
                if minutesAt < bytes.count, bytes[minutesAt] == 58 { minutesAt += 1 }
                guard let minutes = number(minutesAt, 2) else { return nil }
                offset = sign * (hours * 3600 + minutes * 60)
                index = minutesAt + 2
            default: return nil
            }
        }
        guard index == bytes.count else { return nil }
        let days = ISO8601Timestamp.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    public static func format(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = milliseconds / 1000
        let millis = milliseconds - seconds * 1000
        var days = seconds / 86400
        seconds -= days * 86400
        if seconds < 0 { seconds += 86400; days -= 1 }
        let (year, month, day) = ISO8601Timestamp.civilFromDays(days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(seconds / 3600, 2)):\(pad(seconds % 3600 / 60, 2)):\(pad(seconds % 60, 2)).\(pad(millis, 3))Z"
    }
}
