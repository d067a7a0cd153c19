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

    public var eventSelection: JSONSelection { pipeline.eventSelection }

    public func forWorker() -> any EventRouter { PipelineRouter(pipeline: pipeline.compiledAgain()) }

    public func route(_ event: JSONValue, raw: RawEvent?, only: Int?, into results: inout [RouteResult], bodies: inout [UInt8]) {
        // `subscriptions` is the pipeline's own list, so its index is the pipeline's.
        pipeline.forEachOutcome(event, raw: raw, only: only.map { subscriptions[$0].id }, writingInto: &bodies) { index, output, bodies in
            switch output {
            case .written(let body, _):
                // Only User Upload profiles are written raw: their body is the record's JSON.
                results.append(.record(subscription: index, body: body))
            case .outcome(.record(_, let action, let record)):
                let start = bodies.count
                BatchEntry.appendBody(of: record.record, for: action, into: &bodies)
                results.append(.record(subscription: index, body: start..<bodies.count))
            case .outcome(.failed(_, let failure)):
                results.append(.skipped(subscription: index, reason: SkipReason(failure), message: failure.description))
            }
        }
    }
}
