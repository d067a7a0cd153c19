/// What to do with objects nested inside Person Attributes.
///
/// CleverTap stores flat profile properties; nested objects are a per-account public beta
/// (contract §3.2), so by default we never send them. Flattening keeps every value queryable
/// (`company.name`), which stringifying (RudderStack's choice) does not.
public enum NestedObjectPolicy: String, Sendable, Hashable, CaseIterable {
    /// `{"company": {"name": "Acme"}}` -> `{"company.name": "Acme"}`; arrays holding objects or
    /// arrays become JSON text. The default.
    case flatten
    /// `{"company": {"name": "Acme"}}` -> `{"company": "{\"name\":\"Acme\"}"}`.
    case stringify
    /// Send nested objects as they are (for accounts with CleverTap's nested-objects beta).
    case keep
}

/// How mapped fields become records.
public struct RecordOptions: Sendable, Hashable {
    /// The subscription's Convert Timestamps switch.
    public var convertTimestamps: Bool
    public var nestedObjects: NestedObjectPolicy

    public init(convertTimestamps: Bool = true, nestedObjects: NestedObjectPolicy = .flatten) {
        self.convertTimestamps = convertTimestamps
        self.nestedObjects = nestedObjects
    }
}

/// A mapped field as a record builder takes it: a value of the event's tree, or the JSON bytes
/// of a value a reader captured instead of building (`RawSpans`).
enum MappedField {
    case value(JSONValue?)
    case json(UnsafeBufferPointer<UInt8>)

    /// The field as a tree value. Captured bytes were checked by the selective parse, which
    /// accepts exactly what the full parse accepts, so they always parse.
    var value: JSONValue? {
        switch self {
        case .value(let value): return value
        case .json(let bytes): return try? JSONParser.parse(bytes)
        }
    }
}

/// A record ready for CleverTap plus what was changed or dropped on the way, in words.
public struct ActionRecord: Sendable, Hashable {
    /// User Upload: `{"type":"profile","identity":…,"ts":…,"profileData":{…}}` (an element of
    /// `/1/upload`'s `d`). Delete User: `{"identity":…}`. Upload Event:
    /// `{"type":"event","identity":…,"ts":…,"evtName":…,"evtData":{…}}` (also an element of `d`).
    public var record: JSONValue
    /// E.g. `ts "not a date" is not a Unix time or an ISO-8601 date-time: left out`.
    public var warnings: [String]

    public init(record: JSONValue, warnings: [String] = []) {
        self.record = record
        self.warnings = warnings
    }
}

/// Builds CleverTap records from a subscription's mapped fields, applying the action's field
/// rules: Identity required and sent as a string (numbers turned into strings), `ts` an integer
/// number of Unix seconds or left out, Person Attributes an object with ISO-8601 strings
/// converted (when Convert Timestamps is on) and nested objects flattened. Upload Event's rules
/// are in `EventRecordBuilder.swift`.
public enum ActionRecordBuilder {
    /// CleverTap's identity length limit (error 523).
    public static let maximumIdentityLength = 120
    /// Largest `ts` taken as seconds: later values are almost certainly milliseconds.
    public static let maximumTimestamp: Int64 = 9_999_999_999

    /// The CleverTap profile update operators, which are objects CleverTap expects as they are.
    static let profileOperators: Set<String> = ["$add", "$remove", "$incr", "$decr", "$delete"]

    /// The record `action` makes of `mapped` (the mapping's output: an object of field values).
    public static func build(_ action: ActionKind, from mapped: JSONValue?, options: RecordOptions = RecordOptions())
        throws(RecordError) -> ActionRecord
    {
        let fields = mapped?.objectValue ?? JSONObject()
        switch action {
        case .userEvent:
            return try buildEvent(fields, options: options)
        case .userDelete:
            let identity = try identityText(fields["identity"])
            return ActionRecord(record: .object(JSONObject([JSONObject.Member(key: "identity", value: .string(identity))])))
        case .userUpload:
            let identity = try identityText(fields["identity"])
            var warnings: [String] = []
            var members: [JSONObject.Member] = [
                JSONObject.Member(key: "type", value: "profile"),
                JSONObject.Member(key: "identity", value: .string(identity)),
            ]
            if let ts = timestamp(fields["ts"], convert: options.convertTimestamps, warnings: &warnings) {
                members.append(JSONObject.Member(key: "ts", value: .int(ts)))
            }
            let profile = try profileData(fields["profileData"], options: options, warnings: &warnings)
            members.append(JSONObject.Member(key: "profileData", value: .object(profile)))
            return ActionRecord(record: .object(JSONObject(members)), warnings: warnings)
        }
    }

