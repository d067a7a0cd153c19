import ArgumentParser
import CleverTapCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension NestedObjectPolicy: ExpressibleByArgument {}

/// `clevertap-actions map`: events through a destination's subscriptions, records out, nothing sent.
struct MapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Turn events into the CleverTap records a destination would send (NDJSON in, NDJSON out).",
        discussion: """
            Streams NDJSON events through every enabled subscription of the destination and writes one \
            line per record, {"subscription": ..., "action": "userUpload", "record": {...}} (plus "warnings" \
            when a value was dropped), and one per failure, {"subscription": ..., "line": N, "error": ...}. \
            Lines that are not JSON objects give {"line": N, "error": ...}; the run goes on. \
            Exit status: 0 all events mapped, 1 some line failed, 2 usage or configuration problem.
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: "Destination to use, by name or id (needed when the workspace has several).")
    var destination: String?

    @Option(help: "Objects nested in Person Attributes: flatten (company.name), stringify (JSON text) or keep (CleverTap's nested-objects beta).")
    var nestedObjects: NestedObjectPolicy = .flatten

    @Argument(help: "NDJSON file of Segment events, or - for standard input.")
    var file: String = "-"

    func run() throws {
        let chosen: Destination
        do {
            let workspace = try options.store().load(required: true)
            chosen = try DestinationChoice.pick(destination, in: workspace)
        } catch {
            Console.error("\(error)")
            throw ExitCode(2)
        }
        let pipeline = SubscriptionPipeline(destination: chosen, nestedObjects: nestedObjects)
        for warning in pipeline.warnings { Console.note("warning: \(warning)") }
        if !pipeline.problems.isEmpty {
            for problem in pipeline.problems { Console.error(problem.description) }
            Console.note("Fix the subscriptions above (`clevertap-actions config validate`), or disable them.")
            throw ExitCode(2)
        }
        if pipeline.subscriptions.isEmpty {
            Console.error("destination \"\(chosen.name)\" has no enabled subscriptions")
            throw ExitCode(2)
        }
        let input: Int32
        do { input = try InputDescriptor.openForReading(file) } catch {
            Console.error("\(error)")
            throw ExitCode(2)
        }
        defer { InputDescriptor.closeIfOwned(input) }
        let summary: MapSummary
        do { summary = try MapStream.run(pipeline: pipeline, input: input, output: 1) } catch {
            Console.error("\(error)")
            throw ExitCode(1)
        }
        if isatty(2) != 0 {
            Console.note("map: \(summary.events) events, \(summary.records) records, \(summary.failures) failures, \(summary.invalidLines) invalid lines")
        }
        if summary.failures > 0 || summary.invalidLines > 0 { throw ExitCode(1) }
    }
}
