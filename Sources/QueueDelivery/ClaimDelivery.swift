import CleverTapCore
import EventQueue
import Foundation

/// What one claim of records became: a resolution per record, plus what to count.
public struct ClaimOutcome: Sendable {
    public var resolutions: [RecordResolution]
    /// What each record's subscriptions made of it, in the order of `resolutions`: `deliver`'s
    /// report counts these, and its dead-letter lines carry their kind, code and subscription.
    public var details: [RecordDetail] = []
    /// HTTP requests made, the client's quick retries included.
    public var requests = 0
    /// Attempts beyond each request's first (the client's quick retries).
    public var requestRetries = 0
    public var retried = 0
    public var dead = 0
    public var delivered = 0
}

/// One record's fate, per subscription whose trigger matched it.
public struct RecordDetail: Sendable {
    public enum Result: Sendable {
        case processed
        /// Not processed; `sent` says whether it was in a request (a delete waits for its upload).
        case failed(RecordFailure, sent: Bool)
        case skipped(SkipReason)
    }

    public struct SubscriptionResult: Sendable {
        public var subscription: SubscriptionRef
        public var result: Result
    }

    /// Empty when no subscription's trigger matched the event.
    public var results: [SubscriptionResult] = []
    /// The worst failure, with the subscription it concerns: the dead-letter line of a dead record.
    public var failure: RecordFailure?
    public var failedSubscription: SubscriptionRef?
}

/// Sends one claim of queued events to CleverTap: each event through the destination's
/// subscriptions (the pipeline `map` and `deliver` use), the records batched per action (≤1000
/// per upload, ≤100 per delete) and sent within the account's limits.
///
/// A claim holds at most one record per identity (the queue's ordering rule), so its requests may
/// go out concurrently. The one exception is an event that makes both an upload and a delete: its
/// delete is sent after its upload succeeded.
struct ClaimDelivery: Sendable {
    let route: DeliveryRoute
    let settings: DeliverySettings
    /// Routes each event as `map` and the dry run do: a User Upload profile written from the
    /// stored event's bytes, every record encoded once and sent as those bytes. A compiled copy
    /// of its own, since each worker loop routes on whichever thread it runs (shared compiled
    /// mappings would bounce their reference counts between the cores).
    let router: PipelineRouter
    /// What to parse of a stored event: what `router` reads, with the raw slots of its own compile.
    let payloadSelection: JSONSelection
    /// `router`'s subscription index of each subscription id, for a dead letter fed back.
    let indexByID: [String: Int]

    init(route: DeliveryRoute, settings: DeliverySettings) {
        self.route = route
        self.settings = settings
        router = PipelineRouter(pipeline: route.pipeline.compiledAgain())
        payloadSelection = FilePayload.selection(reading: router.eventSelection)
        indexByID = router.subscriptions.indicesByID
    }

    /// Why a record did not go through, worst first: a retryable failure wins over nothing, a
    /// permanent one over a retryable one.
    enum Failure: Sendable {
        /// Worth another attempt; `after` is the wait the server asked for (`Retry-After`), if any.
        case retry(RecordFailure, subscription: SubscriptionRef, after: Duration?)
        /// `queueReason` is how the queue words it (`status`, serve's log).
        case dead(RecordFailure, subscription: SubscriptionRef?, queueReason: String)

        var recordFailure: RecordFailure {
            switch self {
            case .retry(let failure, _, _), .dead(let failure, _, _): return failure
            }
        }

        var subscription: SubscriptionRef? {
            switch self {
            case .retry(_, let subscription, _): return subscription
            case .dead(_, let subscription, _): return subscription
            }
        }
    }

    struct Item: Sendable {
        let row: Int
        let slot: Int
        let subscription: SubscriptionRef
        /// The record's part of its request: a profile's or event's JSON, or a delete's identity
        /// as a JSON string (`RouteResult.record`); a slice of the claim's one buffer of bodies.
        let body: ArraySlice<UInt8>
    }

