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

    static func openSubscriptions(_ state: inout WizardState) {
        // An existing destination's subscriptions (Quick or not) are the starting point; a new
        // destination starts with none. Filled once, so what the user builds is kept.
        if !state.customized.loaded {
            let existing = state.editingDestinationID.flatMap { id in state.workspace.destinations.first { $0.id == id } }
            state.customized.list = SubscriptionListEditor(subscriptions: existing?.subscriptions ?? [])
            state.customized.loaded = true
        }
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
        case .character("u"):
            custom.prompt = LinePrompt(purpose: .addSubscription(.userUpload), label: "Name of the new User Upload:",
                                       input: TextInput(freeName("User Upload", custom.list)))
        case .character("d"):
            custom.prompt = LinePrompt(purpose: .addSubscription(.userDelete), label: "Name of the new Delete User:",
                                       input: TextInput(freeName("Delete User", custom.list)))
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
        case .enter, .character("e"):
            if let selected = custom.list.selected { openEditor(selected, &custom, state) }
        case .character("n"), .tab:
            state.customized = custom
            advance(from: .setupMode, &state)
            custom = state.customized
        case .escape, .backTab:
            state.phase = .step(.setupMode)
        default: break
        }
        return []
    }

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

    private static func answerPrompt(_ prompt: LinePrompt, _ key: Key, _ custom: inout CustomizedSetupState,
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

    // MARK: - Subscription editor

    private static func openEditor(_ subscription: Subscription, _ custom: inout CustomizedSetupState, _ state: WizardState) {
        let editor = SubscriptionEditor(subscription: subscription, samples: SampleEventPicker(now: state.sampleTime))
        custom.editor = editor
        custom.triggerInput = TextInput(editor.trigger.text)
        custom.suggestionIndex = 0
        custom.message = nil
        custom.confirmDiscard = false
    }

    private static func handleSubscriptionEditor(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        var custom = state.customized
        defer { state.customized = custom }
        guard var editor = custom.editor else { return [] }
        defer { if custom.editor != nil { custom.editor = editor } }
        if let prompt = custom.prompt {
            custom.editor = editor
            let effects = answerPrompt(prompt, key, &custom, &state)
            editor = custom.editor ?? editor
            return effects
        }
        if custom.confirmDiscard {
            custom.confirmDiscard = false
            if key == .character("y") || key == .character("Y") {
                custom.editor = nil
                custom.message = ("Discarded the changes to \"\(editor.original.name)\".", false)
            }
            return []
        }
        switch key {
        case .ctrl("s"), .function(2):
            do {
                let saved = try editor.save()
                try custom.list.update(saved)
                custom.editor = nil
                custom.message = ("Saved \"\(saved.name)\".", false)
                markChanged(&state)
            } catch let error as SubscriptionSaveError {
                custom.message = ("Not saved: \(error)", true)
            } catch {
                custom.message = ("Not saved: \(error)", true)
            }
            return []
        case .escape:
            if editor.hasChanges {
                custom.confirmDiscard = true
            } else {
                custom.editor = nil
            }
            return []
        case .tab, .backTab:
            editor.focus = editor.focus == .trigger ? .mapping : .trigger
            return []
        case .ctrl("n"), .pageDown:
            editor.nextSample()
            return []
        case .ctrl("p"), .pageUp:
            editor.previousSample()
            return []
        case .ctrl("o"):
            return [.editSample(editor.samples.editableText)]
        case .ctrl("t"):
            if editor.trigger.mode == .builder {
                editor.editTrigger { $0.switchToRaw() }
                custom.triggerInput = TextInput(editor.trigger.text)
            } else {
                editor.editTrigger { $0.switchToBuilder() }
            }
            editor.focus = .trigger
            return []
        default:
            break
        }
        switch editor.focus {
        case .trigger:
            if editor.trigger.mode == .raw {
                var input = custom.triggerInput
                if input.handle(key) {
                    custom.triggerInput = input
                    editor.editTrigger { $0.setRawText(input.text) }
                }
                return []
            }
            switch key {
            case .up: editor.editTrigger { $0.moveFocus(by: -1) }
            case .down: editor.editTrigger { $0.moveFocus(by: 1) }
            case .character("j"):
                editor.editTrigger { $0.setJoin($0.builder.join == .all ? .any : .all) }
            case .character("a"):
                custom.prompt = LinePrompt(purpose: .condition(index: nil), label: "Condition (field op value):",
                                           input: TextInput(#"event = """#))
            case .enter:
                let conditions = editor.trigger.builder.conditions
                let index = editor.trigger.focusedCondition
                if conditions.indices.contains(index) {
                    custom.prompt = LinePrompt(purpose: .condition(index: index), label: "Condition (field op value):",
                                               input: TextInput(conditions[index].text))
                }
            case .character("x"), .delete:
                editor.editTrigger { $0.removeCondition(at: $0.focusedCondition) }
            default: break
            }
        case .mapping:
            let row = editor.mapping.rows[editor.mapping.focusedRow]
            let fieldKey = row.field.key
            switch key {
            case .up:
                editor.editMapping { $0.moveFocus(by: -1) }
                custom.suggestionIndex = 0
            case .down:
                editor.editMapping { $0.moveFocus(by: 1) }
                custom.suggestionIndex = 0
            case .enter:
                let current: String
                switch row.mapping {
                case .value(.path(let path)): current = path
                case .value(.template(let template)): current = template
                case .value(.literal(.string(let text))): current = text
                default: current = ""
                }
                custom.prompt = LinePrompt(purpose: .fieldValue(key: fieldKey),
                                           label: "\(row.field.label) ($path, {{template}} or text):", input: TextInput(current))
            case .character("s"):
                let suggestions = editor.mapping.suggestions(for: fieldKey)
                guard !suggestions.isEmpty else { break }
                let suggestion = suggestions[custom.suggestionIndex % suggestions.count]
                try? editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
                    try mapping.choose(suggestion, for: fieldKey)
                }
                custom.suggestionIndex += 1
                custom.message = ("\(row.field.label) ← \(suggestion.path) (s again for the next suggestion)", false)
            case .character("k"):
                do {
                    try editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
                        try mapping.switchToKeyByKey(fieldKey)
                    }
                } catch { custom.message = ("\(error)", true) }
            case .character("a"):
                guard row.field.type == .object else {
                    custom.message = ("Attributes are added to Person Attributes; move there first.", true)
                    break
                }
                let next = editor.mapping.unusedProfileKeys.first.map { "\($0.key)=" } ?? ""
                custom.prompt = LinePrompt(purpose: .addAttribute, label: "Attribute Key=value:", input: TextInput(next))
            case .character("x"), .delete:
                if let last = editor.mapping.attributes?.last, row.field.type == .object {
                    try? editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
                        try mapping.removeAttribute(last.key)
                    }
                } else {
                    try? editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
                        try mapping.setMapping(.unmapped, for: fieldKey)
                    }
                }
            case .character("t"):
                editor.editMapping { $0.convertTimestamps.toggle() }
            default: break
            }
        }
        return []
    }
}

