import CNCurses
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the terminal could not be started.
public enum TerminalError: Error, CustomStringConvertible {
    case notATerminal
    case cursesFailed(term: String?)

    public var description: String {
        switch self {
        case .notATerminal:
            return "stdin and stdout must both be a terminal"
        case .cursesFailed(let term):
            return "could not start the terminal UI for TERM=\(term ?? "(unset)"); check TERM or use the non-interactive verbs"
        }
    }
}

/// The ncurses backend, kept thin: it starts and restores the terminal, draws a `Screen`, and
/// turns input bytes into `Key`s through the pure `InputDecoder`. One owner uses it from one task.
public final class Terminal {
    /// True when both stdin and stdout are terminals (the wizard needs both).
    public static var isInteractive: Bool { isatty(0) == 1 && isatty(1) == 1 }

    /// Milliseconds of silence after Esc before it counts as a lone Esc (ncurses defaults to 1000).
    public static let escapeDelayMilliseconds: Int32 = 25

    public let theme: Theme
    private var decoder = InputDecoder()
    private var active = false
    private var lastSize: Size
    private var queued: [Key] = []

    /// Starts curses: the user's locale, raw input (Ctrl-C arrives as a key), no echo, bracketed
    /// paste on, colours per `Theme.forEnvironment`.
    public init(environment: [String: String]) throws(TerminalError) {
        guard Terminal.isInteractive else { throw .notATerminal }
        setlocale(LC_ALL, "")
        ct_set_escdelay(Terminal.escapeDelayMilliseconds)
        guard ct_start() == 0 else { throw .cursesFailed(term: environment["TERM"]) }
        raw()
        noecho()
        nonl()
        ct_keypad(0)  // the decoder reads escape sequences itself
        ct_leaveok(0)
        var hasColors = has_colors()
        if hasColors && start_color() != ct_err() {
            _ = use_default_colors()
        } else {
            hasColors = false
        }
        theme = Theme.forEnvironment(environment, terminalHasColors: hasColors)
        lastSize = Size(columns: Int(ct_columns()), rows: Int(ct_rows()))
        active = true
        if theme.usesColor { definePairs() }
        ct_write_raw("\u{1B}[?2004h")
    }

    deinit { restore() }

    /// Puts the terminal back as it was: bracketed paste off, cursor visible, cooked mode, main
    /// screen. Safe to call more than once; called on every exit path.
    public func restore() {
        guard active else { return }
        active = false
        ct_write_raw("\u{1B}[?2004l")
        _ = curs_set(1)
        endwin()
    }

    /// Hands the terminal to another program (the user's `$EDITOR`): bracketed paste off, cursor
    /// visible, cooked mode, main screen. `resume()` takes it back.
    public func suspend() {
        guard active else { return }
        ct_write_raw("\u{1B}[?2004l")
        _ = curs_set(1)
        endwin()
    }

    /// Takes the terminal back after `suspend()`: curses' screen and modes again; the next
    /// `draw` repaints everything.
    public func resume() {
        guard active else { return }
        _ = ct_refresh()  // the first refresh after endwin re-enters curses mode
        raw()
        noecho()
        nonl()
        ct_write_raw("\u{1B}[?2004h")
        _ = ct_erase()
        _ = ct_refresh()
    }

    /// The current size in cells.
    public var size: Size { lastSize }

    /// Records a termination signal for the input loop, which restores the terminal itself (endwin
    /// is not async-signal-safe). The program's signal handling calls it, from any thread.
    public static func noteSignal(_ number: Int32) {
        pendingSignal.store(number, ordering: .relaxed)
    }

    private static let pendingSignal = Atomic<Int32>(0)

    /// A signal (SIGTERM, SIGHUP, SIGINT) noted since the last call, if any.
    /// A hung-up terminal (closed window, killed tmux) counts as SIGHUP: its ioctls fail, and the
    /// wizard must not keep running with nobody to see it.
    public func takeSignal() -> Int32? {
        let number = Self.pendingSignal.exchange(0, ordering: .relaxed)
        if number != 0 { return number }
        var attributes = termios()
        return tcgetattr(0, &attributes) == 0 ? nil : SIGHUP
    }

