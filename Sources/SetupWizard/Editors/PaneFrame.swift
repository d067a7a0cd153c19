import TerminalUI

/// A rectangle of screen cells that an editor pane draws into. The wizard lays out panes and
/// hands each editor its frame; editors never draw outside it.
///
/// Named `PaneFrame` rather than `Rect` so that a future TerminalUI `Rect` cannot clash with it.
struct PaneFrame: Sendable, Hashable {
    var column: Int
    var row: Int
    var width: Int
    var height: Int

    init(column: Int, row: Int, width: Int, height: Int) {
        self.column = column
        self.row = row
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The whole screen as one frame.
    init(size: Size) { self.init(column: 0, row: 0, width: size.columns, height: size.rows) }
}

/// Line-by-line writing inside a frame: clips to the frame, stops at its bottom, and tells the
/// caller where the next line goes. Keeps every editor's `render` short and clipping-safe.
struct PaneWriter {
    let frame: PaneFrame
    private(set) var nextRow: Int

    init(frame: PaneFrame) {
        self.frame = frame
        nextRow = frame.row
    }

    var hasRoom: Bool { nextRow < frame.row + frame.height }
    var remainingRows: Int { max(0, frame.row + frame.height - nextRow) }

    /// Writes one line (clipped to the frame width) and moves down. Returns the row written.
    @discardableResult
    mutating func line(_ text: String, style: Style = .normal, indent: Int = 0, in screen: inout Screen) -> Int? {
        guard hasRoom else { return nil }
        let row = nextRow
        screen.write(text, column: frame.column + indent, row: row, style: style, maxWidth: max(0, frame.width - indent))
        nextRow += 1
        return row
    }

    /// Writes `text` word-wrapped to the frame width; continuation lines are indented by
    /// `hangingIndent` more cells. Words longer than a line are cut. Messages in words must be
    /// readable whole, not clipped at the pane's edge.
    mutating func wrapped(_ text: String, style: Style = .normal, indent: Int = 0, hangingIndent: Int = 2, in screen: inout Screen) {
        for (index, line) in Self.wrap(text, width: frame.width - indent, continuationIndent: hangingIndent).enumerated() {
            self.line(line, style: style, indent: indent + (index == 0 ? 0 : hangingIndent), in: &screen)
        }
    }

    /// `text` split into lines of at most `width` cells (the first) and `width - continuationIndent` (the rest).
    static func wrap(_ text: String, width: Int, continuationIndent: Int) -> [String] {
        guard width > continuationIndent + 1 else { return [text] }
        var lines: [String] = []
        var current = ""
        var currentWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            let limit = lines.isEmpty ? width : width - continuationIndent
            let wordWidth = DisplayWidth.of(String(word))
            if currentWidth > 0 && currentWidth + 1 + wordWidth > limit {
                lines.append(current)
                current = ""
                currentWidth = 0
            }
            if currentWidth > 0 {
                current += " "
                currentWidth += 1
            }
            current += word
            currentWidth += wordWidth
        }
        lines.append(current)
        return lines
    }

    /// Leaves an empty line.
    mutating func skip(_ rows: Int = 1) { nextRow += rows }
}

/// How a pane shows whether it has the keys: one focused element at a time, unmistakable with
/// colour and without (NO_COLOR): the focused pane's title has "▶" and its selection a "›" in
/// reverse video; the other pane's selection is only dimmed and underlined.
enum PaneFocus {
    static func title(_ text: String, focused: Bool) -> String { (focused ? "▶ " : "  ") + text }

    static func titleStyle(focused: Bool) -> Style { focused ? Style(.title, bold: true) : Style(.subtle, bold: true) }

    static func marker(selected: Bool, focused: Bool) -> String { selected && focused ? "› " : "  " }

    static func rowStyle(selected: Bool, focused: Bool) -> Style {
        guard selected else { return .normal }
        return focused ? Style(.selected, bold: true) : Style(.subtle, underline: true)
    }
}
