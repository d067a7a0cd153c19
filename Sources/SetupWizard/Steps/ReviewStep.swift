import CleverTapCore
import TerminalUI

extension Wizard {
    // MARK: - Step 4: review

    /// Something that blocks saving, with the step where it is fixed.
    public struct Problem: Sendable, Hashable {
        public var step: WizardStep
        public var message: String
    }

    /// Everything that must be fixed before saving.
    public static func problems(_ state: WizardState) -> [Problem] {
        var problems: [Problem] = []
        if state.chosenSource == nil {
            problems.append(Problem(step: .source, message: state.source.creating
                ? "The new source is not created yet; name it and press Enter."
                : "No source chosen."))
        }
        problems += state.credentials.problems(passcodeVariable: state.passcodeVariable)
            .map { Problem(step: .credentials, message: $0.message) }
        // Anything else the core's setup rules refuse (the same rules `setup --non-interactive` follows).
        if problems.isEmpty, case .failure(let error)? = pendingSetup(state) {
            problems.append(Problem(step: .review, message: error.description))
        }
        return problems
    }

    /// One row of the Review summary: what it is, its value, and the step that changes it.
    struct ReviewRow: Sendable, Hashable {
        var label: String
        var value: String
        var step: WizardStep?
    }

    /// What Review shows, for the full screen and plain mode alike: the rows, the subscriptions
    /// (one line each), and the row they follow. `passcode` says how an entered passcode is shown
    /// (masked on screen; plain mode, whose output is often a log, shows nothing of it).
    static func reviewSummary(_ state: WizardState, passcode shown: (String) -> String)
        -> (rows: [ReviewRow], subscriptions: [String], subscriptionsAfter: Int) {
        let pending = try? pendingSetup(state)?.get()
        let credentials = state.credentials
        var rows = [
            ReviewRow(label: "Destination", value: pending?.destination.name ?? "(not decided yet)"),
            ReviewRow(label: "Source", value: state.chosenSource.map {
                "\($0.name) (\($0.type.displayName))\(state.source.created != nil ? ", new" : "")"
            } ?? "none", step: .source),
            ReviewRow(label: "Project ID", value: credentials.projectID.text.isEmpty ? "(empty)" : credentials.projectID.text.trimmingWhitespace(),
                      step: .credentials),
            ReviewRow(label: "Passcode", value: credentials.passcode.text.isEmpty
                ? state.passcodeVariable.map { "from $\($0)" } ?? "(empty)"
                : shown(credentials.passcode.text), step: .credentials),
        ]
        switch credentials.endpoint {
        case .region(let region):
            rows.append(ReviewRow(label: "Region", value: "\(region.displayName) (\(region.code)), \(region.apiBaseURL)", step: .credentials))
        case .custom(let url):
            rows.append(ReviewRow(label: "Endpoint", value: url.isEmpty ? "(empty)" : url, step: .credentials))
        }
        rows.append(ReviewRow(label: "Setup mode", value: state.setupMode.mode == .quick ? "Quick Setup" : "Customized Setup", step: .setupMode))
        let subscriptions = pending?.destination.subscriptions ?? []
        rows.append(ReviewRow(label: "Subscriptions", value: subscriptions.isEmpty ? "none" : "\(subscriptions.count)", step: .setupMode))
        let after = rows.count - 1
        rows.append(ReviewRow(label: "Saved to", value: state.configPath))
        let lines = subscriptions.map { "\($0.name): \($0.action.displayName) when \($0.trigger)\($0.enabled ? "" : " (disabled)")" }
        return (rows, lines, after)
    }

    static func handleReview(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        key == .enter ? save(&state) : []
    }

    /// Writes the setup, unless a step still has a problem (Enter on Review, or plain mode's Save).
    static func save(_ state: inout WizardState) -> [WizardEffect] {
        guard problems(state).isEmpty, let request = setupRequest(state) else {
            state.saveError = "Fix the problems listed above first."
            return []
        }
        state.saveError = nil
        state.saving = true
        return [.save(request)]
    }

