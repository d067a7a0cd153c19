/// Why mapped fields could not become a CleverTap record. Each case names the action field
/// (its key, as in the mapping, and its label, as in the editors) and says what was expected.
public enum RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Identity resolved to nothing, null or an empty string.
    case missingIdentity
    /// Identity resolved to a boolean, object or array.
    case identityNotText(kind: String)
    /// Longer than CleverTap accepts (more than 120 characters: error 523).
    case identityTooLong(length: Int)
    /// Person Attributes resolved to something other than an object.
    case profileDataNotObject(kind: String)

    /// The action field at fault (`identity`, `profileData`).
    public var field: String {
        switch self {
        case .missingIdentity, .identityNotText, .identityTooLong: return "identity"
        case .profileDataNotObject: return "profileData"
        }
    }

    public var description: String {
        switch self {
        case .missingIdentity:
            return "Identity (identity) is required but the mapping gave no value: map it to a field the event has (e.g. $.userId)"
        case .identityNotText(let kind):
            return "Identity (identity) must be a string or a number, got \(kind)"
        case .identityTooLong(let length):
            return "Identity (identity) is \(length) characters long; CleverTap accepts at most \(ActionRecordBuilder.maximumIdentityLength)"
        case .profileDataNotObject(let kind):
            return "Person Attributes (profileData) must be an object of properties, got \(kind)"
        }
    }
}
