import ArgumentParser
import CleverTapCore

/// `clevertap-actions eval-trigger [FILE|-]`: checks triggers against events, one NDJSON request
/// per line, one answer per line, in order.
struct EvalTriggerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval-trigger",
        abstract: "Evaluate Segment triggers against events (NDJSON in, NDJSON out).",
        discussion: """
            Each input line is {"trigger": "...", "event": {...}}; each output line is \
            {"match": true|false}, or {"valid": true} when the line has no "event" (parse only), or \
            {"error": "..."}; "warnings" lists Segment surprises in the trigger when there are any. \
            A malformed line gives {"error": "line N: ..."} and processing continues. Exit status: \
            0 no errors; 1 some line gave an error (a malformed line or an invalid trigger), or the \
            input cannot be read. Blank lines are skipped.
            """
    )

    @Argument(help: "File of requests (NDJSON, a JSON array or pretty-printed values); '-' or nothing reads standard input.")
    var file: String?

    func run() throws {
        var reader = try StreamingInput.open(file, command: "eval-trigger")
        let errors: Int
        do throws(StreamError) { errors = try TriggerEvaluation.run(reader: &reader, output: 1) } catch { throw Console.fail(error.description) }
        if errors > 0 { throw ExitCode(1) }
    }
}
