import Foundation
import Testing
@testable import CleverTapCore

/// `map` and `eval-mapping` read their input through these: real files in a temporary directory.
@Suite(.timeLimit(.minutes(2))) struct ByteStreamsTests {
    func lines(of bytes: [UInt8], chunkSize: Int = 64) throws -> [String] {
        let directory = try TemporaryDirectory()
        try Data(bytes).write(to: URL(fileURLWithPath: directory.file("in.ndjson")))
        let descriptor = try InputDescriptor.openForReading(directory.file("in.ndjson"))
        defer { InputDescriptor.closeIfOwned(descriptor) }
        var reader = ByteLineReader(descriptor: descriptor, chunkSize: chunkSize)
        var out: [String] = []
        try reader.forEachLine { (line, _) throws(StreamIOError) in out.append(String(decoding: line, as: UTF8.self)) }
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
    ] as [([UInt8], [String])])
    func byteOrderMarkAtTheStartIsDropped(input: [UInt8], expected: [String]) throws {
        #expect(try lines(of: input) == expected)
    }

    @Test func aLineLongerThanTheBufferArrivesWhole() throws {
        let long = String(repeating: "z", count: 10_000)
        #expect(try lines(of: Array("\(long)\nshort\n".utf8), chunkSize: 64) == [long, "short"])
    }

    @Test func unreadableInputsSayWhy() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: InputOpenError(path: directory.file("none"), reason: "it does not exist")) {
            try InputDescriptor.openForReading(directory.file("none"))
        }
        #expect(throws: InputOpenError(path: directory.path, reason: "it is a directory, not a file")) {
            try InputDescriptor.openForReading(directory.path)
        }
        try directory.write("x", to: "file")
        #expect(throws: InputOpenError(path: directory.file("file") + "/x", reason: "a part of the path is not a directory")) {
            try InputDescriptor.openForReading(directory.file("file") + "/x")
        }
        // Tests may run as root, where mode 000 does not deny: check the wording of the errno.
        #expect(InputDescriptor.reason(EACCES) == "permission denied")
        #expect(InputOpenError(path: "e.ndjson", reason: "permission denied").description == "cannot read e.ndjson: permission denied")
        #expect(try InputDescriptor.openForReading("-") == 0)
    }
}
