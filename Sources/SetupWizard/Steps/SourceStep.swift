import CleverTapCore
import TerminalUI

/// Step 1: pick a source of the workspace or create one.
public struct SourceStepState: Sendable, Hashable {
    public enum Focus: Sendable, Hashable { case list, name, type }

    /// Index into the workspace's sources; `sources.count` means "Create a new source".
    public var selection = 0
    /// True while the new-source form (name, type) is open.
    public var creating = false
    public var focus: Focus = .list
    public var name = TextInput()
    public var typeIndex = 0
    /// The new source this run will create (made when the form is submitted; written on save).
    public var created: Source?
    public var error: String?

    public var type: SourceType { SourceType.allCases[typeIndex] }

    /// Step 1 said without keys.
    public enum Intent: Sendable, Hashable {
        /// Row `index` of the source list chosen ("Create a new source" is the last row).
        case choose(Int)
        /// The new source's name (nil keeps what is there), then on to its type.
        case name(String?)
        /// The new source's type chosen (an index into `SourceType.allCases`): the form is submitted.
        case type(Int)
    }
}

/// What a step's `update` tells the wizard around it: effects to run, whether the user changed
/// something (the destination then has unsaved edits), and whether the step is done.
struct StepResult: Sendable, Hashable {
    var effects: [WizardEffect] = []
    var changed = false
    /// The step is finished: the wizard moves on.
    var next = false
    /// Customized Setup chosen: the wizard opens the subscription list.
    var openSubscriptions = false
}

extension SourceStepState {
    /// Step 1's keys. `sources` are the workspace's; `identifiers` name a source created here.
    mutating func update(_ key: Key, sources: [Source], identifiers: SetupIdentifiers, isNewDestination: Bool) -> StepResult {
        let sourceCount = sources.count
        if !creating {
            switch key {
            case .up, .backTab: selection = max(0, selection - 1)
            case .down, .tab: selection = min(sourceCount, selection + 1)
            case .enter:
                return chooseSelection(sourceCount: sourceCount, isNewDestination: isNewDestination)
            default: break
            }
            return StepResult()
        }
        switch (focus, key) {
        case (.name, .tab), (.name, .down), (.name, .backTab):
            focus = .type
        case (.type, .tab), (.type, .backTab):
            focus = .name
        case (.type, .up), (.list, .up):
            if focus == .type && typeIndex > 0 {
                typeIndex -= 1
                return StepResult(changed: true)
            }
            focus = .name
        case (.type, .down):
            typeIndex = min(SourceType.allCases.count - 1, typeIndex + 1)
            return StepResult(changed: true)
        case (.name, .up):
            if sourceCount > 0 {
                creating = false
                selection = sourceCount
                focus = .list
            }
        case (_, .enter):
            return submit(sources: sources, identifiers: identifiers)
        case (.name, _):
            if name.handle(key) {
                if error != nil { error = nameProblem(sources: sources) }
                return StepResult(changed: true)
            }
        default:
            break
        }
        return StepResult()
    }

    /// Step 1's intents (plain mode), through the same rules as the keys.
    mutating func perform(_ intent: Intent, sources: [Source], identifiers: SetupIdentifiers, isNewDestination: Bool) -> StepResult {
        switch intent {
        case .choose(let index):
            guard !creating, (0...sources.count).contains(index) else { return StepResult() }
            selection = index
            return chooseSelection(sourceCount: sources.count, isNewDestination: isNewDestination)
        case .name(let text):
            guard creating else { return StepResult() }
            var result = StepResult()
            if let text, text != name.text {
                name.set(text.replacingOccurrences(of: "\n", with: " "))
                if error != nil { error = nameProblem(sources: sources) }
                result.changed = true
            }
            // Nothing to name it by: submitting says what is missing.
            if name.text.trimmingWhitespace().isEmpty { return submit(sources: sources, identifiers: identifiers) }
            focus = .type
            return result
        case .type(let index):
            guard creating, SourceType.allCases.indices.contains(index) else { return StepResult() }
            let changedType = index != typeIndex
            typeIndex = index
            var result = submit(sources: sources, identifiers: identifiers)
            result.changed = result.changed || changedType
            return result
        }
    }

    /// The highlighted row chosen: the new-source form, or the source itself (the step is done).
    private mutating func chooseSelection(sourceCount: Int, isNewDestination: Bool) -> StepResult {
        if selection == sourceCount {
            creating = true
            focus = .name
            return StepResult()
        }
        return StepResult(changed: isNewDestination, next: true)
    }

    /// The new-source form submitted: refused in words while the name is missing or taken.
    private mutating func submit(sources: [Source], identifiers: SetupIdentifiers) -> StepResult {
        if let problem = nameProblem(sources: sources) {
            error = problem
            focus = .name
            return StepResult()
        }
        error = nil
        // The source is written (and its write key made known) when the setup is saved.
        created = Source(id: identifiers.sourceID, name: name.text.trimmingWhitespace(), type: type, writeKey: identifiers.writeKey)
        return StepResult(changed: true, next: true)
    }

    /// Esc on the new-source form returns to the list when there is one; true when it did.
    mutating func closeForm(sources: [Source]) -> Bool {
        guard creating && focus != .list && !sources.isEmpty else { return false }
        creating = false
        focus = .list
        return true
    }

    /// Why the typed name cannot be a new source: empty, or taken (ignoring case, the core's rule).
    func nameProblem(sources: [Source]) -> String? {
        let name = name.text.trimmingWhitespace()
        if name.isEmpty { return "Name the source (for example \"Website\" or \"iOS app\")." }
        if Workspace(sources: sources).source(named: name) != nil {
            return "A source named \"\(name)\" already exists; pick it from the list or choose another name."
        }
        return nil
    }
}

extension Canvas {
    mutating func sourceStep(_ state: WizardState) {
        let sourceState = state.source
        var row = bodyTop
        if !sourceState.creating {
            let sources = state.workspace.sources
            let items = sources.map { "\($0.name) (\($0.type.displayName))" } + ["Create a new source"]
            row = list(items, selected: sourceState.selection, row: row, focused: true) + 1
            // The chosen source's details, write key included: what its SDK needs to send events.
            if sourceState.selection < sources.count {
                let chosen = sources[sourceState.selection]
                screen.write("Write key of \(chosen.name):", column: left, row: row, style: Style(.subtle), maxWidth: width - 2 * left)
                screen.write(chosen.writeKey, column: left + 2, row: row + 1, style: Style(.accent))
            }
            return
        }
        textField("Name", sourceState.name, row: row, focused: sourceState.focus == .name, placeholder: "e.g. Website")
        row += 2
        screen.write("Type", column: left, row: row, style: Style(sourceState.focus == .type ? .accent : .normal, bold: sourceState.focus == .type))
        let types = SourceType.allCases.map(\.displayName)
        row = list(types, selected: sourceState.typeIndex, row: row, focused: sourceState.focus == .type, column: valueColumn - 2)
        row += 1
        if let error = sourceState.error {
            row = errors([error], from: row)
        }
        _ = paragraph("The source and its write key are created when you save on Review; the key is shown then.",
                      row: row, style: Style(.subtle))
    }

}
