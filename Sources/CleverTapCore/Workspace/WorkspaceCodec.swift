/// Why a JSON value is not a workspace this build can use.
public enum WorkspaceDecodingError: Error, Sendable, Equatable {
    /// The document's `version` is newer than `Workspace.currentVersion`: refused, never rewritten.
    case newerVersion(found: Int64, supported: Int)
    /// Shape problems (missing keys, wrong types, unknown names), each with its JSON path.
    case invalid([WorkspaceIssue])
}

/// Converts a `Workspace` to and from its JSON form, the config file format:
///
/// ```json
/// {"version": 1,
///  "sources": [{"id", "name", "type", "writeKey"}],
///  "destinations": [{"id", "name", "sourceId", "projectId",
///                    "passcode": "…" | {"env": "VAR"}, "region": "in1" | "endpoint": "https://…",
///                    "setupMode", "enabled",
///                    "subscriptions": [{"id", "name", "action", "trigger", "mapping",
///                                       "enabled", "convertTimestamps"}]}]}
/// ```
///
/// Written by hand on our JSON types (not Codable) so every problem is reported with its JSON
/// path and the rule it breaks, and all shape problems are reported at once.
public enum WorkspaceCodec {
    // MARK: Encoding

    /// The JSON form of `workspace`, keys in the documented order.
    public static func encode(_ workspace: Workspace) -> JSONValue {
        var root = JSONObject()
        root["version"] = .int(Int64(workspace.version))
        root["sources"] = .array(workspace.sources.map(encode(source:)))
        root["destinations"] = .array(workspace.destinations.map { encode(destination: $0) })
        return .object(root)
    }

    /// Pretty JSON text with a final newline, as written to disk.
    public static func encodedText(_ workspace: Workspace) -> String {
        encode(workspace).prettyDescription + "\n"
    }

    static func encode(source: Source) -> JSONValue {
        ["id": .string(source.id), "name": .string(source.name), "type": .string(source.type.rawValue),
         "writeKey": .string(source.writeKey)]
    }

    /// - Parameter maskingPasscode: replace an inline passcode by its mask (`config show`).
    public static func encode(destination: Destination, maskingPasscode: Bool = false) -> JSONValue {
        var object = JSONObject()
        object["id"] = .string(destination.id)
        object["name"] = .string(destination.name)
        object["sourceId"] = .string(destination.sourceID)
        object["projectId"] = .string(destination.projectID)
        switch destination.passcode {
        case .inline(let secret): object["passcode"] = .string(maskingPasscode ? secret.masked : secret.revealed)
        case .environment(let variable): object["passcode"] = ["env": .string(variable)]
        }
        switch destination.endpoint {
        case .region(let region): object["region"] = .string(region.code)
        case .custom(let url): object["endpoint"] = .string(url)
        }
        object["setupMode"] = .string(destination.setupMode.rawValue)
        object["enabled"] = .bool(destination.enabled)
        object["subscriptions"] = .array(destination.subscriptions.map(encode(subscription:)))
        return .object(object)
    }

    static func encode(subscription: Subscription) -> JSONValue {
        ["id": .string(subscription.id), "name": .string(subscription.name),
         "action": .string(subscription.action.rawValue), "trigger": .string(subscription.trigger),
         "mapping": .object(subscription.mapping), "enabled": .bool(subscription.enabled),
         "convertTimestamps": .bool(subscription.convertTimestamps)]
    }

    // MARK: Decoding

    /// The workspace in `value`; shape problems are collected and thrown together. Semantic rules
    /// (ID formats, references, uniqueness) are `WorkspaceValidator`'s.
    public static func decode(_ value: JSONValue) throws(WorkspaceDecodingError) -> Workspace {
        let (workspace, issues) = try decodeLeniently(value)
        guard let workspace, issues.isEmpty else { throw .invalid(issues) }
        return workspace
    }

    /// Every problem at once: shape problems, plus what `validator` finds in the parts that could
    /// be read, so a file with a wrong type and a bad project ID reports both in one run. Parts
    /// that could not be read stand in as harmless placeholders, and rule issues inside them (or
    /// caused by them, such as a mapping judged against an unreadable action) are left out.
    public static func problems(in value: JSONValue, validator: WorkspaceValidator) throws(WorkspaceDecodingError) -> [WorkspaceIssue] {
        let (workspace, shape) = try decodeLeniently(value)
        guard let workspace else { return shape }
        let rules = validator.validate(workspace).filter { issue in
            !shape.contains { shapeIssue in
                let broken = shapeIssue.path.components
                let found = issue.path.components
                // Inside (or at) a part that could not be read.
                if found.starts(with: broken) { return true }
                // Judged against a stand-in: a mapping against an unreadable action, a source
                // reference against an unreadable source list.
                if broken.last == .key("action"), found.starts(with: broken.dropLast() + [.key("mapping")]) { return true }
                if broken.first == .key("sources"), found.last == .key("sourceId") { return true }
                return false
            }
        }
        var seen = Set(shape)
        return shape + rules.filter { seen.insert($0).inserted }
    }

