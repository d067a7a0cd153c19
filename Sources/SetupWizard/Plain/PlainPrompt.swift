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

/// A parsed answer to a prompt, before it becomes the wizard's key messages.
public enum PlainAnswer: Sendable, Hashable {
    case keep
    case pick(Int)
    case text(String)
    case yes
    case no
}

/// The current wizard state as line-oriented text: the same state the ncurses view draws, said in
/// plain sentences (no boxes, colours or cursor), plus how an answer maps to the wizard's keys.
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
    /// The keys the ncurses wizard would receive for this answer; nil when it makes no sense here.
    let keys: @Sendable (PlainAnswer) -> [Key]?

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
                case .yes: return [.character("y")]
                case .no: return [.character("n")]
                default: return nil
                }
            }
        case .help?:
            // Plain mode prints its own help; should the overlay be open, any key closes it.
            return PlainPrompt(heading: [], notes: [], options: [], current: nil, question: "Press Enter to continue",
                               input: .acknowledge) { _ in [.escape] }
        case nil:
            break
        }
        switch state.phase {
        case .menu: return menu(state)
        case .saved: return saved(state)
        case .subscriptions: return subscriptions(state)
        case .testSend: return testSend(state)
        case .step(let step):
            let heading = ["", "Step \(step.rawValue + 1) of \(WizardStep.allCases.count): \(step.title)", explanation(step)]
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
    }

    /// The same one-line explanations the ncurses view shows under each step title.
    static func explanation(_ step: WizardStep) -> String {
        switch step {
        case .source: return "Where your events come from. The destination receives this source's events."
        case .credentials: return "Paste a CleverTap dashboard URL to fill in the region and Project ID."
        case .setupMode: return "Quick Setup adds the two standard subscriptions; Customized lets you choose."
        case .review: return "Everything below is written to the workspace file when you choose Save."
        }
    }

    /// Up or Down presses that move a list selection from `from` to `to`.
    static func moves(from: Int, to: Int) -> [Key] {
        to >= from ? Array(repeating: .down, count: to - from) : Array(repeating: .up, count: from - to)
    }

    /// Keys that replace a text field's content with `text`: end, kill to start, then the text
    /// as one paste (so a pasted dashboard URL is detected exactly as in the ncurses wizard).
    static func fill(_ current: String, with text: String) -> [Key] {
        guard text != current else { return [] }
        var keys: [Key] = current.isEmpty ? [] : [.ctrl("e"), .ctrl("u")]
        if !text.isEmpty { keys.append(.paste(text)) }
        return keys
    }

    /// A list whose Enter acts on the selection: a number moves there and presses Enter.
    static func pickList(_ options: [String], current: Int, question: String, heading: [String] = [],
                         notes: [String] = []) -> PlainPrompt {
        PlainPrompt(heading: heading, notes: notes, options: options, current: current,
                    question: question + " (1-\(options.count))", input: .choice(count: options.count)) { answer in
            switch answer {
            case .keep: return [.enter]
            case .pick(let index): return moves(from: current, to: index) + [.enter]
            default: return nil
            }
        }
    }

    // MARK: - Customized Setup and test sends (minimal until plain mode grows its own editors)

    /// The subscription list: add a User Upload or Delete User (default trigger and mapping), or go on.
    static func subscriptions(_ state: WizardState) -> PlainPrompt {
        let existing = state.customized.list.subscriptions.map { "\($0.enabled ? "[x]" : "[ ]") \($0.name): \($0.action.displayName) when \($0.trigger)" }
        let options = ["Add a User Upload subscription", "Add a Delete User subscription", "Continue to Review"]
        return PlainPrompt(heading: ["", "Subscriptions (Customized Setup)"] + (existing.isEmpty ? ["No subscriptions yet."] : existing),
                           notes: [], options: options, current: 2, question: "Choose (1-3)", input: .choice(count: 3)) { answer in
            switch answer {
            case .pick(0): return [.character("u"), .enter]
            case .pick(1): return [.character("d"), .enter]
            case .pick(2), .keep: return [.character("n")]
            default: return nil
            }
        }
    }

    /// A test send: the answer and the request, then back to the menu.
    static func testSend(_ state: WizardState) -> PlainPrompt {
        guard let summary = state.testSend?.summary else {
            return PlainPrompt(heading: ["Sending..."], notes: [], options: [], current: nil, question: "Press Enter to continue",
                               input: .acknowledge) { _ in [] }
        }
        return PlainPrompt(heading: [""] + Wizard.testSendLines(summary).map(\.text), notes: [], options: [], current: nil,
                           question: "Press Enter to return to the menu", input: .acknowledge) { _ in [.enter] }
    }

    // MARK: - Menu

    static func menu(_ state: WizardState) -> PlainPrompt {
        let count = state.workspace.destinations.count
        return pickList(Wizard.menuItems(state), current: state.menuSelection, question: "Choose",
                        heading: ["", "This workspace has \(count) destination\(count == 1 ? "" : "s") (\(state.configPath)).",
                                  "Open one to edit any step, add another destination, or quit."])
    }

    // MARK: - Step 1

    static func source(_ state: WizardState) -> PlainPrompt {
        let source = state.source
        let errors = source.error.map { ["Error: \($0)"] } ?? []
        guard source.creating else {
            let items = state.workspace.sources.map { "\($0.name) (\($0.type.displayName))" } + ["Create a new source"]
            return pickList(items, current: source.selection, question: "Choose a source")
        }
        if source.showWriteKey, let created = source.created {
            return PlainPrompt(heading: [], notes: ["Created \(created.name). Its write key is shown once; copy it now:", "  \(created.writeKey)"],
                               options: [], current: nil, question: "Press Enter to continue", input: .acknowledge) { _ in [.enter] }
        }
        let name = source.name.text
        if source.focus == .type {
            return PlainPrompt(heading: [], notes: errors, options: SourceType.allCases.map(\.displayName), current: source.typeIndex,
                               question: "Type of \(name.isEmpty ? "the new source" : "\"\(name)\"") (1-\(SourceType.allCases.count))",
                               input: .choice(count: SourceType.allCases.count)) { answer in
                switch answer {
                case .keep: return [.enter]
                case .pick(let index): return moves(from: source.typeIndex, to: index) + [.enter]
                default: return nil
                }
            }
        }
        let shown = name.isEmpty ? "" : " [\(name)]"
        return PlainPrompt(heading: [], notes: errors, options: [], current: nil,
                           question: "Name of the new source, e.g. Website\(shown)", input: .text(secret: false)) { answer in
            switch answer {
            // Nothing typed and nothing there: Enter lets the wizard say what is missing.
            case .keep: return name.isEmpty ? [.enter] : [.tab]
            case .text(let text): return fill(name, with: text) + [.tab]
            default: return nil
            }
        }
    }

    // MARK: - Step 2

    static func credentials(_ state: WizardState) -> PlainPrompt {
        let credentials = state.credentials
        var notes: [String] = []
        if let detection = credentials.detection {
            notes.append((detection.ok ? "Dashboard URL: " : "Dashboard URL problem: ") + detection.message)
        }
        switch credentials.verification {
        case .notRun: break
        case .running: notes.append("Checking credentials...")
        case .succeeded(let text): notes.append("Verified: \(text)")
        case .failed(let text): notes.append("Verification failed: \(text)")
        }
        notes += credentials.errors.map { "Error: \($0)" }
        if let pending = credentials.pendingProjectID {
            return PlainPrompt(heading: [], notes: notes, options: [], current: nil,
                               question: "Replace the Project ID \(credentials.projectID.text.trimmingWhitespace()) with \(pending)? (y/n)",
                               input: .confirm) { answer in
                switch answer {
                case .yes: return [.character("y"), .tab]
                case .no: return [.character("n"), .tab]
                default: return nil
                }
            }
        }
        func textField(_ question: String, _ input: TextInput, secret: Bool = false, shown: String? = nil) -> PlainPrompt {
            let current = input.text
            let display = shown ?? (current.isEmpty ? "" : " [\(current)]")
            return PlainPrompt(heading: [], notes: notes, options: [], current: nil, question: question + display,
                               input: .text(secret: secret)) { answer in
                switch answer {
                case .keep: return [.tab]
                case .text(let text): return fill(current, with: text) + [.tab]
                default: return nil
                }
            }
        }
        switch credentials.focus {
        case .dashboardURL:
            return textField("Dashboard URL (optional; Enter skips)", credentials.dashboardURL)
        case .projectID:
            return textField("Project ID, XXX-XXX-XXXX", credentials.projectID)
        case .passcode:
            let shown: String
            if !credentials.passcode.text.isEmpty {
                shown = " [entered; Enter keeps it]"
            } else if let variable = state.passcodeVariable {
                shown = " [from $\(variable); Enter keeps it]"
            } else {
                shown = ""
            }
            return textField("Passcode (not shown)", credentials.passcode, secret: true, shown: shown)
        case .customURL:
            return textField("Custom endpoint URL, https://... or http://127.0.0.1:PORT", credentials.customURL)
        case .region:
            let regions = Region.catalog.map { "\($0.displayName) (\($0.code)), \($0.apiBaseURL)" } + ["Custom endpoint"]
            let index = credentials.regionIndex
            return PlainPrompt(heading: [], notes: notes, options: regions, current: index,
                               question: "Region (1-\(regions.count); Enter keeps the current one)", input: .choice(count: regions.count)) { answer in
                switch answer {
                case .keep: return [.tab]
                case .pick(let target): return moves(from: index, to: target) + [.tab]
                default: return nil
                }
            }
        case .verify:
            let options = ["Continue to step 3 (\(WizardStep.setupMode.title))", "Verify credentials with CleverTap first (optional)"]
            return PlainPrompt(heading: [], notes: notes, options: options, current: 0, question: "Choose (1-2)",
                               input: .choice(count: 2)) { answer in
                switch answer {
                // Enter on the Verify button verifies; Enter on any other field moves on.
                case .keep, .pick(0): return [.up, .enter]
                case .pick(1): return [.enter]
                default: return nil
                }
            }
        }
    }

    // MARK: - Step 3

    static func setupMode(_ state: WizardState) -> PlainPrompt {
        let mode = state.setupMode
        let presets = Preset.quickSetup.map { "\($0.name): \($0.action.displayName) when \($0.trigger)" }
        switch mode.focus {
        case .mode:
            let options = [
                "Quick Setup: " + presets.joined(separator: "; "),
                "Customized Setup: build your own subscriptions",
            ]
            let isQuick = mode.mode == .quick
            return PlainPrompt(heading: [], notes: [], options: options, current: isQuick ? 0 : 1, question: "Setup mode (1-2)",
                               input: .choice(count: 2)) { answer in
                switch answer {
                case .pick(0): return (isQuick ? [] : [.up]) + [.enter]
                // Customized opens the subscription list (the wizard's Enter on Customized).
                case .pick(1): return (isQuick ? [.down] : []) + [.enter]
                case .keep: return [.enter]
                default: return nil
                }
            }
        case .presets:
            let options = presets.enumerated().map { (mode.chosenPresets[$0] ? "[x] " : "[ ] ") + $1 }
                + ["Done: continue to step 4 (\(WizardStep.review.title))", "Change the setup mode"]
            let notes = mode.chosenPresets.contains(true) ? [] : ["No presets chosen: the destination starts with no subscriptions."]
            let cursor = mode.presetCursor
            return PlainPrompt(heading: [], notes: notes, options: options, current: nil,
                               question: "Number toggles a preset; Enter continues (1-\(options.count))",
                               input: .choice(count: options.count)) { answer in
                switch answer {
                case .keep: return [.enter]
                case .pick(let index) where index < presets.count: return moves(from: cursor, to: index) + [.character(" ")]
                case .pick(let index) where index == presets.count: return [.enter]
                case .pick: return [.tab]
                default: return nil
                }
            }
        }
    }

    // MARK: - Step 4

    static func review(_ state: WizardState) -> PlainPrompt {
        var summary: [String] = []
        let credentials = state.credentials
        summary.append("Source:        " + (state.chosenSource.map { "\($0.name) (\($0.type.displayName))\(state.source.created != nil ? ", new" : "")" } ?? "none"))
        summary.append("Project ID:    " + (credentials.projectID.text.isEmpty ? "(empty)" : credentials.projectID.text.trimmingWhitespace()))
        let passcode: String
        if credentials.passcode.text.isEmpty {
            passcode = state.passcodeVariable.map { "from $\($0)" } ?? "(empty)"
        } else {
            passcode = "entered (not shown)"
        }
        summary.append("Passcode:      " + passcode)
        switch credentials.endpoint {
        case .region(let region): summary.append("Region:        \(region.displayName) (\(region.code)), \(region.apiBaseURL)")
        case .custom(let url): summary.append("Endpoint:      " + (url.isEmpty ? "(empty)" : url))
        }
        summary.append("Setup mode:    " + (state.setupMode.mode == .quick ? "Quick Setup" : "Customized Setup"))
        let subscriptions = Wizard.pendingWorkspace(state)?.destination.subscriptions ?? []
        summary.append("Subscriptions: " + (subscriptions.isEmpty ? "none" : "\(subscriptions.count)"))
        for subscription in subscriptions {
            summary.append("  - \(subscription.name): \(subscription.action.displayName) when \(subscription.trigger)\(subscription.enabled ? "" : " (disabled)")")
        }
        summary.append("Saved to:      " + state.configPath)
        var notes = Wizard.problems(state).map { "Fix before saving: step \($0.step.rawValue + 1) (\($0.step.title)): \($0.message)" }
        if let error = state.saveError { notes.append("Error: \(error)") }
        let options = ["Save"] + WizardStep.allCases.filter { $0 != .review }.map { "Edit step \($0.rawValue + 1): \($0.title)" }
        return PlainPrompt(heading: summary, notes: notes, options: options, current: 0, question: "Choose (1-\(options.count))",
                           input: .choice(count: options.count)) { answer in
            switch answer {
            case .keep, .pick(0): return [.enter]
            case .pick(let index): return [.character(Character(String(index)))]
            default: return nil
            }
        }
    }

    // MARK: - Saved

    static func saved(_ state: WizardState) -> PlainPrompt {
        var heading = ["", "Saved. The workspace is written to \(state.savedPath ?? state.configPath)"]
        if let command = state.savedCommand {
            heading += ["The same setup as a command (the passcode comes from the environment):", "  " + command]
        }
        return PlainPrompt(heading: heading, notes: [], options: ["Finish", "Back to the menu"], current: 0, question: "Choose (1-2)",
                           input: .choice(count: 2)) { answer in
            switch answer {
            case .keep, .pick(0): return [.enter]
            case .pick(1): return [.character("m")]
            default: return nil
            }
        }
    }
}
