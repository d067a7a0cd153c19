import Foundation
import Testing
@testable import CleverTapCore

/// The one input reader's line and block views (every verb reads through it): real files in a
/// temporary directory.
@Suite(.timeLimit(.minutes(2))) struct ByteStreamsTests {
    /// The reading thread's newline count (each block's first line number) against a byte-by-byte
    /// one: bytes next to `\n` in value (0x0B, 0x8A, 0x09, 0xFF, 0x00), newlines anywhere.
    @Test func newlinesOfABlockAreCountedExactly() {
        let alphabet: [UInt8] = [0x0A, 0x0A, 0x0B, 0x8A, 0x09, 0xFF, 0x00, 0x7F, 0x80, 0x41]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0..<70 {
            for _ in 0..<20 {
                let bytes: [UInt8] = (0..<length).map { _ in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    return alphabet[Int(state >> 33) % alphabet.count]
                }
                let counted = bytes.withUnsafeBufferPointer(InputReader.countNewlines)
                #expect(counted == bytes.filter { $0 == 0x0A }.count, "\(bytes)")
            }
        }
        let all = [UInt8](repeating: 0x0A, count: 67)
        #expect(all.withUnsafeBufferPointer(InputReader.countNewlines) == 67)
    }

    func lines(of bytes: [UInt8], chunkSize: Int = 64) throws -> [String] {
        let directory = try TemporaryDirectory()
        try Data(bytes).write(to: URL(fileURLWithPath: directory.file("in.ndjson")))
        var reader = try InputReader(path: directory.file("in.ndjson"), chunkSize: chunkSize)
        var out: [String] = []
        var numbers: [Int] = []
        try reader.forEachLine(beforeWaiting: { () throws(StreamError) in }, { (line, number) throws(StreamError) in
            out.append(String(decoding: line, as: UTF8.self))
            numbers.append(number)
        }, readFailure: StreamError.input)
        #expect(numbers == Array(0..<out.count).map { $0 + 1 })
        #expect(reader.linesHandedOut == out.count)
        return out
    }

    /// Deliver drops a byte order mark too; without this, line 1 of a file saved by a Windows
    /// editor would be invalid JSON.
    @Test(arguments: [
        ([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8) + [0x0A] + Array(#"{"b":2}"#.utf8), [#"{"a":1}"#, #"{"b":2}"#]),
        ([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8), [#"{"a":1}"#]),
        // Only at the very start: a mark inside the input is data the parser must see.
        (Array("x\n".utf8) + [0xEF, 0xBB, 0xBF] + Array("y".utf8), ["x", "\u{FEFF}y"]),
        (Array("a\r\n\r\nb".utf8), ["a", "", "b"]),
        (Array("\n\n".utf8), ["", ""]),
    ] as [([UInt8], [String])])
    func byteOrderMarkAtTheStartIsDropped(input: [UInt8], expected: [String]) throws {
        #expect(try lines(of: input) == expected)
    }

    @Test func aLineLongerThanTheBufferArrivesWhole() throws {
        let long = String(repeating: "z", count: 10_000)
        #expect(try lines(of: Array("\(long)\nshort\n".utf8), chunkSize: 64) == [long, "short"])
    }

    /// Blocks hold whole lines, at least the size asked for, and together the whole input (a byte
    /// order mark dropped); their line numbers continue across blocks.
    @Test(arguments: [1, 7, 64, 1000])
    func blocksAreWholeLinesNumberedInOrder(minimumBytes: Int) throws {
        let directory = try TemporaryDirectory()
        let lines = (1...300).map { #"{"n":\#($0),"pad":"\#(String(repeating: "p", count: $0 % 13))"}"# }
        let text = lines.joined(separator: "\n")  // no final newline
        try Data([0xEF, 0xBB, 0xBF] + Array(text.utf8)).write(to: URL(fileURLWithPath: directory.file("in.ndjson")))
        var reader = try InputReader(path: directory.file("in.ndjson"), chunkSize: 64)
        var seen: [String] = []
        while let block = try reader.nextBlock(minimumBytes: minimumBytes) {
            #expect(block.firstLine == seen.count + 1)
            block.bytes.withUnsafeBufferPointer { buffer in
                InputReader.forEachLine(in: buffer, firstLine: block.firstLine) { line, number in
                    #expect(number == seen.count + 1)
                    seen.append(String(decoding: line, as: UTF8.self))
                }
            }
        }
        #expect(seen == lines)
        #expect(reader.linesHandedOut == lines.count)
    }

    @Test func unreadableInputsSayWhy() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: InputError(source: directory.file("none"), reason: "it does not exist")) {
            _ = try InputReader(path: directory.file("none"))
        }
        #expect(throws: InputError(source: directory.path, reason: "it is a directory, not a file")) {
            _ = try InputReader(path: directory.path)
        }
        try directory.write("x", to: "file")
        #expect(throws: InputError(source: directory.file("file") + "/x", reason: "a part of the path is not a directory")) {
            _ = try InputReader(path: directory.file("file") + "/x")
        }
        // Tests may run as root, where mode 000 does not deny: check the wording of the errno.
        #expect(InputError.words(for: EACCES) == "permission denied")
        #expect(InputError(source: "e.ndjson", reason: "permission denied").description == "cannot read e.ndjson: permission denied")
        #expect(try InputReader(pathOrStandardInput: nil).source == "stdin")
    }

    /// The eval verbs read every shape `deliver` reads: here requests as a pretty-printed top-level
    /// array, each element answered in order, a broken one named by its line.
    @Test func evalRequestsInATopLevelArrayAreAnsweredInOrder() throws {
        let directory = try TemporaryDirectory()
        let text = """
            [
              {"trigger": "type = \\"identify\\"", "event": {"type": "identify"}},
              {"trigger": "type = \\"track\\"",
               "event": {"type": "identify"}},
              {"trigger": 7}
            ]
            """
        try directory.write(text, to: "requests.json")
        var reader = try InputReader(path: directory.file("requests.json"))
        let output = open(directory.file("answers.ndjson"), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(output >= 0)
        let errors = try TriggerEvaluation.run(reader: &reader, output: output)
        close(output)
        let answers = try String(contentsOfFile: directory.file("answers.ndjson"), encoding: .utf8)
        #expect(answers == """
            {"match":true}
            {"match":false}
            {"error":"line 5: \\"trigger\\" must be a string, found number"}

            """, "\(answers)")
        #expect(errors == 1)
    }
}
