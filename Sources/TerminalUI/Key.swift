/// One decoded input event from the terminal. The wizard's update function consumes these;
/// nothing above TerminalUI sees raw bytes or ncurses key codes.
public enum Key: Sendable, Hashable {
    /// A printable character (may be a wide or combined grapheme).
    case character(Character)
    /// Ctrl plus a letter (`ctrl("a")`); Ctrl-C arrives as `.ctrl("c")` in raw mode.
    case ctrl(Character)
    case enter, tab, backTab, escape, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    /// A bracketed paste, delivered whole so pasted text never triggers shortcuts.
    case paste(String)
    /// The terminal changed size; the new size follows in `Terminal.size`.
    case resize(columns: Int, rows: Int)
}

/// A terminal size in character cells.
public struct Size: Sendable, Hashable {
    public var columns: Int
    public var rows: Int
    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }
}
