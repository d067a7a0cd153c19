/// Routes events through a destination's compiled `SubscriptionPipeline` (trigger, mapping,
/// timestamp conversion, record rules): the same path `map` and `send-test` use.
public struct PipelineRouter: EventRouter {
    public let pipeline: SubscriptionPipeline
    public let subscriptions: [DeliverySubscription]

    public init(pipeline: SubscriptionPipeline) {
        self.pipeline = pipeline
        subscriptions = pipeline.subscriptions.map { DeliverySubscription(id: $0.id, name: $0.name, action: $0.action) }
    }

    /// Compiles `destination`'s enabled subscriptions; broken ones are in `pipeline.problems`.
    public init(destination: Destination, nestedObjects: NestedObjectPolicy = .flatten) {
        self.init(pipeline: SubscriptionPipeline(destination: destination, nestedObjects: nestedObjects))
    }

    public func route(_ event: JSONValue, only: Int?, into results: inout [RouteResult]) {
        var outcomes: [PipelineOutcome] = []
        pipeline.process(event, into: &outcomes)
        for outcome in outcomes {
            let reference = outcome.subscription
            guard let index = subscriptions.firstIndex(where: { $0.id == reference.id }) else { continue }
            if let only, only != index { continue }
            switch outcome {
            case .record(_, _, let record):
                results.append(.record(subscription: index, record.record))
            case .failed(_, let failure):
                results.append(.skipped(subscription: index, reason: SkipReason(failure), message: failure.description))
            }
        }
    }
}
