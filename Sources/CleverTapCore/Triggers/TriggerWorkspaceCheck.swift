extension WorkspaceValidator {
    /// The workspace rules plus trigger syntax: what the CLI loads and saves with, so a trigger
    /// that delivery could not parse is reported by `config validate` (with its JSON path), not
    /// first discovered when events are sent.
    public static let standard = WorkspaceValidator(subscriptionChecks: [checkTriggerSyntax])

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
