import TerminalUI

/// What one input line asks plain mode to do.
public enum PlainCommand: Sendable, Hashable {
    /// Feed these messages to `Wizard.update`, in order.
    case send([WizardMessage])
    /// Print the plain-mode help.
    case help
    /// The line makes no sense at this prompt; say why and ask again. Nothing changes.
    case invalid(String)
}

/// Turns input lines into the wizard's messages. The commands:
/// - a number picks that option of a numbered list; an empty line takes the current one (or
///   keeps a field's text);
/// - any other text fills the focused field;
/// - `b` goes back (the ncurses wizard's Esc), `q` quits (asks first when something is unsaved),
///   `?` prints help;
/// - a line starting with `\` is text as it stands after the backslash (`\q` types "q"; `\`
///   alone empties a field).
public enum PlainInput {
    public static let help = """
        Plain mode: the setup wizard as numbered questions, one answer per line.
          1, 2, ...   pick that option of a numbered list
          text        fills the field asked for; Enter alone keeps what is there (shown in [brackets])
          b           back (the previous step, as Esc in the full-screen wizard)
          q           quit; asks first when something is not saved, and writes nothing
          ?           this help
          \\text       text that starts with a backslash is taken literally: \\q types "q", \\ alone empties a field
        The passcode is read without echo and never printed. End of input before saving writes nothing.
        A screen shown as it looks full-screen takes one key per line instead: enter, tab, shift-tab, up,
        down, left, right, space, esc, backspace, ctrl-X, f1-f12, or text to type.
        """

    public static func translate(_ line: String, for state: WizardState) -> PlainCommand {
        translate(line, prompt: PlainPrompt.make(state), state: state)
    }

    /// `line` as an answer to `prompt`, which was made from `state`.
    public static func translate(_ rawLine: String, prompt: PlainPrompt, state: WizardState) -> PlainCommand {
        var line = rawLine
        while line.last == "\r" || line.last == "\n" { line.removeLast() }
        let literal = line.first == "\\"
        if !literal {
            switch line.trimmingWhitespace().lowercased() {
            case "?": return .help
            case "q": return .send([.intent(.requestQuit)])
            case "b": return back(state)
            default: break
            }
        }
        let answer: PlainAnswer
        switch prompt.input {
        case .acknowledge:
            answer = .keep
        case .confirm:
            switch line.trimmingWhitespace().lowercased() {
            case "y", "yes": answer = .yes
            case "n", "no": answer = .no
            default: return .invalid("Answer y or n.")
            }
        case .choice(let count):
            let trimmed = line.trimmingWhitespace()
            if trimmed.isEmpty {
                answer = .keep
            } else if let number = Int(trimmed), (1...count).contains(number) {
                answer = .pick(number - 1)
            } else {
                return .invalid("\"\(trimmed)\" is not one of the options; type a number from 1 to \(count), or ? for help.")
            }
        case .text(let secret):
            if literal {
                answer = .literal(String(line.dropFirst()))
            } else if line.trimmingWhitespace().isEmpty {
                answer = .keep
            } else {
                // Passcodes keep their exact characters (the wizard's rules trim and judge them).
                answer = .text(secret ? line : line.trimmingWhitespace())
            }
        }
        var messages = prompt.meaning(answer)
        if messages == nil, case .literal(let text) = answer { messages = prompt.meaning(.text(text)) }
        guard let messages else { return .invalid("That answer does not fit this question; type ? for help.") }
        return .send(messages)
    }

    /// `b`: back, as Esc goes back in the full-screen wizard.
    static func back(_ state: WizardState) -> PlainCommand {
        if state.overlay == .help { return .send([.intent(.closeHelp)]) }
        if state.overlay != nil { return .send([.intent(.back)]) }
        if state.phase == .menu { return .invalid("This is the first screen; there is nothing to go back to (q quits).") }
        if state.phase == .saved { return .invalid("The workspace is saved; choose Finish or Back to the menu.") }
        if state.phase == .step(.source) && state.workspace.destinations.isEmpty
            && !(state.source.creating && state.source.focus != .list && !state.workspace.sources.isEmpty) {
            return .invalid("This is the first step; there is nothing to go back to (q quits).")
        }
        if case .step = state.phase { return .send([.intent(.back)]) }
        if state.phase == .testSend { return .send([.intent(.closeTestSend)]) }
        // The screens plain mode shows as they look full-screen speak in keys: there Esc is "back".
        return .send([.key(.escape)])
    }
}
