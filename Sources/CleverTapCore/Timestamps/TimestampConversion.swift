/// Segment's "Convert Timestamps" applied to mapped values: ISO-8601 strings become integer
/// Unix seconds; every other value is left exactly as it is (phone numbers, ids, digit strings
/// such as "1136253847", "25 Mar 2015", impossible dates like month 13).
public enum TimestampConversion {
    /// `value` with every ISO-8601 string converted, walking into nested objects but not into
    /// arrays (as Segment does).
    public static func convert(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let text):
            if let seconds = ISO8601Timestamp.unixSeconds(text) { return .int(seconds) }
            return value
        case .object(let object):
            var members: [JSONObject.Member] = []
            members.reserveCapacity(object.count)
            for member in object { members.append(JSONObject.Member(key: member.key, value: convert(member.value))) }
            return .object(JSONObject(members))
        default:
            return value
        }
    }
}
