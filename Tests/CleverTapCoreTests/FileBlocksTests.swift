import Foundation
import Testing
@testable import CleverTapCore

/// Blocks a file's workers read for themselves hold every line exactly once, whole, in order and
/// with its number, wherever the cuts fall: in a line, on a newline, in a line longer than the
/// block and than what a block reads past its end at once.
@Suite(.timeLimit(.minutes(1))) struct FileBlocksTests {
    /// Short lines, a blank one, a CRLF one, lines of 5,000 and 150,000 bytes (past the 4 KiB a
    /// block reads beyond its range and the 64 KiB it then reads at a time), and no final newline.
    static let lines: [String] = (0..<400).map { i in
        switch i % 50 {
        case 7: return ""
        case 8: return #"{"n":\#(i)}"# + "\r"
        case 9: return #"{"long":""# + String(repeating: "x", count: 5_000) + #""}"#
        case 10 where i == 210: return #"{"longer":""# + String(repeating: "y", count: 150_000) + #""}"#
        default: return #"{"n":\#(i)}"#
        }
    }

    /// Every block read in order, concatenated, and the numbers of their first lines.
    static func readAll(_ path: String, blockBytes: Int, skippingLines skipped: Int = 0)
        throws -> (bytes: [UInt8], firstLines: [Int], starts: [Int], nextLine: Int) {
        var reader = try InputReader(path: path, chunkSize: 64)
        // Lines handed out before the blocks are taken are not in them.
        var handedOut = 0
        while handedOut < skipped, case .value? = try reader.next() { handedOut += 1 }
        let blocks = try #require(try reader.fileBlocks(blockBytes: blockBytes))
        var bytes: [UInt8] = []
        var firstLines: [Int] = []
        var starts: [Int] = []
        for index in 0..<blocks.count {
            let block = try blocks.read(index)
            // Only the block holding the file's last line may end without a newline.
            #expect(bytes.isEmpty || bytes.last == 0x0A || block.bytes.isEmpty, "the block before \(index) ends inside a line")
            if !block.bytes.isEmpty {
                firstLines.append(block.firstLine)
                starts.append(bytes.count)
            }
            bytes += block.bytes
        }
        return (bytes, firstLines, starts, blocks.nextLine)
    }

    @Test(arguments: [13, 4096, 70_000, 1 << 20])
    func theBlocksAreTheFileOnceInOrderWithTheirLineNumbers(blockBytes: Int) throws {
        let directory = try DeliveryTempDirectory()
        let text = Self.lines.joined(separator: "\n")
        let path = try directory.write("events.ndjson", text)
        let read = try Self.readAll(path, blockBytes: blockBytes)
        #expect(read.bytes == Array(text.utf8), "\(read.bytes.count) bytes read of \(text.utf8.count)")
        #expect(read.nextLine == Self.lines.count + 1)
        // Each block's first line number is one more than the newlines before it.
        let expected = read.starts.map { start in 1 + read.bytes[..<start].count(where: { $0 == 0x0A }) }
        #expect(read.firstLines == expected)
        #expect(read.firstLines.count > 1 || blockBytes >= text.utf8.count)
    }

    /// A reader that handed some lines out (or dropped a byte order mark) leaves the blocks the
    /// rest, numbered on from where it stopped.
    @Test func theBlocksStartWhereTheReaderStopped() throws {
        let directory = try DeliveryTempDirectory()
        let text = "\u{FEFF}" + Self.lines.joined(separator: "\n") + "\n"
        let path = try directory.write("events.ndjson", text)
        let whole = try Self.readAll(path, blockBytes: 1000)
        #expect(whole.bytes == Array(Self.lines.joined(separator: "\n").utf8) + [0x0A], "the byte order mark is not a line's")
        #expect(whole.firstLines.first == 1)
        let rest = try Self.readAll(path, blockBytes: 1000, skippingLines: 3)
        #expect(rest.bytes == Array(Self.lines[3...].joined(separator: "\n").utf8) + [0x0A])
        #expect(rest.firstLines.first == 4)
        #expect(rest.nextLine == Self.lines.count + 1)
    }

    @Test func anEmptyFileIsOneEmptyBlock() throws {
        let directory = try DeliveryTempDirectory()
        let read = try Self.readAll(try directory.write("empty.ndjson", ""), blockBytes: 64)
        #expect(read.bytes.isEmpty && read.firstLines.isEmpty && read.nextLine == 1)
    }

    /// A read that fails names the input and the system's reason, and still passes the line
    /// numbers on: the next block is not left waiting for a number that never comes.
    @Test func aFailedReadIsTheReadersErrorAndBlocksNoOne() throws {
        let directory = try DeliveryTempDirectory()
        // A directory opens for reading, and every pread of it fails (EISDIR); a closed
        // descriptor would not do, as a test running alongside may get its number.
        let descriptor = open(directory.path, O_RDONLY | O_CLOEXEC)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        let blocks = FileBlocks(source: "events.ndjson", descriptor: descriptor, start: 0, size: 10_000, blockBytes: 4096,
                                relay: LineRelay(firstLine: 1))
        for index in 0..<blocks.count {
            #expect(throws: InputError(source: "events.ndjson", reason: "read failed: Is a directory")) {
                try blocks.read(index)
            }
        }
        #expect(blocks.nextLine == 1)
    }
}
