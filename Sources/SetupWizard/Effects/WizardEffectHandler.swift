import CleverTapCore

/// A local CleverTap stand-in for test sends ("Send to the local sandbox"): started on first use
/// and kept for the run. The executable provides it (the Sandbox module's server), so the wizard
/// itself starts no server.
public protocol WizardSandbox: Sendable {
    /// The base URL of a sandbox that accepts these credentials.
    func baseURL(accepting projectID: String, passcode: Secret) async throws -> String
    /// Whether the sandbox now holds a profile for `identity`.
    func holds(identity: String) async -> Bool
    /// Stops it, if it was started. Called once when the wizard ends.
    func stop() async
}

/// What the effect runner needs from the rest of the program. The launcher builds it from
/// CleverTapCore (`WorkspaceStore`, `CleverTapClient`), TerminalUI (`ExternalEditor`) and the
/// Sandbox module; the wizard itself does no I/O of its own.
public struct WizardServices: Sendable {
    /// Applies a setup to the workspace file as it is now and returns the path written and the
    /// outcome, or throws an error whose description says why.
    public var save: @Sendable (SetupRequest) async throws -> (path: String, outcome: SetupOutcome)
    /// Checks credentials against CleverTap (or the endpoint chosen).
    public var verify: @Sendable (CredentialCheckRequest) async -> VerificationResult
    /// Opens a text in the user's editor (the terminal handed over meanwhile); the edited text,
    /// or an error whose description says why not.
    public var editText: @Sendable (String) async throws -> String
    /// The local sandbox for test sends, when the program offers one.
    public var sandbox: (any WizardSandbox)?
    /// Reads the delivery queue's status for the Event delivery screen.
    public var readDelivery: @Sendable () async -> DeliveryReading

    public init(save: @escaping @Sendable (SetupRequest) async throws -> (path: String, outcome: SetupOutcome),
                verify: @escaping @Sendable (CredentialCheckRequest) async -> VerificationResult,
                editText: @escaping @Sendable (String) async throws -> String = { _ in throw NoEditor() },
                sandbox: (any WizardSandbox)? = nil,
                readDelivery: @escaping @Sendable () async -> DeliveryReading = { .failed("this program reads no queue") }) {
        self.save = save
        self.verify = verify
        self.editText = editText
        self.sandbox = sandbox
        self.readDelivery = readDelivery
    }

    /// Saving through `store`: the request is applied to the file under its lock, with its
    /// validator, so what another run wrote since the wizard opened is kept.
    public static func saving(to store: WorkspaceStore) -> @Sendable (SetupRequest) async throws -> (path: String, outcome: SetupOutcome) {
        { request in
            let outcome = try store.update { workspace in
                let outcome = try workspace.applying(request, validator: store.validator)
                workspace = outcome.workspace
                return outcome
            }
            return (store.path, outcome)
        }
    }

    /// What `editText` throws when the program offers no editor.
    public struct NoEditor: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "No editor is available here." }
    }
}

/// Runs the wizard's effects through the injected services and answers with the message
/// `update` expects. Shared by the ncurses runner and plain mode, so both do exactly the same work.
public struct WizardEffectHandler: Sendable {
    public var services: WizardServices
    /// Sends test events; tests tune its client (timeouts, retries).
    public var sender: TestEventSender
    /// Where `{"env": VAR}` passcodes are read from.
    public var environment: [String: String]

    public init(services: WizardServices, sender: TestEventSender = TestEventSender(), environment: [String: String] = [:]) {
        self.services = services
        self.sender = sender
        self.environment = environment
    }

    /// Does `effect` and returns its answer; nil for effects without one (`.exit`). `progress`
    /// receives messages while it runs (a test send's failed attempts).
    public func perform(_ effect: WizardEffect, progress: @escaping @Sendable (WizardMessage) -> Void = { _ in }) async -> WizardMessage? {
        switch effect {
        case .exit, .cancelTestSend:
            return nil
        case .verifyCredentials(let request):
            return .verified(await services.verify(request))
        case .save(let request):
            do {
                let saved = try await services.save(request)
                return .saved(path: saved.path, outcome: saved.outcome)
            } catch {
                return .saveFailed(String(describing: error))
            }
        case .sendTest(let request):
            return .testSendFinished(await sendTest(request, onRetry: { progress(.testSendRetrying($0)) }))
        case .readDelivery(let generation, let delay):
            if delay > 0 {
                // Cancelled (the wizard ended): no answer, nothing read.
                do { try await Task.sleep(for: .milliseconds(delay)) } catch { return nil }
            }
            return .deliveryRead(generation: generation, await services.readDelivery())
        case .editSample(let text):
            do {
                return .sampleEdited(try await services.editText(text))
            } catch {
                return .sampleEditFailed(String(describing: error))
            }
        }
    }

    /// Stops the local sandbox if one was started. Call once when the wizard ends.
    public func shutdown() async {
        await services.sandbox?.stop()
    }

    func sendTest(_ request: TestSendRequest, onRetry: @escaping @Sendable (RetryNotice) -> Void) async -> TestSendSummary {
        var destination = request.destination
        var override: String?
        var notes: [String] = []
        if request.target == .localSandbox {
            guard let sandbox = services.sandbox else {
                return TestSendSummary(kind: request.kind, destinationName: destination.name, target: request.target,
                                       request: nil, answer: .notSent("No local sandbox is available in this program."))
            }
            // The sandbox accepts the destination's own credentials; when the passcode cannot be
            // read (its variable is unset) a stand-in lets the flow still be seen offline.
            let passcode: Secret
            if let resolved = try? destination.passcode.resolve(environment: environment) {
                passcode = resolved
            } else {
                passcode = Secret("sandbox-stand-in-passcode")
                destination.passcode = .inline(passcode)
                notes.append("The passcode could not be read, so the sandbox was sent a stand-in one.")
            }
            do {
                let baseURL = try await sandbox.baseURL(accepting: destination.projectID, passcode: passcode)
                override = baseURL
                notes.append("Sent to the local sandbox at \(baseURL) (in this process; nothing left this machine).")
            } catch {
                return TestSendSummary(kind: request.kind, destinationName: destination.name, target: request.target,
                                       request: nil, answer: .notSent("The local sandbox did not start: \(error)"))
            }
        }
        do {
            let report = try await sender.run(SendTestRequest(destination: destination, action: request.kind.action,
                                                              endpointOverride: override, environment: environment,
                                                              onRetry: onRetry))
            var summary = TestSendSummary(report: report, kind: request.kind, target: request.target)
            summary.notes += notes
            // A profile to look for only after an identify or delete; an event makes none.
            if request.target == .localSandbox, request.kind.action != .userEvent, let sandbox = services.sandbox,
               let identity = report.record?["identity"]?.stringValue {
                let held = await sandbox.holds(identity: identity)
                summary.notes.append("The sandbox \(held ? "now holds" : "holds no") profile \"\(identity)\".")
            }
            return summary
        } catch {
            return TestSendSummary(kind: request.kind, destinationName: destination.name, target: request.target,
                                   request: nil, answer: .notSent(error.description), notes: notes)
        }
    }
}
