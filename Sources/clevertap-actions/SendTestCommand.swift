import ArgumentParser
import CleverTapCore
import Foundation

/// `send-test identify|delete|track`: one event through a destination's subscription to CleverTap.
extension TestEventKind: ExpressibleByArgument {}

struct SendTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send-test",
        abstract: "Send a test event through a destination and show the request and CleverTap's answer.",
        discussion: """
            Builds a realistic sample event (or reads --event FILE), runs it through the \
            destination's matching subscription exactly as delivery would (trigger, mapping, \
            timestamp conversion, record rules), shows the request with the passcode masked and \
            CleverTap's interpreted answer. Exit status: 0 when CleverTap processed the record \
            (or, with --dry-run, when the record was built), 1 when it did not or no subscription \
            matched, 2 for usage errors.

            Example (against the local sandbox):
              clevertap-actions send-test identify --endpoint http://127.0.0.1:8787

            track sends a "Product Viewed" track call through the destination's Upload Event \
            subscriptions (setup --quick --events adds them); --event FILE sends another, e.g. an \
            "Order Completed" that becomes CleverTap's Charged.
            """)

    @Argument(help: ArgumentHelp("identify (User Upload), delete (Delete User) or track (Upload Event).", valueName: "kind"))
    var kind: TestEventKind

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("Destination name or ID (needed when the workspace has several).", valueName: "name"))
    var destination: String?

    @Option(help: ArgumentHelp("A file holding one Segment event as JSON, instead of the sample.", valueName: "file"))
    var event: String?

    @Option(help: ArgumentHelp("Send to this base URL instead of the destination's (e.g. the sandbox).", valueName: "url"))
    var endpoint: String?

    @Flag(help: "Build and show the request without sending it.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let workspace: Workspace
        do { workspace = try options.store().load(required: true) } catch { throw Console.fail(error.description) }
        let chosen = try pickDestination(workspace)
        var testEvent: JSONValue?
        if let event { testEvent = try readEvent(event) }
        let request = SendTestRequest(destination: chosen, action: kind.action, event: testEvent, endpointOverride: endpoint,
                                      dryRun: dryRun, environment: ProcessInfo.processInfo.environment)
        let report: SendTestReport
        do { report = try await TestEventSender().run(request) } catch {
            if case .endpoint = error { throw Console.usage(error.description, command: "send-test") }
            throw Console.fail(error.description)
        }
        try Output.line(json ? report.jsonValue.prettyDescription : report.text)
        let succeeded = report.isProcessed || (dryRun && report.outcome == .dryRun)
        if !succeeded { throw ExitCode(1) }
    }

    func pickDestination(_ workspace: Workspace) throws -> Destination {
        let names = workspace.destinations.map { "\"\($0.name)\"" }.joined(separator: ", ")
        if let destination {
            guard let found = workspace.destinations.first(where: { $0.name == destination || $0.id == destination }) else {
                throw Console.usage("--destination: no destination named \"\(destination)\"; the workspace has \(names.isEmpty ? "none" : names)",
                                    command: "send-test")
            }
            return found
        }
        switch workspace.destinations.count {
        case 0: throw Console.fail("the workspace has no destination yet; create one with `clevertap-actions setup`")
        case 1: return workspace.destinations[0]
        default: throw Console.usage("the workspace has several destinations (\(names)); pick one with --destination NAME", command: "send-test")
        }
    }

    func readEvent(_ path: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Console.fail("--event \(path): cannot read the file (missing, a directory, or no permission)")
        }
        let bytes = [UInt8](data)
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: bytes) } catch {
            let (line, column) = error.lineAndColumn(in: bytes)
            throw Console.fail("--event \(path):\(line):\(column): not one JSON event: \(error.message)")
        }
        guard value.objectValue != nil else {
            throw Console.fail("--event \(path): expected one Segment event (a JSON object), got \(value.kindName)")
        }
        return value
    }
}