    /// The workspace with placeholders where parts are unreadable, and the shape problems.
    /// The workspace is nil only when the document is not an object at all.
    static func decodeLeniently(_ value: JSONValue) throws(WorkspaceDecodingError) -> (Workspace?, [WorkspaceIssue]) {
        var decoder = Decoder()
        guard let root = decoder.asObject(value, at: .root) else { return (nil, decoder.issues) }
        // The version is read first: a newer document is refused before its shape is judged.
        var version = Workspace.currentVersion
        switch root["version"] {
        case nil:
            decoder.issue(JSONPath.root.key("version"), "required; expected \(Workspace.currentVersion)")
        case .int(let found)?:
            if found > Int64(Workspace.currentVersion) {
                throw .newerVersion(found: found, supported: Workspace.currentVersion)
            }
            if found < 1 { decoder.issue(JSONPath.root.key("version"), "expected \(Workspace.currentVersion), got \(found)") }
            else { version = Int(clamping: found) }
        case .double(let found)?:
            // A fraction or a number too large for an integer: show it, "got number" says nothing.
            decoder.issue(JSONPath.root.key("version"), "expected the whole number \(Workspace.currentVersion), got \(JSONValue.double(found).description)")
        case let other?:
            decoder.issue(JSONPath.root.key("version"), "expected the number \(Workspace.currentVersion), got \(other.kindName)")
        }
        decoder.checkKeys(root, allowed: ["version", "sources", "destinations"], at: .root)
        let sources = decoder.array(root, "sources", at: .root) { decoder, value, path in decoder.source(value, at: path) }
        let destinations = decoder.array(root, "destinations", at: .root) { decoder, value, path in decoder.destination(value, at: path) }
        return (Workspace(version: version, sources: sources, destinations: destinations), decoder.issues)
    }

    struct Decoder {
        var issues: [WorkspaceIssue] = []

        mutating func issue(_ path: JSONPath, _ message: String) {
            issues.append(WorkspaceIssue(path: path, message: message))
        }

        mutating func asObject(_ value: JSONValue, at path: JSONPath) -> JSONObject? {
            if case .object(let object) = value { return object }
            issue(path, "expected an object, got \(value.kindName)")
            return nil
        }

        mutating func checkKeys(_ object: JSONObject, allowed: [String], at path: JSONPath) {
            for key in object.keys where !allowed.contains(key) {
                issue(path.key(key), "unknown key; expected one of \(allowed.joined(separator: ", "))")
            }
        }

        /// Elements of the optional array `key` (absent means empty), decoded one by one.
        mutating func array<T>(_ object: JSONObject, _ key: String, at path: JSONPath,
                               _ element: (inout Decoder, JSONValue, JSONPath) -> T?) -> [T] {
            guard let value = object[key] else { return [] }
            guard case .array(let elements) = value else {
                issue(path.key(key), "expected an array, got \(value.kindName)")
                return []
            }
            var result: [T] = []
            for (index, value) in elements.enumerated() {
                if let decoded = element(&self, value, path.key(key).index(index)) { result.append(decoded) }
            }
            return result
        }

        mutating func string(_ object: JSONObject, _ key: String, at path: JSONPath, example: String) -> String? {
            switch object[key] {
            case nil:
                issue(path.key(key), "required; expected a string such as \(example)")
                return nil
            case .string(let text)?:
                return text
            case let other?:
                issue(path.key(key), "expected a string such as \(example), got \(other.kindName)")
                return nil
            }
        }

        mutating func bool(_ object: JSONObject, _ key: String, at path: JSONPath, default defaultValue: Bool) -> Bool {
            switch object[key] {
            case nil: return defaultValue
            case .bool(let flag)?: return flag
            case let other?:
                issue(path.key(key), "expected true or false, got \(other.kindName)")
                return defaultValue
            }
        }

        mutating func enumeration<E: RawRepresentable & CaseIterable>(_ object: JSONObject, _ key: String, at path: JSONPath,
                                                                       default defaultValue: E? = nil) -> E? where E.RawValue == String {
            let allowed = E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            if object[key] == nil, let defaultValue { return defaultValue }
            guard let text = string(object, key, at: path, example: allowed) else { return nil }
            guard let value = E(rawValue: text) else {
                issue(path.key(key), "unknown value \(JSONValue.string(text).description); expected one of \(allowed)")
                return nil
            }
            return value
        }

        mutating func source(_ value: JSONValue, at path: JSONPath) -> Source? {
            guard let object = asObject(value, at: path) else { return Source(id: "", name: "", type: .server, writeKey: "") }
            checkKeys(object, allowed: ["id", "name", "type", "writeKey"], at: path)
            let id = string(object, "id", at: path, example: "\"src_web\"")
            let name = string(object, "name", at: path, example: "\"Website\"")
            let type: SourceType? = enumeration(object, "type", at: path)
            let writeKey = string(object, "writeKey", at: path, example: "a 32-character key")
            // Unreadable parts stand in as placeholders (see `problems(in:validator:)`).
            return Source(id: id ?? "", name: name ?? "", type: type ?? .server, writeKey: writeKey ?? "")
        }

