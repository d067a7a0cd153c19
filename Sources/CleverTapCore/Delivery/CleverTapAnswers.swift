extension CleverTapResult {
    /// Each of `count` records' fate in CleverTap's answer: processed, rejected with its code, or
    /// failed with its request (and the HTTP status when an answer came): the queue's workers read
    /// answers through this, so a failure is worded, coded and counted one way.
    public func deliveryOutcomes(count: Int) -> [DeliveryOutcome] {
        var answers: [DeliveryOutcome] = []
        answers.reserveCapacity(count)
        for index in 0..<count {
            guard index < outcomes.count else {
                answers.append(.failed(RecordFailure(kind: .undeliverable, reason: "CleverTap's answer did not cover this record")))
                continue
            }
            switch outcomes[index] {
            case .processed:
                answers.append(.processed)
            case .rejected(let rejection):
                answers.append(.failed(RecordFailure(kind: .rejected, code: rejection.code.code,
                                                      reason: "\(rejection.code.explanation) (CleverTap: \"\(rejection.error)\")")))
            case .failed(let error):
                let status = requests.first { $0.range.contains(index) }?.httpStatus
                answers.append(.failed(RecordFailure(kind: .undeliverable, code: status, reason: error.description)))
            }
        }
        if !unattributed.isEmpty {
            // CleverTap refused records without saying which (an old answer shape): keep every record
            // of the batch in the dead-letter file; re-uploading a profile is harmless.
            let first = unattributed[0]
            let failure = RecordFailure(kind: .rejected, code: first.code.code,
                                        reason: "CleverTap rejected \(unattributed.count) record(s) of this request without saying which; first: \(first.error)")
            for index in answers.indices where answers[index] == .processed { answers[index] = .failed(failure) }
        }
        return answers
    }
}
