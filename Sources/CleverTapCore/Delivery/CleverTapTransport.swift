/// Sends batches to CleverTap (or the sandbox) through `CleverTapClient`, whose retries, backoff
/// and answer parsing apply; turns its per-record results into delivery outcomes.
public struct CleverTapTransport: DeliveryTransport {
    public let client: CleverTapClient

    public init(client: CleverTapClient) {
        self.client = client
    }

    public var sendsForReal: Bool { true }

    public func send(_ batch: RecordBatch) async -> BatchOutcome {
        let result: CleverTapResult
        switch batch.endpoint {
        case .upload: result = await client.upload(batch.records)
        case .deleteProfiles: result = await client.deleteProfiles(identities: batch.identities)
        }
        let cancelled = Task.isCancelled
        var outcomes: [DeliveryOutcome] = []
        outcomes.reserveCapacity(batch.entries.count)
        for index in batch.entries.indices {
            guard index < result.outcomes.count else {
                outcomes.append(.failed(RecordFailure(kind: .undeliverable, reason: "CleverTap's answer did not cover this record")))
                continue
            }
            switch result.outcomes[index] {
            case .processed:
                outcomes.append(.processed)
            case .rejected(let rejection):
                outcomes.append(.failed(RecordFailure(kind: .rejected, code: rejection.code.code,
                                                      reason: "\(rejection.code.explanation) (CleverTap: \"\(rejection.error)\")")))
            case .failed(let error):
                if cancelled {
                    outcomes.append(.failed(RecordFailure(kind: .interrupted, reason: "interrupted while sending: \(error)")))
                } else {
                    let status = result.requests.first { $0.range.contains(index) }?.httpStatus
                    outcomes.append(.failed(RecordFailure(kind: .undeliverable, code: status, reason: error.description)))
                }
            }
        }
        if !result.unattributed.isEmpty {
            // CleverTap refused records without saying which (an old answer shape): keep every record
            // of the batch in the dead-letter file; re-uploading a profile is harmless.
            let first = result.unattributed[0]
            let failure = RecordFailure(kind: .rejected, code: first.code.code,
                                        reason: "CleverTap rejected \(result.unattributed.count) record(s) of this request without saying which; first: \(first.error)")
            for index in outcomes.indices where outcomes[index] == .processed { outcomes[index] = .failed(failure) }
        }
        return BatchOutcome(outcomes: outcomes, requests: result.attempts, retries: result.retries)
    }
}
