import CleverTapCore
import TerminalUI

/// The wizard's logic: a pure function of state and message. No I/O, no clock, no randomness;
/// anything of that kind is returned as a `WizardEffect` and its result comes back as a message.
public enum Wizard {
    /// Below this size the step is replaced by a request to enlarge the terminal.
    public static let minimumSize = Size(columns: 80, rows: 24)

    public static func update(_ state: inout WizardState, _ message: WizardMessage) -> [WizardEffect] {
        switch message {
        case .tick:
            if state.isBusy { state.spinnerFrame &+= 1 }
            return []
        case .verified(let result):
            guard state.credentials.verification == .running else { return [] }
            switch result {
            case .accepted(let text): state.credentials.verification = .succeeded(text)
            case .rejected(let text): state.credentials.verification = .failed(text)
            }
            return []
        case .saved(let path, let outcome):
            guard state.saving else { return [] }
            state.saving = false
            state.hasUnsavedChanges = false
            state.savedThisRun = true
            state.savedPath = path
            state.savedCommand = NonInteractiveCommand.make(source: outcome.source, destination: outcome.destination, configPath: path)
            state.savedNewSource = outcome.createdSource ? outcome.source : nil
            // The file as it is now, including what other runs wrote meanwhile.
            state.workspace = outcome.workspace
            state.editingDestinationID = outcome.destination.id
            state.source.created = nil
            state.source.creating = false
            state.source.selection = outcome.workspace.sources.firstIndex { $0.id == outcome.source.id } ?? 0
            state.setupMode.changed = false
            state.customized.loaded = false
            state.phase = .saved
            return []
        case .saveFailed(let reason):
            state.saving = false
            state.saveError = reason
            return []
        case .sampleEdited(let text):
            guard var editor = state.customized.editor else { return [] }
            let accepted = editor.acceptEditedSample(text)
            state.customized.editor = editor
            state.customized.message = accepted ? ("The edited sample is in use.", false) : nil
            return []
        case .sampleEditFailed(let reason):
            state.customized.message = (reason, true)
            return []
        case .testSendRetrying(let notice):
            guard state.testSend?.isRunning == true else { return [] }
            state.testSend?.retry = notice
            return []
        case .testSendFinished(let summary):
            guard state.testSend?.isRunning == true else { return [] }
            state.testSend?.summary = summary
            state.testSend?.scroll = 0
            return []
        case .deliveryRead(let generation, let reading):
            return deliveryRead(generation, reading, &state)
        case .key(let key):
            return handle(key, &state)
        case .intent(let intent):
            if let size = state.screenSize, size.columns < minimumSize.columns || size.rows < minimumSize.rows { return [] }
            return perform(intent, &state)
        }
    }

    // MARK: - Keys

    private static func handle(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        if case .resize(let columns, let rows) = key {
            state.screenSize = Size(columns: columns, rows: rows)
            return []
        }
        if let size = state.screenSize, size.columns < minimumSize.columns || size.rows < minimumSize.rows {
            // Only the "enlarge the terminal" text is on screen: nothing may act unseen. Ctrl-C
            // still leaves when nothing would be lost.
            return key == .ctrl("c") && !state.hasUnsavedChanges ? requestQuit(&state) : []
        }
        if let overlay = state.overlay {
            switch overlay {
            case .help:
                state.overlay = nil
            case .confirmQuit:
                switch key {
                case .character("y"), .character("Y"):
                    state.overlay = nil
                    return [.exit(quitOutcome(state, discarding: true))]
                case .character("n"), .character("N"), .escape, .ctrl("c"):
                    state.overlay = nil
                default:
                    break
                }
            case .confirmLeave:
                switch key {
                case .character("d"), .character("D"), .character("y"), .character("Y"):
                    state.overlay = nil
                    discardDestinationEdits(&state)
                case .character("k"), .character("K"), .character("n"), .character("N"), .escape:
                    state.overlay = nil
                case .ctrl("c"):
                    state.overlay = nil
                    return requestQuit(&state)
                default:
                    break
                }
            }
            return []
        }
        if key == .ctrl("c") { return requestQuit(&state) }
        if key == .function(1) {
            state.overlay = .help
            return []
        }
        if state.saving { return [] }  // input waits while the file is written
        if !isEditingText(state) {
            switch key {
            case .character("q"): return requestQuit(&state)
            case .character("?"):
                state.overlay = .help
                return []
            default: break
            }
        }
        switch state.phase {
        case .menu: return handleMenu(key, &state)
        case .saved: return handleSaved(key, &state)
        case .testSend: return handleTestSend(key, &state)
        case .delivery: return handleDelivery(key, &state)
        case .subscriptions: return handleSubscriptions(key, &state)
        case .step(let step):
            // Esc is the only way back a step; Shift-Tab is "previous field" inside a step.
            if key == .escape && state.credentials.pendingProjectID == nil {
                return back(from: step, &state)
            }
            if !isEditingText(state), case .character(let character) = key, let number = character.wholeNumberValue,
               let target = WizardStep(rawValue: number - 1), target <= state.furthestStep {
                state.phase = .step(target)
                return []
            }
            switch step {
            case .source:
                let result = state.source.update(key, sources: state.workspace.sources, identifiers: state.identifiers,
                                                 isNewDestination: state.editingDestinationID == nil)
                return apply(result, from: .source, &state)
            case .credentials:
                return apply(state.credentials.update(key, passcodeVariable: state.passcodeVariable), from: .credentials, &state)
            case .setupMode:
                let result = state.setupMode.update(key, replacingAsks: !customSubscriptionsAreQuickSetup(state))
                return apply(result, from: .setupMode, &state)
            case .review: return handleReview(key, &state)
            }
        }
    }

