/// The destination a command should work on, chosen by `--destination NAME` (its name or id),
/// or the only one when the workspace has exactly one.
public enum DestinationChoice {
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case noDestinations
        case notFound(name: String, available: [String])
        case ambiguous(available: [String])

        public var description: String {
            switch self {
            case .noDestinations:
                return "the workspace has no destinations; create one with `clevertap-actions setup`"
            case .notFound(let name, let available):
                return "no destination named \"\(name)\"; the workspace has \(DestinationChoice.list(available))"
            case .ambiguous(let available):
                return "the workspace has \(available.count) destinations (\(DestinationChoice.list(available))); choose one with --destination NAME"
            }
        }
    }

    public static func pick(_ name: String?, in workspace: Workspace) throws(Failure) -> Destination {
        let names = workspace.destinations.map(\.name)
        guard !workspace.destinations.isEmpty else { throw .noDestinations }
        guard let name else {
            if workspace.destinations.count == 1 { return workspace.destinations[0] }
            throw .ambiguous(available: names)
        }
        if let match = workspace.destinations.first(where: { $0.name == name }) ?? workspace.destinations.first(where: { $0.id == name }) {
            return match
        }
        throw .notFound(name: name, available: names)
    }

    static func list(_ names: [String]) -> String { names.map { "\"\($0)\"" }.joined(separator: ", ") }
}
