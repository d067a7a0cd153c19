extension WorkspaceValidator {
    /// `…subscriptions[i].trigger: <parse error> (at character n)`; empty triggers are already
    /// reported by the base rules.
    public static let checkTriggerSyntax: SubscriptionCheck = { subscription, path in
        if trimWhitespace(subscription.trigger).isEmpty { return [] }
        do {
            _ = try Trigger.parse(subscription.trigger)
            return []
        } catch {
            return [WorkspaceIssue(path: path.key("trigger"), message: "\(error) in \(JSONValue.string(subscription.trigger).description)")]
        }
    }
}
