import ArgumentParser
import Foundation
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
            Exit status: 0 all events mapped; 1 some line failed, or the input or workspace cannot be \
            read or is invalid (nothing is mapped then); 2 usage (e.g. several destinations and no \
            --destination).
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("Destination to use, by name or id (needed when the workspace has several).", valueName: "name"))
    var destination: String?

    @Option(help: ArgumentHelp("Objects nested in Person Attributes: flatten (company.name), stringify (JSON text) or keep (CleverTap's nested-objects beta). Event Data's nested values are JSON text unless keep.",
                               valueName: "policy"))
    var nestedObjects: NestedObjectPolicy = .flatten

    @Option(help: ArgumentHelp("Threads mapping a file's lines at once (default: the machine's cores; output order is kept).",
                               valueName: "n"))
    var jobs: Int?

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
    }

    @Argument(help: ArgumentHelp("File of Segment events (NDJSON, a JSON array or pretty-printed values); - reads standard input (the default when input is piped).", valueName: "file"))
    var file: String?

    func run() throws {
        // Opened (not read) first: a missing file or a terminal is the first thing to hear about.
        var reader = try StreamingInput.open(file, command: "map", chunkSize: 1 << 20)
        // Exit statuses as for every verb: what cannot be read or is invalid is 1, usage is 2.
        let workspace: Workspace
        do { workspace = try options.store().load(required: true) } catch { throw Console.fail(error.description) }
        let chosen: Destination
        do { chosen = try DestinationChoice.pick(destination, in: workspace) } catch {
            if case .ambiguous = error { throw Console.usage(error.description, command: "map") }
            throw Console.fail(error.description)
        }
        let pipeline = SubscriptionPipeline(destination: chosen, nestedObjects: nestedObjects)
        for warning in pipeline.warnings { Console.note("warning: \(warning)") }
        if !pipeline.problems.isEmpty {
            for problem in pipeline.problems { Console.error(problem.description) }
            Console.note("Fix the subscriptions above (`clevertap-actions config validate`), or disable them.")
            throw ExitCode(1)
        }
        if pipeline.subscriptions.isEmpty {
            throw Console.fail("destination \"\(chosen.name)\" has no enabled subscriptions; enable one with the wizard or in the workspace file")
        }
        let summary: MapSummary
        do {
            summary = try MapStream.run(pipeline: pipeline, reader: &reader, output: STDOUT_FILENO,
                                        workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        } catch {
            throw Console.fail(error.description)
        }
        if isatty(2) != 0 {
            Console.note("map: \(summary.events) events, \(summary.records) records, \(summary.failures) failures, \(summary.invalidLines) invalid lines")
        }
        if summary.failures > 0 || summary.invalidLines > 0 { throw ExitCode(1) }
    }
}