    /// Draws `screen` and places the real cursor on its focused field (or hides it).
    public func draw(_ screen: Screen) {
        _ = ct_erase()
        let roles: [StyleRole] = Self.roleOrder
        for row in 0..<min(screen.size.rows, lastSize.rows) {
            var column = 0
            while column < min(screen.size.columns, lastSize.columns) {
                let style = screen[column, row].style
                var run: [wchar_t] = []
                let start = column
                while column < min(screen.size.columns, lastSize.columns) && screen[column, row].style == style {
                    let cell = screen[column, row]
                    if !cell.isContinuation {
                        for scalar in cell.character.unicodeScalars { run.append(wchar_t(bitPattern: scalar.value)) }
                    }
                    column += 1
                }
                apply(style, pair: Int16((roles.firstIndex(of: style.role) ?? 0) + 1))
                _ = ct_move(Int32(row), Int32(start))
                run.withUnsafeBufferPointer { buffer in
                    _ = ct_add_wide(buffer.baseAddress, Int32(buffer.count))
                }
            }
        }
        _ = ct_attrset(ct_a_normal(), 0)
        if let cursor = screen.cursor, cursor.column < lastSize.columns, cursor.row < lastSize.rows {
            _ = curs_set(1)
            _ = ct_move(Int32(cursor.row), Int32(cursor.column))
        } else {
            _ = curs_set(0)
        }
        _ = ct_refresh()
    }

    /// Waits up to `timeoutMilliseconds` for input and returns the keys it completes (possibly
    /// none). A size change is reported as `.resize`. A lone Esc is reported after the escape
    /// delay; a bracketed paste is collected whole however slowly it arrives.
    public func readKeys(timeoutMilliseconds: Int32) -> [Key] {
        var keys = queued
        queued = []
        if let resize = checkResize() { keys.append(resize) }
        if !keys.isEmpty { return keys }
        ct_timeout(timeoutMilliseconds)
        var code = ct_getch()
        while true {
            if code == ct_key_resize() {
                if let resize = checkResize() { keys.append(resize) }
            } else if code != ct_err() && code >= 0 && code < 256 {
                keys += decoder.feed([UInt8(truncatingIfNeeded: code)])
            } else if code == ct_err() {
                // Nothing more right now: finish a lone Esc once the escape delay has passed.
                if decoder.isInPaste {
                    ct_timeout(500)
                    code = ct_getch()
                    if code == ct_err() { break }  // a paste that never ends is dropped, not hung on
                    continue
                }
                if decoder.hasPending {
                    ct_timeout(Terminal.escapeDelayMilliseconds)
                    code = ct_getch()
                    if code == ct_err() { keys += decoder.flushPending(); break }
                    continue
                }
                break
            }
            ct_timeout(0)
            code = ct_getch()
        }
        if let resize = checkResize() { keys.append(resize) }
        return keys
    }

    private func checkResize() -> Key? {
        var rows: Int32 = 0
        var columns: Int32 = 0
        if ct_window_size(&rows, &columns) == 0, Int(rows) != lastSize.rows || Int(columns) != lastSize.columns {
            _ = resizeterm(rows, columns)
        }
        let now = Size(columns: Int(ct_columns()), rows: Int(ct_rows()))
        guard now != lastSize else { return nil }
        lastSize = now
        return .resize(columns: now.columns, rows: now.rows)
    }

    private static let roleOrder: [StyleRole] = [
        .normal, .title, .subtle, .accent, .selected, .focused, .error, .warning, .success, .footer, .masked,
    ]

    private func definePairs() {
        for (index, role) in Self.roleOrder.enumerated() {
            let look = theme.appearance(of: role)
            _ = init_pair(Int16(index + 1), Self.cursesColor(look.foreground), Self.cursesColor(look.background))
        }
    }

    private func apply(_ style: Style, pair: Int16) {
        let look = theme.appearance(of: style.role)
        var attributes = ct_a_normal()
        if look.bold || style.bold { attributes |= ct_a_bold() }
        if look.dim { attributes |= ct_a_dim() }
        if look.underline || style.underline { attributes |= ct_a_underline() }
        if look.reverse || style.reverse { attributes |= ct_a_reverse() }
        _ = ct_attrset(attributes, theme.usesColor ? pair : 0)
    }

    private static func cursesColor(_ color: TerminalColor) -> Int16 {
        switch color {
        case .defaultColor: return ct_color_default()
        case .black: return ct_color_black()
        case .red: return ct_color_red()
        case .green: return ct_color_green()
        case .yellow: return ct_color_yellow()
        case .blue: return ct_color_blue()
        case .magenta: return ct_color_magenta()
        case .cyan: return ct_color_cyan()
        case .white: return ct_color_white()
        }
    }
}
