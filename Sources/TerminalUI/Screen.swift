/// Semantic colours: the theme maps them to terminal colours, monochrome maps them to attributes.
public enum StyleRole: Sendable, Hashable {
    case normal, title, subtle, accent, selected, focused, error, warning, success, footer, masked
}

/// How a run of text is drawn.
public struct Style: Sendable, Hashable {
    public var role: StyleRole
    public var bold: Bool
    public var underline: Bool
    public var reverse: Bool

    public init(_ role: StyleRole = .normal, bold: Bool = false, underline: Bool = false, reverse: Bool = false) {
        self.role = role
        self.bold = bold
        self.underline = underline
        self.reverse = reverse
    }

    public static let normal = Style()
}

/// One screen cell: a grapheme (wide ones occupy this cell and a `.continuation` after it).
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var style: Style
    /// True for the right half of a double-width character.
    public var isContinuation: Bool

    public init(_ character: Character = " ", style: Style = .normal, isContinuation: Bool = false) {
        self.character = character
        self.style = style
        self.isContinuation = isContinuation
    }
}

/// A pure, in-memory picture of the terminal: what `view` returns and what ncurses draws.
/// Tests read it back as text (`lines`) without any terminal.
public struct Screen: Sendable, Hashable {
    public let size: Size
    public private(set) var cells: [Cell]
    /// Where the real terminal cursor should sit (the focused field), or nil to hide it.
    public var cursor: (column: Int, row: Int)? {
        get { cursorColumn.map { ($0, cursorRow) } }
        set {
            cursorColumn = newValue?.column
            cursorRow = newValue?.row ?? 0
        }
    }
    private var cursorColumn: Int?
    private var cursorRow = 0

    public init(size: Size) {
        self.size = size
        cells = Array(repeating: Cell(), count: max(0, size.columns) * max(0, size.rows))
    }

    public subscript(column: Int, row: Int) -> Cell {
        get { cells[row * size.columns + column] }
        set { cells[row * size.columns + column] = newValue }
    }

    /// Writes `text` from (column, row), within `maxWidth` cells and the screen edge. Text that
    /// does not fit ends in "…" in the last cell, so a cut is never silent.
    /// Returns the column after the last cell written.
    @discardableResult
    public mutating func write(_ text: String, column: Int, row: Int, style: Style = .normal, maxWidth: Int? = nil) -> Int {
        guard row >= 0, row < size.rows else { return column }
        let limit = min(size.columns, column + (maxWidth ?? size.columns))
        let cut = column + DisplayWidth.of(text) > limit
        // Room for the ellipsis when the text is cut.
        let textLimit = cut ? limit - 1 : limit
        var x = column
        for character in text {
            let width = DisplayWidth.of(character)
            if width == 0 { continue }
            if x + width > textLimit { break }
            if x >= 0 {
                self[x, row] = Cell(character, style: style)
                if width == 2 { self[x + 1, row] = Cell(" ", style: style, isContinuation: true) }
            }
            x += width
        }
        if cut, x >= 0, x < limit {
            self[x, row] = Cell("…", style: style)
            x += 1
        }
        return x
    }

    /// Fills a rectangle with blanks of `style` (backgrounds, clearing a pane).
    public mutating func fill(column: Int, row: Int, width: Int, height: Int, style: Style = .normal) {
        for y in max(0, row)..<min(size.rows, row + height) {
            for x in max(0, column)..<min(size.columns, column + width) {
                self[x, y] = Cell(" ", style: style)
            }
        }
    }

    /// The screen as plain text lines (trailing spaces trimmed): what tests assert on.
    public var lines: [String] {
        (0..<size.rows).map { row in
            var line = ""
            for column in 0..<size.columns {
                let cell = self[column, row]
                if !cell.isContinuation { line.append(cell.character) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// All lines joined with newlines, for `#expect(screen.text.contains(...))`.
    public var text: String { lines.joined(separator: "\n") }

    public static func == (lhs: Screen, rhs: Screen) -> Bool {
        lhs.size == rhs.size && lhs.cells == rhs.cells && lhs.cursorColumn == rhs.cursorColumn && lhs.cursorRow == rhs.cursorRow
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(size)
        hasher.combine(cells)
    }
}

/// Terminal column widths of characters, so wide (CJK, emoji) text lines up and combining
/// marks take no extra cell. A compact table of the common wide ranges; no locale dependence.
public enum DisplayWidth {
    public static func of(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        let v = scalar.value
        if v == 0 { return 0 }
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark {
            return 0
        }
        if isWide(v) { return 2 }
        if character.unicodeScalars.count > 1, scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// Total cell width of `text`.
    public static func of(_ text: String) -> Int { text.reduce(0) { $0 + of($1) } }

    static func isWide(_ v: UInt32) -> Bool {
        (v >= 0x1100 && v <= 0x115F) || (v >= 0x2E80 && v <= 0x303E) || (v >= 0x3041 && v <= 0x33FF)
            || (v >= 0x3400 && v <= 0x4DBF) || (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0xA000 && v <= 0xA4CF)
            || (v >= 0xAC00 && v <= 0xD7A3) || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0xFE30 && v <= 0xFE4F)
            || (v >= 0xFF00 && v <= 0xFF60) || (v >= 0xFFE0 && v <= 0xFFE6) || (v >= 0x1F300 && v <= 0x1F64F)
            || (v >= 0x1F900 && v <= 0x1F9FF) || (v >= 0x20000 && v <= 0x3FFFD)
    }
}

extension Screen {
    /// The screen shown instead of the UI while the terminal is smaller than `minimum`: it says
    /// what size is needed and what the size is now, centred as far as the space allows.
    public static func enlargePrompt(size: Size, minimum: Size) -> Screen {
        var screen = Screen(size: size)
        let lines = [
            "Please enlarge the terminal to at least \(minimum.columns)x\(minimum.rows) (now \(size.columns)x\(size.rows)).",
            "The wizard resumes where you were.",
        ]
        // Narrow terminals: wrap the words so the message is still readable.
        var wrapped: [String] = []
        for line in lines { wrapped += wrap(line, width: max(1, size.columns)) }
        let top = max(0, (size.rows - wrapped.count) / 2)
        for (index, line) in wrapped.enumerated() {
            let left = max(0, (size.columns - DisplayWidth.of(line)) / 2)
            screen.write(line, column: left, row: top + index, style: Style(index == 0 ? .warning : .normal))
        }
        return screen
    }

    /// Greedy word wrap by display width.
    public static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if DisplayWidth.of(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
