/// Realistic Segment events for trying a destination: what a website sends when a user signs up
/// (identify) or asks to be forgotten (the "Delete User" track event Quick Setup subscribes to).
public enum SampleEvents {
    /// The user both samples are about, so `send-test delete` removes what `send-test identify` made.
    public static let userID = "clevertap-actions-test-user"

    /// The sample event for `action`, stamped with `now` (Unix seconds).
    public static func event(for action: ActionKind, now: Int64) -> JSONValue {
        switch action {
        case .userUpload: return identify(now: now)
        case .userDelete: return deleteUser(now: now)
        }
    }

    /// An identify call with the traits CleverTap has reserved keys for.
    public static func identify(now: Int64, userID: String = SampleEvents.userID) -> JSONValue {
        [
            "type": "identify",
            "messageId": .string("test-identify-\(now)"),
            "userId": .string(userID),
            "anonymousId": "test-anonymous-1",
            "timestamp": .string(utcTimestamp(now)),
            "traits": [
                "name": "Test User",
                "email": "test.user@example.com",
                "phone": "+14155550123",
                "createdAt": "2024-01-02T03:04:05Z",
                "plan": "trial",
                "logins": 1,
            ],
            "context": ["library": ["name": "clevertap-actions send-test", "version": "1"]],
        ]
    }

    /// Segment's "Delete User" track event.
    public static func deleteUser(now: Int64, userID: String = SampleEvents.userID) -> JSONValue {
        [
            "type": "track",
            "event": "Delete User",
            "messageId": .string("test-delete-\(now)"),
            "userId": .string(userID),
            "timestamp": .string(utcTimestamp(now)),
            "properties": [:],
        ]
    }

    /// `YYYY-MM-DDThh:mm:ssZ` for Unix seconds `seconds` (proleptic Gregorian, UTC).
    public static func utcTimestamp(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(paddedYear)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }
}
