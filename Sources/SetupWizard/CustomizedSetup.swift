import CleverTapCore
import TerminalUI

/// A one-line question at the bottom of a Customized Setup screen (a name, a field value, an
/// attribute), answered with Enter or dropped with Esc.
struct LinePrompt: Sendable, Hashable {
    enum Purpose: Sendable, Hashable {
        case addSubscription(ActionKind)
        case rename(id: String)
        case fieldValue(key: String)
        case addAttribute
        /// A builder condition: a new one, or a replacement for the one at `index`.
        case condition(index: Int?)
    }

    var purpose: Purpose
    var label: String
    var input: TextInput
}

/// Customized Setup: the subscription list and, when one is open, its editor.
struct CustomizedSetupState: Sendable, Hashable {
    var list = SubscriptionListEditor(subscriptions: [])
    /// The subscription being edited, when the editor is open.
    var editor: SubscriptionEditor?
    var prompt: LinePrompt?
    /// The raw trigger text as typed (the editor keeps the committed copy).
    var triggerInput = TextInput()
    /// Which suggestion `s` applies next to the focused field.
    var suggestionIndex = 0
    /// The list has been filled for the destination being set up (its subscriptions, or none).
    var loaded = false
    /// The last refusal or confirmation, in words.
    var message: (text: String, isError: Bool)? {
        get { messageText.map { ($0, messageIsError) } }
        set { messageText = newValue?.text; messageIsError = newValue?.isError ?? false }
    }
    private var messageText: String?
    private var messageIsError = false
    /// The editor asked to close with unsaved edits: y discards, n keeps editing.
    var confirmDiscard = false
}

extension Wizard {
    /// True while Customized Setup takes typed text (a prompt, or the raw trigger).
    static func customizedTakesText(_ state: WizardState) -> Bool {
        let custom = state.customized
        if custom.prompt != nil { return true }
        if let editor = custom.editor, editor.focus == .trigger, editor.trigger.mode == .raw { return true }
        return false
    }

    // MARK: - Subscription list

    /// Fills the list for the destination being set up: an existing destination's subscriptions
    /// (Quick or not) are the starting point; a new destination starts with none. Filled once per
    /// destination, so what the user builds is kept, and step 3 lists it before the list is opened.
    static func loadSubscriptions(_ state: inout WizardState) {
        guard !state.customized.loaded else { return }
        let existing = state.editingDestinationID.flatMap { id in state.workspace.destinations.first { $0.id == id } }
        state.customized.list = SubscriptionListEditor(subscriptions: existing?.subscriptions ?? [])
        state.customized.loaded = true
    }

    static func openSubscriptions(_ state: inout WizardState) {
        loadSubscriptions(&state)
        state.phase = .subscriptions
    }

    static func handleSubscriptions(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        if state.customized.editor != nil { return handleSubscriptionEditor(key, &state) }
        var custom = state.customized
        defer { state.customized = custom }
        if let prompt = custom.prompt { return answerPrompt(prompt, key, &custom, &state) }
        if let pending = custom.list.pendingDeletion {
            switch key {
            case .character("y"), .character("Y"):
                _ = try? custom.list.confirmDeletion()
                custom.message = ("Deleted \"\(pending.name)\".", false)
                markChanged(&state)
            default:
                custom.list.cancelDeletion()
                custom.message = ("Kept \"\(pending.name)\".", false)
            }
            return []
        }
        custom.message = nil
        switch key {
        case .up: custom.list.moveSelection(by: -1)
        case .down: custom.list.moveSelection(by: 1)
        case .character(let letter) where addSubscriptionKeys.contains { $0.key == letter }:
            let action = addSubscriptionKeys.first { $0.key == letter }!.action
            custom.prompt = LinePrompt(purpose: .addSubscription(action), label: "Name of the new \(action.displayName):",
                                       input: TextInput(freeName(action.displayName, custom.list)))
        case .character("r"):
            if let selected = custom.list.selected {
                custom.prompt = LinePrompt(purpose: .rename(id: selected.id), label: "New name:", input: TextInput(selected.name))
            }
        case .character(" "):
            if let selected = custom.list.selected {
                try? custom.list.toggleEnabled(id: selected.id)
                markChanged(&state)
            }
        case .character("x"), .delete:
            if let selected = custom.list.selected { try? custom.list.requestDeletion(id: selected.id) }
        case .enter:
            if let selected = custom.list.selected { openEditor(selected, &custom, state) }
        case .character("n"), .tab:
            state.customized = custom
            advance(from: .setupMode, &state)
            custom = state.customized
        case .escape:
            state.phase = .step(.setupMode)
        default: break
        }
        return []
    }

    /// The list's add keys, declared once: the handler above, the key table's `u/d/e` line (footer,
    /// `?` help, README) and the empty list's hint all read it.
    static let addSubscriptionKeys: [(key: Character, action: ActionKind)] = [
        ("u", .userUpload), ("d", .userDelete), ("e", .userEvent),
    ]