// MARK: - View

extension Wizard {
    static func subscriptionsFooter(_ state: WizardState) -> String {
        let custom = state.customized
        if custom.prompt != nil { return "Enter accept · Esc cancel · Ctrl-A/E/K/U/W edit" }
        if custom.confirmDiscard || custom.list.pendingDeletion != nil { return "y yes · n no" }
        guard let editor = custom.editor else {
            return "↑↓ · u/d add · r rename · Space on/off · x delete · Enter edit · n next · ?"
        }
        switch (editor.focus, editor.trigger.mode) {
        case (.mapping, _): return "Enter type · s suggest · k/a/x keys · t ts · Tab · ^T raw · ^S save · ? help"
        case (.trigger, .builder): return "↑↓ · a add · Enter edit · x remove · j all/any · Tab · ^T raw · ^S save · ?"
        case (.trigger, .raw): return "Tab mapping · ^T builder · ^N/^P sample · ^S save · Esc close · F1 help"
        }
    }

    /// The help overlay's lines on the Customized Setup screens.
    static let subscriptionsHelp = [
        "List: u / d      add a User Upload / Delete User subscription (named)",
        "      r, Space   rename; enable or disable",
        "      x, Enter   delete (asks y/n); open the trigger and mapping editor",
        "      n, Tab     next step (Review);  Esc  back to Setup mode",
        "Editor: Tab      switch between the trigger and the mapping",
        "  Ctrl-T         trigger: builder <-> raw text (full trigger language)",
        "  ↑↓ a Enter x   builder: choose, add, edit, remove a condition",
        "  j              builder: ALL or ANY of the conditions",
        "                 e.g. traits.plan != \"free\", properties.total > 100",
        "  ↑↓ Enter       mapping: choose a field, type $path, {{template}} or text",
        "  s              apply the next suggestion from the sample event",
        "  k / a / x      Person Attributes key by key / add Key=value / remove",
        "  t              Convert Timestamps on or off",
        "  Ctrl-N/P, PgDn/PgUp  next / previous sample event",
        "  Ctrl-O         edit the sample event in $EDITOR (VISUAL, EDITOR or vi)",
        "  Ctrl-S or F2   save (refused while a required field is unmapped)",
        "  Esc            close (asks before dropping changes)",
    ]
}

extension Canvas {
    mutating func subscriptions(_ state: WizardState) {
        let custom = state.customized
        screen.cursor = nil
        if let editor = custom.editor {
            screen.write("Edit \"\(editor.original.name)\" (\(editor.original.action.displayName))", column: left, row: 3,
                         style: Style(.title, bold: true), maxWidth: width - 2 * left)
            let frameTop = 4
            let bottom = height - 3  // message line, prompt line, footer
            editor.render(into: &screen, frame: PaneFrame(column: left, row: frameTop, width: width - 2 * left, height: bottom - frameTop))
            if editor.focus == .trigger, editor.trigger.mode == .raw {
                // The trigger's raw text line is the pane's second row; the cursor sits in it.
                let column = left + 2 + DisplayWidth.of(String(custom.triggerInput.text.prefix(custom.triggerInput.cursor)))
                screen.cursor = (min(width - 1, column), frameTop + 3)
            }
        } else {
            screen.write("Step 3 of 4: Subscriptions (Customized Setup)", column: left, row: 3, style: Style(.title, bold: true))
            screen.write("Which events this destination sends to CleverTap, and how. [x] = enabled.", column: left, row: 4, style: Style(.subtle))
            custom.list.render(into: &screen, frame: PaneFrame(column: left, row: bodyTop, width: width - 2 * left, height: height - bodyTop - 3))
        }
        if custom.confirmDiscard {
            screen.write("Discard your changes to this subscription? (y = discard, n = keep editing)", column: left, row: height - 3,
                         style: Style(.warning, bold: true), maxWidth: width - 2 * left)
        } else if let message = custom.message {
            screen.write(message.text, column: left, row: height - 3, style: Style(message.isError ? .error : .success),
                         maxWidth: width - 2 * left)
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
