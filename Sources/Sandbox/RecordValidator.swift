import CleverTapCore

/// One record refused by the sandbox, as CleverTap would report it.
struct RecordProblem: Sendable, Hashable {
    var code: Int
    /// CleverTap's text without the "Skipped record number" suffix.
    var text: String
}

/// Checks `/1/upload` records in the order spec §9.4 fixes; the first failing rule wins.
struct RecordValidator: Sendable {
    var restrictedEventNames: Set<String>
    var nestedObjects: Bool

    static let maximumKeyBytes = 120
    static let maximumValueBytes = 512
    static let maximumProfileKeys = 256
    static let maximumEventProperties = 100
    static let maximumEventNameLength = 512
    static let maximumChargedItems = 50
    static let maximumMultiValues = 100
    static let identifierKeys = ["identity", "objectId", "FBID", "GPID"]
    static let updateOperators: Set<String> = ["$add", "$remove", "$incr", "$decr", "$delete"]

    func problem(in record: JSONValue) -> RecordProblem? {
        guard let object = record.objectValue, let type = object["type"]?.stringValue,
              type == "profile" || type == "event"
        else {
            return RecordProblem(code: 524, text: "Record type is incorrect. type must be profile or event")
        }
        guard Self.identifier(of: object) != nil else {
            return RecordProblem(code: 523, text: "'identity' or 'fbId' or 'gpId' or 'objectId' is necessary under 120 chars to identify the user")
        }
        if let ts = object["ts"] {
            guard case .int(let seconds) = ts, (1...9_999_999_999).contains(seconds) else {
                return RecordProblem(code: 525, text: "Timestamp should be present in the Unix Epoch format")
            }
        }
        if type == "profile" { return profileProblem(object) }
        return eventProblem(object)
    }

    /// The record's identifier as text: the first non-empty identity/objectId/FBID/GPID of at most 120 characters.
    static func identifier(of object: JSONObject) -> (key: String, value: String)? {
        for key in identifierKeys {
            guard let value = object[key] else { continue }
            let text: String
            switch value {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            default: continue
            }
            if !text.isEmpty && text.count <= 120 { return (key, text) }
        }
        return nil
    }