    /// User Upload's record written straight into `out`, byte for byte what `JSONWriter` writes of
    /// `build(.userUpload, …)`'s record for the same fields, and that record's warnings. Fields may
    /// be captured JSON (`MappedField.json`): Person Attributes are then written from their bytes
    /// (`RawProfileWriter`) unless they need the tree, and `ts` read from them. On a failure `out`
    /// is left as it was.
    static func writeUpload(identity mappedIdentity: JSONValue?, ts mappedTimestamp: MappedField, profile: MappedField,
                            options: RecordOptions, into out: inout [UInt8]) throws(RecordError) -> [String] {
        let identity = try identityText(mappedIdentity)
        var warnings: [String] = []
        let ts: Int64?
        switch mappedTimestamp {
        case .value(let value): ts = timestamp(value, convert: options.convertTimestamps, warnings: &warnings)
        case .json(let bytes): ts = timestamp(json: bytes, convert: options.convertTimestamps, warnings: &warnings)
        }
        let mark = out.count
        out.append(contentsOf: #"{"type":"profile","identity":"#.utf8)
        JSONWriter.writeString(identity, into: &out)
        if let ts {
            out.append(contentsOf: #","ts":"#.utf8)
            JSONWriter.writeInteger(ts, into: &out)
        }
        out.append(contentsOf: #","profileData":"#.utf8)
        if case .json(let bytes) = profile, options.nestedObjects == .flatten,
           RawProfileWriter.write(bytes, convertTimestamps: options.convertTimestamps, into: &out) {
        } else {
            do throws(RecordError) {
                JSONWriter.write(.object(try profileData(profile.value, options: options, warnings: &warnings)), into: &out)
            } catch {
                out.removeSubrange(mark...)
                throw error
            }
        }
        out.append(UInt8(ascii: "}"))
        return warnings
    }

    static func identityText(_ value: JSONValue?) throws(RecordError) -> String {
        let text: String
        switch value {
        case nil, .null?: throw .missingIdentity
        case .string(let s)?: text = s
        case .int(let i)?: text = String(i)
        case .double(let d)?: text = JavaScriptText.number(d)
        case let other?: throw .identityNotText(kind: other.kindName)
        }
        // Both checks walk Characters (grapheme breaking, Unicode tables), once per record: the
        // usual identity answers from its bytes. A first byte that is ASCII and not whitespace
        // starts a Character that is not whitespace; at most 120 bytes are at most 120 Characters.
        let first = text.utf8.first
        let plainStart = first.map { $0 < 0x80 && $0 != 0x20 && !(0x09...0x0D).contains($0) } ?? false
        if !plainStart && text.allSatisfy(\.isWhitespace) { throw .missingIdentity }
        if text.utf8.count > maximumIdentityLength && text.count > maximumIdentityLength {
            throw .identityTooLong(length: text.count)
        }
        return text
    }

    /// `ts` as Unix seconds, or nil (with a warning when a value had to be dropped): CleverTap
    /// takes only an integer, and without one it uses the upload time.
    static func timestamp(_ value: JSONValue?, convert: Bool, warnings: inout [String]) -> Int64? {
        switch value {
        case nil, .null?:
            return nil
        case .int(let i)?:
            return inRange(i, String(i), warnings: &warnings)
        case .double(let d)?:
            guard d.isFinite, d.magnitude < 9.2e18 else {
                return drop("\(JavaScriptText.number(d)) is not a Unix time", warnings: &warnings)
            }
            return inRange(Int64(d.rounded(.towardZero)), JavaScriptText.number(d), warnings: &warnings)
        case .string(let text)?:
            if let seconds = text.utf8.withContiguousStorageIfAvailable({ timestamp(utf8: $0, convert: convert, warnings: &warnings) }) {
                return seconds
            }
            return Array(text.utf8).withUnsafeBufferPointer { timestamp(utf8: $0, convert: convert, warnings: &warnings) }
        case let other?:
            return drop("is \(other.kindWithArticle), not a time", warnings: &warnings)
        }
    }

    /// `timestamp(_:convert:warnings:)` of a captured `ts`, given as its JSON bytes (checked by the
    /// selective parse): a string without escapes is read from its bytes, anything else (a number,
    /// null, an escaped string) is parsed and given to that rule.
    static func timestamp(json: UnsafeBufferPointer<UInt8>, convert: Bool, warnings: inout [String]) -> Int64? {
        if json.count >= 2, json[0] == UInt8(ascii: "\""), json[json.count - 1] == UInt8(ascii: "\"") {
            let text = UnsafeBufferPointer(rebasing: json[1..<(json.count - 1)])
            if !text.contains(UInt8(ascii: "\\")) { return timestamp(utf8: text, convert: convert, warnings: &warnings) }
        }
        return timestamp(MappedField.json(json).value, convert: convert, warnings: &warnings)
    }

    /// The rule for a `ts` string, on its UTF-8: Unix seconds in digits, or an ISO-8601 date-time
    /// when converting; anything else dropped with a warning.
    private static func timestamp(utf8 text: UnsafeBufferPointer<UInt8>, convert: Bool, warnings: inout [String]) -> Int64? {
        // Built only for a warning: the usual `ts` is in range, and interpolating the text on
        // every record was an allocation per event.
        let shown = { "\"\(String(decoding: text, as: UTF8.self))\"" }
        if let seconds = digitStringSeconds(utf8: text) { return inRange(seconds, shown(), warnings: &warnings) }
        if let seconds = ISO8601Timestamp.unixSeconds(utf8: text) {
            if convert { return inRange(seconds, shown(), warnings: &warnings) }
            return drop("\(shown()) is an ISO-8601 date-time but Convert Timestamps is off", warnings: &warnings)
        }
        return drop("\(shown()) is not a Unix time or an ISO-8601 date-time", warnings: &warnings)
    }

    /// `seconds` when it is a plausible Unix time, else nil with a warning naming `shown`.
    private static func inRange(_ seconds: Int64, _ shown: @autoclosure () -> String, warnings: inout [String]) -> Int64? {
        if seconds >= 1 && seconds <= maximumTimestamp { return seconds }
        if seconds > maximumTimestamp { return drop("\(shown()) is too large for Unix seconds (milliseconds?)", warnings: &warnings) }
        return drop("\(shown()) is before 1970", warnings: &warnings)
    }

    private static func drop(_ why: String, warnings: inout [String]) -> Int64? {
        warnings.append("ts \(why): left out, so CleverTap uses the upload time")
        return nil
    }

    /// `"1136225047"` or `"1136225047.5"` (UTF-8) read as seconds (truncated); nil for anything else.
    static func digitStringSeconds(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        var seconds: Int64 = 0
        var digits = 0
        var seenPoint = false
        var fractionDigits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") && !seenPoint && digits > 0 { seenPoint = true; continue }
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            if seenPoint { fractionDigits += 1; continue }
            digits += 1
            if digits > 18 { return nil }
            seconds = seconds * 10 + Int64(byte - 0x30)
        }
        guard digits > 0, !seenPoint || fractionDigits > 0 else { return nil }
        return seconds
    }

    static func profileData(_ value: JSONValue?, options: RecordOptions, warnings: inout [String]) throws(RecordError) -> JSONObject {
        switch value {
        case nil, .null?:
            return JSONObject()
        case .object(let object)?:
            var out: [JSONObject.Member] = []
            out.reserveCapacity(object.count)
            var needsDuplicateCheck = false
            for member in object {
                add(member.value, key: member.key, options: options, into: &out, flattened: &needsDuplicateCheck)
            }
            if needsDuplicateCheck { return removingDuplicates(out, warnings: &warnings) }
            return JSONObject(out)
        case let other?:
            throw .profileDataNotObject(kind: other.kindName)
        }
    }

    private static func add(_ value: JSONValue, key: String, options: RecordOptions,
                            into out: inout [JSONObject.Member], flattened: inout Bool) {
        switch value {
        case .string(let text):
            if options.convertTimestamps, let seconds = ISO8601Timestamp.unixSeconds(text) {
                out.append(JSONObject.Member(key: key, value: .int(seconds)))
            } else {
                out.append(JSONObject.Member(key: key, value: value))
            }
        case .object(let object):
            // Operators start with "$": most objects are told apart by one byte, with no key array built.
            if !object.isEmpty && object.allSatisfy({ $0.key.utf8.first == UInt8(ascii: "$") && profileOperators.contains($0.key) }) {
                out.append(JSONObject.Member(key: key, value: value))  // {"$add": [...]} and friends
                return
            }
            let converted = options.convertTimestamps ? TimestampConversion.convert(value) : value
            switch options.nestedObjects {
            case .keep:
                out.append(JSONObject.Member(key: key, value: converted))
            case .stringify:
                out.append(JSONObject.Member(key: key, value: .string(converted.description)))
            case .flatten:
                flattened = true
                for member in object {
                    add(member.value, key: key + "." + member.key, options: options, into: &out, flattened: &flattened)
                }
            }
        case .array(let elements):
            let nested = elements.contains { if case .object = $0 { return true }; if case .array = $0 { return true }; return false }
            if nested && options.nestedObjects != .keep {
                out.append(JSONObject.Member(key: key, value: .string(value.description)))
            } else {
                out.append(JSONObject.Member(key: key, value: value))
            }
        default:
            out.append(JSONObject.Member(key: key, value: value))
        }
    }

    /// A flattened key can collide with a key the event already has (`"a.b"` next to
    /// `{"a": {"b": …}}`): the first one wins, and we say so.
    private static func removingDuplicates(_ members: [JSONObject.Member], warnings: inout [String]) -> JSONObject {
        // Profiles are small: a scan beats hashing every key (this runs for most events).
        if members.count <= 32 {
            var duplicate = false
            outer: for i in 1..<max(members.count, 1) {
                for j in 0..<i where UTF8Bytes.equal(members[j].key, members[i].key) { duplicate = true; break outer }
            }
            if !duplicate { return JSONObject(members) }
        }
        // Keys compare by their bytes, as JSON's do: "é" and "e\u{301}" are two keys, not one.
        var seen = Set<UTF8Key>()
        var out: [JSONObject.Member] = []
        out.reserveCapacity(members.count)
        for member in members {
            if seen.insert(UTF8Key(string: member.key)).inserted {
                out.append(member)
            } else {
                warnings.append("profileData key \"\(member.key)\" appears twice after flattening nested objects: the first value is kept")
            }
        }
        return JSONObject(out)
    }
}
