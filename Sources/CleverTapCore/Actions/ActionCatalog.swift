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

    public var id: String { key }
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
        }
    }
}

/// A ready-made subscription offered by Quick Setup.
public struct Preset: Sendable, Hashable {
    public var name: String
    public var action: ActionKind
    public var trigger: String

    /// A subscription with this preset's trigger and the action's default mapping.
    public func makeSubscription(id: String) -> Subscription {
        Subscription(id: id, name: name, action: action, trigger: trigger,
                     mapping: action.definition.defaultMapping, enabled: true, convertTimestamps: true)
    }

    /// Quick Setup's presets: uploads on identify, deletes on Segment's "Delete User" track event.
    public static let quickSetup: [Preset] = [
        Preset(name: "User Upload", action: .userUpload, trigger: #"type = "identify""#),
        Preset(name: "User Delete", action: .userDelete, trigger: #"event = "Delete User""#),
    ]
}
