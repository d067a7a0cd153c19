import CleverTapCore
import EventQueue
import Foundation

/// What one claim of records became: a resolution per record, plus what to count.
public struct ClaimOutcome: Sendable {
    public var resolutions: [RecordResolution]
    public var requests = 0
    public var retried = 0
    public var dead = 0
    public var delivered = 0
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

    /// Why a record did not go through, worst first: a retryable failure wins over nothing, a
    /// permanent one over a retryable one.
    enum Failure: Sendable {
        /// Worth another attempt; `after` is the wait the server asked for (`Retry-After`), if any.
        case retry(String, after: Duration?)
        case dead(String)
    }

    struct Item: Sendable {
        let row: Int
        let record: JSONValue
    }

    func deliver(_ records: [ClaimedRecord], now: @Sendable () -> Date) async -> ClaimOutcome {
        var failures = [Failure?](repeating: nil, count: records.count)
        var uploads: [Item] = []
        var deletes: [Item] = []
        var laterDeletes: [Item] = []
        var outcomes: [PipelineOutcome] = []
        for (row, record) in records.enumerated() {
            let event: JSONValue
            do throws(JSONParseError) { event = try JSONParser.parse(bytes: record.payload) } catch {
                failures[row] = .dead("the stored event is not JSON: \(error)")
                continue
            }
            outcomes.removeAll(keepingCapacity: true)
            route.pipeline.process(event, into: &outcomes)
            var madeUpload = false
            var rowDeletes: [Item] = []
            for outcome in outcomes {
                switch outcome {
                case .record(_, let action, let made):
                    // Every action but Delete User is an upload record (profiles today, events with
                    // Upload Event): only deletes have their own endpoint.
                    if action == .userDelete {
                        rowDeletes.append(Item(row: row, record: made.record))
                    } else {
                        uploads.append(Item(row: row, record: made.record))
                        madeUpload = true
                    }
                case .failed(let subscription, let reason):
                    Self.worsen(&failures[row], .dead("subscription \"\(subscription.name)\": \(reason)"))
                }
            }
            if madeUpload { laterDeletes += rowDeletes } else { deletes += rowDeletes }
        }

        var outcome = ClaimOutcome(resolutions: [])
        await withTaskGroup(of: ([(Int, Failure)], Int).self) { group in
            for chunk in Self.chunks(uploads, size: BatchLimits.maximumUpload) {
                group.addTask { await send(chunk, delete: false) }
            }
            for chunk in Self.chunks(deletes, size: BatchLimits.maximumDelete) {
                group.addTask { await send(chunk, delete: true) }
            }
            for await (failed, requests) in group {
                outcome.requests += requests
                for (row, failure) in failed { Self.worsen(&failures[row], failure) }
            }
        }
        let ready = laterDeletes.filter { failures[$0.row] == nil }
        for chunk in Self.chunks(ready, size: BatchLimits.maximumDelete) {
            let (failed, requests) = await send(chunk, delete: true)
            outcome.requests += requests
            for (row, failure) in failed { Self.worsen(&failures[row], failure) }
        }

        let finished = now()
        for (row, record) in records.enumerated() {
            switch failures[row] {
            case nil:
                outcome.resolutions.append(RecordResolution(record, .delivered))
                outcome.delivered += 1
            case .dead(let reason)?:
                outcome.resolutions.append(RecordResolution(record, .dead(reason: reason)))
                outcome.dead += 1
            case .retry(let reason, let serverWait)?:
                let age = finished.timeIntervalSince(record.enqueuedAt)
                if age >= Self.seconds(settings.giveUpAfter) {
                    outcome.resolutions.append(RecordResolution(record, .dead(
                        reason: "gave up after \(record.attempts + 1) attempt(s) over \(Int(age)) s; last: \(reason)")))
                    outcome.dead += 1
                } else {
                    // A Retry-After from CleverTap (or the sandbox) wins over the backoff, capped by it.
                    let wait = settings.backoff.delay(afterAttempt: record.attempts + 1, retryAfter: serverWait)
                    outcome.resolutions.append(RecordResolution(record, .retry(at: finished + Self.seconds(wait), reason: reason)))
                    outcome.retried += 1
                }
            }
        }
        return outcome
    }

    /// One request (its client retries included); the failures of its records.
    private func send(_ items: [Item], delete: Bool) async -> ([(Int, Failure)], Int) {
        let limiter = delete ? route.deletes : route.uploads
        let client = route.client
        let result: CleverTapResult = await limiter.run {
            if delete {
                return await client.deleteProfiles(identities: items.map { $0.record["identity"]?.stringValue ?? "" })
            }
            return await client.upload(items.map(\.record))
        }
        var failed: [(Int, Failure)] = []
        for (index, item) in items.enumerated() {
            let recordOutcome = index < result.outcomes.count ? result.outcomes[index] : .failed(.invalidResponse(detail: "no answer for this record"))
            switch recordOutcome {
            case .processed:
                if let first = result.unattributed.first {
                    failed.append((item.row, .dead("CleverTap rejected \(result.unattributed.count) record(s) of this request without saying which; first: \(first)")))
                }
            case .rejected(let rejection):
                failed.append((item.row, .dead("CleverTap \(rejection)")))
            case .failed(let error):
                failed.append((item.row, Self.retries(error) ? .retry(error.description, after: result.retryAfter) : .dead(error.description)))
            }
        }
        return (failed, result.attempts)
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
