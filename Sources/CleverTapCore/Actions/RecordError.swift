/// Why mapped fields could not become a CleverTap record. Each case names the action field
/// (its key, as in the mapping, and its label, as in the editors) and says what was expected.
/// Values over CleverTap's limits are refused, never cut: a shortened value would be stored
/// silently wrong.
public enum RecordError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Identity resolved to nothing, null or an empty string.
    case missingIdentity
    /// Identity resolved to a boolean, object or array.
    case identityNotText(kind: String)
    /// Longer than CleverTap accepts (more than 120 characters: error 523).
    case identityTooLong(length: Int)
    /// Person Attributes resolved to something other than an object.
    case profileDataNotObject(kind: String)

    // Upload Event
    /// Neither Identity nor Object ID resolved to a value.
    case missingIdentityOrObjectID
    /// Object ID resolved to a boolean, object or array.
    case objectIDNotText(kind: String)
    /// Object ID longer than 120 characters (error 523).
    case objectIDTooLong(length: Int)
    /// Event Name resolved to nothing, null or blank text.
    case missingEventName
    /// Event Name resolved to something other than text.
    case eventNameNotText(kind: String)
    /// Event Name longer than `EventDataRules.maximumNameLength` characters.
    case eventNameTooLong(length: Int)
    /// Event Name is a CleverTap system event (error 513).
    case restrictedEventName(String)
    /// Event Data resolved to something other than an object.
    case eventDataNotObject(kind: String)
    /// An Event Data key (`where`: `"plan"`, `Items[2].sku`) over the key length limit.
    case eventDataKeyTooLong(where: String, length: Int)
    /// An Event Data value over the value size limit; `stringified` when it was a nested object or
    /// array turned into JSON text.
    case eventDataValueTooLong(where: String, bytes: Int, stringified: Bool)
    /// More properties than CleverTap takes per event (error 522).
    case tooManyEventProperties(count: Int)
    /// `Items` of a `Charged` event is not an array.
    case itemsNotArray(kind: String)
    /// An entry of `Items` is not an object.
    case itemNotObject(index: Int, kind: String)
    /// More entries in `Items` than CleverTap takes.
    case tooManyItems(count: Int)

    /// The action field at fault (`identity`, `profileData`, `evtData`).
    public var field: String {
        switch self {
        case .missingIdentity, .identityNotText, .identityTooLong, .missingIdentityOrObjectID: return "identity"
        case .profileDataNotObject: return "profileData"
        case .objectIDNotText, .objectIDTooLong: return "objectId"
        case .missingEventName, .eventNameNotText, .eventNameTooLong, .restrictedEventName: return "evtName"
        case .eventDataNotObject, .eventDataKeyTooLong, .eventDataValueTooLong, .tooManyEventProperties,
             .itemsNotArray, .itemNotObject, .tooManyItems:
            return "evtData"
        }
    }

    public var description: String {
        let rules = EventDataRules.self
        switch self {
        case .missingIdentity:
            return "Identity (identity) is required but the mapping gave no value: map it to a field the event has (e.g. $.userId)"
        case .identityNotText(let kind):
            return "Identity (identity) must be a string or a number, got \(kind)"
        case .identityTooLong(let length):
            return "Identity (identity) is \(length) characters long; CleverTap accepts at most \(ActionRecordBuilder.maximumIdentityLength)"
        case .profileDataNotObject(let kind):
            return "Person Attributes (profileData) must be an object of properties, got \(kind)"
        case .missingIdentityOrObjectID:
            return "Identity (identity) or Object ID (objectId) is required but the mapping gave neither: map Identity to $.userId or Object ID to a CleverTap ID"
        case .objectIDNotText(let kind):
            return "Object ID (objectId) must be a string or a number, got \(kind)"
        case .objectIDTooLong(let length):
            return "Object ID (objectId) is \(length) characters long; CleverTap accepts at most \(ActionRecordBuilder.maximumIdentityLength)"
        case .missingEventName:
            return "Event Name (evtName) is required but the mapping gave no value: map it to $.event or write a name such as \"Charged\""
        case .eventNameNotText(let kind):
            return "Event Name (evtName) must be a string, got \(kind)"
        case .eventNameTooLong(let length):
            return "Event Name (evtName) is \(length) characters long; CleverTap accepts at most \(rules.maximumNameLength) (nothing was cut)"
        case .restrictedEventName(let name):
            return "Event Name (evtName) \"\(name)\" is a CleverTap system event, which only CleverTap itself raises (it answers 513): map another name or change the trigger"
        case .eventDataNotObject(let kind):
            return "Event Data (evtData) must be an object of properties, got \(kind)"
        case .eventDataKeyTooLong(let place, let length):
            return "Event Data (evtData) key \(place) is \(length) characters long; CleverTap accepts at most \(rules.maximumKeyLength) (nothing was cut): rename it in the mapping"
        case .eventDataValueTooLong(let place, let bytes, let stringified):
            let what = stringified ? "value of \(place), a nested object or array sent as JSON text," : "value of \(place)"
            return "Event Data (evtData) \(what) is \(bytes) bytes; CleverTap accepts at most \(rules.maximumValueBytes) (nothing was cut): map a shorter value or leave it out"
        case .tooManyEventProperties(let count):
            return "Event Data (evtData) has \(count) properties; CleverTap accepts at most \(rules.maximumProperties) per event (it answers 522): map fewer"
        case .itemsNotArray(let kind):
            return "Event Data (evtData) \(rules.itemsKey) of a \(rules.chargedEventName) event must be an array of objects (the products), got \(kind)"
        case .itemNotObject(let index, let kind):
            return "Event Data (evtData) \(rules.itemsKey)[\(index)] must be an object (one product), got \(kind)"
        case .tooManyItems(let count):
            return "Event Data (evtData) \(rules.itemsKey) has \(count) entries; CleverTap accepts at most \(rules.maximumItems) per \(rules.chargedEventName) event (nothing was cut)"
        }
    }
}
