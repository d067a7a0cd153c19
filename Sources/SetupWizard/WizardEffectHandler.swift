import CleverTapCore
import Sandbox

/// Runs the wizard's effects through CleverTapCore and answers with the message `update` expects.
/// Shared by the ncurses runner and plain mode, so both do exactly the same work.
public struct WizardEffectHandler: Sendable {
    public var services: WizardServices
    /// Sends test events; tests tune its client (timeouts, retries).
    public var sender: TestEventSender
    /// Where `{"env": VAR}` passcodes are read from.
    public var environment: [String: String]
    private let sandbox = LocalSandbox()

    public init(services: WizardServices, sender: TestEventSender = TestEventSender(), environment: [String: String] = [:]) {
        self.services = services
        self.sender = sender
        self.environment = environment
    }

    /// Does `effect` and returns its answer; nil for effects without one (`.exit`).
    public func perform(_ effect: WizardEffect) async -> WizardMessage? {
        switch effect {
        case .exit:
            return nil
        case .verifyCredentials(let request):
            return .verified(await services.verify(request))
        case .save(let workspace):
            do {
                return .saved(path: try await services.save(workspace))
            } catch {
                return .saveFailed(String(describing: error))
            }
        case .sendTest(let request):
            return .testSendFinished(await sendTest(request))
        case .editSample(let text):
            do {
                return .sampleEdited(try ExternalEditor(environment: environment).edit(text))
            } catch {
                return .sampleEditFailed(error.description)
            }
        }
    }

    /// Stops the local sandbox if one was started. Call once when the wizard ends.
    public func shutdown() async {
        await sandbox.stop()
    }

    func sendTest(_ request: TestSendRequest) async -> TestSendSummary {
        var destination = request.destination
        var override: String?
        var notes: [String] = []
        if request.target == .localSandbox {
            // The sandbox accepts the destination's own credentials; when the passcode cannot be
            // read (its variable is unset) a stand-in lets the flow still be seen offline.
            let passcode: Secret
            if let resolved = try? destination.passcode.resolve(environment: environment) {
                passcode = resolved
            } else {
                passcode = SandboxAccount.demo.passcode
                destination.passcode = .inline(passcode)
                notes.append("The passcode could not be read, so the sandbox was sent a stand-in one.")
            }
            do {
                let handle = try await sandbox.handle(accepting: SandboxAccount(projectID: destination.projectID, passcode: passcode))
                override = handle.baseURL
                notes.append("Sent to the local sandbox at \(handle.baseURL) (in this process; nothing left this machine).")
            } catch {
                return TestSendSummary(kind: request.kind, destinationName: destination.name, target: request.target,
                                       request: nil, answer: .notSent("The local sandbox did not start: \(error)"))
            }
        }
        do {
            let report = try await sender.run(SendTestRequest(destination: destination, action: request.kind.action,
                                                              endpointOverride: override, environment: environment))
            var summary = TestSendSummary(report: report, kind: request.kind, target: request.target)
            summary.notes += notes
            if request.target == .localSandbox, let identity = report.record?["identity"]?.stringValue {
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

/// One sandbox per wizard run, started on first use, so "Send test delete" removes what
/// "Send test identify" made. Restarted when a destination with other credentials uses it.
actor LocalSandbox {
    private var handle: SandboxHandle?
    private var account: SandboxAccount?

    func handle(accepting account: SandboxAccount) async throws(SandboxConfigurationError) -> SandboxHandle {
        if let handle, self.account == account { return handle }
        if let handle { await handle.stop() }
        handle = nil
        let started = try await SandboxServer(configuration: SandboxConfiguration(port: 0, accounts: [account, .demo])).start()
        self.handle = started
        self.account = account
        return started
    }

    func holds(identity: String) async -> Bool {
        await handle?.profile(identity: identity) != nil
    }

    func stop() async {
        await handle?.stop()
        handle = nil
    }
}
