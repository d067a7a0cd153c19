import ArgumentParser
import CleverTapCore

/// `clevertap-actions eval-mapping`: try mappings on events, one NDJSON request per line.
struct EvalMappingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-mapping",
        abstract: "Apply Segment mapping-kit mappings to events (NDJSON in, NDJSON out).",
        discussion: """
            Each input line is {"mapping": {...}, "event": {...}}; each output line is {"output": ...}, \
            {"absent": true} when the mapping resolves to nothing, or {"error": "..."}. Without "event" \
            the mapping is only validated: {"valid": true} or the error. Exit status: 0 no errors; 1 some \
            line gave an error, or the input cannot be read.
            """
    )

    @Argument(help: ArgumentHelp("NDJSON file of requests; - reads standard input (the default when input is piped).", valueName: "file"))
    var file: String?

    func run() throws {
        // Waiting silently on a terminal looks like a hang; `-` still reads one on purpose.
        if InputDescriptor.wouldWaitOnATerminal(file) {
            throw Console.usage("no input: name an NDJSON file, or pipe lines into standard input (`-` reads the terminal)", command: "eval-mapping")
        }
        let input: Int32
        do { input = try InputDescriptor.openForReading(file) } catch { throw Console.fail(error.description) }
        defer { InputDescriptor.closeIfOwned(input) }
        let errors: Int
        do { errors = try MappingEvaluation.run(input: input, output: 1) } catch {
            throw Console.fail(InputDescriptor.describe(error, reading: file))
        }
        if errors > 0 { throw ExitCode(1) }
    }
}
