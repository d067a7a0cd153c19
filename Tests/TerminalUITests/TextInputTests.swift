import Testing
@testable import TerminalUI

@Suite(.timeLimit(.minutes(2))) struct TextInputTests {
    private func edited(_ start: String, _ keys: [Key]) -> TextInput {
        var input = TextInput(start)
        for key in keys { input.handle(key) }
        return input
    }

    static let editing: [(start: String, keys: [Key], text: String, cursor: Int)] = [
        ("", [.character("a"), .character("b")], "ab", 2),
        ("abc", [.left, .backspace], "ac", 1),
        ("abc", [.home, .delete], "bc", 0),
        ("abc", [.ctrl("a"), .character("x")], "xabc", 1),
        ("abc", [.home, .ctrl("e"), .character("x")], "abcx", 4),
        ("hello world", [.left, .left, .left, .ctrl("k")], "hello wo", 8),
        ("hello world", [.left, .left, .ctrl("u")], "ld", 0),
        ("hello big world", [.ctrl("w")], "hello big ", 10),
        ("hello big  ", [.ctrl("w")], "hello ", 6),
        ("abc", [.backspace, .backspace, .backspace, .backspace], "", 0),
        ("日本", [.left, .character("x")], "日x本", 2),
        ("ab", [.paste("one\ntwo\n")], "abone two", 9),
        ("abc", [.right, .right], "abc", 3),
    ]

    @Test(arguments: editing)
    func edits(start: String, keys: [Key], text: String, cursor: Int) {
        let input = edited(start, keys)
        #expect(input.text == text)
        #expect(input.cursor == cursor)
    }

    @Test func navigationKeysAreNotConsumed() {
        var input = TextInput("x")
        for key in [Key.enter, .tab, .backTab, .escape, .up, .down] {
            #expect(input.handle(key) == false)
        }
        #expect(input.text == "x")
    }

    @Test func visibleWindowScrollsToKeepTheCursorInView() {
        let input = TextInput("abcdefghij")
        let window = input.visible(width: 5)
        #expect(window.text == "ghij")
        #expect(window.cursorColumn == 4)
        var start = input
        start.handle(.home)
        #expect(start.visible(width: 5) == ("abcde", 0))
    }

    @Test func maskedFieldsShowBulletsNotText() {
        let input = TextInput("secret")
        let window = input.visible(width: 20, masked: true)
        #expect(window.text == "••••••")
        #expect(!window.text.contains("s"))
        #expect(window.cursorColumn == 6)
    }

    @Test func wideCharactersCountTwoCellsForTheCursor() {
        let input = TextInput("日本")
        #expect(input.visible(width: 10).cursorColumn == 4)
    }
}
