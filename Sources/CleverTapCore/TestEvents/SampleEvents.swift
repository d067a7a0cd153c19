/// Realistic Segment events for trying a destination: what a website sends when a user signs up
/// (identify), asks to be forgotten (the "Delete User" track event Quick Setup subscribes to),
/// looks at a product (a track the Track Event preset takes) or buys (Order Completed).
public enum SampleEvents {
    /// The user the samples are about, so `send-test delete` removes what `send-test identify` made.
    public static let userID = "clevertap-actions-test-user"

    /// The sample event for `action`, stamped with `now` (Unix seconds).
    public static func event(for action: ActionKind, now: Int64) -> JSONValue {
        switch action {
        case .userUpload: return identify(now: now)
        case .userDelete: return deleteUser(now: now)
        case .userEvent: return productViewed(now: now)
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

    /// A track call the Track Event preset turns into a CleverTap event of the same name.
    public static func productViewed(now: Int64, userID: String = SampleEvents.userID) -> JSONValue {
        [
            "type": "track",
            "event": "Product Viewed",
            "messageId": .string("test-track-\(now)"),
            "userId": .string(userID),
            "timestamp": .string(utcTimestamp(now)),
            "properties": [
                "product_id": "P-1001",
                "sku": "TSHIRT-BLUE-M",
                "name": "Blue T-Shirt",
                "category": "Apparel",
                "price": 19.99,
                "currency": "EUR",
            ],
            "context": ["library": ["name": "clevertap-actions send-test", "version": "1"]],
        ]
    }

    /// Segment's "Order Completed" with two products: what the Order Completed → Charged preset
    /// turns into CleverTap's `Charged` with `Items`.
    public static func orderCompleted(now: Int64, userID: String = SampleEvents.userID) -> JSONValue {
        [
            "type": "track",
            "event": "Order Completed",
            "messageId": .string("test-order-\(now)"),
            "userId": .string(userID),
            "timestamp": .string(utcTimestamp(now)),
            "properties": [
                "order_id": .string("test-order-\(now)"),
                "revenue": 59.97,
                "currency": "EUR",
                "coupon": "WELCOME10",
                "products": [
                    ["product_id": "P-1001", "sku": "TSHIRT-BLUE-M", "name": "Blue T-Shirt", "price": 19.99, "quantity": 2],
                    ["product_id": "P-2002", "sku": "MUG-WHITE", "name": "White Mug", "price": 19.99, "quantity": 1],
                ],
            ],
            "context": ["library": ["name": "clevertap-actions send-test", "version": "1"]],
        ]
    }

    /// `YYYY-MM-DDThh:mm:ssZ` for Unix seconds `seconds` (proleptic Gregorian, UTC).
    public static func utcTimestamp(_ seconds: Int64) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = ISO8601Timestamp.civilFromDays(days)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let yearText = String(year)
        let paddedYear = String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText
        return "\(paddedYear)-\(two(month))-\(two(day))T\(two(secondOfDay / 3600)):\(two(secondOfDay % 3600 / 60)):\(two(secondOfDay % 60))Z"
    }
}
