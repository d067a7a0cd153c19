import Testing
import TerminalUI
@testable import SetupWizard

@Suite(.timeLimit(.minutes(2))) struct EditorPaneTests {
    static let wraps: [(String, Int, [String])] = [
        ("short", 20, ["short"]),
        ("one two three four", 9, ["one two", "three", "four"]),
        ("aaaa bbbb cccc", 10, ["aaaa bbbb", "cccc"]),
        ("日本語 テキスト", 8, ["日本語", "テキスト"]),
        ("averyveryverylongword x", 6, ["averyveryverylongword", "x"]),
    ]

    @Test(arguments: wraps)
    func wrapsOnSpacesByDisplayWidth(text: String, width: Int, expected: [String]) {
        #expect(PaneWriter.wrap(text, width: width, continuationIndent: 2) == expected)
    }

    @Test func writesStayInsideTheFrame() {
        var screen = Screen(size: Size(columns: 20, rows: 5))
        var out = PaneWriter(frame: PaneFrame(column: 5, row: 1, width: 10, height: 3))
        out.wrapped("alpha beta gamma delta epsilon", in: &screen)
        #expect(out.hasRoom == false)
        #expect(out.line("dropped", in: &screen) == nil)
        #expect(screen.lines == ["", "     alpha beta", "       gamma", "       delta", ""])
    }

    static let paddings: [(String, Int, String)] = [
        ("abc", 6, "abc   "), ("abcde", 6, "abcde "), ("abcdef", 6, "abcd… "), ("日本語", 6, "日本… "),
    ]

    @Test(arguments: paddings)
    func padsAndCutsToColumnWidth(text: String, width: Int, expected: String) {
        #expect(text.padded(to: width) == expected)
        #expect(DisplayWidth.of(expected) == width)
    }
}
