import Foundation
import Testing
@testable import CleverTapCore

/// A file in a fresh temporary directory, removed with the directory.
struct DeliveryTempDirectory: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "delivery-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// What a reader produced, flattened for assertions.
enum DeliveryReadItem: Equatable, CustomStringConvertible {
    case value(String, line: Int, element: Int?)
    case malformed(line: Int, element: Int?, message: String)

    var description: String {
        switch self {
        case .value(let text, let line, let element): return "value(\(text) @\(line)#\(element.map(String.init) ?? "-"))"
        case .malformed(let line, let element, let message): return "malformed(@\(line)#\(element.map(String.init) ?? "-"): \(message))"
        }
    }

    var line: Int {
        switch self {
        case .value(_, let line, _), .malformed(let line, _, _): return line
        }
    }
}

func deliveryReadAll(path: String) throws -> [DeliveryReadItem] {
    var reader = try InputReader(path: path)
    var items: [DeliveryReadItem] = []
    while let item = try reader.next() {
        switch item {
        case .value(let bytes, let position, _):
            items.append(.value(String(decoding: bytes, as: UTF8.self), line: position.line, element: position.arrayIndex))
        case .malformed(let position, let message, _):
            items.append(.malformed(line: position.line, element: position.arrayIndex, message: message))
        case .idle:
            Issue.record("a regular file never idles")
        }
    }
    return items
}

