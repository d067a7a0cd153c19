import ArgumentParser
import CleverTapCore
import Foundation
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
            FileHandle.standardError.write(Data((NonInteractiveHint.text + "\n").utf8))
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
        let identifiers = FreshIdentifiers(
            sourceID: Identifiers.sourceID(), writeKey: Identifiers.writeKey(), destinationID: Identifiers.destinationID(),
            subscriptionIDs: Preset.quickSetup.map { _ in Identifiers.subscriptionID() })
        var state = WizardState(workspace: workspace, configPath: store.path, identifiers: identifiers)
        state.sampleTime = Int64(Date().timeIntervalSince1970)
        let services = WizardServices(
            save: { workspace in
                try store.save(workspace)
                return store.path
            },
            verify: verifyCredentials)
        if usePlain {
            try await runPlain(state, services: services)
            return
        }
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
    static func runPlain(_ state: WizardState, services: WizardServices) async throws {
        var input = StandardInputLines()
        let result = await PlainRunner.run(state, input: &input, output: { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }, services: services)
        if result.endedByEndOfInput {
            Console.error("input ended before the setup was saved; nothing was written")
            throw ExitCode(1)
        }
        try report(result.outcome)
    }

    /// Prints how the wizard ended (after the terminal is restored).
    static func report(_ outcome: WizardOutcome) throws {
        switch outcome {
        case .saved(let path, let command):
            print("Saved the workspace to \(path)")
            if !command.isEmpty {
                print("The same setup without the wizard (export the passcode as $\(NonInteractiveCommand.defaultPasscodeVariable) first):")
                print("  " + command)
            }
        case .quitWithoutSaving:
            print("Quit without saving; nothing was written.")
        case .interrupted(let signal):
            Console.error("stopped by signal \(signal); nothing was saved")
            throw ExitCode(128 + signal)
        }
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
