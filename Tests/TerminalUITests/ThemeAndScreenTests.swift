import Testing
@testable import TerminalUI

@Suite(.timeLimit(.minutes(2))) struct ThemeAndScreenTests {
    @Test(arguments: [
        (["NO_COLOR": "1"], true, false),
        (["NO_COLOR": ""], true, true),
        ([:], true, true),
        ([:], false, false),
    ] as [([String: String], Bool, Bool)])
    func colourFollowsNoColorAndTheTerminal(environment: [String: String], hasColors: Bool, usesColor: Bool) {
        let theme = Theme.forEnvironment(environment, terminalHasColors: hasColors)
        #expect(theme.usesColor == usesColor)
    }

    @Test func monochromeStillDistinguishesSelectionAndFocus() {
        let mono = Theme.monochrome
        #expect(mono.appearance(of: .selected).reverse)
        #expect(mono.appearance(of: .focused).underline)
        #expect(mono.appearance(of: .selected) != mono.appearance(of: .normal))
    }

    @Test func enlargePromptNamesTheMinimumAndTheCurrentSize() {
        let screen = Screen.enlargePrompt(size: Size(columns: 60, rows: 15), minimum: Size(columns: 80, rows: 24))
        #expect(screen.text.contains("enlarge the terminal to at least 80x24 (now 60x15)"))
        #expect(screen.cursor == nil)
    }

    @Test func enlargePromptWrapsOnVeryNarrowTerminals() {
        let screen = Screen.enlargePrompt(size: Size(columns: 20, rows: 10), minimum: Size(columns: 80, rows: 24))
        let joined = screen.lines.map { $0.trimmingCharacters() }.filter { !$0.isEmpty }.joined(separator: " ")
        #expect(joined.contains("at least 80x24 (now 20x10)"))
        #expect(screen.lines.allSatisfy { DisplayWidth.of($0) <= 20 })
    }
}

extension String {
    fileprivate func trimmingCharacters() -> String {
        var slice = Substring(self)
        while slice.first == " " { slice.removeFirst() }
        return String(slice)
    }
}
