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

    /// Leaves an empty line.
    mutating func skip(_ rows: Int = 1) { nextRow += rows }
}
