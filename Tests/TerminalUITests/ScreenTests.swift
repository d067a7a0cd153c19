import Testing
@testable import TerminalUI

@Suite(.timeLimit(.minutes(2))) struct ScreenTests {
    @Test func wideCharactersTakeTwoCellsAndClip() {
        var screen = Screen(size: Size(columns: 6, rows: 1))
        let end = screen.write("日本x", column: 0, row: 0)
        #expect(end == 5)
        #expect(screen.lines == ["日本x"])
        screen.write("abcdefgh", column: 2, row: 0)
        #expect(screen.lines == ["日abc…"])
    }
}
