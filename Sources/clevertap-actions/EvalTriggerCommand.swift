import ArgumentParser
import CleverTapCore
import Foundation

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

    @Argument(help: "NDJSON file to read; '-' or nothing reads standard input.")
    var file: String?

    func run() throws {
        let input: FileHandle
        if let file, file != "-" {
            // A file that cannot be read is a failed operation (exit 1) with its reason, not a
            // usage error, and never Foundation's "NSCocoaErrorDomain Code=256".
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
                throw Console.fail("\(file): no such file; expected an NDJSON file, or '-' for standard input")
            }
            if isDirectory.boolValue { throw Console.fail("\(file): is a directory; expected an NDJSON file") }
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw Console.fail("\(file): cannot be opened for reading (check its permissions)")
            }
            input = handle
        } else {
            input = FileHandle.standardInput
        }
        var sawMalformedLine = false
        do { try evaluate(input, sawMalformedLine: &sawMalformedLine) } catch let exit as ExitCode {
            throw exit  // standard output failed; already said
        } catch {
            throw Console.fail("\(file ?? "standard input"): reading failed: \(error.localizedDescription)")
        }
        if sawMalformedLine { throw ExitCode(1) }
    }

    /// Answers every line of `input` on standard output, in order.
    private func evaluate(_ input: FileHandle, sawMalformedLine: inout Bool) throws {
        var output: [UInt8] = []
        try NDJSONLines.forEach(in: input) { line, number in
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            let outcome = TriggerEvaluation.evaluate(line: line, lineNumber: number)
            // Any error answer fails the run, as in `eval-mapping`: an invalid trigger too.
            sawMalformedLine = sawMalformedLine || outcome.inputWasMalformed || outcome.result["error"] != nil
            JSONWriter.write(outcome.result, into: &output)
            output.append(0x0A)
            if output.count >= 1 << 16 {
                try Output.write(output)
                output.removeAll(keepingCapacity: true)
            }
        }
        if !output.isEmpty { try Output.write(output) }
    }
}

/// Reads newline-separated records in chunks, handing each line (without `\n` or a trailing `\r`)
/// and its 1-based number to `body`; a last line without a newline counts too.
enum NDJSONLines {
    static func forEach(in handle: FileHandle, _ body: (ArraySlice<UInt8>, Int) throws -> Void) throws {
        var buffer: [UInt8] = []
        var lineNumber = 0
        while true {
            let chunk = try handle.read(upToCount: 1 << 16) ?? Data()
            if chunk.isEmpty { break }
            buffer.append(contentsOf: chunk)
            var start = buffer.startIndex
            while let newline = buffer[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                try body(trimmed(buffer[start..<newline]), lineNumber)
                start = newline + 1
            }
            buffer.removeSubrange(..<start)
        }
        if !buffer.isEmpty {
            lineNumber += 1
            try body(trimmed(buffer[...]), lineNumber)
        }
    }

    private static func trimmed(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == 0x0D ? line.dropLast() : line
    }
}
