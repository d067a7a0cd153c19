/// CleverTap's rules for event records (spec §5), in one place: the record builder refuses what
/// breaks them before anything is sent, and the sandbox answers them as CleverTap does.
public enum EventDataRules {
    /// The event CleverTap's revenue analytics read; the only one that may carry `Items`.
    public static let chargedEventName = "Charged"
    /// The key of a `Charged` event's products: an array of objects.
    public static let itemsKey = "Items"

    /// Longest event name, in characters (CleverTap's SDKs refuse longer names).
    public static let maximumNameLength = 512
    /// Longest event property key, in characters (spec §5).
    public static let maximumKeyLength = 120
    /// Longest text value, in UTF-8 bytes (spec §5).
    public static let maximumValueBytes = 512
    /// Properties per event: CleverTap's default, raised per account on request (spec §5, §10).
    public static let maximumProperties = 100
    /// Entries of a `Charged` event's `Items` (CleverTap's SDKs refuse more, code 522).
    public static let maximumItems = 50

    /// Events only CleverTap itself raises: an upload naming one is answered 513. The list
    /// CleverTap's Android and iOS SDKs refuse, plus `Web Page Viewed`, which CleverTap's API was
    /// seen refusing (spec §4). Compared without regard to case, as the SDKs do.
    public static let restrictedNames: [String] = [
        "App Launched", "App Uninstalled", "Notification Sent", "Notification Viewed", "Notification Clicked",
        "Notification Bounced", "Stayed", "UTM Visited", "wzrk_d", "Geocluster Entered", "Geocluster Exited",
        "SCOutgoing", "SCIncoming", "SCEnd", "SCCampaignOptOut", "Web Page Viewed",
    ]

    private static let restrictedLowercased = Set(restrictedNames.map { $0.lowercased() })

    /// Whether `name` is one of `restrictedNames` (in any case).
    public static func isRestricted(_ name: String) -> Bool {
        restrictedLowercased.contains(name.lowercased())
    }

    /// The keys a `Charged` event's data has by CleverTap's convention, offered first by editors.
    public static let chargedKeys: [KnownKey] = [
        KnownKey(key: "Amount", expectation: "the order total, a number", sourceNames: ["revenue", "total", "value"]),
        KnownKey(key: "Charged ID", expectation: "the order ID, text", sourceNames: ["order_id", "checkout_id"]),
        KnownKey(key: "Payment Mode", expectation: "text, e.g. Credit Card", sourceNames: ["payment_method", "payment_mode"]),
        KnownKey(key: itemsKey, expectation: "an array of at most \(maximumItems) objects (the products)", sourceNames: ["products", "items"]),
    ]

    /// What happens to nested objects and arrays in Event Data under `policy`, in one sentence,
    /// for previews and help. Events have no multi-value properties and CleverTap's SDKs strip
    /// `.` from event keys, so Event Data is stringified (as RudderStack's CleverTap destination
    /// does) where Person Attributes are flattened to dotted keys.
    public static func nestedValuesNote(_ policy: NestedObjectPolicy) -> String {
        switch policy {
        case .keep:
            return "Event Data: nested objects and arrays are sent as they are (CleverTap's nested-objects beta)."
        case .flatten, .stringify:
            return "Event Data: nested objects and arrays are sent as JSON text (Items on Charged stays an array of objects)."
        }
    }
}
