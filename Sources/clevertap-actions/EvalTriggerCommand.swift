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
            A malformed line gives {"error": "line N: ..."} and processing continues; the exit \
            status is then 1. Blank lines are skipped.
            """
    )

    @Argument(help: "NDJSON file to read; '-' or nothing reads standard input.")
    var file: String?

    func run() throws {
        let input: FileHandle
        if let file, file != "-" {
            guard let handle = FileHandle(forReadingAtPath: file) else {
                throw ValidationError("cannot open \(file) for reading")
            }
            input = handle
        } else {
            input = FileHandle.standardInput
        }
        var sawMalformedLine = false
        var output: [UInt8] = []
        try NDJSONLines.forEach(in: input) { line, number in
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            let outcome = TriggerEvaluation.evaluate(line: line, lineNumber: number)
            sawMalformedLine = sawMalformedLine || outcome.inputWasMalformed
            JSONWriter.write(outcome.result, into: &output)
            output.append(0x0A)
            if output.count >= 1 << 16 {
                FileHandle.standardOutput.write(Data(output))
                output.removeAll(keepingCapacity: true)
            }
        }
        if !output.isEmpty { FileHandle.standardOutput.write(Data(output)) }
        if sawMalformedLine { throw ExitCode(1) }
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
