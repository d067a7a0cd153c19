/// The test events a person can send from the wizard or `send-test`: an identify (creates or
/// updates the sample profile), Segment's "Delete User" track (removes it again) and a plain
/// track (becomes a CleverTap event through an Upload Event subscription).
public enum TestEventKind: String, Sendable, Hashable, CaseIterable {
    case identify
    case delete
    case track

    /// The action whose subscriptions the event goes through.
    public var action: ActionKind {
        switch self {
        case .identify: return .userUpload
        case .delete: return .userDelete
        case .track: return .userEvent
        }
    }

    /// "identify" / "delete" / "track", as the menu and `send-test` name them.
    public var displayName: String { rawValue }
}
