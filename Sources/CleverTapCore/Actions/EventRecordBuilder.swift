/// Upload Event's record: `{"type":"event","identity":…,"objectId":…,"ts":…,"evtName":…,"evtData":{…}}`.
///
/// Event Data rules (`EventDataRules`): ISO-8601 strings become Unix seconds when Convert
/// Timestamps is on (walking nested objects, not arrays, as Segment does); nested objects and
/// arrays are sent as JSON text unless the policy is `.keep`, except `Items` on `Charged`, which
/// must be an array of at most 50 objects and is sent as one. Keys, values and counts over
/// CleverTap's limits fail the record with a `RecordError` in words; nothing is cut.
extension ActionRecordBuilder {
    static func buildEvent(_ fields: JSONObject, options: RecordOptions) throws(RecordError) -> ActionRecord {
        var warnings: [String] = []
        let identity = try optionalIdentifier(fields["identity"], field: "identity")
        let objectID = try optionalIdentifier(fields["objectId"], field: "objectId")
        guard identity != nil || objectID != nil else { throw .missingIdentityOrObjectID }
        let name = try eventName(fields["evtName"])

        var members: [JSONObject.Member] = [JSONObject.Member(key: "type", value: "event")]
        if let identity { members.append(JSONObject.Member(key: "identity", value: .string(identity))) }
        if let objectID { members.append(JSONObject.Member(key: "objectId", value: .string(objectID))) }
        if let ts = timestamp(fields["ts"], convert: options.convertTimestamps, warnings: &warnings) {
            members.append(JSONObject.Member(key: "ts", value: .int(ts)))
        }
        members.append(JSONObject.Member(key: "evtName", value: .string(name)))
        let data = try eventData(fields["evtData"], charged: name == EventDataRules.chargedEventName, options: options)
        members.append(JSONObject.Member(key: "evtData", value: .object(data)))
        return ActionRecord(record: .object(JSONObject(members)), warnings: warnings)
    }

    /// Identity or Object ID as text, nil when unmapped, null or blank (the other may stand in).
    static func optionalIdentifier(_ value: JSONValue?, field: String) throws(RecordError) -> String? {
        let text: String
        switch value {
        case nil, .null?: return nil
        case .string(let s)?: text = s
        case .int(let i)?: text = String(i)
        case .double(let d)?: text = JavaScriptText.number(d)
        case let other?:
            throw field == "identity" ? .identityNotText(kind: other.kindName) : .objectIDNotText(kind: other.kindName)
        }
        if text.allSatisfy(\.isWhitespace) { return nil }
        if text.count > maximumIdentityLength {
            throw field == "identity" ? .identityTooLong(length: text.count) : .objectIDTooLong(length: text.count)
        }
        return text
    }

    static func eventName(_ value: JSONValue?) throws(RecordError) -> String {
        switch value {
        case nil, .null?:
            throw .missingEventName
        case .string(let name)?:
            if name.allSatisfy(\.isWhitespace) { throw .missingEventName }
            if name.count > EventDataRules.maximumNameLength { throw .eventNameTooLong(length: name.count) }
            if EventDataRules.isRestricted(name) { throw .restrictedEventName(name) }
            return name
        case let other?:
            throw .eventNameNotText(kind: other.kindName)
        }
    }

    static func eventData(_ value: JSONValue?, charged: Bool, options: RecordOptions) throws(RecordError) -> JSONObject {
        let object: JSONObject
        switch value {
        case nil, .null?: return JSONObject()
        case .object(let given)?: object = given
        case let other?: throw .eventDataNotObject(kind: other.kindName)
        }
        if object.count > EventDataRules.maximumProperties { throw .tooManyEventProperties(count: object.count) }
        var out: [JSONObject.Member] = []
        out.reserveCapacity(object.count)
        for member in object {
            try checkKey(member.key, place: quoted(member.key))
            if charged && member.key == EventDataRules.itemsKey {
                out.append(JSONObject.Member(key: member.key, value: try items(member.value, options: options)))
            } else {
                out.append(JSONObject.Member(key: member.key, value: try eventValue(member.value, place: quoted(member.key), options: options)))
            }
        }
        return JSONObject(out)
    }

    /// `Items` of a `Charged` event: an array of objects, each object's values under the same
    /// rules as Event Data's. Timestamps inside are left as they are (the conversion does not
    /// walk arrays).
    static func items(_ value: JSONValue, options: RecordOptions) throws(RecordError) -> JSONValue {
        guard case .array(let entries) = value else { throw .itemsNotArray(kind: value.kindName) }
        if entries.count > EventDataRules.maximumItems { throw .tooManyItems(count: entries.count) }
        var out: [JSONValue] = []
        out.reserveCapacity(entries.count)
        let noConversion = RecordOptions(convertTimestamps: false, nestedObjects: options.nestedObjects)
        for (index, entry) in entries.enumerated() {
            guard case .object(let item) = entry else { throw .itemNotObject(index: index, kind: entry.kindName) }
            var members: [JSONObject.Member] = []
            members.reserveCapacity(item.count)
            for member in item {
                try checkKey(member.key, place: itemPlace(index, member.key))
                members.append(JSONObject.Member(key: member.key, value: try eventValue(member.value, place: itemPlace(index, member.key),
                                                                                       options: noConversion)))
            }
            out.append(.object(JSONObject(members)))
        }
        return .array(out)
    }

    /// One property value: converted, stringified when nested (unless kept), checked for size.
    /// `place` names the value in an error; it is only worked out when there is one (this runs for
    /// every property of every event).
    static func eventValue(_ value: JSONValue, place: @autoclosure () -> String, options: RecordOptions) throws(RecordError) -> JSONValue {
        switch value {
        case .string(let text):
            if options.convertTimestamps, let seconds = ISO8601Timestamp.unixSeconds(text) { return .int(seconds) }
            try checkValue(text, place: place(), stringified: false)
            return value
        case .object, .array:
            let converted: JSONValue
            if case .object = value, options.convertTimestamps { converted = TimestampConversion.convert(value) } else { converted = value }
            if options.nestedObjects == .keep { return converted }
            let text = converted.description
            try checkValue(text, place: place(), stringified: true)
            return .string(text)
        default:
            return value
        }
    }

    static func checkKey(_ key: String, place: @autoclosure () -> String) throws(RecordError) {
        // Counting characters is only needed once the UTF-8 length could exceed the limit.
        guard key.utf8.count > EventDataRules.maximumKeyLength else { return }
        let length = key.count
        if length > EventDataRules.maximumKeyLength { throw .eventDataKeyTooLong(where: abbreviated(place()), length: length) }
    }

    static func checkValue(_ text: String, place: @autoclosure () -> String, stringified: Bool) throws(RecordError) {
        let bytes = text.utf8.count
        if bytes > EventDataRules.maximumValueBytes {
            throw .eventDataValueTooLong(where: abbreviated(place()), bytes: bytes, stringified: stringified)
        }
    }

    static func quoted(_ key: String) -> String { JSONValue.string(key).description }

    static func itemPlace(_ index: Int, _ key: String) -> String { "\(EventDataRules.itemsKey)[\(index)].\(key)" }

    /// A key quoted in an error stays readable: at most 40 characters of it are shown.
    static func abbreviated(_ place: String) -> String {
        place.count > 48 ? String(place.prefix(40)) + "…" : place
    }
}
