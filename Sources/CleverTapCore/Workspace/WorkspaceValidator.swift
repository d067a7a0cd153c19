/// The rules a workspace must satisfy before it is used or saved, each reported as a
/// `WorkspaceIssue` with the JSON path of the offending value.
///
/// Trigger and mapping *syntax* belong to the trigger and mapping engines: they plug in through
/// `subscriptionChecks`, so this type never parses either language itself.
public struct WorkspaceValidator: Sendable {
    /// Extra rules for one subscription; `path` is the subscription's own path
    /// (`destinations[0].subscriptions[1]`), to which a check appends `trigger` or `mapping`.
    public typealias SubscriptionCheck = @Sendable (_ subscription: Subscription, _ path: JSONPath) -> [WorkspaceIssue]

    public var subscriptionChecks: [SubscriptionCheck]

    /// The workspace rules plus trigger and mapping syntax: what the CLI loads and saves with, so
    /// a subscription that delivery could not run is reported by `config validate` (with its JSON
    /// path), not first discovered when events are sent.
    public static let standard = WorkspaceValidator(subscriptionChecks: [checkTriggerSyntax, checkMapping])

    public init(subscriptionChecks: [SubscriptionCheck] = []) {
        self.subscriptionChecks = subscriptionChecks
    }

    /// Every rule broken by `workspace`, in document order; empty when it is valid.
    public func validate(_ workspace: Workspace) -> [WorkspaceIssue] {
        var issues: [WorkspaceIssue] = []
        func issue(_ path: JSONPath, _ message: String) { issues.append(WorkspaceIssue(path: path, message: message)) }

        if workspace.version != Workspace.currentVersion {
            issue(JSONPath.root.key("version"), "expected \(Workspace.currentVersion), got \(workspace.version)")
        }

        var sourceIDs: [String: Int] = [:]
        var sourceNames: [String: Int] = [:]
        for (index, source) in workspace.sources.enumerated() {
            let path = JSONPath.root.key("sources").index(index)
            checkID(source.id, at: path.key("id"), seen: &sourceIDs, index: index, what: "sources", into: &issues)
            checkName(source.name, at: path.key("name"), seen: &sourceNames, index: index, what: "sources", into: &issues)
            if source.writeKey.isEmpty || source.writeKey.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
                issue(path.key("writeKey"), "expected a non-empty key without spaces or control characters")
            }
        }

        var destinationIDs: [String: Int] = [:]
        var destinationNames: [String: Int] = [:]
        var subscriptionIDs: [String: String] = [:]
        for (index, destination) in workspace.destinations.enumerated() {
            let path = JSONPath.root.key("destinations").index(index)
            checkID(destination.id, at: path.key("id"), seen: &destinationIDs, index: index, what: "destinations", into: &issues)
            checkName(destination.name, at: path.key("name"), seen: &destinationNames, index: index, what: "destinations", into: &issues)
            if !workspace.sources.contains(where: { $0.id == destination.sourceID }) {
                let known = workspace.sources.map { JSONValue.string($0.id).description }.joined(separator: ", ")
                issue(path.key("sourceId"), "no source has id \(JSONValue.string(destination.sourceID).description); "
                      + (known.isEmpty ? "add the source under \"sources\" first" : "expected one of \(known)"))
            }
            do { _ = try ProjectID.normalize(destination.projectID) } catch { issue(path.key("projectId"), error.description) }
            switch destination.passcode {
            case .inline(let secret):
                do { _ = try Passcode.validate(secret.revealed) } catch { issue(path.key("passcode"), error.description) }
            case .environment(let variable):
                do { try EnvironmentVariableName.validate(variable) } catch { issue(path.key("passcode").key("env"), error.description) }
            }
            switch destination.endpoint {
            case .region(let region):
                if Region.named(region.code) != region {
                    issue(path.key("region"), "unknown region \(JSONValue.string(region.code).description); expected one of \(Region.catalog.map(\.code).joined(separator: ", "))")
                }
            case .custom(let url):
                do { _ = try CustomEndpoint.validate(url) } catch { issue(path.key("endpoint"), error.description) }
            }

            var names: [String: Int] = [:]
            for (subIndex, subscription) in destination.subscriptions.enumerated() {
                let subPath = path.key("subscriptions").index(subIndex)
                if !Identifiers.isValidID(subscription.id) {
                    issue(subPath.key("id"), "expected 1–64 letters, digits, _ or -, got \(JSONValue.string(subscription.id).description)")
                } else if let other = subscriptionIDs[subscription.id] {
                    issue(subPath.key("id"), "\(JSONValue.string(subscription.id).description) is already the id of \(other); subscription ids must be unique")
                } else {
                    subscriptionIDs[subscription.id] = subPath.description
                }
                checkName(subscription.name, at: subPath.key("name"), seen: &names, index: subIndex,
                          what: "subscriptions", into: &issues)
                if trimWhitespace(subscription.trigger).isEmpty {
                    issue(subPath.key("trigger"), "expected a trigger such as type = \"identify\", got an empty string")
                }
                for check in subscriptionChecks { issues += check(subscription, subPath) }
            }
        }
        return issues
    }

    private func checkID(_ id: String, at path: JSONPath, seen: inout [String: Int], index: Int, what: String,
                         into issues: inout [WorkspaceIssue]) {
        if !Identifiers.isValidID(id) {
            issues.append(WorkspaceIssue(path: path, message: "expected 1–64 letters, digits, _ or -, got \(JSONValue.string(id).description)"))
        } else if let first = seen[id] {
            issues.append(WorkspaceIssue(path: path, message: "\(JSONValue.string(id).description) is already the id of \(what)[\(first)]; ids must be unique"))
        } else {
            seen[id] = index
        }
    }

    private func checkName(_ name: String, at path: JSONPath, seen: inout [String: Int], index: Int, what: String,
                           into issues: inout [WorkspaceIssue]) {
        let trimmed = trimWhitespace(name)
        if trimmed.isEmpty {
            issues.append(WorkspaceIssue(path: path, message: "expected a name, got an empty string"))
        } else if firstControlCharacter(in: name) != nil {
            issues.append(WorkspaceIssue(path: path, message: "expected a name without control characters (line breaks, tabs)"))
        } else {
            // Names are what people pick from lists: two that differ only in case would be confusing.
            let key = trimmed.lowercased()
            if let first = seen[key] {
                issues.append(WorkspaceIssue(path: path, message: "\(JSONValue.string(name).description) is already the name of \(what)[\(first)]; names must be unique"))
            } else {
                seen[key] = index
            }
        }
    }
}
