import ArgumentParser
import CleverTapCore
import Foundation
import SetupWizard
import TerminalUI

/// Opens the setup wizard on the terminal: the no-argument run and interactive `setup`.
/// Restores the terminal on every way out, then prints what happened (and the equivalent
/// `setup --non-interactive` command after a save).
enum WizardLauncher {
    static func run(configPath explicitPath: String?) async throws {
        guard Terminal.isInteractive else {
            FileHandle.standardError.write(Data((NonInteractiveHint.text + "\n").utf8))
            throw ExitCode(2)
        }
        let environment = ProcessInfo.processInfo.environment
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
        let terminal: Terminal
        do {
            terminal = try Terminal(environment: environment)
        } catch {
            throw Console.fail("\(error)")
        }
        let outcome = await WizardRunner.run(state, terminal: terminal,
                                             handler: WizardEffectHandler(services: services, environment: environment))
        terminal.restore()
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
