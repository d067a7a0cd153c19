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
        let path = InterimWorkspaceFile.resolve(explicit: explicitPath, environment: environment)
        let workspace = try InterimWorkspaceFile.load(path)
        let state = WizardState(workspace: workspace, configPath: path, identifiers: InterimWorkspaceFile.freshIdentifiers())
        let services = WizardServices(
            save: { workspace in try InterimWorkspaceFile.save(workspace, to: path); return path },
            verify: { _ in .rejected("Verification is not available in this build yet.") })
        let terminal: Terminal
        do {
            terminal = try Terminal(environment: environment)
        } catch {
            throw ValidationError("\(error)")
        }
        let outcome = await WizardRunner.run(state, terminal: terminal, services: services)
        terminal.restore()
        switch outcome {
        case .saved(let path, let command):
            print("Saved the workspace to \(path)")
            if !command.isEmpty {
                print("The same setup without the wizard (set $\(NonInteractiveCommand.defaultPasscodeVariable) first):")
                print("  " + command)
            }
        case .quitWithoutSaving:
            print("Quit without saving; nothing was written.")
        case .interrupted(let signal):
            FileHandle.standardError.write(Data("clevertap-actions: stopped by signal \(signal); nothing was saved.\n".utf8))
            throw ExitCode(128 + signal)
        }
    }
}
