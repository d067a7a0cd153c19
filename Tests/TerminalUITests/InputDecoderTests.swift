import Testing
@testable import TerminalUI

@Suite(.timeLimit(.minutes(2))) struct InputDecoderTests {
    static let table: [(bytes: [UInt8], keys: [Key])] = [
        (Array("a".utf8), [.character("a")]),
        ([0x0D], [.enter]),
        ([0x0A], [.enter]),
        ([0x09], [.tab]),
        ([0x7F], [.backspace]),
        ([0x08], [.backspace]),
        ([0x01], [.ctrl("a")]),
        ([0x03], [.ctrl("c")]),
        ([0x17], [.ctrl("w")]),
        ([0x1B, 0x5B, 0x41], [.up]),
        ([0x1B, 0x5B, 0x42], [.down]),
        ([0x1B, 0x5B, 0x43], [.right]),
        ([0x1B, 0x5B, 0x44], [.left]),
        ([0x1B, 0x4F, 0x41], [.up]),
        ([0x1B, 0x5B, 0x48], [.home]),
        ([0x1B, 0x5B, 0x46], [.end]),
        ([0x1B, 0x4F, 0x48], [.home]),
        (Array("\u{1B}[1~".utf8), [.home]),
        (Array("\u{1B}[4~".utf8), [.end]),
        (Array("\u{1B}[3~".utf8), [.delete]),
        (Array("\u{1B}[5~".utf8), [.pageUp]),
        (Array("\u{1B}[6~".utf8), [.pageDown]),
        (Array("\u{1B}[Z".utf8), [.backTab]),
        (Array("\u{1B}OP".utf8), [.function(1)]),
        (Array("\u{1B}[15~".utf8), [.function(5)]),
        (Array("\u{1B}[24~".utf8), [.function(12)]),
        (Array("\u{1B}[1;5C".utf8), [.right]),
        (Array("é".utf8), [.character("é")]),
        (Array("日".utf8), [.character("日")]),
        (Array("😀".utf8), [.character("😀")]),
        (Array("\u{1B}\u{1B}".utf8), [.escape]),
        (Array("\u{1B}x".utf8), [.escape, .character("x")]),
        (Array("\u{1B}[200~q?https://in1.dashboard.clevertap.com/844-6K7-984Z/main\u{1B}[201~".utf8),
         [.paste("q?https://in1.dashboard.clevertap.com/844-6K7-984Z/main")]),
        (Array("\u{1B}[200~a\r\nb\rc\u{1B}[201~x".utf8), [.paste("a\nb\nc"), .character("x")]),
        (Array("\u{1B}[200~\u{1B}[A日\u{1B}[201~".utf8), [.paste("\u{1B}[A日")]),
    ]

    @Test(arguments: table)
    func decodes(bytes: [UInt8], keys: [Key]) {
        var decoder = InputDecoder()
        #expect(decoder.feed(bytes) == keys)
    }

    @Test func loneEscapeWaitsForTheIdleFlush() {
        var decoder = InputDecoder()
        #expect(decoder.feed([0x1B]) == [])
        #expect(decoder.hasPending)
        #expect(decoder.flushPending() == [.escape])
        #expect(!decoder.hasPending)
    }

    @Test func sequencesSplitAcrossReadsStillDecode() {
        var decoder = InputDecoder()
        #expect(decoder.feed([0x1B, 0x5B]) == [])
        #expect(decoder.feed([0x41]) == [.up])
        #expect(decoder.feed(Array("日".utf8).prefix(2)) == [])
        #expect(decoder.feed(Array("日".utf8).suffix(1)) == [.character("日")])
    }

    @Test func aPasteIsNeverFlushedHalfWay() {
        var decoder = InputDecoder()
        #expect(decoder.feed(Array("\u{1B}[200~abc".utf8)) == [])
        #expect(decoder.isInPaste)
        #expect(decoder.flushPending() == [])
        #expect(decoder.feed(Array("def\u{1B}[201~".utf8)) == [.paste("abcdef")])
    }

    @Test func combiningMarkArrivesAsItsOwnScalarAndMergesInText() {
        var decoder = InputDecoder()
        var input = TextInput()
        for key in decoder.feed(Array("e\u{301}x".utf8)) { input.handle(key) }
        #expect(input.text == "e\u{301}x")
        #expect(input.text.count == 2)
        #expect(input.cursor == 2)
    }
}
