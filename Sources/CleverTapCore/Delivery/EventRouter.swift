/// A subscription as delivery sees it (what to call it in reports and which batches its records
/// join): the pipeline's own reference, not a second copy of the same three fields.
public typealias DeliverySubscription = SubscriptionRef

/// Why a subscription whose trigger matched produced no record.
public enum SkipReason: String, Sendable, Hashable, CaseIterable {
    /// The mapping could not be applied to the event.
    case mappingError
    /// The mapped fields break the action's rules (identity missing, `ts` not a date, …).
    case validationError

    /// Why `failure` made no record.
    public init(_ failure: PipelineFailure) {
        switch failure {
        case .mapping: self = .mappingError
        case .record: self = .validationError
        }
    }

    /// The dead-letter kind of a record skipped for this reason.
    public var failureKind: RecordFailure.Kind {
        switch self {
        case .mappingError: return .mappingError
        case .validationError: return .validationError
        }
    }
}

/// What one subscription made of one event.
public enum RouteResult: Sendable {
    /// The trigger matched and the record is ready (mapped, converted, validated) and encoded for
    /// its request (`BatchEntry.body`: a `/1/upload` `d` element, or a delete's identity), on the
    /// thread that routed it so its tree is freed there; `body` is where in the `bodies` buffer
    /// given to `route` it was written; `subscription` indexes `EventRouter.subscriptions`.
    case record(subscription: Int, body: Range<Int>)
    /// The trigger matched but no record could be made.
    case skipped(subscription: Int, reason: SkipReason, message: String)
}

/// Runs an event through a destination's enabled subscriptions: trigger, mapping, timestamp
/// conversion, validation. Delivery is written against this so the engine stays independent of how
/// subscriptions are compiled.
public protocol EventRouter: Sendable {
    /// The enabled subscriptions, in the order results refer to them.
    var subscriptions: [DeliverySubscription] { get }

    /// Appends one result per subscription whose trigger matched `event` (nothing when none did),
    /// and each record's encoded body to `bodies` (one buffer for many events: no allocation per
    /// record). With `only`, just that subscription is tried (an event re-fed from a dead-letter
    /// file).
    /// `raw` is the event's one-line text with the spans of the parts its selection marks raw
    /// (`JSONParser.parse(_:selecting:capturing:)`), nil when none were captured.
    func route(_ event: JSONValue, raw: RawEvent?, only: Int?, into results: inout [RouteResult], bodies: inout [UInt8])

    /// The parts of an event `route` reads (`JSONSelection`): readers parse only these.
    var eventSelection: JSONSelection { get }

    /// A router for one more thread, routing exactly as this one; its own compiled copy where
    /// sharing would make the threads contend (reference counts on shared compiled mappings).
    func forWorker() -> any EventRouter
}

extension EventRouter {
    public func forWorker() -> any EventRouter { self }
    public var eventSelection: JSONSelection { .all }
}
