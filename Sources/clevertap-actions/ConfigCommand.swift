import ArgumentParser
import CleverTapCore
import Foundation

/// `--config PATH`, shared by every verb that reads or writes the workspace.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Workspace file to use.",
        discussion: "Default: $CLEVERTAP_ACTIONS_CONFIG, else $XDG_CONFIG_HOME/clevertap-actions/workspace.json, else ~/.config/clevertap-actions/workspace.json.",
        valueName: "path"))
    var config: String?

    /// Where the workspace is, by the documented precedence.
    func location() throws(WorkspaceError) -> WorkspaceLocation {
        try WorkspaceLocation.resolve(explicit: config, environment: ProcessInfo.processInfo.environment)
    }

    /// The store, validating with the trigger engine too (`WorkspaceValidator.standard`).
    func store() throws(WorkspaceError) -> WorkspaceStore {
        WorkspaceStore(path: try location().path, validator: .standard)
    }

    /// The store and its workspace, which must exist (`config show`, `config validate`); any
    /// failure is printed and becomes exit status 1.
    func loadExisting() throws(ExitCode) -> (WorkspaceStore, Workspace) {
        do {
            let store = try self.store()
            return (store, try store.load(required: true))
        } catch {
            throw Console.fail(error.description)
        }
    }

    /// `--config ""` (e.g. `--config "$UNSET"` in a script) is refused rather than silently
    /// falling back to the default workspace, which a script never meant to touch.
    func validate() throws {
        if let config, config.allSatisfy(\.isWhitespace) {
            throw ValidationError("--config: the path is empty; give the workspace file's path, or leave --config out for the default")
        }
    }
}

/// Writing to stderr and failing with the tool's exit statuses (0 ok, 1 failed, 2 usage).
enum Console {
    static func error(_ message: String) {
        write("clevertap-actions: \(message)\n")
    }

    static func note(_ message: String) {
        write("\(message)\n")
    }

    /// Writes `text` to standard error as it is. A failure is ignored: there is nowhere left to
    /// report it, and Foundation's `FileHandle.write` traps on one (a wizard whose window closed
    /// crashed on "stopped by signal" and spent seconds printing a backtrace to nobody).
    static func write(_ text: String) {
        _ = Output.writeAll(STDERR_FILENO, Array(text.utf8))
    }

    /// Prints `message` to stderr and exits with status 1.
    static func fail(_ message: String) -> ExitCode {
        error(message)
        return ExitCode(1)
    }

    /// Prints `message` and a pointer to --help to stderr; exit status 2.
    static func usage(_ message: String, command: String) -> ExitCode {
        error("\(message)\nSee `clevertap-actions \(command) --help`.")
        return ExitCode(2)
    }
}

/// `config show | validate | path`.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show, validate or locate the workspace file.",
        subcommands: [Show.self, Validate.self, Path.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the workspace (passcodes masked as •••• plus their last 2 characters).")

        @OptionGroup var options: ConfigOptions
        @Flag(help: "Print the workspace as JSON (same schema as the file, passcodes masked).")
        var json = false

        func run() async throws {
            let (store, workspace) = try options.loadExisting()
            if json {
                var root = JSONObject()
                root["version"] = .int(Int64(workspace.version))
                root["sources"] = WorkspaceCodec.encode(workspace).objectValue?["sources"]
                root["destinations"] = .array(workspace.destinations.map { WorkspaceCodec.encode(destination: $0, maskingPasscode: true) })
                try Output.line(JSONValue.object(root).prettyDescription)
            } else {
                try Output.line(WorkspaceSummary.text(workspace, path: store.path, environment: ProcessInfo.processInfo.environment))
            }
        }
    }

    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the workspace file; exit 0 when valid, 1 with every problem otherwise.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let (store, workspace) = try options.loadExisting()
            let environment = ProcessInfo.processInfo.environment
            for destination in workspace.destinations {
                if case .environment(let variable) = destination.passcode, environment[variable] == nil {
                    Console.note("warning: destination \"\(destination.name)\" reads its passcode from $\(variable), which is not set in this environment")
                }
            }
            // docs/triggers.md promises these: a valid trigger Segment evaluates surprisingly.
            for (index, destination) in workspace.destinations.enumerated() {
                for (subIndex, subscription) in destination.subscriptions.enumerated() {
                    guard let trigger = try? Trigger.parse(subscription.trigger) else { continue }
                    let path = JSONPath.root.key("destinations").index(index).key("subscriptions").index(subIndex).key("trigger")
                    for warning in trigger.warnings { Console.note("warning: \(path): \(warning)") }
                }
            }
            let sources = workspace.sources.count == 1 ? "1 source" : "\(workspace.sources.count) sources"
            let destinations = workspace.destinations.count == 1 ? "1 destination" : "\(workspace.destinations.count) destinations"
            try Output.line("\(store.path): valid (\(sources), \(destinations))")
        }
    }

    struct Path: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the path of the workspace file in use (it may not exist yet).")

        @OptionGroup var options: ConfigOptions
        @Flag(help: #"Print {"path": …, "origin": …, "exists": …} instead."#)
        var json = false

        func run() async throws {
            let location: WorkspaceLocation
            do { location = try options.location() } catch { throw Console.fail(error.description) }
            if json {
                let exists = FileManager.default.fileExists(atPath: location.path)
                let value: JSONValue = ["path": .string(location.path), "origin": .string(location.origin.rawValue), "exists": .bool(exists)]
                try Output.line(value.description)
            } else {
                try Output.line(location.path)
            }
        }
    }
}

/// The human-readable form of a workspace for `config show`.
enum WorkspaceSummary {
    static func text(_ workspace: Workspace, path: String, environment: [String: String]) -> String {
        var lines = ["Workspace \(path)"]
        lines.append(workspace.sources.isEmpty ? "No sources." : "Sources:")
        for source in workspace.sources {
            lines.append("  \(source.name)  type \(source.type.rawValue)  id \(source.id)  write key \(source.writeKey)")
        }
        lines.append(workspace.destinations.isEmpty ? "No destinations." : "Destinations:")
        for destination in workspace.destinations {
            let sourceName = workspace.sources.first { $0.id == destination.sourceID }?.name ?? destination.sourceID
            lines.append("  \(destination.name)  id \(destination.id)  \(destination.enabled ? "enabled" : "disabled")")
            lines.append("    source:     \(sourceName)")
            lines.append("    project:    \(destination.projectID)")
            switch destination.passcode {
            case .inline(let secret):
                lines.append("    passcode:   \(secret.masked) (stored in the file)")
            case .environment(let variable):
                lines.append("    passcode:   from $\(variable) (\(environment[variable] == nil ? "not set here" : "set"))")
            }
            switch destination.endpoint {
            case .region(let region): lines.append("    region:     \(region.displayName) (\(region.code)), \(region.apiBaseURL)")
            case .custom(let url): lines.append("    endpoint:   \(url)")
            }
            lines.append("    setup mode: \(destination.setupMode.rawValue)")
            if destination.subscriptions.isEmpty {
                lines.append("    no subscriptions")
            } else {
                lines.append("    subscriptions:")
                for subscription in destination.subscriptions {
                    lines.append("      [\(subscription.enabled ? "on " : "off")] \(subscription.name) (\(subscription.action.displayName)) when \(subscription.trigger)")
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}
