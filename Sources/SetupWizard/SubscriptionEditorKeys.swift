import CleverTapCore
import TerminalUI

/// The subscription editor's keys inside Customized Setup: its panes (trigger, mapping), the
/// samples, save and close. The list and its line prompts are in CustomizedSetup.swift.
extension Wizard {
    // MARK: - Subscription editor

    static func openEditor(_ subscription: Subscription, _ custom: inout CustomizedSetupState, _ state: WizardState) {
        let editor = SubscriptionEditor(subscription: subscription, samples: SampleEventPicker(now: state.sampleTime))
        custom.editor = editor
        custom.triggerInput = TextInput(editor.trigger.text)
        custom.suggestionIndex = 0
        custom.message = nil
        custom.confirmDiscard = false
    }

    static func handleSubscriptionEditor(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
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
                let suggestions = editor.mapping.mappingSuggestions(for: fieldKey)
                guard !suggestions.isEmpty else { break }
                let suggestion = suggestions[custom.suggestionIndex % suggestions.count]
                try? editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
                    try mapping.setMapping(.value(suggestion), for: fieldKey)
                }
                custom.suggestionIndex += 1
                custom.message = ("\(row.field.label) ← \(suggestion.summary) (s again for the next suggestion)", false)
            case .character("k"):
                do {
                    try editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
                        try mapping.switchToKeyByKey(fieldKey)
                    }
                } catch { custom.message = ("\(error)", true) }
            case .character("a"):
                guard row.field.type == .object else {
                    let target = editor.mapping.objectField?.label ?? "an object field"
                    custom.message = ("Keys are added to \(target); move there first.", true)
                    break
                }
                let next = editor.mapping.unusedKnownKeys.first.map { "\($0)=" } ?? ""
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
