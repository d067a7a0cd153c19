/// The states a queued record goes through, as `status` and the wizard's Event delivery screen
/// report them. Delivered records leave the queue; only their count stays. In the core (not the
/// queue module) so the wizard, which knows no queue, names the same states.
public enum RecordState: String, Sendable, Hashable, CaseIterable {
    case waiting, inFlight = "in-flight", retrying, delivered, dead
}
