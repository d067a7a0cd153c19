/// Why CleverTap skipped one record of an upload: the per-record codes documented on CleverTap's
/// API Errors page (spec §4.1), plus `unknown` for codes this build does not know yet.
public enum CleverTapRecordCode: Sendable, Hashable, CustomStringConvertible {
    case eventNameMissing            // 509
    case malformedEvent              // 512
    case restrictedEvent             // 513
    case genderInvalid               // 514
    case emailInvalid                // 515
    case phoneInvalid                // 516
    case employedInvalid             // 517
    case educationInvalid            // 518
    case marriedInvalid              // 519
    case ageInvalid                  // 520
    case tooManyEventProperties      // 522
    case identityMissing             // 523
    case recordTypeInvalid           // 524
    case timestampInvalid            // 525
    case objectIDInvalid             // 526
    case discardedEvent              // 528
    case deviceTokenInvalid(Int)     // 530...535
    case serverError                 // 555
    case unknown(Int)

    /// Every documented code, for tables and tests.
    public static let documented: [CleverTapRecordCode] = [
        .eventNameMissing, .malformedEvent, .restrictedEvent, .genderInvalid, .emailInvalid, .phoneInvalid,
        .employedInvalid, .educationInvalid, .marriedInvalid, .ageInvalid, .tooManyEventProperties,
        .identityMissing, .recordTypeInvalid, .timestampInvalid, .objectIDInvalid, .discardedEvent,
        .deviceTokenInvalid(530), .deviceTokenInvalid(531), .deviceTokenInvalid(532), .deviceTokenInvalid(533),
        .deviceTokenInvalid(534), .deviceTokenInvalid(535), .serverError,
    ]

    public init(code: Int) {
        switch code {
        case 509: self = .eventNameMissing
        case 512: self = .malformedEvent
        case 513: self = .restrictedEvent
        case 514: self = .genderInvalid
        case 515: self = .emailInvalid
        case 516: self = .phoneInvalid
        case 517: self = .employedInvalid
        case 518: self = .educationInvalid
        case 519: self = .marriedInvalid
        case 520: self = .ageInvalid
        case 522: self = .tooManyEventProperties
        case 523: self = .identityMissing
        case 524: self = .recordTypeInvalid
        case 525: self = .timestampInvalid
        case 526: self = .objectIDInvalid
        case 528: self = .discardedEvent
        case 530...535: self = .deviceTokenInvalid(code)
        case 555: self = .serverError
        default: self = .unknown(code)
        }
    }

    /// The numeric code CleverTap sends.
    public var code: Int {
        switch self {
        case .eventNameMissing: return 509
        case .malformedEvent: return 512
        case .restrictedEvent: return 513
        case .genderInvalid: return 514
        case .emailInvalid: return 515
        case .phoneInvalid: return 516
        case .employedInvalid: return 517
        case .educationInvalid: return 518
        case .marriedInvalid: return 519
        case .ageInvalid: return 520
        case .tooManyEventProperties: return 522
        case .identityMissing: return 523
        case .recordTypeInvalid: return 524
        case .timestampInvalid: return 525
        case .objectIDInvalid: return 526
        case .discardedEvent: return 528
        case .deviceTokenInvalid(let code): return code
        case .serverError: return 555
        case .unknown(let code): return code
        }
    }

    /// What the code means and what to change, in words a person can act on.
    public var explanation: String {
        switch self {
        case .eventNameMissing: return "event name (evtName) is missing"
        case .malformedEvent: return "event is malformed (evtData must be an object; a Charged event's Items an array of objects)"
        case .restrictedEvent: return "event name is a restricted CleverTap system event"
        case .genderInvalid: return "Gender must be M or F"
        case .emailInvalid: return "Email is not a valid email address"
        case .phoneInvalid: return "Phone must be E.164: '+', country code and number, e.g. +14155551234"
        case .employedInvalid: return "Employed must be Y or N"
        case .educationInvalid: return "Education must be School, College or Graduate"
        case .marriedInvalid: return "Married must be Y or N"
        case .ageInvalid: return "Age must be a number"
        case .tooManyEventProperties: return "event has too many properties (at most 100 by default) or a Charged event more than 50 Items"
        case .identityMissing: return "identity (or objectId) is missing, empty or longer than 120 characters"
        case .recordTypeInvalid: return "record type must be \"profile\" or \"event\""
        case .timestampInvalid: return "ts must be an integer count of Unix epoch seconds"
        case .objectIDInvalid: return "objectId is not a valid CleverTap ID"
        case .discardedEvent: return "event name is discarded in this CleverTap project"
        case .deviceTokenInvalid: return "device token or its objectId is invalid"
        case .serverError: return "CleverTap could not process the record (miscellaneous error)"
        case .unknown(let code): return "CleverTap error code \(code) (not documented)"
        }
    }

    public var description: String { "\(code) (\(explanation))" }
}