    /// `shouldStop` is asked before each request: once it says yes, requests not yet started are
    /// not sent and their records are released (claimable at once), so a stop does not wait for a
    /// whole claim's requests to go out one after another.
    func deliver(_ records: [ClaimedRecord], now: @Sendable () -> Date,
                 shouldStop: @escaping @Sendable () -> Bool = { false }) async -> ClaimOutcome {
        var failures = [Failure?](repeating: nil, count: records.count)
        var unsent = [Bool](repeating: false, count: records.count)
        var details = [RecordDetail](repeating: RecordDetail(), count: records.count)
        var uploads: [Item] = []
        var deletes: [Item] = []
        var laterDeletes: [Item] = []
        // Every record's body, back to back: one buffer for the claim, as the dry run's pieces.
        var bodies: [UInt8] = []
        var results: [RouteResult] = []
        var routed: [(row: Int, results: Range<Int>)] = []
        for (row, record) in records.enumerated() {
            let start = results.count
            let decoded: Result<Void, JSONParseError> = record.payload.withUnsafeBufferPointer { payload in
                do throws(JSONParseError) {
                    var spans = RawSpans()
                    let (event, only) = try FilePayload.decode(payload, sourceID: record.sourceID, selecting: payloadSelection,
                                                               capturing: &spans)
                    // A dead letter fed back is retried for its subscription only: for none when
                    // this destination no longer has it.
                    var onlyIndex: Int?
                    if let only {
                        guard let index = indexByID[only] else { return .success(()) }
                        onlyIndex = index
                    }
                    router.route(event, raw: spans.isEmpty ? nil : RawEvent(bytes: payload, spans: spans), only: onlyIndex,
                                 into: &results, bodies: &bodies)
                    return .success(())
                } catch { return .failure(error) }
            }
            if case .failure(let error) = decoded {
                let failure = RecordFailure(kind: .malformed, reason: "the stored event is not JSON: \(error)")
                failures[row] = .dead(failure, subscription: nil, queueReason: failure.reason)
                continue
            }
            routed.append((row, start..<results.count))
        }
        // Every body is written: the requests take slices of the buffer, with no copy.
        for (row, range) in routed {
            var madeUpload = false
            var rowDeletes: [Item] = []
            for result in results[range] {
                let slot = details[row].results.count
                switch result {
                case .record(let index, let body):
                    let subscription = router.subscriptions[index]
                    details[row].results.append(.init(subscription: subscription, result: .processed))
                    // Every action but Delete User is an upload record (profiles, events): only
                    // deletes have their own endpoint.
                    let item = Item(row: row, slot: slot, subscription: subscription, body: bodies[body])
                    if subscription.action.endpoint == .deleteProfiles {
                        rowDeletes.append(item)
                    } else {
                        uploads.append(item)
                        madeUpload = true
                    }
                case .skipped(let index, let skip, let message):
                    let subscription = router.subscriptions[index]
                    let failure = RecordFailure(kind: skip.failureKind, reason: message)
                    details[row].results.append(.init(subscription: subscription, result: .skipped(skip)))
                    Self.worsen(&failures[row], .dead(failure, subscription: subscription,
                                                      queueReason: "subscription \"\(subscription.name)\": \(message)"))
                }
            }
            if madeUpload { laterDeletes += rowDeletes } else { deletes += rowDeletes }
        }

        var outcome = ClaimOutcome(resolutions: [])
        await withTaskGroup(of: Sent.self) { group in
            for chunk in Self.chunks(uploads, size: settings.uploadBatch) {
                group.addTask { await send(chunk, delete: false, shouldStop: shouldStop) }
            }
            for chunk in Self.chunks(deletes, size: settings.deleteBatch) {
                group.addTask { await send(chunk, delete: true, shouldStop: shouldStop) }
            }
            for await answer in group { apply(answer, to: &failures, unsent: &unsent, details: &details, outcome: &outcome) }
        }
        // A delete that follows its event's upload goes only once the upload went through.
        var ready: [Item] = []
        for item in laterDeletes {
            if unsent[item.row] { continue }
            if let failure = failures[item.row] {
                details[item.row].results[item.slot].result = .failed(failure.recordFailure, sent: false)
            } else {
                ready.append(item)
            }
        }
        for chunk in Self.chunks(ready, size: settings.deleteBatch) {
            apply(await send(chunk, delete: true, shouldStop: shouldStop), to: &failures, unsent: &unsent, details: &details, outcome: &outcome)
        }

        let finished = now()
        for (row, record) in records.enumerated() {
            details[row].failure = failures[row]?.recordFailure
            details[row].failedSubscription = failures[row]?.subscription
            switch failures[row] {
            case nil where unsent[row]:
                outcome.resolutions.append(RecordResolution(record, .release))
            case nil:
                outcome.resolutions.append(RecordResolution(record, .delivered))
                outcome.delivered += 1
            case .dead(_, _, let reason)?:
                outcome.resolutions.append(RecordResolution(record, .dead(reason: reason)))
                outcome.dead += 1
            case .retry(let failure, _, let serverWait)?:
                let age = finished.timeIntervalSince(record.enqueuedAt)
                if age >= Self.seconds(settings.giveUpAfter) {
                    var gaveUp = failure
                    gaveUp.reason = "gave up after \(record.attempts + 1) attempt(s) over \(Int(age)) s; last: \(failure.reason)"
                    details[row].failure = gaveUp
                    outcome.resolutions.append(RecordResolution(record, .dead(reason: gaveUp.reason)))
                    outcome.dead += 1
                } else {
                    // A Retry-After from CleverTap (or the sandbox) wins over the backoff, capped by it.
                    let wait = settings.backoff.delay(afterAttempt: record.attempts + 1, retryAfter: serverWait)
                    outcome.resolutions.append(RecordResolution(record, .retry(at: finished + Self.seconds(wait), reason: failure.reason)))
                    outcome.retried += 1
                }
            }
        }
        outcome.details = details
        return outcome
    }

