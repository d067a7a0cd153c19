import ArgumentParser
import CleverTapCore
import Foundation

/// The `clevertap-actions` command: the wizard with no arguments on a terminal, verbs otherwise.
/// Commands hold no logic of their own; each calls into CleverTapCore, Sandbox or SetupWizard.
@main
struct CleverTapActions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clevertap-actions",
        abstract: "Set up and run a CleverTap (Actions) destination for Segment-format events.",
        discussion: "With no arguments on a terminal, opens the setup wizard.",
        subcommands: [
            // Each verb lives in its own file in this folder; keep this list in README order.
            SetupCommand.self, ConfigCommand.self, RegionsCommand.self, DetectRegionCommand.self,
            EvalTriggerCommand.self, EvalMappingCommand.self, MapCommand.self,
            SandboxCommand.self, SendTestCommand.self, DeliverCommand.self,
        ]
    )

    /// ArgumentParser's own entry point, except that usage errors exit with status 2 (the tool's
    /// documented code) instead of EX_USAGE (64).
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
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
        "clevertap-actions: the setup wizard needs a terminal; use `clevertap-actions setup --non-interactive`, `config`, `send-test` or `deliver` (see --help)."
}

