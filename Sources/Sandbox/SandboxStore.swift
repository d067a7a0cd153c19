import CleverTapCore
import Foundation

/// A profile as the sandbox keeps it.
public struct SandboxProfile: Sendable, Hashable {
    public var accountID: String
    public var identity: String?
    /// CleverTap's own ID for the profile; the sandbox makes one up when the upload gave none.
    public var objectID: String
    public var profileData: JSONObject
    /// The record's `ts`, when it had one.
    public var ts: Int64?

    var jsonValue: JSONValue {
        var object = JSONObject()
        object["accountId"] = .string(accountID)
        if let identity { object["identity"] = .string(identity) }
        object["objectId"] = .string(objectID)
        if let ts { object["ts"] = .int(ts) }
        object["profileData"] = .object(profileData)
        return .object(object)
    }

    init(accountID: String, identity: String?, objectID: String, profileData: JSONObject, ts: Int64?) {
        self.accountID = accountID
        self.identity = identity
        self.objectID = objectID
        self.profileData = profileData
        self.ts = ts
    }

    init?(json: JSONValue) {
        guard let account = json["accountId"]?.stringValue, let objectID = json["objectId"]?.stringValue else { return nil }
        self.init(accountID: account, identity: json["identity"]?.stringValue, objectID: objectID,
                  profileData: json["profileData"]?.objectValue ?? JSONObject(), ts: json["ts"]?.intValue)
    }

    /// Applies one upload's `profileData`: plain values replace, operators update (spec §3.2).
    mutating func merge(_ update: JSONObject) {
        for member in update {
            guard RecordValidator.isOperator(member.value), let op = member.value.objectValue?.members.first else {
                profileData[member.key] = member.value
                continue
            }
            let current = profileData[member.key]
            switch op.key {
            case "$add":
                var values = current?.arrayValue ?? (current.map { [$0] } ?? [])
                for item in op.value.arrayValue ?? [op.value] where !values.contains(item) { values.append(item) }
                profileData[member.key] = .array(values)
            case "$remove":
                let removed = op.value.arrayValue ?? [op.value]
                let values = (current?.arrayValue ?? []).filter { !removed.contains($0) }
                profileData[member.key] = .array(values)
            case "$incr", "$decr":
                let sign: Int64 = op.key == "$incr" ? 1 : -1
                switch (current ?? .int(0), op.value) {
                case (.int(let a), .int(let b)): profileData[member.key] = .int(a &+ sign &* b)
                default:
                    let a = current?.doubleValue ?? 0, b = op.value.doubleValue ?? 0
                    profileData[member.key] = .double(a + Double(sign) * b)
                }
            case "$delete":
                profileData[member.key] = nil
            default:
                profileData[member.key] = member.value
            }
        }
    }
}

/// One API request as `GET /sandbox/requests` shows it (passcode masked).
struct LoggedRequest: Sendable {
    var sequence: Int
    var method: String
    var path: String
    var headers: [(name: String, value: String)]
    var body: String
    var status: Int
    var response: String
    var fault: String?

    var jsonValue: JSONValue {
        var headerObject = JSONObject()
        for header in headers { headerObject[header.name] = .string(header.value) }
        var object = JSONObject()
        object["sequence"] = .int(Int64(sequence))
        object["method"] = .string(method)
        object["path"] = .string(path)
        object["headers"] = .object(headerObject)
        // Bodies are JSON when they parse, text otherwise.
        object["body"] = (try? JSONParser.parse(body)) ?? .string(body)
        object["status"] = .int(Int64(status))
        object["response"] = (try? JSONParser.parse(response)) ?? .string(response)
        if let fault { object["fault"] = .string(fault) }
        return .object(object)
    }
}

