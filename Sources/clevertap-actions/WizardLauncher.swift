import ArgumentParser
import CleverTapCore
import EventQueue
import Foundation
import Sandbox
import SetupWizard
import TerminalUI

/// Opens the setup wizard on the terminal: the no-argument run and interactive `setup`.
/// Restores the terminal on every way out, then prints what happened (and the equivalent
/// `setup --non-interactive` command after a save).
///
/// Plain mode (`--plain`, or TERM=dumb) runs the same wizard as numbered line prompts on
/// stdin/stdout: no terminal needed, so it works for screen readers, dumb terminals and pipes.
enum WizardLauncher {
    static func run(configPath explicitPath: String?, plain: Bool = false) async throws {
        let environment = ProcessInfo.processInfo.environment
        let usePlain = plain || environment["TERM"] == "dumb"
        guard usePlain || Terminal.isInteractive else {
            Console.write(NonInteractiveHint.text + "\n")
            throw ExitCode(2)
        }
        let store: WorkspaceStore
        let workspace: Workspace
        do {
            store = WorkspaceStore(path: try WorkspaceLocation.resolve(explicit: explicitPath, environment: environment).path)
            // A broken file is reported before the screen is taken over, and never overwritten.
            workspace = try store.load()
        } catch {
            throw Console.fail("\(error)")
        }
        var state = WizardState(workspace: workspace, configPath: store.path, identifiers: .fresh())
        state.sampleTime = Int64(Date().timeIntervalSince1970)
        // Effects with I/O of their own live here, not in SetupWizard: the store (saves apply the
        // setup to the file as it is then), the client, the editor and the sandbox server.
        let services = WizardServices(
            save: WizardServices.saving(to: store),
            verify: verifyCredentials,
            editText: { text in try ExternalEditor(environment: environment).edit(text) },
            sandbox: ReusableSandbox(),
            readDelivery: { await readDelivery(environment: environment) })
        if usePlain {
            try await runPlain(state, handler: WizardEffectHandler(services: services, environment: environment))
            return
        }
        // SIGTERM, SIGHUP and an outside SIGINT end the loop, which restores the terminal first;
        // listening before the terminal is taken over leaves no moment where one is lost.
        let signals = TerminationSignals.listen { Terminal.noteSignal($0) }
        defer { signals.cancel() }
        let terminal: Terminal
        do {
            terminal = try Terminal(environment: environment)
        } catch {
            throw Console.fail("\(error)")
        }
        let outcome = await WizardRunner.run(state, terminal: terminal,
                                             handler: WizardEffectHandler(services: services, environment: environment))
        terminal.restore()
        try report(outcome)
    }

    /// Plain mode: answers from stdin, prompts on stdout. Input that ends before a save is an
    /// error (exit 1): a script that ran out of answers must not look like a deliberate quit.
    static func runPlain(_ state: WizardState, handler: WizardEffectHandler) async throws {
        var input = StandardInputLines()
        let failure = FirstFailure()
        let result = await PlainRunner.run(state, input: &input, output: { text in
            if let reason = Output.writeAll(STDOUT_FILENO, Array(text.utf8)) { failure.record(reason) }
        }, handler: handler)
        if let reason = failure.reason { throw Console.fail("cannot write to standard output: \(reason)") }
        if result.endedByEndOfInput {
            Console.error("input ended before the setup was saved; nothing was written")
            throw ExitCode(1)
        }
        try report(result.outcome)
    }

    /// Prints how the wizard ended (after the terminal is restored).
    static func report(_ outcome: WizardOutcome) throws {
        switch outcome {
        case .saved(let path, let command, let discardedLaterChanges):
            try Output.line("Saved the workspace to \(path)")
            if !command.isEmpty {
                try Output.line("The same setup without the wizard (export the passcode as $\(NonInteractiveCommand.defaultPasscodeVariable) first):")
                try Output.line("  " + command)
            }
            if discardedLaterChanges {
                Console.error("changes made after that save were discarded")
                throw ExitCode(1)
            }
        case .quitWithoutSaving(let discardedChanges):
            if discardedChanges {
                // Non-zero: what was entered was dropped, which a script or a shell prompt should see.
                Console.error("quit without saving; what was entered was discarded and nothing was written")
                throw ExitCode(1)
            }
            try Output.line("Nothing changed; nothing was written.")
        case .interrupted(let signal):
            Console.error("stopped by signal \(signal); nothing was saved")
            throw ExitCode(128 + signal)
        }
    }

    /// The Event delivery screen's read: the default queue's status (what `status` prints), or
    /// "no queue yet" when serve never made one here. Opened read-only in effect: nothing is
    /// created, and a running serve keeps its queue (status takes no delivery lock).
    @Sendable static func readDelivery(environment: [String: String]) async -> DeliveryReading {
        let url: QueueURL
        do throws(QueueError) { url = try QueueURL.parse(nil, environment: environment) } catch { return .failed(error.description) }
        if case .sqlite(let path) = url, !FileManager.default.fileExists(atPath: path) { return .noQueue(path: path) }
        let now = Date()
        let queue: any EventQueue
        do throws(QueueError) { queue = try await url.open() } catch { return .failed(error.description) }
        let status: QueueStatus
        do throws(QueueError) { status = try await queue.status(now: now) } catch {
            await queue.close()
            return .failed(error.description)
        }
        await queue.close()
        func seconds(_ date: Date) -> Int { Int(now.timeIntervalSince(date).rounded()) }
        return .read(DeliverySnapshot(
            queue: url.description,
            destinations: status.destinations.map { counts in
                DeliveryCounts(destinationID: counts.destinationID, counts: counts.counts,
                               oldestPendingSeconds: counts.oldestPending.map(seconds))
            },
            recentErrors: status.recentErrors.map {
                DeliveryError(destinationID: $0.destinationID, identity: $0.identity, state: $0.state,
                              reason: $0.reason, secondsAgo: seconds($0.at))
            },
            rejected: status.rejected, duplicates: status.duplicates))
    }

    /// The core's credential check, with timeouts short enough for a person watching a spinner.
    @Sendable static func verifyCredentials(_ request: CredentialCheckRequest) async -> VerificationResult {
        var configuration = CleverTapClientConfiguration(endpoint: request.endpoint, accountID: request.projectID, passcode: request.passcode)
        configuration.connectTimeout = .seconds(5)
        configuration.requestTimeout = .seconds(10)
        do {
            switch try await CleverTapClient.withClient(configuration, { await $0.checkCredentials() }) {
            case .valid:
                return .accepted("\(request.endpoint.baseURL) accepted the Project ID and passcode.")
            case .invalid(let reason):
                return .rejected("Refused: \(reason)")
            case .unreachable(let reason):
                return .rejected("No answer from \(request.endpoint.baseURL): \(reason)")
            }
        } catch {
            return .rejected("\(error)")
        }
    }
}

/// The Sandbox module's session server as the wizard's "Send to the local sandbox".
extension ReusableSandbox: WizardSandbox {
    public func baseURL(accepting projectID: String, passcode: Secret) async throws -> String {
        try await handle(accepting: SandboxAccount(projectID: projectID, passcode: passcode)).baseURL
    }
}
