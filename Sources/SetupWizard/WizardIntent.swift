import CleverTapCore
import TerminalUI

/// What a person means, said without keys. Plain mode answers with these instead of the
/// keystrokes the full-screen wizard would get, so moving a field, reordering a list or rebinding
/// a key cannot silently change what an answer does. The full-screen keys reach the same code
/// (each step's `perform` and the functions below), so both modes follow one set of rules. An
/// intent that does not fit what is on screen changes nothing.
public enum WizardIntent: Sendable, Hashable {
    /// q: quit (asks first when something is unsaved).
    case requestQuit
    /// "Quit without saving?" answered.
    case quit(confirmed: Bool)
    /// "Leave this destination?" answered: discard what was entered, or keep editing.
    case leaveDestination(discard: Bool)
    /// Back one step (or out of the new-source form): what Esc does inside a step.
    case back
    /// Closes the help overlay.
    case closeHelp
    /// The menu's row `index` chosen, and acted on.
    case menu(row: Int)
    case source(SourceStepState.Intent)
    case credentials(CredentialsStepState.Intent)
    case setupMode(SetupModeStepState.Intent)
    /// Review: write the setup.
    case save
    /// Review: go to a step already reached, to change it.
    case edit(WizardStep)
    /// The test-send result: back to the menu.
    case closeTestSend
    /// The test-send result: send the same request again.
    case sendTestAgain
    /// After saving: end the run.
    case finish
    /// After saving: go on in the menu.
    case backToMenu
}

extension Wizard {
    static func perform(_ intent: WizardIntent, _ state: inout WizardState) -> [WizardEffect] {
        if state.saving { return [] }  // as with keys: input waits while the file is written
        switch (intent, state.overlay) {
        case (.quit(let confirmed), .confirmQuit?):
            state.overlay = nil
            return confirmed ? [.exit(quitOutcome(state, discarding: true))] : []
        case (.leaveDestination(let discard), .confirmLeave?):
            state.overlay = nil
            if discard { discardDestinationEdits(&state) }
            return []
        case (.closeHelp, .help?):
            state.overlay = nil
            return []
        case (.back, .confirmQuit?), (.back, .confirmLeave?):
            // Back out of the question: the answer that changes nothing.
            state.overlay = nil
            return []
        case (_, _?):
            return []  // an open question takes only its own answers
        case (_, nil):
            break
        }
        switch (intent, state.phase) {
        case (.requestQuit, _):
            return requestQuit(&state)
        case (.menu(let row), .menu):
            guard menuEntries(state).indices.contains(row) else { return [] }
            selectMenuRow(row, &state)
            return activateMenuSelection(&state)
        case (.back, .step(let step)):
            return back(from: step, &state)
        case (.source(let sourceIntent), .step(.source)):
            let result = state.source.perform(sourceIntent, sources: state.workspace.sources, identifiers: state.identifiers,
                                              isNewDestination: state.editingDestinationID == nil)
            return apply(result, from: .source, &state)
        case (.credentials(let credentialsIntent), .step(.credentials)):
            return apply(state.credentials.perform(credentialsIntent, passcodeVariable: state.passcodeVariable),
                         from: .credentials, &state)
        case (.setupMode(let modeIntent), .step(.setupMode)):
            let result = state.setupMode.perform(modeIntent, replacingAsks: !customSubscriptionsAreQuickSetup(state))
            return apply(result, from: .setupMode, &state)
        case (.save, .step(.review)):
            return save(&state)
        case (.edit(let step), .step(.review)):
            if step <= state.furthestStep { state.phase = .step(step) }
            return []
        case (.closeTestSend, .testSend):
            guard state.testSend?.isRunning != true else { return [] }
            state.phase = .menu
            return []
        case (.sendTestAgain, .testSend):
            guard let test = state.testSend, !test.isRunning else { return [] }
            return resendTest(test, &state)
        case (.finish, .saved):
            return [.exit(quitOutcome(state, discarding: false))]
        case (.backToMenu, .saved):
            state.menuSelection = 0
            state.phase = .menu
            return []
        default:
            return []
        }
    }
}
