extension WorkspaceValidator {
    /// `…subscriptions[i].mapping.<place>: <problem>` for every problem the pipeline would refuse
    /// the subscription for: mapping syntax (unknown directive, wrong argument, …), keys that are
    /// not fields of the action, and required fields left unmapped. Reported when the workspace
    /// is loaded, so `config validate` finds what `map` and `deliver` would stop on.
    public static let checkMapping: SubscriptionCheck = { subscription, path in
        let mappingPath = path.key("mapping")
        let issues = subscription.action.definition.fieldIssues(in: subscription.mapping)
            + CompiledMapping.validate(.object(subscription.mapping))
        return issues.map { issue in
            WorkspaceIssue(path: JSONPath(mappingPath.components + issue.location.components), message: issue.message)
        }
    }
}