    /// One request's answer: each item's outcome and whether a failure may heal by waiting.
    struct Sent: Sendable {
        var items: [Item]
        var outcomes: [DeliveryOutcome]
        var transient: [Bool]
        var retryAfter: Duration?
        var attempts: Int
        var retries: Int
        /// Not sent: a stop came first.
        var notSent = false
    }

    /// One request (its client retries included).
    private func send(_ items: [Item], delete: Bool, shouldStop: @escaping @Sendable () -> Bool) async -> Sent {
        let limiter = delete ? route.deletes : route.uploads
        let client = route.client
        let answer: CleverTapResult? = await limiter.run {
            if shouldStop() { return nil }
            if delete {
                return await client.delete(key: .identity, encodedValues: items.map(\.body))
            }
            return await client.upload(encodedRecords: items.map(\.body))
        }
        guard let result = answer else {
            return Sent(items: items, outcomes: [], transient: [], retryAfter: nil, attempts: 0, retries: 0, notSent: true)
        }
        let outcomes = result.deliveryOutcomes(count: items.count)
        let transient = items.indices.map { index -> Bool in
            guard result.unattributed.isEmpty, index < result.outcomes.count, case .failed(let error) = result.outcomes[index] else { return false }
            return Self.retries(error)
        }
        return Sent(items: items, outcomes: outcomes, transient: transient, retryAfter: result.retryAfter,
                    attempts: result.attempts, retries: result.retries)
    }

    private func apply(_ sent: Sent, to failures: inout [Failure?], unsent: inout [Bool], details: inout [RecordDetail],
                       outcome: inout ClaimOutcome) {
        if sent.notSent {
            for item in sent.items { unsent[item.row] = true }
            return
        }
        outcome.requests += sent.attempts
        outcome.requestRetries += sent.retries
        for (index, item) in sent.items.enumerated() {
            guard case .failed(let failure) = sent.outcomes[index] else { continue }
            details[item.row].results[item.slot].result = .failed(failure, sent: true)
            var queueReason = failure.reason
            if failure.kind == .rejected, let code = failure.code { queueReason = "CleverTap code \(code): \(failure.reason)" }
            Self.worsen(&failures[item.row], sent.transient[index]
                ? .retry(failure, subscription: item.subscription, after: sent.retryAfter)
                : .dead(failure, subscription: item.subscription, queueReason: queueReason))
        }
    }

    /// Whether a later attempt may succeed: rate limits, server errors, timeouts, broken or refused
    /// connections (CleverTap or the network down for a while). Bad credentials, malformed requests
    /// and unreadable answers (records may have been stored) do not heal by waiting.
    static func retries(_ error: CleverTapError) -> Bool {
        switch error {
        case .rateLimited, .serverError, .timeout, .connectionReset, .connectionFailed, .dnsFailure: return true
        default: return false
        }
    }

    static func worsen(_ current: inout Failure?, _ new: Failure) {
        switch (current, new) {
        case (nil, _), (.retry?, .dead): current = new
        default: break
        }
    }

    static func chunks(_ items: [Item], size: Int) -> [[Item]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