    /// What saving asks the core to do: the same `SetupRequest` that `setup --non-interactive`
    /// builds, so both follow one set of rules. nil while no source is chosen.
    public static func setupRequest(_ state: WizardState) -> SetupRequest? {
        guard let source = state.chosenSource else { return nil }
        let credentials = state.credentials
        let passcode: PasscodeSource
        if credentials.passcode.text.isEmpty, let variable = state.passcodeVariable {
            passcode = .environment(variable: variable)
        } else {
            passcode = .inline((try? Passcode.validate(credentials.passcode.text)) ?? Secret(credentials.passcode.text))
        }
        var request = SetupRequest(sourceName: source.name, sourceType: state.source.created?.type, projectID: credentials.projectID.text,
                                   passcode: passcode, createSource: state.source.created != nil,
                                   destinationID: state.editingDestinationID, numberIfTaken: true, identifiers: state.identifiers)
        switch credentials.endpoint {
        case .region(let region): request.region = region.code
        case .custom(let url): request.endpoint = url
        }
        // An existing destination whose subscriptions were not touched keeps them as they are.
        if state.editingDestinationID == nil || state.setupMode.changed {
            if state.setupMode.mode == .quick {
                request.quick = true
                request.events = state.setupMode.events
            } else {
                request.subscriptions = state.customized.list.subscriptions
            }
        }
        return request
    }

    /// The setup as saving would apply it to the workspace loaded (Review shows it); the reason
    /// when the core refuses it.
    public static func pendingSetup(_ state: WizardState) -> Result<SetupOutcome, SetupError>? {
        guard let request = setupRequest(state) else { return nil }
        return Result { () throws(SetupError) -> SetupOutcome in try state.workspace.applying(request) }
    }

    // MARK: - Saved

    static func handleSaved(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        switch key {
        case .enter, .escape:
            return [.exit(quitOutcome(state, discarding: false))]
        case .character("m"):
            state.menuSelection = 0
            state.phase = .menu
        default:
            break
        }
        return []
    }
}

extension Canvas {
    mutating func reviewStep(_ state: WizardState) {
        var row = bodyTop
        let summary = Wizard.reviewSummary(state, passcode: { Secret($0).masked })
        for (index, item) in summary.rows.enumerated() {
            if let step = item.step { screen.write("\(step.rawValue + 1)", column: left, row: row, style: Style(.subtle)) }
            screen.write(item.label, column: left + 2, row: row, style: Style(.accent))
            screen.write(item.value, column: valueColumn, row: row, maxWidth: width - valueColumn - left)
            row += 1
            // The subscriptions, up to four, under their count; the file last.
            guard index == summary.subscriptionsAfter else { continue }
            for subscription in summary.subscriptions.prefix(4) {
                screen.write("• " + subscription, column: valueColumn, row: row, maxWidth: width - valueColumn - left)
                row += 1
            }
        }
        row += 1
        let problems = Wizard.problems(state)
        if problems.isEmpty {
            if state.saving {
                screen.write("\(Wizard.spinnerFrames[state.spinnerFrame % Wizard.spinnerFrames.count]) Saving…", column: left, row: row, style: Style(.accent))
            } else {
                screen.write("Ready. Press Enter to save.", column: left, row: row, style: Style(.success))
            }
            row += 1
        } else {
            screen.write("Fix before saving:", column: left, row: row, style: Style(.error, bold: true))
            row += 1
            for problem in problems where row < height - 3 {
                row = paragraph("✗ step \(problem.step.rawValue + 1) (\(problem.step.title)): \(problem.message)", row: row, style: Style(.error))
            }
        }
        if let error = state.saveError {
            _ = paragraph("✗ " + error, row: row, style: Style(.error))
        }
        screen.cursor = nil
    }

    mutating func saved(_ state: WizardState) {
        screen.write("✓ Saved", column: left, row: 3, style: Style(.success, bold: true))
        screen.write("The workspace is written to:", column: left, row: 5)
        screen.write(state.savedPath ?? state.configPath, column: left + 2, row: 6, style: Style(.accent, bold: true),
                     maxWidth: width - 2 * left - 2)
        var row = 8
        if let source = state.savedNewSource {
            // Shown now that it exists; it stays visible under the source on step 1.
            screen.write("New source \(source.name): its write key (for the SDK sending events):", column: left, row: row,
                         maxWidth: width - 2 * left)
            screen.write(source.writeKey, column: left + 2, row: row + 1, style: Style(.accent, bold: true))
            row += 3
        }
        if let command = state.savedCommand {
            screen.write("The same setup as a command (the passcode comes from the environment):", column: left, row: row)
            row = paragraph(command, row: row + 1, style: Style(.accent), indent: left + 2)
        }
        _ = paragraph("Press Enter to finish; the command is printed again after the wizard closes.", row: row + 1, style: Style(.subtle))
        screen.cursor = nil
    }

}
