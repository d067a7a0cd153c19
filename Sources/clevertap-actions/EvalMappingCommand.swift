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

    @Argument(help: ArgumentHelp("File of requests (NDJSON, a JSON array or pretty-printed values); - reads standard input (the default when input is piped).", valueName: "file"))
    var file: String?

    func run() throws {
        var reader = try StreamingInput.open(file, command: "eval-mapping")
        let errors: Int
        do throws(StreamError) { errors = try MappingEvaluation.run(reader: &reader, output: 1) } catch { throw Console.fail(error.description) }
        if errors > 0 { throw ExitCode(1) }
    }
}