/// The sandbox's mutable state: profiles, events, the request log, in-flight counts, the fault
/// script and the held (`timeout`) requests. One actor, so requests see a consistent store.
actor SandboxStore {
    private let configuration: SandboxConfiguration
    private var profiles: [SandboxProfile] = [] { didSet { indexIsStale = true } }
    /// Positions in `profiles` by account + identity and by account + objectId: an upload of 1000
    /// records into a store of many thousand profiles must not scan the store per record.
    private var byIdentity: [String: Int] = [:]
    private var byObjectID: [String: Int] = [:]
    private var indexIsStale = true
    private var events: [JSONValue] = []
    private var requests: [LoggedRequest] = []
    private var requestSequence = 0
    private var objectIDSequence = 0
    private var inFlight: [String: Int] = [:]
    private var faultScript: [SandboxFault]
    private var random: SeededGenerator
    private var held: [Int: CheckedContinuation<Void, Never>] = [:]
    private var heldSequence = 0
    private var stopped = false

    init(configuration: SandboxConfiguration) throws(SandboxConfigurationError) {
        self.configuration = configuration
        self.faultScript = configuration.faults
        self.random = SeededGenerator(seed: configuration.seed)
        if let path = configuration.stateFile {
            let loaded = try Self.load(path: path)
            profiles = loaded.profiles
            events = loaded.events
            objectIDSequence = loaded.objectIDSequence
        }
    }

    // MARK: Limits and faults

    enum Endpoint: String { case upload, delete }

    /// Takes a concurrency slot; false when the account is at its limit.
    func enter(_ endpoint: Endpoint, account: String) -> Bool {
        let key = endpoint.rawValue + " " + account
        let limit = endpoint == .upload ? configuration.uploadConcurrencyLimit : configuration.deleteConcurrencyLimit
        let current = inFlight[key, default: 0]
        guard current < limit else { return false }
        inFlight[key] = current + 1
        return true
    }

    func leave(_ endpoint: Endpoint, account: String) {
        let key = endpoint.rawValue + " " + account
        inFlight[key] = max(0, inFlight[key, default: 0] - 1)
    }

    /// Requests currently being answered, over all accounts and endpoints.
    var inFlightCount: Int { inFlight.values.reduce(0, +) }
    var heldCount: Int { held.count }

    /// The fault for the next API call: the script first, then the failure rate.
    func nextFault() -> SandboxFault {
        if !faultScript.isEmpty { return faultScript.removeFirst() }
        if configuration.failureRate > 0, Double.random(in: 0..<1, using: &random) < configuration.failureRate {
            return .status(500)
        }
        return .ok
    }

    /// Holds the caller until `release` is called (by the hold timer or by stop).
    func hold() async {
        if stopped { return }
        heldSequence += 1
        let id = heldSequence
        let timeout = configuration.timeoutHold
        Task { [weak self] in
            try? await Task.sleep(for: timeout)
            await self?.release(id)
        }
        await withCheckedContinuation { continuation in held[id] = continuation }
    }

    private func release(_ id: Int) {
        held.removeValue(forKey: id)?.resume()
    }

    /// Answers every held request and refuses to hold more: the sandbox is stopping.
    func releaseAll() {
        stopped = true
        for continuation in held.values { continuation.resume() }
        held.removeAll()
    }

    // MARK: Data

    /// Stores the accepted records of one upload, in order.
    func apply(records: [JSONValue], account: String) {
        for record in records {
            guard let object = record.objectValue else { continue }
            if object["type"]?.stringValue == "event" {
                var stored = object
                stored["accountId"] = .string(account)
                events.append(.object(stored))
                continue
            }
            let identity = Self.text(object["identity"])
            let objectID = Self.text(object["objectId"])
            if indexIsStale { rebuildIndex() }
            let index = identity.flatMap { byIdentity[Self.indexKey(account, $0)] }
                ?? objectID.flatMap { byObjectID[Self.indexKey(account, $0)] }
            var profile: SandboxProfile
            if let index { profile = profiles[index] } else {
                objectIDSequence += 1
                profile = SandboxProfile(accountID: account, identity: identity,
                                         objectID: objectID ?? "__sbx_\(objectIDSequence)", profileData: JSONObject(), ts: nil)
            }
            if profile.identity == nil { profile.identity = identity }
            if let ts = object["ts"]?.intValue { profile.ts = ts }
            profile.merge(object["profileData"]?.objectValue ?? JSONObject())
            let position = index ?? profiles.count
            if let index { profiles[index] = profile } else { profiles.append(profile) }
            // Keep the index in step with this one change instead of rebuilding it per record.
            if let known = profile.identity { byIdentity[Self.indexKey(account, known)] = position }
            byObjectID[Self.indexKey(account, profile.objectID)] = position
            indexIsStale = false
        }
        persist()
    }

    /// Removes the account's profiles named by `values`; unknown ones are ignored. Returns how many went.
    @discardableResult
    func delete(key: DeleteKey, values: [String], account: String) -> Int {
        let wanted = Set(values)
        let before = profiles.count
        profiles.removeAll { profile in
            guard profile.accountID == account else { return false }
            switch key {
            case .identity: return profile.identity.map(wanted.contains) ?? false
            case .guid: return wanted.contains(profile.objectID)
            }
        }
        let removed = before - profiles.count
        if removed > 0 { persist() }
        return removed
    }

    private static func indexKey(_ account: String, _ id: String) -> String { account + "\u{0}" + id }

    /// Rebuilds both indexes; after a load or a delete, which move positions.
    private func rebuildIndex() {
        byIdentity.removeAll(keepingCapacity: true)
        byObjectID.removeAll(keepingCapacity: true)
        // Reversed so that, as with a first-match scan, the earliest profile wins a duplicate key.
        for (position, profile) in profiles.enumerated().reversed() {
            if let identity = profile.identity { byIdentity[Self.indexKey(profile.accountID, identity)] = position }
            byObjectID[Self.indexKey(profile.accountID, profile.objectID)] = position
        }
        indexIsStale = false
    }

    func allProfiles() -> [SandboxProfile] { profiles }
    func profile(identity: String) -> SandboxProfile? { profiles.first { $0.identity == identity } }
    func allEvents() -> [JSONValue] { events }

    func log(_ request: LoggedRequest) {
        var request = request
        requestSequence += 1
        request.sequence = requestSequence
        requests.append(request)
        if requests.count > configuration.recentRequestLimit { requests.removeFirst(requests.count - configuration.recentRequestLimit) }
    }

    func recentRequests() -> [LoggedRequest] { requests }

    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let s) where !s.isEmpty: return s
        case .int(let i): return String(i)
        default: return nil
        }
    }

    // MARK: Persistence

    static let stateVersion = 1

    /// Writes the state file atomically (temporary file, then rename) with mode 0600.
    private func persist() {
        guard let path = configuration.stateFile else { return }
        let document: JSONValue = [
            "version": .int(Int64(Self.stateVersion)),
            "objectIdSequence": .int(Int64(objectIDSequence)),
            "profiles": .array(profiles.map(\.jsonValue)),
            "events": .array(events),
        ]
        var bytes: [UInt8] = []
        JSONWriter.writePretty(document, into: &bytes)
        bytes.append(UInt8(ascii: "\n"))
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp-\(getpid())")
        let created = FileManager.default.createFile(atPath: temporary.path, contents: Data(bytes),
                                                     attributes: [.posixPermissions: 0o600])
        guard created, rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            // A plain write, not FileHandle.write: an unwritable standard error must not trap the sandbox.
            let note = Array("sandbox: could not write the state file \(path); profiles stay in memory\n".utf8)
            _ = note.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
            return
        }
    }

    /// The state is written next to `path` (temporary file, then rename), so its directory must
    /// exist and be writable.
    private static func checkWritable(path: String) throws(SandboxConfigurationError) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .stateFileUnwritable(path: path, detail: "the directory \(directory) does not exist")
        }
        guard access(directory, W_OK) == 0 else {
            throw .stateFileUnwritable(path: path, detail: "the directory \(directory) is not writable")
        }
    }

    private static func load(path: String) throws(SandboxConfigurationError)
        -> (profiles: [SandboxProfile], events: [JSONValue], objectIDSequence: Int)
    {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            // A new file: make sure it can be written now, rather than losing every upload later.
            try checkWritable(path: path)
            return ([], [], 0)
        }
        if isDirectory.boolValue {
            throw .stateFileUnreadable(path: path, detail: "it is a directory; give a file path, e.g. \(path)/sandbox-state.json")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .stateFileUnreadable(path: path, detail: "permission denied")
        }
        try checkWritable(path: path)
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: data) } catch {
            let (line, column) = error.lineAndColumn(in: data)
            throw .stateFileInvalid(path: path, detail: "\(error.message) at line \(line), column \(column)")
        }
        guard value["version"]?.intValue == Int64(stateVersion), let list = value["profiles"]?.arrayValue else {
            throw .stateFileInvalid(path: path, detail: "expected {\"version\": \(stateVersion), \"profiles\": [...]}")
        }
        var profiles: [SandboxProfile] = []
        for (index, item) in list.enumerated() {
            guard let profile = SandboxProfile(json: item) else {
                throw .stateFileInvalid(path: path, detail: "profile \(index + 1) lacks accountId or objectId")
            }
            profiles.append(profile)
        }
        return (profiles, value["events"]?.arrayValue ?? [], Int(value["objectIdSequence"]?.intValue ?? Int64(profiles.count)))
    }
}
