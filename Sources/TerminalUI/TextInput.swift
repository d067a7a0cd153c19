/// The editing model of a one-line text field: text plus a cursor, edited by `Key`s the way
/// readline does (arrows, Home/End, Backspace/Delete, Ctrl-A/E/K/U/W). Pure and value-typed so
/// the wizard's state holds it directly and tests drive it without a terminal.
public struct TextInput: Sendable, Hashable {
    /// The field's text.
    public private(set) var text: String
    /// Cursor position as a count of grapheme clusters from the start (0...text.count).
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        self.text = text
        cursor = text.count
    }

    /// Replaces the whole text and puts the cursor at its end.
    public mutating func set(_ newText: String) {
        text = newText
        cursor = newText.count
    }

    /// Inserts text at the cursor. Line breaks become spaces: a one-line field never holds them.
    public mutating func insert(_ inserted: String) {
        let flat = String(inserted.map { $0.isNewline ? " " : $0 })
        let index = text.index(text.startIndex, offsetBy: cursor)
        let before = text.count
        text.insert(contentsOf: flat, at: index)
        // A combining mark merges with the character before it, so count what actually grew.
        cursor += text.count - before
    }

    /// Applies an editing key. Returns false for keys a text field does not handle (Enter, Tab,
    /// Esc, Up/Down, …) so the caller can treat them as navigation.
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .character(let character):
            insert(String(character))
        case .paste(let pasted):
            insert(pasted.trimmingTrailingNewlines())
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = text.count
        case .backspace, .ctrl("h"):
            guard cursor > 0 else { return true }
            remove(from: cursor - 1, to: cursor)
            cursor -= 1
        case .delete, .ctrl("d"):
            guard cursor < text.count else { return true }
            remove(from: cursor, to: cursor + 1)
        case .ctrl("k"):
            remove(from: cursor, to: text.count)
        case .ctrl("u"):
            remove(from: 0, to: cursor)
            cursor = 0
        case .ctrl("w"):
            let start = wordStart(before: cursor)
            remove(from: start, to: cursor)
            cursor = start
        default:
            return false
        }
        return true
    }

    private mutating func remove(from start: Int, to end: Int) {
        guard start < end else { return }
        let lower = text.index(text.startIndex, offsetBy: start)
        let upper = text.index(text.startIndex, offsetBy: end)
        text.removeSubrange(lower..<upper)
    }

    /// Start of the word before `position`: skip spaces, then non-spaces (readline's Ctrl-W).
    private func wordStart(before position: Int) -> Int {
        let characters = Array(text)
        var index = position
        while index > 0 && characters[index - 1] == " " { index -= 1 }
        while index > 0 && characters[index - 1] != " " { index -= 1 }
        return index
    }

    /// What the field shows in `width` cells: the text (or a mask of bullets), scrolled so the
    /// cursor stays visible, and the cursor's cell offset within that window.
    public func visible(width: Int, masked: Bool = false) -> (text: String, cursorColumn: Int) {
        let window = visibleWindow(width: width, masked: masked)
        return (window.text, window.cursorColumn)
    }

    /// As `visible`, plus the index of the first character shown, so a caller can place marks
    /// (an error's `^`) under characters of the scrolled text.
    public func visibleWindow(width: Int, masked: Bool = false) -> (text: String, cursorColumn: Int, start: Int) {
        let characters: [Character] = masked ? Array(repeating: "•", count: text.count) : Array(text)
        guard width > 0 else { return ("", 0, 0) }
        // Scroll right until the cursor fits, counting display cells (wide characters take two).
        var start = 0
        func cells(_ from: Int, _ to: Int) -> Int {
            characters[from..<to].reduce(0) { $0 + DisplayWidth.of($1) }
        }
        while start < cursor && cells(start, cursor) >= width { start += 1 }
        var shown = ""
        var used = 0
        for character in characters[start...] {
            let w = DisplayWidth.of(character)
            if used + w > width { break }
            shown.append(character)
            used += w
        }
        return (shown, cells(start, cursor), start)
    }
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var result = self
        while result.last?.isNewline == true { result.removeLast() }
        return result
    }
}