    /// True when the focus is on a text field, where q, ? and digits are text, not shortcuts.
    public static func isEditingText(_ state: WizardState) -> Bool {
        switch state.phase {
        case .step(.source): return state.source.creating && state.source.focus == .name
        case .step(.credentials):
            return [.dashboardURL, .projectID, .passcode, .customURL].contains(state.credentials.focus)
        case .subscriptions: return customizedTakesText(state)
        default: return false
        }
    }

    static func requestQuit(_ state: inout WizardState) -> [WizardEffect] {
        if state.hasUnsavedChanges {
            state.overlay = .confirmQuit
            return []
        }
        return [.exit(quitOutcome(state, discarding: false))]
    }

    /// How quitting now ends the run: what was saved this run, if anything, and whether
    /// entered changes are dropped.
    static func quitOutcome(_ state: WizardState, discarding: Bool) -> WizardOutcome {
        if state.savedThisRun, let path = state.savedPath {
            return .saved(path: path, command: state.savedCommand ?? "", discardedLaterChanges: discarding)
        }
        return .quitWithoutSaving(discardedChanges: discarding)
    }

    /// Esc inside a step: out of the new-source form, else the previous step (asking before
    /// leaving an edited destination for the menu). A pending "Replace the Project ID?" is answered no.
    static func back(from step: WizardStep, _ state: inout WizardState) -> [WizardEffect] {
        if step == .credentials && state.credentials.pendingProjectID != nil {
            return apply(state.credentials.perform(.replaceProjectID(false), passcodeVariable: state.passcodeVariable),
                         from: .credentials, &state)
        }
        if step == .source && state.source.closeForm(sources: state.workspace.sources) { return [] }
        goBack(from: step, &state)
        return []
    }

    private static func goBack(from step: WizardStep, _ state: inout WizardState) {
        if let previous = WizardStep(rawValue: step.rawValue - 1) {
            state.phase = .step(previous)
        } else if !state.workspace.destinations.isEmpty {
            // Leaving the destination for the menu drops what was entered: ask first.
            if state.hasUnsavedChanges {
                state.overlay = .confirmLeave
            } else {
                state.phase = .menu
            }
        }
    }

    /// "Discard" on leaving a destination: back to the menu with nothing pending.
    static func discardDestinationEdits(_ state: inout WizardState) {
        state.hasUnsavedChanges = false
        state.source = SourceStepState()
        state.credentials = CredentialsStepState()
        state.setupMode = SetupModeStepState()
        state.customized = CustomizedSetupState()
        state.editingDestinationID = nil
        state.saveError = nil
        state.phase = .menu
    }

    /// Applies what a step's update reported: unsaved edits, and moving on.
    static func apply(_ result: StepResult, from step: WizardStep, _ state: inout WizardState) -> [WizardEffect] {
        if result.changed { state.hasUnsavedChanges = true }
        if result.openSubscriptions { openSubscriptions(&state) } else if result.next { advance(from: step, &state) }
        return result.effects
    }

    static func advance(from step: WizardStep, _ state: inout WizardState) {
        guard let next = WizardStep(rawValue: step.rawValue + 1) else { return }
        state.phase = .step(next)
        state.furthestStep = max(state.furthestStep, next)
    }

    /// Opens an existing destination at Review, with every step filled in; digits or
    /// Shift-Tab reach any step.
    static func startEditing(_ destination: Destination, _ state: inout WizardState) {
        state.editingDestinationID = destination.id
        var source = SourceStepState()
        source.selection = state.workspace.sources.firstIndex { $0.id == destination.sourceID } ?? 0
        state.source = source
        var credentials = CredentialsStepState()
        credentials.projectID.set(destination.projectID)
        state.passcodeVariable = nil
        switch destination.passcode {
        case .inline(let secret): credentials.passcode.set(secret.revealed)
        case .environment(let variable): state.passcodeVariable = variable
        }
        switch destination.endpoint {
        case .region(let region):
            credentials.regionIndex = Region.catalog.firstIndex(of: region) ?? 0
        case .custom(let url):
            credentials.regionIndex = Region.catalog.count
            credentials.customURL.set(url)
        }
        state.credentials = credentials
        var mode = SetupModeStepState()
        mode.mode = destination.setupMode
        mode.highlight = destination.setupMode
        mode.events = destination.setupMode == .quick && destination.subscriptions.contains { $0.action == .userEvent }
        state.setupMode = mode
        state.customized = CustomizedSetupState()
        loadSubscriptions(&state)
        state.furthestStep = .review
        state.phase = .step(.review)
        state.saveError = nil
    }

    static func startNewDestination(_ state: inout WizardState) {
        state.editingDestinationID = nil
        state.source = SourceStepState()
        if state.workspace.sources.isEmpty {
            state.source.creating = true
            state.source.focus = .name
        }
        state.credentials = CredentialsStepState()
        state.setupMode = SetupModeStepState()
        state.customized = CustomizedSetupState()
        loadSubscriptions(&state)
        state.passcodeVariable = nil
        state.furthestStep = .source
        state.saveError = nil
        state.phase = .step(.source)
    }
}
