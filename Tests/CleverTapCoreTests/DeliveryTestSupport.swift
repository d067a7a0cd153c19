@testable import CleverTapCore

/// Interim stand-in for the mapping branch's SubscriptionPipeline (replaced once it lands on main):
/// understands only the two Quick Setup triggers and default mappings.
struct QuickSetupRouter: EventRouter {
    let subscriptions: [DeliverySubscription]

    func route(_ event: JSONValue, only: Int?, into results: inout [RouteResult]) {
        for (index, subscription) in subscriptions.enumerated() where only == nil || only == index {
            let matches = subscription.action == .userUpload ? event["type"] == "identify" : event["event"] == "Delete User"
            guard matches else { continue }
            guard let identity = event["userId"]?.stringValue else {
                results.append(.skipped(subscription: index, reason: .validationError, message: "Identity (identity) is required"))
                continue
            }
            if subscription.action == .userUpload {
                results.append(.record(subscription: index, ["type": "profile", "identity": .string(identity),
                                                             "profileData": event["traits"] ?? [:]]))
            } else {
                results.append(.record(subscription: index, ["identity": .string(identity)]))
            }
        }
    }
}

func deliveryRouter(for destination: Destination) -> any EventRouter {
    QuickSetupRouter(subscriptions: destination.subscriptions.map { DeliverySubscription(id: $0.id, name: $0.name, action: $0.action) })
}
