/// A record waiting in a batch, with what is needed to report or dead-letter it.
public struct BatchEntry: Sendable {
    /// Index into `EventRouter.subscriptions`.
    public var subscription: Int
    public var action: ActionKind
    /// The record's part of the request body, already encoded (on the thread that made the
    /// record, so its tree is freed there): a profile's or event's JSON for uploads, the identity
    /// as a JSON string for deletes. A slice of the buffer its piece of input wrote every body
    /// into (`PreparedPiece.bodies`): no allocation of its own.
    public var body: ArraySlice<UInt8>
    public var event: SourceEvent
    public var position: InputPosition

    public init(subscription: Int, action: ActionKind, body: ArraySlice<UInt8>, event: SourceEvent, position: InputPosition) {
        self.subscription = subscription
        self.action = action
        self.body = body
        self.event = event
        self.position = position
    }

    /// An entry for `record`: a profile or an event for uploads, `{"identity": ...}` for deletes.
    public init(subscription: Int, action: ActionKind, record: JSONValue, event: SourceEvent, position: InputPosition) {
        var body: [UInt8] = []
        Self.appendBody(of: record, for: action, into: &body)
        self.init(subscription: subscription, action: action, body: body[...], event: event, position: position)
    }

    /// Appends what `record` contributes to its request's body.
    public static func appendBody(of record: JSONValue, for action: ActionKind, into out: inout [UInt8]) {
        switch action.endpoint {
        case .upload: JSONWriter.write(record, into: &out)
        case .deleteProfiles: JSONWriter.writeString(record["identity"]?.stringValue ?? "", into: &out)
        }
    }
}

/// Records that go out in one request to one endpoint. An upload batch may mix User Upload
/// profiles and Upload Event events, in the order they were read (CleverTap takes both in one
/// `d`, spec §3).
public struct RecordBatch: Sendable {
    public var endpoint: CleverTapEndpoint
    public var entries: [BatchEntry]

    public init(endpoint: CleverTapEndpoint, entries: [BatchEntry]) {
        self.endpoint = endpoint
        self.entries = entries
    }

    /// A batch for `action`'s endpoint.
    public init(action: ActionKind, entries: [BatchEntry]) {
        self.init(endpoint: action.endpoint, entries: entries)
    }

    /// The exact request body CleverTap receives for this batch:
    /// `{"d":[...]}` for uploads, `{"identity":[...]}` for deletes, written by the client's own rule.
    public func writeBody(into out: inout [UInt8]) {
        let key = endpoint == .upload ? CleverTapClient.uploadKey : DeleteKey.identity.rawValue
        CleverTapClient.writeRequestBody(key: key, count: entries.count, into: &out) { index, out in
            out.append(contentsOf: entries[index].body)
        }
    }
}

/// How many records one request may carry and how long a partial batch may wait.
public struct BatchLimits: Sendable, Hashable {
    /// CleverTap's maximum records per `POST /1/upload`.
    public static let maximumUpload = 1000
    /// CleverTap's maximum identities per `POST /1/delete/profiles.json`.
    public static let maximumDelete = 100

    public var upload: Int
    public var delete: Int
    /// A partial batch older than this is sent anyway, so a slow stream (stdin) still flows.
    public var flushInterval: Duration

    /// `batchSize`, when given, lowers both limits (1 sends one request per record).
    public init(batchSize: Int? = nil, flushInterval: Duration = .seconds(1)) {
        upload = min(batchSize ?? Self.maximumUpload, Self.maximumUpload)
        delete = min(batchSize ?? Self.maximumDelete, Self.maximumDelete)
        self.flushInterval = flushInterval
    }

    public func limit(for endpoint: CleverTapEndpoint) -> Int {
        endpoint == .upload ? upload : delete
    }
}

/// Collects records per endpoint into batches of at most the endpoint's limit: profiles and
/// events together for `/1/upload`, identities for deletes.
public struct Batcher: Sendable {
    public let limits: BatchLimits
    private var uploads: [BatchEntry] = []
    private var deletes: [BatchEntry] = []
    private var uploadsSince: ContinuousClock.Instant?
    private var deletesSince: ContinuousClock.Instant?

    public init(limits: BatchLimits) {
        self.limits = limits
    }

    /// Number of records waiting.
    public var pendingCount: Int { uploads.count + deletes.count }

    /// Adds a record; returns the batch it completed, if any.
    public mutating func add(_ entry: consuming BatchEntry, now: @autoclosure () -> ContinuousClock.Instant) -> RecordBatch? {
        switch entry.action.endpoint {
        case .upload:
            if uploads.isEmpty {
                uploadsSince = now()
                uploads.reserveCapacity(limits.upload)
            }
            uploads.append(entry)
            if uploads.count >= limits.upload { return take(.upload) }
        case .deleteProfiles:
            if deletes.isEmpty {
                deletesSince = now()
                deletes.reserveCapacity(limits.delete)
            }
            deletes.append(entry)
            if deletes.count >= limits.delete { return take(.deleteProfiles) }
        }
        return nil
    }

    /// Partial batches that have waited at least the flush interval.
    public mutating func due(now: ContinuousClock.Instant) -> [RecordBatch] {
        var batches: [RecordBatch] = []
        if let since = uploadsSince, !uploads.isEmpty, now - since >= limits.flushInterval { batches.append(take(.upload)) }
        if let since = deletesSince, !deletes.isEmpty, now - since >= limits.flushInterval { batches.append(take(.deleteProfiles)) }
        return batches
    }

    /// Every waiting record, as batches (at the end of the input or on interruption).
    public mutating func drain() -> [RecordBatch] {
        var batches: [RecordBatch] = []
        if !uploads.isEmpty { batches.append(take(.upload)) }
        if !deletes.isEmpty { batches.append(take(.deleteProfiles)) }
        return batches
    }

    private mutating func take(_ endpoint: CleverTapEndpoint) -> RecordBatch {
        switch endpoint {
        case .upload:
            defer { uploads = []; uploadsSince = nil }
            return RecordBatch(endpoint: .upload, entries: uploads)
        case .deleteProfiles:
            defer { deletes = []; deletesSince = nil }
            return RecordBatch(endpoint: .deleteProfiles, entries: deletes)
        }
    }
}
