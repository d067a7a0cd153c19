import ArgumentParser
import CleverTapCore

/// How `map`, `eval-trigger` and `eval-mapping` open what they read: a named file, or standard
/// input for `-` or nothing (refused when nothing was named and it is a terminal, which looks
/// like a hang); one reader for all of them.
enum StreamingInput {
    static func open(_ file: String?, command: String, chunkSize: Int = InputReader.chunkSize) throws -> InputReader {
        // `-` still reads a terminal on purpose.
        if InputReader.wouldWaitOnATerminal(file) {
            throw Console.usage("no input: name a file, or pipe lines into standard input (`-` reads the terminal)", command: command)
        }
        do { return try InputReader(pathOrStandardInput: file, chunkSize: chunkSize) } catch { throw Console.fail(error.description) }
    }
}
