import CleverTapCore
import TerminalUI

/// What a plain-mode prompt accepts on one line.
public enum PlainInputKind: Sendable, Hashable {
    /// A number from 1 to `count` picks an option; an empty line takes the current one.
    case choice(count: Int)
    /// Text for the focused field; an empty line keeps what is there. `secret` fields are read
    /// without echo and never printed.
    case text(secret: Bool)
    /// y or n.
    case confirm
    /// Any line (usually just Enter) acknowledges.
    case acknowledge
}

/// A parsed answer to a prompt, before it becomes the wizard's messages.
public enum PlainAnswer: Sendable, Hashable {
    case keep
    case pick(Int)
    case text(String)
    /// Text the user marked literal with a leading `\`: never a key name. Prompts that do not
    /// tell the two apart get it as `.text`.
    case literal(String)
    case yes
    case no
}

/// The current wizard state as line-oriented text: the same state the ncurses view draws, said in
/// plain sentences (no boxes, colours or cursor), plus what an answer means to the wizard.
public struct PlainPrompt: Sendable {
    /// The step title, its one-line explanation and what does not change while answering
    /// (printed again only when it changes).
    public var heading: [String]
    /// Status and errors: printed with every prompt while they are present.
    public var notes: [String]
    /// Numbered options (1-based when printed); `current` marks the selected one.
    public var options: [String]
    public var current: Int?
    /// The question itself, without the trailing ": ".
    public var question: String
    public var input: PlainInputKind
    /// What the answer means: intents (`WizardIntent`), or keys on a screen that is shown as it
    /// looks full-screen; nil when the answer makes no sense here.
    let meaning: @Sendable (PlainAnswer) -> [WizardMessage]?

    /// The whole prompt as the lines printed before reading an answer (the question is last and
    /// has no line break after it).
    public var text: String { (notes + [numberedQuestion]).joined(separator: "\n") }

    /// The numbered options and the question, without the notes.
    public var numberedQuestion: String {
        var lines: [String] = []
        for (index, option) in options.enumerated() {
            lines.append("  \(index + 1). \(option)\(index == current ? "  (current)" : "")")
        }
        return (lines + [question + ": "]).joined(separator: "\n")
    }
}

extension PlainPrompt {
    /// The prompt for `state`. Pure: the same state always reads the same.
    public static func make(_ state: WizardState) -> PlainPrompt {
        switch state.overlay {
        case .confirmQuit?:
            return PlainPrompt(heading: ["Quit?"], notes: ["You have unsaved changes; quitting writes nothing."], options: [],
                               current: nil, question: "Quit without saving? (y/n)", input: .confirm) { answer in
                switch answer {
                case .yes: return [.intent(.quit(confirmed: true))]
                case .no: return [.intent(.quit(confirmed: false))]
                default: return nil
                }
            }
        case .confirmLeave?:
            return PlainPrompt(heading: ["Leave this destination?"], notes: ["What you entered for this destination is not saved."],
                               options: ["Keep editing", "Discard it and go back to the menu"], current: 0,
                               question: "Choose (1-2)", input: .choice(count: 2)) { answer in
                switch answer {
                case .keep, .pick(0): return [.intent(.leaveDestination(discard: false))]
                case .pick(1): return [.intent(.leaveDestination(discard: true))]
                default: return nil
                }
            }
        case .help?:
            // Plain mode prints its own help; should the overlay be open, any key closes it.
            return PlainPrompt(heading: [], notes: [], options: [], current: nil, question: "Press Enter to continue",
                               input: .acknowledge) { _ in [.intent(.closeHelp)] }
        case nil:
            break
        }
        // Not an exhaustive switch: a screen added to the wizard later is still reachable in
        // plain mode (through `screenAndKeys`) before it gets prompts of its own.
        if state.phase == .menu { return menu(state) }
        if state.phase == .saved { return saved(state) }
        if state.phase == .testSend { return testSend(state) }
        if case .step(let step) = state.phase {
            let heading = ["", "Step \(step.rawValue + 1) of \(WizardStep.allCases.count): \(step.title)", step.explanation]
            var prompt: PlainPrompt
            switch step {
            case .source: prompt = source(state)
            case .credentials: prompt = credentials(state)
            case .setupMode: prompt = setupMode(state)
            case .review: prompt = review(state)
            }
            prompt.heading = heading + prompt.heading
            return prompt
        }
        return screenAndKeys(state)
    }

