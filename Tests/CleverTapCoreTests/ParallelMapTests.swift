import Foundation
import Testing
@testable import CleverTapCore

/// `map` on several threads writes exactly what it writes on one: same lines, same order, same
/// counts, whatever the block boundaries fall on.
@Suite(.timeLimit(.minutes(2))) struct ParallelMapTests {
    /// Every kind of line `map` treats differently, repeated: blank, invalid JSON, not an object, a
    /// batch envelope (with a bad item), CRLF endings, an event a subscription fails on, events.
    static let lines: [String] = (0..<3000).map { i in
        switch i % 9 {
        case 0: return ""
        case 1: return #"{"type":"identify", oops}"#
        case 2: return "[1,2]"
        case 3: return #"{"batch":[\#(identifyLine(i)),\#(deleteLine(i)),7]}"#
        case 4: return identifyLine(i) + "\r"
        case 5: return #"{"type":"identify","traits":{"name":"no identity"}}"#
        default: return identifyLine(i)
        }
    }

    static func map(_ input: String, into output: String,
                    _ body: (inout InputReader, Int32) throws(StreamError) -> MapSummary) throws -> (bytes: [UInt8], summary: MapSummary) {
        var reader = try InputReader(path: input, chunkSize: 64)
        let outputFD = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        try #require(outputFD >= 0)
        let summary = try body(&reader, outputFD)
        close(outputFD)
        return (Array(try #require(FileManager.default.contents(atPath: output))), summary)
    }

    @Test(arguments: [1, 97, 4096, 1 << 20])
    func theOutputIsTheOneThreadOutputByteForByte(blockBytes: Int) throws {
        let directory = try DeliveryTempDirectory()
        // A byte order mark opens the file and the last line has no newline.
        let input = try directory.write("events.ndjson", "\u{FEFF}" + Self.lines.joined(separator: "\n"))
        let pipeline = SubscriptionPipeline(destination: quickSetupDestination())
        let one = try Self.map(input, into: directory.path + "/one.ndjson") { reader, output throws(StreamError) in
            try MapStream.run(pipeline: pipeline, reader: &reader, output: output)
        }
        let many = try Self.map(input, into: directory.path + "/many.ndjson") { reader, output throws(StreamError) in
            try MapStream.run(pipeline: pipeline, reader: &reader, output: output, workers: 3, blockBytes: blockBytes, threshold: 0)
        }
        #expect(many.summary == one.summary)
        #expect(many.bytes == one.bytes, "the outputs differ (\(many.bytes.count) vs \(one.bytes.count) bytes)")
        #expect(one.summary.lines == 3000)
        #expect(one.summary.invalidLines > 0 && one.summary.failures > 0 && one.summary.records > 1000)
        // Line numbers survive the blocks: the last invalid line is reported with its own number.
        let text = String(decoding: many.bytes, as: UTF8.self)
        #expect(text.contains(#"{"line":2999,"error":"invalid JSON"#))
    }

    /// A descriptor that cannot be read (opened for writing only): the reader's own words, not a
    /// generic I/O error.
    @Test func aReadFailureIsReportedInTheReadersWords() throws {
        let directory = try DeliveryTempDirectory()
        let path = try directory.write("events.ndjson", identifyLine(1) + "\n")
        let writeOnly = open(path, O_WRONLY | O_CLOEXEC)
        try #require(writeOnly >= 0)
        defer { close(writeOnly) }
        let pipeline = SubscriptionPipeline(destination: quickSetupDestination())
        var reader = InputReader(fd: writeOnly, source: "events.ndjson")
        #expect(throws: StreamError.input(InputError(source: "events.ndjson", reason: "read failed: \(String(cString: strerror(EBADF)))"))) {
            try MapStream.run(pipeline: pipeline, reader: &reader, output: -1)
        }
    }

    @Test func anEmptyFileMapsToNothing() throws {
        let directory = try DeliveryTempDirectory()
        let input = try directory.write("empty.ndjson", "")
        let pipeline = SubscriptionPipeline(destination: quickSetupDestination())
        let many = try Self.map(input, into: directory.path + "/many.ndjson") { reader, output throws(StreamError) in
            try MapStream.run(pipeline: pipeline, reader: &reader, output: output, workers: 2, blockBytes: 64, threshold: 0)
        }
        #expect(many.bytes.isEmpty)
        #expect(many.summary == MapSummary())
    }
}
