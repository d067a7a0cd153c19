import CleverTapCore
import TerminalUI

/// What a credential check found, in words a person can act on.
public enum VerificationResult: Sendable, Hashable {
    case accepted(String)
    case rejected(String)
}

/// Everything that can happen to the wizard: input from the terminal and results of effects.
public enum WizardMessage: Sendable, Hashable {
    /// A key, a paste or a resize, decoded by TerminalUI.
    case key(Key)
    /// Time passed while something runs (drives the spinner).
    case tick
    /// The credential check finished.
    case verified(VerificationResult)
    /// The save finished: the path written and the setup as applied to the file, or why it failed.
    case saved(path: String, outcome: SetupOutcome)
    case saveFailed(String)
    /// The sample event came back from `$EDITOR` (the file's new text), or why it did not.
    case sampleEdited(String)
    case sampleEditFailed(String)
    /// What the person means, said without keys (plain mode's answers).
    case intent(WizardIntent)
    /// An attempt of the test send under way failed and will be retried (shown under the spinner).
    case testSendRetrying(RetryNotice)
    /// A test send finished (or could not be made): request and interpreted answer.
    case testSendFinished(TestSendSummary)
    /// The queue was read for the Event delivery screen opened as `generation`.
    case deliveryRead(generation: Int, DeliveryReading)
}

/// The credentials a check needs; the passcode stays a `Secret`.
public struct CredentialCheckRequest: Sendable, Hashable {
    public var projectID: String
    public var passcode: Secret
    public var endpoint: Endpoint
}

/// Work `update` asks for; the effect runner does it through CleverTapCore and answers with a
/// message. Equatable so tests can assert on exactly what was requested.
public enum WizardEffect: Sendable, Hashable {
    case verifyCredentials(CredentialCheckRequest)
    /// Apply this setup to the workspace file as it is now (`Workspace.applying`, under the
    /// store's lock and validator), so changes made meanwhile by another run are kept.
    case save(SetupRequest)
    /// Open the sample event (this JSON text) in the user's `$EDITOR`; the runner hands the
    /// terminal over for the duration.
    case editSample(String)
    /// Send a test event through a saved destination (its endpoint or a local sandbox).
    case sendTest(TestSendRequest)
    /// Stop the test send under way (Esc on its spinner); its answer, if any, is ignored.
    case cancelTestSend
    /// Read the delivery queue's status after waiting `afterMilliseconds` (the screen's refresh),
    /// for the Event delivery screen opened as `generation`.
    case readDelivery(generation: Int, afterMilliseconds: Int)
    /// The wizard is finished; the runner stops the loop.
    case exit(WizardOutcome)
}
