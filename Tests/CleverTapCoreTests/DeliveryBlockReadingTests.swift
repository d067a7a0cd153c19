import Foundation
import Testing
@testable import CleverTapCore

/// A regular file's NDJSON is handed over in blocks of lines and split where it is prepared; a
/// pipe goes item by item through `InputReader.next()`. Both must read the same events the same
/// way: trimming, blank lines, CRLF, a byte order mark, a last line without a newline, envelopes,
/// arrays and lines that are not JSON.
@Suite(.timeLimit(.minutes(2))) struct DeliveryBlockReadingTests {
    static let awkwardText: String = {
        var lines = [
            "\u{FEFF}" + identifyLine(0) + "\r",
            "   ",
            "\t" + identifyLine(1) + "  ",
            "",
            "\r",
            #"{"type":"identify", oops}"#,
            deleteLine(2) + "\r",
            "[" + identifyLine(3) + "," + deleteLine(3) + "]",
            #"{"batch":[\#(identifyLine(4)),7]}"#,
            #"{"type":"identify","traits":{"name":"no identity"}}"#,
            "42",
        ]
        lines += (5..<200).map { $0 % 9 == 0 ? deleteLine($0) : identifyLine($0) }
        return lines.joined(separator: "\n") + "\n   " + identifyLine(200)  // the last line has no newline
    }()

    @Test(arguments: [1, 2])
    func aFileInBlocksReadsAsAPipeItemByItem(workers: Int) async throws {
        let directory = try DeliveryTempDirectory()
        let file = try directory.write("events.ndjson", Self.awkwardText)
        let bytes = Array(Self.awkwardText.utf8)
        #expect(bytes.count < 60_000, "the pipe must take the whole text before it is read")
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        #expect(write(fds[1], bytes, bytes.count) == bytes.count)
        close(fds[1])
        let pipePath = "/dev/fd/\(fds[0])"

        let fromFile = try await dryRunText(inputs: [file], directory: directory, batchSize: 50,
                                            deadLetter: directory.path + "/file.dead.ndjson", workers: workers, parallelThreshold: 0)
        let fromPipe = try await dryRunText(inputs: [pipePath], directory: directory, batchSize: 50,
                                            deadLetter: directory.path + "/pipe.dead.ndjson", workers: workers, parallelThreshold: 0)
        #expect(fromFile.1 == fromPipe.1, "the requests differ")
        #expect(fromFile.1.split(separator: "\n").count == 5)
        let deadFile = try String(contentsOfFile: directory.path + "/file.dead.ndjson", encoding: .utf8)
        let deadPipe = try String(contentsOfFile: directory.path + "/pipe.dead.ndjson", encoding: .utf8)
        #expect(deadFile.replacingOccurrences(of: file, with: "IN") == deadPipe.replacingOccurrences(of: pipePath, with: "IN"))
        // Line numbers count blank lines; each problem names its own line.
        let problems = try deadFile.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        #expect(problems.map { $0["source"]?["line"] } == [6, 9, 10, 11])

        let (file1, pipe1) = (fromFile.0, fromPipe.0)
        #expect(file1.eventsRead == 203 && file1.eventsRead == pipe1.eventsRead)
        #expect(file1.bytesRead == pipe1.bytesRead)
        #expect(file1.malformed == 3 && file1.malformed == pipe1.malformed)
        #expect(file1.unmatched == pipe1.unmatched && file1.emptyValues == pipe1.emptyValues)
        #expect(file1.subscriptions.map(\.sent) == pipe1.subscriptions.map(\.sent))
        #expect(file1.subscriptions.map(\.sent) == [178, 24])
    }
}
