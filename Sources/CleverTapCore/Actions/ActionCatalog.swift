/// What a field of an action holds, as the editors and validators need to know it.
public enum ActionFieldType: String, Sendable, Hashable {
    case string, datetime, object
}

/// One field of a CleverTap action: what the user maps an event value into.
public struct ActionField: Sendable, Hashable, Identifiable {
    /// Key in the subscription's mapping object (`identity`, `ts`, `profileData`).
    public var key: String
    /// Label shown in the editors ("Identity").
    public var label: String
    public var type: ActionFieldType
    public var required: Bool
    /// One line explaining the field.
    public var help: String
    /// The mapping value a new subscription starts with (`{"@path": "$.userId"}`), if any.
    public var defaultMapping: JSONValue?
    /// A required field that may stay unmapped when this other field is mapped (Upload Event's
    /// Identity, when Object ID names an anonymous user).
    public var unlessMapped: String? = nil
    /// Mapping values the editors offer first, best first (`{"@path": "$.event"}`, `"Charged"`).
    public var suggestions: [JSONValue] = []
    /// Keys CleverTap gives a meaning inside this (object) field, offered first when it is built
    /// key by key (`Amount`, `Items` in a `Charged` event's data).
    public var knownKeys: [KnownKey] = []

    public var id: String { key }

    /// Whether `mapping` must map this field: required, and not excused by its alternative.
    public func isRequired(in mapping: JSONObject) -> Bool {
        guard required else { return false }
        if let other = unlessMapped, mapping[other] != nil { return false }
        return true
    }

    /// Why an unmapped required field is a problem: "Identity is required but not mapped, e.g. …"
    /// or, with an alternative, "Identity is required unless Object ID is mapped; map one, e.g. …".
    public func unmappedMessage(in definition: ActionDefinition) -> String {
        let example = defaultMapping.map { ", e.g. \($0.description)" } ?? ""
        guard let other = unlessMapped.flatMap(definition.field) else { return "\(label) is required but not mapped\(example)" }
        return "\(label) is required unless \(other.label) is mapped; map one of them\(example)"
    }
}

/// A key with a meaning inside an object field: what CleverTap expects there, and the event
/// property names that usually feed it (lower case), to rank path suggestions.
public struct KnownKey: Sendable, Hashable {
    public var key: String
    public var expectation: String
    public var sourceNames: [String]

    public init(key: String, expectation: String, sourceNames: [String]) {
        self.key = key
        self.expectation = expectation
        self.sourceNames = sourceNames
    }
}

/// An action's fields in display order.
public struct ActionDefinition: Sendable, Hashable {
    public var kind: ActionKind
    public var fields: [ActionField]

    public func field(_ key: String) -> ActionField? { fields.first { $0.key == key } }

    /// The mapping object made of every field's default: what Quick Setup writes.
    public var defaultMapping: JSONObject {
        var object = JSONObject()
        for field in fields { if let value = field.defaultMapping { object[field.key] = value } }
        return object
    }
}

extension ActionKind {
    /// The fields of this action and their defaults.
    ///
    /// Person Attributes default to `$.traits`, not Segment's `$.properties`: identify events
    /// (what the User Upload preset triggers on) carry traits and no properties, so Segment's
    /// default would upload empty profiles.
    public var definition: ActionDefinition {
        switch self {
        case .userUpload:
            return ActionDefinition(kind: self, fields: [
                ActionField(key: "identity", label: "Identity", type: .string, required: true,
                            help: "The user's identity in CleverTap; numbers are sent as strings.",
                            defaultMapping: ["@path": "$.userId"]),
                ActionField(key: "ts", label: "Created At", type: .datetime, required: false,
                            help: "When the profile data was true; sent as Unix seconds.",
                            defaultMapping: ["@path": "$.timestamp"]),
                ActionField(key: "profileData", label: "Person Attributes", type: .object, required: false,
                            help: "Profile properties (Name, Email, Phone, custom keys).",
                            defaultMapping: ["@path": "$.traits"]),
            ])
        case .userDelete:
            return ActionDefinition(kind: self, fields: [
                ActionField(key: "identity", label: "Identity", type: .string, required: true,
                            help: "The identity of the profile to delete.",
                            defaultMapping: ["@path": "$.userId"]),
            ])
        case .userEvent:
            return ActionDefinition(kind: self, fields: [
                ActionField(key: "identity", label: "Identity", type: .string, required: true,
                            help: "The user's identity in CleverTap; numbers are sent as strings.",
                            defaultMapping: ["@path": "$.userId"], unlessMapped: "objectId",
                            suggestions: [["@path": "$.userId"]]),
                ActionField(key: "objectId", label: "Object ID", type: .string, required: false,
                            help: "CleverTap's ID of an anonymous user (instead of Identity).",
                            defaultMapping: nil, suggestions: [["@path": "$.anonymousId"]]),
                ActionField(key: "evtName", label: "Event Name", type: .string, required: true,
                            help: "The CleverTap event; \"Charged\" is a purchase (revenue analytics).",
                            defaultMapping: ["@path": "$.event"],
                            suggestions: [["@path": "$.event"], ["@path": "$.name"], "Charged"]),
                ActionField(key: "evtData", label: "Event Data", type: .object, required: false,
                            help: "Event properties; nested objects and arrays are sent as JSON text.",
                            defaultMapping: ["@path": "$.properties"],
                            suggestions: [["@path": "$.properties"]], knownKeys: EventDataRules.chargedKeys),
                ActionField(key: "ts", label: "Timestamp", type: .datetime, required: false,
                            help: "When the event happened; sent as Unix seconds.",
                            defaultMapping: ["@path": "$.timestamp"], suggestions: [["@path": "$.timestamp"]]),
            ])
        }
    }
}