    func profileProblem(_ object: JSONObject) -> RecordProblem? {
        guard let data = object["profileData"] else { return nil }
        guard let profileData = data.objectValue else {
            return RecordProblem(code: 555, text: "profileData must be an object, got \(data.kindName)")
        }
        let checks: [(key: String, code: Int, text: String, valid: (JSONValue) -> Bool)] = [
            ("Gender", 514, "Gender needs to be M/F", { ["M", "F"].contains($0.stringValue ?? "") }),
            ("Email", 515, "Email is not valid", { Self.isEmail($0.stringValue) }),
            ("Phone", 516, "Phone number is not valid", { Self.isPhone($0.stringValue) }),
            ("Employed", 517, "Employed needs to be Y/N", { ["Y", "N"].contains($0.stringValue ?? "") }),
            ("Education", 518, "Education needs to be School/College/Graduate", {
                ["School", "College", "Graduate"].contains($0.stringValue ?? "")
            }),
            ("Married", 519, "Married needs to be Y/N", { ["Y", "N"].contains($0.stringValue ?? "") }),
            ("Age", 520, "Age is invalid", { value in
                if value.doubleValue != nil { return true }
                if let s = value.stringValue, !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }) { return true }
                return false
            }),
        ]
        for check in checks {
            if let value = profileData[check.key], !Self.isOperator(value), !check.valid(value) {
                return RecordProblem(code: check.code, text: check.text)
            }
        }
        if profileData.count > Self.maximumProfileKeys {
            return RecordProblem(code: 555, text: "profileData has \(profileData.count) keys, more than \(Self.maximumProfileKeys)")
        }
        return propertyProblem(profileData, allowOperators: true)
    }

    /// Spec §9.4's event rules (509, 512, 513) and then the limits of §5, each refused with a
    /// code rather than cut: a name longer than 512 characters or `Items` that are not an array of
    /// objects are malformed (512); more than 100 properties or 50 items are too many (522); keys
    /// over 120 characters and values over 512 bytes are 555 (CleverTap's own answer is not
    /// published: a sandbox choice).
    func eventProblem(_ object: JSONObject) -> RecordProblem? {
        guard let name = object["evtName"]?.stringValue, !name.isEmpty else {
            return RecordProblem(code: 509, text: "Event Name is incorrect. ErrorCode: 509 - Event name is mandatory")
        }
        var properties = JSONObject()
        if let data = object["evtData"] {
            guard let dataObject = data.objectValue else {
                return RecordProblem(code: 512, text: "Event Data is incorrect. ErrorCode: 512 - evtData must be an object")
            }
            properties = dataObject
        }
        let lowered = name.lowercased()
        if restrictedEventNames.contains(where: { $0.lowercased() == lowered }) {
            return RecordProblem(code: 513, text: "Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event")
        }
        if name.count > Self.maximumEventNameLength {
            return RecordProblem(code: 512, text: "Event Name is incorrect. ErrorCode: 512 - Event name is longer than \(Self.maximumEventNameLength) characters")
        }
        if properties.count > Self.maximumEventProperties {
            return RecordProblem(code: 522, text: "Event Data is incorrect. ErrorCode: 522 - more than \(Self.maximumEventProperties) event properties")
        }
        if name == "Charged", let items = properties["Items"] {
            guard let entries = items.arrayValue else {
                return RecordProblem(code: 512, text: "Event Data is incorrect. ErrorCode: 512 - Items must be an array of objects")
            }
            if entries.count > Self.maximumChargedItems {
                return RecordProblem(code: 522, text: "Event Data is incorrect. ErrorCode: 522 - Items has \(entries.count) entries, more than \(Self.maximumChargedItems)")
            }
            for (index, entry) in entries.enumerated() {
                guard let item = entry.objectValue else {
                    return RecordProblem(code: 512, text: "Event Data is incorrect. ErrorCode: 512 - Items[\(index)] must be an object")
                }
                if let problem = propertyProblem(item, allowOperators: false, keysInCharacters: true) { return problem }
            }
        }
        return propertyProblem(properties, allowOperators: false, allowItems: name == "Charged", keysInCharacters: true)
    }

    /// Key and value size limits and the nested-object rule (spec §3, §3.2, §5; the answer code is
    /// a sandbox choice). Profile keys are counted in bytes (the upload-profiles page), event keys
    /// in characters (the upload-events page).
    func propertyProblem(_ properties: JSONObject, allowOperators: Bool, allowItems: Bool = false,
                         keysInCharacters: Bool = false) -> RecordProblem? {
        for member in properties {
            let keyLength = keysInCharacters ? member.key.count : member.key.utf8.count
            if keyLength > Self.maximumKeyBytes {
                let unit = keysInCharacters ? "characters" : "bytes"
                return RecordProblem(code: 555, text: "Property key \"\(member.key.prefix(40))…\" is longer than \(Self.maximumKeyBytes) \(unit)")
            }
            switch member.value {
            case .string(let s) where s.utf8.count > Self.maximumValueBytes:
                return RecordProblem(code: 555, text: "Value of \"\(member.key)\" is longer than \(Self.maximumValueBytes) bytes")
            case .object(let o):
                if allowOperators, Self.isOperator(member.value) { continue }
                if !nestedObjects {
                    return RecordProblem(code: 555, text: "Value of \"\(member.key)\" is a nested object; nested objects are not enabled for this account")
                }
                if let problem = propertyProblem(o, allowOperators: false, keysInCharacters: keysInCharacters) { return problem }
            case .array(let items):
                if allowItems && member.key == "Items" { continue }
                if items.contains(where: { $0.objectValue != nil || $0.arrayValue != nil }), !nestedObjects {
                    return RecordProblem(code: 555, text: "Value of \"\(member.key)\" holds objects or arrays; nested objects are not enabled for this account")
                }
                if items.count > Self.maximumMultiValues {
                    return RecordProblem(code: 555, text: "Multi-value \"\(member.key)\" has \(items.count) items, more than \(Self.maximumMultiValues)")
                }
                for item in items {
                    if let s = item.stringValue, s.utf8.count > Self.maximumValueBytes {
                        return RecordProblem(code: 555, text: "An item of \"\(member.key)\" is longer than \(Self.maximumValueBytes) bytes")
                    }
                }
            default:
                continue
            }
        }
        return nil
    }

    /// `{"$add": …}` and the other single-key update operators (spec §3.2).
    static func isOperator(_ value: JSONValue) -> Bool {
        guard let object = value.objectValue, object.count == 1, let key = object.keys.first else { return false }
        return updateOperators.contains(key)
    }

    static func isPhone(_ text: String?) -> Bool {
        // ^\+[1-9][0-9]{6,14}$
        guard let text, text.first == "+" else { return false }
        let digits = text.dropFirst()
        guard (7...15).contains(digits.count), let first = digits.first, first != "0" else { return false }
        return digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isEmail(_ text: String?) -> Bool {
        // One @, something before it, a dotted domain after it, no spaces.
        guard let text, !text.contains(where: \.isWhitespace) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }
}
