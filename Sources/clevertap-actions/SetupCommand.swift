import ArgumentParser
import CleverTapCore
import Foundation

/// `setup`: the wizard on a terminal, or `--non-interactive` for scripts and CI.
struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Add a CleverTap (Actions) destination to the workspace.",
        discussion: """
            Without --non-interactive this opens the setup wizard. With it, everything comes from \
            options. The passcode is never an argument (it would leak into shell history and \
            process lists): name the environment variable that holds it (--passcode-env; the \
            config then stores a reference, not the secret) or pipe it in (--passcode-stdin; \
            stored in the 0600 config file).

            Example:
              printf '%s' "$PASSCODE" | clevertap-actions setup --non-interactive \\
                --source-name Website --source-type javascript \\
                --dashboard-url https://in1.dashboard.clevertap.com/844-6K7-984Z/main \\
                --passcode-stdin --quick

            Add --events to subscribe track calls too (Upload Event): every track but "Delete User" \
            and "Order Completed" becomes a CleverTap event of the same name, and "Order Completed" \
            becomes CleverTap's Charged, with Amount, Charged ID and the products as Items.
            """)

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Take everything from options instead of opening the wizard.")
    var nonInteractive = false

    @Flag(help: "Run the wizard as numbered line prompts on stdin/stdout (screen readers, dumb terminals, pipes); automatic when TERM is dumb.")
    var plain = false

    @Option(help: ArgumentHelp("Source to connect (reused if it exists, created otherwise).", valueName: "name"))
    var sourceName: String?

    @Option(help: ArgumentHelp("Type of a new source: \(SourceType.allCases.map(\.rawValue).joined(separator: ", ")) (default server).", valueName: "type"))
    var sourceType: String?

    @Option(help: ArgumentHelp("Destination name (default \"\(SetupRequest.defaultDestinationName)\").", valueName: "name"))
    var destinationName: String?

    @Option(help: ArgumentHelp("CleverTap project ID, XXX-XXX-XXXX.", valueName: "id"))
    var projectId: String?

    @Option(help: ArgumentHelp("Dashboard URL: gives the region and, from its path, the project ID.", valueName: "url"))
    var dashboardUrl: String?

    @Option(help: ArgumentHelp("Environment variable holding the passcode; the config stores {\"env\": VAR}.", valueName: "var"))
    var passcodeEnv: String?

    @Flag(help: "Read the passcode from standard input (stored in the 0600 config file).")
    var passcodeStdin = false

    @Option(help: .hidden)
    var passcode: String?

    @Option(help: ArgumentHelp("Region code (see `clevertap-actions regions`).", valueName: "code"))
    var region: String?

    @Option(help: ArgumentHelp("Custom API base URL: https, or http on loopback (the sandbox).", valueName: "url"))
    var endpoint: String?

    @Flag(help: "Quick Setup: subscribe the presets (User Upload on identify, User Delete on \"Delete User\").")
    var quick = false

    @Flag(help: "With --quick, also the event presets: Track Event (track calls as CleverTap events) and Order Completed → Charged.")
    var events = false

    @Flag(help: "Replace a destination with the same name instead of refusing.")
    var replace = false

    func run() async throws {
        if passcode != nil {
            throw Console.usage("a passcode is never accepted as an argument (it would leak into shell history and process lists); use --passcode-env VAR or --passcode-stdin", command: "setup")
        }
        guard nonInteractive else {
            try await runInteractiveSetup(configPath: options.config, plain: plain)
            return
        }
        if plain { throw Console.usage("--plain and --non-interactive both given; choose one", command: "setup") }
        guard let sourceName else { throw Console.usage("--source-name is required with --non-interactive", command: "setup") }
        var type: SourceType?
        if let sourceType {
            guard let parsed = SourceType(rawValue: sourceType.lowercased()) else {
                throw Console.usage("--source-type: unknown type \"\(sourceType)\"; expected one of \(SourceType.allCases.map(\.rawValue).joined(separator: ", "))", command: "setup")
            }
            type = parsed
        }
        let passcodeSource: PasscodeSource
        var unsetVariableNote: String?
        switch (passcodeEnv, passcodeStdin) {
        case (.some, true):
            throw Console.usage("--passcode-env and --passcode-stdin both given; choose one", command: "setup")
        case (nil, false):
            throw Console.usage("the passcode is missing: pass --passcode-env VAR or --passcode-stdin", command: "setup")
        case (let variable?, false):
            do { try EnvironmentVariableName.validate(variable) } catch { throw Console.fail("--passcode-env: \(error)") }
            if let value = ProcessInfo.processInfo.environment[variable] {
                do { _ = try Passcode.validate(value) } catch { throw Console.fail("--passcode-env: \(CredentialError.variablePasscode(variable: variable, problem: error))") }
            } else {
                // Said after a successful save: before a refusal it is only noise.
                unsetVariableNote = "$\(variable) is not set in this shell; set it wherever events are delivered"
            }
            passcodeSource = .environment(variable: variable)
        case (nil, true):
            do { passcodeSource = .inline(try Passcode.validate(PasscodeInput.read())) } catch { throw Console.fail("--passcode-stdin: \(error)") }
        }

        let request = SetupRequest(sourceName: sourceName, sourceType: type, destinationName: destinationName, projectID: projectId,
                                   dashboardURL: dashboardUrl, passcode: passcodeSource, region: region, endpoint: endpoint,
                                   quick: quick, replace: replace, events: events)
        let store: WorkspaceStore
        let outcome: SetupOutcome
        do {
            store = try options.store()
            // Judge the request first, without the lock: a refused setup must leave nothing
            // behind (no new directory, no lock file). The update below applies it for real.
            _ = try store.load().applying(request, validator: store.validator)
            outcome = try store.update { workspace in
                let outcome = try workspace.applying(request, validator: store.validator)
                workspace = outcome.workspace
                return outcome
            }
        } catch let error as SetupError {
            if case .usage(let message) = error { throw Console.usage(message, command: "setup") }
            throw Console.fail(error.description)
        } catch {
            throw Console.fail("\(error)")
        }
        for note in outcome.notes + [unsetVariableNote].compactMap({ $0 }) { Console.note("note: \(note)") }
        let destination = outcome.destination
        try Output.line("\(outcome.replacedDestination ? "Replaced" : "Saved") destination \"\(destination.name)\" (\(destination.id)) in \(store.path)")
        try Output.line("  source:   \(outcome.source.name) (\(outcome.source.id), \(outcome.createdSource ? "new, " : "")write key \(outcome.source.writeKey))")
        try Output.line("  project:  \(destination.projectID)")
        switch destination.endpoint {
        case .region(let region): try Output.line("  region:   \(region.displayName) (\(region.code)), \(region.apiBaseURL)")
        case .custom(let url): try Output.line("  endpoint: \(url)")
        }
        switch destination.passcode {
        case .inline(let secret): try Output.line("  passcode: \(secret.masked) (stored in the file, mode 0600)")
        case .environment(let variable): try Output.line("  passcode: from $\(variable)")
        }
        if destination.subscriptions.isEmpty {
            try Output.line("  no subscriptions yet (pass --quick for the presets, or add them in the wizard)")
        } else {
            for subscription in destination.subscriptions {
                try Output.line("  subscription: \(subscription.name) when \(subscription.trigger)")
            }
        }
    }
}

/// `setup` without `--non-interactive`: the wizard, as with no arguments.
func runInteractiveSetup(configPath: String?, plain: Bool = false) async throws {
    try await WizardLauncher.run(configPath: configPath, plain: plain)
}

/// Reads a passcode from standard input: the whole of a pipe, or one line typed without echo.
enum PasscodeInput {
    static func read() -> String {
        if isatty(STDIN_FILENO) == 1 {
            Console.write("Passcode (not shown): ")
            var saved = termios()
            let haveTerminal = tcgetattr(STDIN_FILENO, &saved) == 0
            if haveTerminal {
                var silent = saved
                silent.c_lflag &= ~tcflag_t(ECHO)
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
            }
            let line = readLine(strippingNewline: true) ?? ""
            if haveTerminal { tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved) }
            Console.write("\n")
            return line
        }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        var text = String(decoding: data, as: UTF8.self)
        // One trailing line break is how `echo` and heredocs end input; Passcode.validate
        // trims the rest and refuses a line break inside.
        // ("\r\n" is a single Character in Swift.)
        if text.hasSuffix("\r\n") || text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}
