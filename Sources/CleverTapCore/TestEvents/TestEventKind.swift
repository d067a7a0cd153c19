/// The two test events a person can send from the wizard or `send-test`: an identify (creates or
/// updates the sample profile) and Segment's "Delete User" track (removes it again).
public enum TestEventKind: String, Sendable, Hashable, CaseIterable {
    case identify
    case delete

    /// The action whose subscriptions the event goes through.
    public var action: ActionKind {
        switch self {
        case .identify: return .userUpload
        case .delete: return .userDelete
        }
    }

    /// "identify" / "delete", as the menu and `send-test` name them.
    public var displayName: String { rawValue }
}