/// A ready-made subscription offered by Quick Setup.
public struct Preset: Sendable, Hashable {
    public var name: String
    public var action: ActionKind
    public var trigger: String
    /// The subscription's mapping; nil takes the action's default mapping.
    public var mapping: JSONObject? = nil

    /// A subscription with this preset's trigger and mapping.
    public func makeSubscription(id: String) -> Subscription {
        Subscription(id: id, name: name, action: action, trigger: trigger,
                     mapping: mapping ?? action.definition.defaultMapping, enabled: true, convertTimestamps: true)
    }

    /// Quick Setup's presets: uploads on identify, deletes on Segment's "Delete User" track event.
    /// Still the default: events are opt-in (`events`).
    public static let quickSetup: [Preset] = [
        Preset(name: "User Upload", action: .userUpload, trigger: #"type = "identify""#),
        Preset(name: "User Delete", action: .userDelete, trigger: #"event = "Delete User""#),
    ]

    /// What Quick Setup adds on request (`setup --quick --events`): track calls as CleverTap
    /// events, and Segment's "Order Completed" as CleverTap's `Charged`, which its revenue
    /// analytics read. The Track Event trigger leaves out the two events other presets take.
    public static let events: [Preset] = [trackEvent, orderCompleted]

    /// What a Quick Setup creates, in order: its presets, then the event presets when asked for.
    /// The one rule for `setup --quick [--events]` and the wizard's Quick Setup screen.
    public static func quickSetup(events: Bool) -> [Preset] { quickSetup + (events ? self.events : []) }

    /// Every track call but "Delete User" and "Order Completed", with the default mapping.
    public static let trackEvent = Preset(
        name: "Track Event", action: .userEvent,
        trigger: #"type = "track" and event != "Delete User" and event != "Order Completed""#)

    /// "Order Completed" as `Charged`: `Amount` from revenue (else total), `Charged ID` from
    /// order_id, `Items` from products, every other property kept as it is. The properties the
    /// CleverTap keys replace are set to null in the merge and the nulls removed, so they are
    /// not sent twice (products as JSON text would often pass CleverTap's 512-byte value limit).
    public static let orderCompleted = Preset(
        name: "Order Completed → Charged", action: .userEvent, trigger: #"event = "Order Completed""#,
        mapping: JSONObject([
            "identity": ["@path": "$.userId"],
            "evtName": "Charged",
            "evtData": ["@excludeWhenNull": ["@merge": [
                "direction": "right",
                "objects": [
                    ["@path": "$.properties"],
                    [
                        "revenue": .null, "total": .null, "order_id": .null, "products": .null,
                        "Amount": ["@if": [
                            "exists": ["@path": "$.properties.revenue"],
                            "then": ["@path": "$.properties.revenue"],
                            "else": ["@path": "$.properties.total"],
                        ]],
                        "Charged ID": ["@path": "$.properties.order_id"],
                        "Items": ["@path": "$.properties.products"],
                    ],
                ],
            ]]],
            "ts": ["@path": "$.timestamp"],
        ]))
}
