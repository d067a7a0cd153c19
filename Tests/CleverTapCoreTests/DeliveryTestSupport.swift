@testable import CleverTapCore

/// The router delivery uses for real: the destination's compiled subscription pipeline.
func deliveryRouter(for destination: Destination) -> any EventRouter {
    PipelineRouter(destination: destination)
}