    /// "User Upload", or "User Upload 2", … when taken: the prompt starts with a usable name.
    static func freeName(_ base: String, _ list: SubscriptionListEditor) -> String {
        let taken = Set(list.subscriptions.map { $0.name.lowercased() })
        if !taken.contains(base.lowercased()) { return base }
        var number = 2
        while taken.contains("\(base) \(number)".lowercased()) { number += 1 }
        return "\(base) \(number)"
    }

    static func markChanged(_ state: inout WizardState) {
        state.setupMode.changed = true
        state.hasUnsavedChanges = true
    }

    static func answerPrompt(_ prompt: LinePrompt, _ key: Key, _ custom: inout CustomizedSetupState,
                                     _ state: inout WizardState) -> [WizardEffect] {
        switch key {
        case .escape:
            custom.prompt = nil
            return []
        case .enter:
            break
        default:
            var input = prompt.input
            if input.handle(key) { custom.prompt?.input = input }
            return []
        }
        let text = prompt.input.text
        do {
            switch prompt.purpose {
            case .addSubscription(let action):
                let id = try custom.list.add(action: action, name: text)
                markChanged(&state)
                custom.message = ("Added \"\(custom.list.selected?.name ?? id)\"; Enter opens its trigger and mapping.", false)
            case .rename(let id):
                try custom.list.rename(id: id, to: text)
                markChanged(&state)
                custom.message = nil
            case .fieldValue(let fieldKey):
                try custom.editor?.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
                    try mapping.setInput(text, for: fieldKey)
                }
                custom.message = nil
            case .condition(let index):
                switch TriggerBuilder.parse(text) {
                case .success(let parsed) where parsed.conditions.count == 1:
                    let condition = parsed.conditions[0]
                    if let index {
                        custom.editor?.editTrigger { $0.replaceCondition(at: index, with: condition) }
                    } else {
                        custom.editor?.editTrigger { $0.addCondition(condition) }
                    }
                case .success:
                    custom.message = ("One condition at a time, e.g. traits.plan = \"pro\"; j joins them by all/any.", true)
                    return []
                case .failure(let rejection):
                    custom.message = ("\(rejection)", true)
                    return []
                }
                custom.message = nil
            case .addAttribute:
                guard let equals = text.firstIndex(of: "=") else {
                    custom.message = ("Write the attribute as Key=value, e.g. Email=$.traits.email.", true)
                    return []
                }
                let attributeKey = String(text[..<equals])
                let value = try MappingValue.interpret(String(text[text.index(after: equals)...]))
                try custom.editor?.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
                    try mapping.addAttribute(attributeKey, value: value)
                }
                custom.message = nil
            }
            custom.prompt = nil
        } catch {
            custom.message = ("\(error)", true)
        }
        return []
    }
}

// MARK: - View

extension Canvas {
    mutating func subscriptions(_ state: WizardState) {
        let custom = state.customized
        screen.cursor = nil
        // The message (or question) is wrapped whole above the prompt line; the panes end above it.
        var messageLines: [(String, Style)] = []
        if custom.confirmDiscard {
            messageLines = Screen.wrap("Discard your changes to this subscription? (y = discard, n = keep editing)", width: width - 2 * left)
                .map { ($0, Style(.warning, bold: true)) }
        } else if let message = custom.message {
            messageLines = Screen.wrap(message.text, width: width - 2 * left)
                .map { ($0, Style(message.isError ? .error : .success)) }
        }
        let messageTop = height - 2 - max(1, messageLines.count)
        if let editor = custom.editor {
            screen.write("Edit \"\(editor.original.name)\" (\(editor.original.action.displayName))", column: left, row: 3,
                         style: Style(.title, bold: true), maxWidth: width - 2 * left)
            let frameTop = 4
            editor.render(into: &screen, frame: PaneFrame(column: left, row: frameTop, width: width - 2 * left, height: messageTop - frameTop),
                          rawInput: custom.triggerInput)
        } else {
            screen.write("Step 3 of 4: Subscriptions (Customized Setup)", column: left, row: 3, style: Style(.title, bold: true))
            screen.write("Which events this destination sends to CleverTap, and how. [x] = enabled.", column: left, row: 4, style: Style(.subtle))
            custom.list.render(into: &screen, frame: PaneFrame(column: left, row: bodyTop, width: width - 2 * left, height: messageTop - bodyTop))
        }
        for (index, (line, style)) in messageLines.enumerated() {
            screen.write(line, column: left, row: messageTop + index, style: style, maxWidth: width - 2 * left)
        }
        if let prompt = custom.prompt {
            let labelWidth = DisplayWidth.of(prompt.label) + 1
            screen.write(prompt.label, column: left, row: height - 2, style: Style(.accent, bold: true))
            let fieldWidth = width - 2 * left - labelWidth
            let (shown, cursorColumn) = prompt.input.visible(width: fieldWidth - 1)
            screen.fill(column: left + labelWidth, row: height - 2, width: fieldWidth, height: 1, style: Style(.focused))
            screen.write(shown, column: left + labelWidth, row: height - 2, style: Style(.focused), maxWidth: fieldWidth)
            screen.cursor = (left + labelWidth + cursorColumn, height - 2)
        }
    }
}