@Suite(.timeLimit(.minutes(2))) struct DeliveryInputReaderTests {
    @Test func ndjsonLinesCarryTheirLineNumbersAndSkipBlankLines() throws {
        let directory = try DeliveryTempDirectory()
        let file = try directory.write("events.ndjson", "{\"a\":1}\n\n  {\"b\":2}  \r\n{\"c\":\n{\"d\":4}")
        let items = try deliveryReadAll(path: file)
        #expect(items == [
            .value(#"{"a":1}"#, line: 1, element: nil),
            .value(#"{"b":2}"#, line: 3, element: nil),
            .value(#"{"c":"#, line: 4, element: nil),  // broken, but split as a line: the decoder reports it
            .value(#"{"d":4}"#, line: 5, element: nil),
        ])
    }

    @Test func aByteOrderMarkIsSkipped() throws {
        let directory = try DeliveryTempDirectory()
        let file = try directory.write("bom.ndjson", "\u{FEFF}{\"a\":1}\n")
        #expect(try deliveryReadAll(path: file) == [.value(#"{"a":1}"#, line: 1, element: nil)])
    }

    @Test func aTopLevelArrayIsStreamedElementByElement() throws {
        let directory = try DeliveryTempDirectory()
        let file = try directory.write("events.json", """

        [
          {"type": "identify", "traits": {"tags": ["a", "b]"], "note": "}{,"}},
          {"type": "track"},
          "stray", 12, null
        ]

        """)
        let items = try deliveryReadAll(path: file)
        #expect(items == [
            .value(#"{"type": "identify", "traits": {"tags": ["a", "b]"], "note": "}{,"}}"#, line: 3, element: 0),
            .value(#"{"type": "track"}"#, line: 4, element: 1),
            .value(#""stray""#, line: 5, element: 2),
            .value("12", line: 5, element: 3),
            .value("null", line: 5, element: 4),
        ])
    }

    @Test func aPrettyPrintedEnvelopeIsOneValue() throws {
        let directory = try DeliveryTempDirectory()
        let text = "{\n  \"batch\": [\n    {\"type\": \"identify\"}\n  ]\n}\n{\"type\": \"track\"}\n"
        let file = try directory.write("envelope.json", text)
        let items = try deliveryReadAll(path: file)
        #expect(items.count == 2)
        #expect(items.first == .value("{\n  \"batch\": [\n    {\"type\": \"identify\"}\n  ]\n}", line: 1, element: nil))
        #expect(items.last == .value(#"{"type": "track"}"#, line: 6, element: nil))
    }

    @Test func aCutOffArrayReportsWhereTheBrokenElementStarts() throws {
        let directory = try DeliveryTempDirectory()
        let file = try directory.write("cut.json", "[{\"a\":1},\n {\"b\":\n")
        let items = try deliveryReadAll(path: file)
        #expect(items.count == 2)
        #expect(items.first == .value(#"{"a":1}"#, line: 1, element: 0))
        guard case .malformed(let line, let element, let message)? = items.last else {
            Issue.record("expected a malformed item, got \(items)")
            return
        }
        #expect(line == 2)
        #expect(element == 1)
        #expect(message.contains("ends inside this value"))
    }

    @Test func anUnclosedArrayIsReported() throws {
        let directory = try DeliveryTempDirectory()
        let file = try directory.write("open.json", "[{\"a\":1}\n")
        let items = try deliveryReadAll(path: file)
        #expect(items.first == .value(#"{"a":1}"#, line: 1, element: 0))
        #expect(items.count == 2)
        if case .malformed(_, _, let message)? = items.last { #expect(message.contains("not closed")) } else {
            Issue.record("expected the missing ']' to be reported, got \(items)")
        }
    }

    @Test func aStrayCharacterInAnArrayIsReportedAndReadingGoesOn() throws {
        let directory = try DeliveryTempDirectory()
        let file = try directory.write("stray.json", "[{\"a\":1} x {\"b\":2}]")
        let items = try deliveryReadAll(path: file)
        // A missing comma is reported and the next byte read as the next element (here the stray
        // `x`, which the decoder then reports as invalid JSON): nothing is silently dropped.
        #expect(items.count == 5)
        #expect(items.first == .value(#"{"a":1}"#, line: 1, element: 0))
        #expect(items[2] == .value("x", line: 1, element: 1))
        #expect(items.last == .value(#"{"b":2}"#, line: 1, element: 2))
        if case .malformed(_, _, let message) = items[1] { #expect(message.contains("expected ',' or ']'")) } else {
            Issue.record("expected the stray byte to be reported, got \(items)")
        }
    }

    /// Values that straddle the reader's chunk boundaries come out whole and in order.
    @Test(arguments: ["ndjson", "array"])
    func manyEventsAcrossChunkBoundaries(layout: String) throws {
        let directory = try DeliveryTempDirectory()
        let count = 5000
        var lines: [String] = []
        for i in 0..<count {
            let padding = String(repeating: "x", count: i % 97)
            lines.append(#"{"type":"identify","userId":"user-\#(i)","traits":{"pad":"\#(padding)"}}"#)
        }
        let text = layout == "ndjson" ? lines.joined(separator: "\n") + "\n" : "[\n" + lines.joined(separator: ",\n") + "\n]\n"
        #expect(text.utf8.count > 2 * InputReader.chunkSize)
        let file = try directory.write("many.\(layout)", text)
        let items = try deliveryReadAll(path: file)
        #expect(items.count == count)
        for (i, item) in items.enumerated() {
            guard case .value(let body, let line, let element) = item else {
                Issue.record("item \(i) is \(item)")
                return
            }
            #expect(body == lines[i])
            #expect(line == (layout == "ndjson" ? i + 1 : i + 2))
            #expect(element == (layout == "ndjson" ? nil : i))
        }
    }

    @Test func aPipeWithoutDataIdlesInsteadOfBlocking() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        defer { close(fds[0]) }
        var reader = InputReader(fd: fds[0], source: "stdin", pollMilliseconds: 10)
        guard case .idle? = try reader.next() else {
            Issue.record("expected .idle from an empty pipe")
            close(fds[1])
            return
        }
        let line = Array("{\"a\":1}\n".utf8)
        #expect(write(fds[1], line, line.count) == line.count)
        close(fds[1])
        var values: [String] = []
        while let item = try reader.next() {
            if case .value(let bytes, _, _) = item { values.append(String(decoding: bytes, as: UTF8.self)) }
        }
        #expect(values == [#"{"a":1}"#])
    }

    @Test func aMissingFileIsAnErrorNamingIt() {
        #expect(throws: InputError.self) { _ = try InputReader(path: "/nonexistent/events.ndjson") }
        do {
            _ = try InputReader(path: "/nonexistent/events.ndjson")
        } catch {
            #expect(error.description.contains("/nonexistent/events.ndjson"))
            #expect(error.description.contains("it does not exist"))
        }
    }
}

@Suite(.timeLimit(.minutes(2))) struct DeliveryEventDecoderTests {
    func decode(_ text: String, line: Int = 1) -> [Result<InputEvent, MalformedInput>] {
        var out: [Result<InputEvent, MalformedInput>] = []
        EventDecoder.decode(bytes: Array(text.utf8), position: InputPosition(source: "in.ndjson", line: line),
                            singleLine: !text.contains("\n"), into: &out)
        return out
    }

    @Test func aPlainEventKeepsItsOwnBytesAsSource() throws {
        let results = decode(#"{"type":"identify","userId":"u1"}"#)
        #expect(results.count == 1)
        let event = try #require(try? results[0].get())
        #expect(event.value["userId"] == "u1")
        var source: [UInt8] = []
        event.source.write(into: &source)
        #expect(String(decoding: source, as: UTF8.self) == #"{"type":"identify","userId":"u1"}"#)
        #expect(event.retryOnlySubscriptionID == nil)
    }

    @Test func invalidJSONIsReportedWithLineAndColumn() {
        let results = decode("{\"type\":\"identify\",}", line: 7)
        guard case .failure(let malformed)? = results.first else {
            Issue.record("expected a failure")
            return
        }
        #expect(malformed.position.line == 7)
        #expect(malformed.message.hasPrefix("invalid JSON at column 20"))
        #expect(malformed.description.hasPrefix("in.ndjson:7:"))
    }

    @Test(arguments: ["12", "\"text\"", "null", "true"])
    func aNonObjectIsNotAnEvent(text: String) {
        guard case .failure(let malformed)? = decode(text).first else {
            Issue.record("expected a failure for \(text)")
            return
        }
        #expect(malformed.message.hasPrefix("expected an event object"))
    }

    @Test func aBatchEnvelopeYieldsItsEventsWithTheSharedContext() throws {
        let results = decode(#"{"batch":[{"type":"identify","userId":"a"},{"type":"track","context":{"ip":"x"}},7],"context":{"ip":"1.2.3.4"}}"#, line: 3)
        #expect(results.count == 3)
        let first = try results[0].get()
        #expect(first.value["context"]?["ip"] == "1.2.3.4")
        #expect(first.position.batchIndex == 0)
        #expect(first.position.line == 3)
        #expect(try results[1].get().value["context"]?["ip"] == "x")
        guard case .failure(let malformed) = results[2] else {
            Issue.record("the number in the batch should be reported")
            return
        }
        #expect(malformed.position.batchIndex == 2)
    }

    @Test func aDeadLetterLineGivesBackItsEventAndSubscription() throws {
        let line = #"{"reason":"Email is not valid","kind":"rejected","code":515,"subscription":"User Upload","subscriptionId":"sub-1","action":"userUpload","source":{"file":"a","line":2},"event":{"type":"identify","userId":"u9"}}"#
        let results = decode(line, line: 4)
        let event = try #require(try? results.first?.get())
        #expect(results.count == 1)
        #expect(event.value == ["type": "identify", "userId": "u9"])
        #expect(event.retryOnlySubscriptionID == "sub-1")
        #expect(event.position.line == 4)
    }

    @Test func aDeadLetteredMalformedLineIsReadAgainFromItsRawText() throws {
        let fixed = #"{"reason":"invalid JSON","kind":"malformed","code":null,"source":{"file":"a","line":2},"raw":"{\"type\":\"identify\",\"userId\":\"u3\"}"}"#
        let event = try #require(try? decode(fixed).first?.get())
        #expect(event.value["userId"] == "u3")
        let stillBroken = #"{"reason":"invalid JSON","kind":"malformed","code":null,"source":{"file":"a","line":2},"raw":"{\"type\":"}"#
        guard case .failure? = decode(stillBroken).first else {
            Issue.record("a still-broken raw line must be reported again")
            return
        }
    }

    @Test func aTrackEventNamedEventIsNotMistakenForADeadLetter() throws {
        let results = decode(#"{"type":"track","event":"Delete User","reason":"gdpr","userId":"u1"}"#)
        let event = try #require(try? results.first?.get())
        #expect(event.value["event"] == "Delete User")
    }
}