        mutating func destination(_ value: JSONValue, at path: JSONPath) -> Destination? {
            guard let object = asObject(value, at: path) else { return Self.placeholderDestination }
            checkKeys(object, allowed: ["id", "name", "sourceId", "projectId", "passcode", "region", "endpoint",
                                        "setupMode", "enabled", "subscriptions"], at: path)
            let id = string(object, "id", at: path, example: "\"dst_clevertap\"")
            let name = string(object, "name", at: path, example: "\"CleverTap (Actions)\"")
            let sourceID = string(object, "sourceId", at: path, example: "the id of a source")
            var projectID = string(object, "projectId", at: path, example: "\"844-6K7-984Z\"")
            if let raw = projectID, let normalized = try? ProjectID.normalize(raw) { projectID = normalized }
            let passcode = passcode(object, at: path)
            let endpoint = endpoint(object, at: path)
            let setupMode: SetupMode? = enumeration(object, "setupMode", at: path, default: .customized)
            let enabled = bool(object, "enabled", at: path, default: true)
            let subscriptions = array(object, "subscriptions", at: path) { decoder, value, path in decoder.subscription(value, at: path) }
            let stand = Self.placeholderDestination
            return Destination(id: id ?? "", name: name ?? "", sourceID: sourceID ?? "", projectID: projectID ?? "",
                               passcode: passcode ?? stand.passcode, endpoint: endpoint ?? stand.endpoint,
                               setupMode: setupMode ?? stand.setupMode, enabled: enabled, subscriptions: subscriptions)
        }

        mutating func passcode(_ object: JSONObject, at path: JSONPath) -> PasscodeSource? {
            let expected = "expected the passcode as a string, or {\"env\": \"VARIABLE\"} naming the environment variable that holds it"
            switch object["passcode"] {
            case nil:
                issue(path.key("passcode"), "required; \(expected)")
            case .string(let text)?:
                return .inline(Secret(text))
            case .object(let reference)? where reference.count == 1 && reference["env"]?.stringValue != nil:
                return .environment(variable: reference["env"]!.stringValue!)
            case .object?:
                issue(path.key("passcode"), "\(expected), got another object")
            case let other?:
                issue(path.key("passcode"), "\(expected), got \(other.kindName)")
            }
            return nil
        }

        mutating func endpoint(_ object: JSONObject, at path: JSONPath) -> Endpoint? {
            let codes = Region.catalog.map { "\"\($0.code)\"" }.joined(separator: ", ")
            switch (object["region"], object["endpoint"]) {
            case (nil, nil):
                issue(path, "expected \"region\" (one of \(codes)) or \"endpoint\" (a base URL)")
            case (.some, .some):
                issue(path.key("endpoint"), "a destination has either \"region\" or \"endpoint\", not both; remove one")
            case (.string(let code)?, nil):
                if let region = Region.named(code), region.code == code { return .region(region) }
                issue(path.key("region"), "unknown region \(JSONValue.string(code).description); expected one of \(codes)")
            case (let other?, nil):
                issue(path.key("region"), "expected a region code (one of \(codes)), got \(other.kindName)")
            case (nil, .string(let url)?):
                return .custom(baseURL: url)
            case (nil, let other?):
                issue(path.key("endpoint"), "expected a base URL string such as \"https://api.example.com\", got \(other.kindName)")
            }
            return nil
        }

        /// Stands in for an unreadable destination: fields that pass the rules, so only the shape
        /// problems are reported for it.
        static let placeholderDestination = Destination(
            id: "", name: "", sourceID: "", projectID: "", passcode: .environment(variable: "CLEVERTAP_PASSCODE"),
            endpoint: .region(Region.defaultRegion), setupMode: .customized, enabled: true, subscriptions: [])

        mutating func subscription(_ value: JSONValue, at path: JSONPath) -> Subscription? {
            guard let object = asObject(value, at: path) else {
                return Subscription(id: "", name: "", action: .userUpload, trigger: "", mapping: JSONObject())
            }
            checkKeys(object, allowed: ["id", "name", "action", "trigger", "mapping", "enabled", "convertTimestamps"], at: path)
            let id = string(object, "id", at: path, example: "\"sub_upload\"")
            let name = string(object, "name", at: path, example: "\"User Upload\"")
            let action: ActionKind? = enumeration(object, "action", at: path)
            let trigger = string(object, "trigger", at: path, example: #""type = \"identify\"""#)
            var mapping: JSONObject?
            switch object["mapping"] {
            case nil: issue(path.key("mapping"), "required; expected an object of action fields, e.g. {\"identity\": {\"@path\": \"$.userId\"}}")
            case .object(let value)?: mapping = value
            case let other?: issue(path.key("mapping"), "expected an object of action fields, got \(other.kindName)")
            }
            let enabled = bool(object, "enabled", at: path, default: true)
            let convert = bool(object, "convertTimestamps", at: path, default: true)
            return Subscription(id: id ?? "", name: name ?? "", action: action ?? .userUpload, trigger: trigger ?? "",
                                mapping: mapping ?? JSONObject(), enabled: enabled, convertTimestamps: convert)
        }
    }
}
