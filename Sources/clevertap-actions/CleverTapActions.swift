import ArgumentParser
import CleverTapCore
import Foundation

/// The `clevertap-actions` command: the wizard with no arguments on a terminal, verbs otherwise.
/// Commands hold no logic of their own; each calls into CleverTapCore, Sandbox or SetupWizard.
/// `main.swift` is the entry point: it installs the signal handling first.
struct CleverTapActions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clevertap-actions",
        abstract: "Set up and run a CleverTap (Actions) destination for Segment-format events.",
        discussion: "With no arguments on a terminal, opens the setup wizard.",
        version: ToolVersion.current,
        subcommands: [
            // Each verb lives in its own file in this folder; keep this list in README order.
            SetupCommand.self, ConfigCommand.self, RegionsCommand.self, DetectRegionCommand.self,
            EvalTriggerCommand.self, EvalMappingCommand.self, MapCommand.self,
            SandboxCommand.self, SendTestCommand.self, DeliverCommand.self, ServeCommand.self, StatusCommand.self, ReplayCommand.self,
        ]
    )

    /// ArgumentParser's own entry point, except that usage errors exit with status 2 (the tool's
    /// documented code) instead of EX_USAGE (64), and help and version text go through `Output`.
    static func launch() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // --help and --version: printed through the checked output like every result.
            if exitCode(for: error) == .success {
                do throws(ExitCode) { try Output.line(fullMessage(for: error)) } catch { Foundation.exit(error.rawValue) }
                Foundation.exit(0)
            }
            if exitCode(for: error) == .validationFailure {
                Console.write(fullMessage(for: error) + "\n")
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    mutating func run() async throws {
        try await WizardLauncher.run(configPath: nil)
    }
}

/// The one-line explanation printed when the wizard cannot run (no terminal).
enum NonInteractiveHint {
    static let text =
        "clevertap-actions: the setup wizard needs a terminal; `clevertap-actions setup --plain` asks the same questions line by line, or use `setup --non-interactive`, `config`, `send-test` or `deliver` (see --help)."
}

