import CleverTapCore
@testable import SetupWizard

/// Events with every trait the editor tests exercise (reserved-key names, dates, booleans),
/// fixed so that tests do not change when the built-in samples do.
enum EditorFixtures {
    static let identify: JSONValue = [
        "type": "identify", "messageId": "sample-identify-1", "userId": "u-1001", "anonymousId": "a-77f1",
        "timestamp": "2026-11-28T10:15:30.512Z",
        "traits": [
            "name": "Jack Montana", "first_name": "Jack", "last_name": "Montana",
            "email": "jack@example.com", "phone": "+14155551234", "gender": "M",
            "birthday": "1990-04-12", "plan": "pro", "logins": 42, "newsletter": true,
        ],
        "context": ["ip": "203.0.113.7", "locale": "en-US"],
    ]

    static let contextOnly: JSONValue = [
        "type": "identify", "messageId": "sample-identify-2", "userId": "u-1004",
        "timestamp": "2026-11-28T10:18:00+05:30",
        "context": ["traits": ["name": "Priya Sharma", "email": "priya@example.in", "phone": "+919812345678"], "locale": "en-IN"],
    ]

    static let deleteUser: JSONValue = [
        "type": "track", "messageId": "sample-delete-1", "userId": "u-1002", "event": "Delete User",
        "timestamp": "2026-11-28T10:21:00Z", "properties": [:],
    ]

    static let samples = [
        SampleEvent(name: "Identify", event: identify),
        SampleEvent(name: "Identify (context.traits only)", event: contextOnly),
        SampleEvent(name: "Delete User (track)", event: deleteUser),
    ]

    static var picker: SampleEventPicker { SampleEventPicker(samples: samples) }
}