    /// A screen without plain prompts of its own: the full-screen view's text (read as lines,
    /// blank ones dropped) and one key per answer, named (`enter`, `tab`, `up`, `space`, `esc`,
    /// `ctrl-r`, ...) or typed (one character is that key, longer text arrives as a paste).
    public static func screenAndKeys(_ state: WizardState) -> PlainPrompt {
        let screen = Wizard.view(state, size: Size(columns: 100, rows: 40))
        let lines = screen.lines.map { line -> String in
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed.removeLast() }
            return String(trimmed)
        }.filter { !$0.isEmpty }
        return PlainPrompt(heading: [""] + lines, notes: [], options: [], current: nil,
                           question: "Key (enter, tab, up, down, space, esc, ctrl-X, ...) or text", input: .text(secret: false)) { answer in
            switch answer {
            case .keep: return [.key(.enter)]
            case .text(let text): return [.key(namedKey(text) ?? typed(text))]
            case .literal(let text): return [.key(typed(text))]
            default: return nil
            }
        }
    }

    /// Typed text as one key: a character, or a paste when longer.
    static func typed(_ text: String) -> Key {
        text.count == 1 ? .character(text.first!) : .paste(text)
    }

    /// The key a word names, for `screenAndKeys`.
    static func namedKey(_ word: String) -> Key? {
        let name = word.lowercased()
        let named: [String: Key] = [
            "enter": .enter, "tab": .tab, "shift-tab": .backTab, "backtab": .backTab, "esc": .escape, "escape": .escape,
            "up": .up, "down": .down, "left": .left, "right": .right, "home": .home, "end": .end,
            "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown,
            "space": .character(" "), "backspace": .backspace, "delete": .delete,
        ]
        if let key = named[name] { return key }
        if name.hasPrefix("ctrl-"), name.count == 6, let letter = name.last, letter.isLetter { return .ctrl(letter) }
        if name.hasPrefix("f"), let number = Int(name.dropFirst()), (1...12).contains(number) { return .function(number) }
        return nil
    }

    /// A list whose choice acts at once: a number chooses that row, an empty line the current one.
    static func pickList(_ options: [String], current: Int, question: String, heading: [String] = [],
                         notes: [String] = [], choose: @escaping @Sendable (Int) -> WizardIntent) -> PlainPrompt {
        PlainPrompt(heading: heading, notes: notes, options: options, current: current,
                    question: question + " (1-\(options.count))", input: .choice(count: options.count)) { answer in
            switch answer {
            case .keep: return [.intent(choose(current))]
            case .pick(let index): return [.intent(choose(index))]
            default: return nil
            }
        }
    }

    // MARK: - Menu

    static func menu(_ state: WizardState) -> PlainPrompt {
        let count = state.workspace.destinations.count
        return pickList(Wizard.menuItems(state), current: state.menuSelection, question: "Choose",
                        heading: ["", "This workspace has \(count) destination\(count == 1 ? "" : "s") (\(state.configPath)).",
                                  "Open one to edit any step, add another destination, or quit."]) { .menu(row: $0) }
    }

    // MARK: - Step 1

    static func source(_ state: WizardState) -> PlainPrompt {
        let source = state.source
        let errors = source.error.map { ["Error: \($0)"] } ?? []
        guard source.creating else {
            let items = state.workspace.sources.map { "\($0.name) (\($0.type.displayName))" } + ["Create a new source"]
            return pickList(items, current: source.selection, question: "Choose a source") { .source(.choose($0)) }
        }
        let name = source.name.text
        if source.focus == .type {
            return PlainPrompt(heading: [], notes: errors, options: SourceType.allCases.map(\.displayName), current: source.typeIndex,
                               question: "Type of \(name.isEmpty ? "the new source" : "\"\(name)\"") (1-\(SourceType.allCases.count))",
                               input: .choice(count: SourceType.allCases.count)) { answer in
                switch answer {
                case .keep: return [.intent(.source(.type(source.typeIndex)))]
                case .pick(let index): return [.intent(.source(.type(index)))]
                default: return nil
                }
            }
        }
        let shown = name.isEmpty ? "" : " [\(name)]"
        return PlainPrompt(heading: [], notes: errors, options: [], current: nil,
                           question: "Name of the new source, e.g. Website\(shown)", input: .text(secret: false)) { answer in
            switch answer {
            // Nothing typed and nothing there: the wizard says what is missing.
            case .keep: return [.intent(.source(.name(nil)))]
            case .text(let text): return [.intent(.source(.name(text)))]
            default: return nil
            }
        }
    }

    // MARK: - Step 3

    static func setupMode(_ state: WizardState) -> PlainPrompt {
        let mode = state.setupMode
        let presets = Preset.quickSetup.map(\.summary)
        let events = Preset.events.map(\.summary)
        let options = [
            "Quick Setup: " + presets.joined(separator: "; "),
            "Customized Setup: choose the subscriptions, their triggers and mappings",
            "Quick Setup with events too: the above and " + events.joined(separator: "; "),
        ]
        if mode.confirmReplace {
            let count = state.customized.list.subscriptions.count
            return PlainPrompt(heading: [], notes: [], options: [], current: nil,
                               question: "Quick Setup replaces this destination's \(count) subscription\(count == 1 ? "" : "s"). Replace them? (y/n)",
                               input: .confirm) { answer in
                switch answer {
                case .yes: return [.intent(.setupMode(.replace(true)))]
                case .no: return [.intent(.setupMode(.replace(false)))]
                default: return nil
                }
            }
        }
        // Option 3 is Quick Setup with the event presets (the full-screen `e` toggle).
        let current = mode.mode == .customized ? 1 : (mode.events ? 2 : 0)
        return PlainPrompt(heading: [], notes: [], options: options, current: current, question: "Setup mode (1-3)",
                           input: .choice(count: 3)) { answer in
            let choice: SetupModeStepState.Intent
            switch answer {
            case .keep: choice = .choose(mode.mode, events: mode.events)
            case .pick(0): choice = .choose(.quick, events: false)
            case .pick(1): choice = .choose(.customized, events: mode.events)
            case .pick(2): choice = .choose(.quick, events: true)
            default: return nil
            }
            return [.intent(.setupMode(choice))]
        }
    }
}
