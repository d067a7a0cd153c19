import CleverTapCore
import TerminalUI

extension Wizard {
    static let spinnerFrames: [Character] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]

    /// Draws the state at `size`: a pure function, so tests read the result as text.
    public static func view(_ state: WizardState, size: Size) -> Screen {
        guard size.columns >= minimumSize.columns, size.rows >= minimumSize.rows else {
            return Screen.enlargePrompt(size: size, minimum: minimumSize)
        }
        var canvas = Canvas(screen: Screen(size: size))
        canvas.header(state)
        switch state.phase {
        case .menu: canvas.menu(state)
        case .step(let step):
            canvas.stepTitle(step)
            switch step {
            case .source: canvas.sourceStep(state)
            case .credentials: canvas.credentialsStep(state)
            case .setupMode: canvas.setupModeStep(state)
            case .review: canvas.reviewStep(state)
            }
        case .saved: canvas.saved(state)
        case .testSend: canvas.testSend(state)
        case .subscriptions: canvas.subscriptions(state)
        }
        canvas.footer(footerKeys(state))
        switch state.overlay {
        case .help?: canvas.helpOverlay(state)
        case .confirmQuit?: canvas.confirmQuitOverlay()
        case nil: break
        }
        return canvas.screen
    }

    static func footerKeys(_ state: WizardState) -> String {
        if state.overlay == .confirmQuit { return "y quit without saving · n keep editing" }
        if state.overlay == .help { return "any key closes help" }
        let quit = isEditingText(state) ? "Ctrl-C quit" : "q quit"
        let help = isEditingText(state) ? "F1 help" : "? help"
        switch state.phase {
        case .menu: return "↑↓ choose · Enter open · Space tick · \(help) · \(quit)"
        case .saved: return "Enter finish · m menu · \(quit)"
        case .subscriptions:
            return subscriptionsFooter(state)
        case .testSend:
            return state.testSend?.isRunning == false
                ? "↑↓ PgUp/PgDn scroll · r send again · Enter menu · \(help) · \(quit)"
                : "sending… · Ctrl-C quit"
        case .step(.source):
            return state.source.creating
                ? "Tab/↑↓ move · Enter create/next · Esc back · \(help) · \(quit)"
                : "↑↓ choose · Enter next · Esc back · \(help) · \(quit)"
        case .step(.credentials):
            return "Tab/↑↓ move · Enter next · Ctrl-R reveal · Esc back · \(help) · \(quit)"
        case .step(.setupMode):
            return "↑↓ choose · Space toggle · Enter next · Esc back · \(help) · \(quit)"
        case .step(.review):
            return "Enter save · 1-3 edit a step · Esc back · \(help) · \(quit)"
        }
    }
}

/// Drawing helpers over a `Screen`: layout rows, labelled fields, lists, boxes.
struct Canvas {
    var screen: Screen
    /// Left margin and the column where field values start.
    let left = 2
    let valueColumn = 22
    var width: Int { screen.size.columns }
    var height: Int { screen.size.rows }
    /// First row of a step's body.
    let bodyTop = 6

    init(screen: Screen) { self.screen = screen }

    mutating func header(_ state: WizardState) {
        screen.fill(column: 0, row: 0, width: width, height: 1, style: Style(.footer))
        screen.write(" clevertap-actions setup", column: 0, row: 0, style: Style(.footer, bold: true))
        let title = state.editingDestinationID.flatMap { id in state.workspace.destinations.first { $0.id == id }?.name }
        let right = title.map { "editing \($0) " } ?? (state.phase == .menu || state.phase == .testSend ? "" : "new destination ")
        screen.write(right, column: max(26, width - DisplayWidth.of(right)), row: 0, style: Style(.footer))
        guard case .step(let current) = state.phase else { return }
        var x = left
        for step in WizardStep.allCases {
            let label = "\(step.rawValue + 1) \(step.title)"
            let style: Style = step == current ? Style(.selected, bold: true)
                : step <= state.furthestStep ? Style(.accent) : Style(.subtle)
            x = screen.write(" \(label) ", column: x, row: 1, style: style)
            if step != .review { x = screen.write(" › ", column: x, row: 1, style: Style(.subtle)) }
        }
    }

    mutating func stepTitle(_ step: WizardStep) {
        let (title, explanation): (String, String)
        switch step {
        case .source:
            (title, explanation) = ("Source", "Where your events come from. The destination receives this source's events.")
        case .credentials:
            (title, explanation) = ("Credentials", "Paste a CleverTap dashboard URL to fill in the region and Project ID.")
        case .setupMode:
            (title, explanation) = ("Setup mode", "Quick Setup adds the two standard subscriptions; Customized lets you build them.")
        case .review:
            (title, explanation) = ("Review & save", "Everything below is written to the workspace file when you press Enter.")
        }
        screen.write("Step \(step.rawValue + 1) of \(WizardStep.allCases.count): \(title)", column: left, row: 3, style: Style(.title, bold: true))
        screen.write(explanation, column: left, row: 4, style: Style(.subtle), maxWidth: width - left * 2)
    }

    mutating func footer(_ keys: String) {
        screen.fill(column: 0, row: height - 1, width: width, height: 1, style: Style(.footer))
        screen.write(" " + keys, column: 0, row: height - 1, style: Style(.footer))
    }

    /// A wrapped paragraph; returns the row after it.
    @discardableResult
    mutating func paragraph(_ text: String, row: Int, style: Style = .normal, indent: Int? = nil) -> Int {
        let x = indent ?? left
        var y = row
        for line in Screen.wrap(text, width: width - x - left) {
            screen.write(line, column: x, row: y, style: style)
            y += 1
        }
        return y
    }

    /// A labelled one-line text field; places the cursor when focused.
    mutating func textField(_ label: String, _ input: TextInput, row: Int, focused: Bool, masked: Bool = false,
                            placeholder: String = "", note: String? = nil, fieldWidth requestedWidth: Int? = nil) {
        screen.write(label, column: left, row: row, style: Style(focused ? .accent : .normal, bold: focused))
        let fieldWidth = min(requestedWidth ?? .max, width - valueColumn - left)
        screen.fill(column: valueColumn, row: row, width: fieldWidth, height: 1, style: Style(focused ? .focused : .normal, underline: !focused))
        let (shown, cursorColumn) = input.visible(width: fieldWidth - 1, masked: masked)
        if shown.isEmpty && !placeholder.isEmpty {
            screen.write(placeholder, column: valueColumn, row: row, style: Style(.subtle, underline: !focused), maxWidth: fieldWidth)
        } else {
            screen.write(shown, column: valueColumn, row: row, style: Style(focused ? .focused : (masked ? .masked : .normal), underline: !focused), maxWidth: fieldWidth)
        }
        if focused { screen.cursor = (valueColumn + cursorColumn, row) }
        if let note { screen.write(note, column: valueColumn, row: row + 1, style: Style(.subtle), maxWidth: fieldWidth) }
    }

    /// A vertical list with a marker on the selected row; returns the row after it.
    @discardableResult
    mutating func list(_ items: [String], selected: Int, row: Int, focused: Bool, column: Int? = nil, marker: (Int) -> String = { _ in "" }) -> Int {
        let x = column ?? left
        for (index, item) in items.enumerated() {
            let isSelected = index == selected
            let pointer = isSelected ? "›" : " "
            let style: Style = isSelected ? (focused ? Style(.selected) : Style(.accent, bold: true)) : .normal
            let text = "\(pointer) \(marker(index))\(item)"
            screen.write(text, column: x, row: row + index, style: style, maxWidth: width - x - left)
            if isSelected && focused { screen.cursor = (x, row + index) }
        }
        return row + items.count
    }

    mutating func errors(_ messages: [String], from row: Int) -> Int {
        var y = row
        for message in messages where y < height - 2 {
            y = paragraph("✗ " + message, row: y, style: Style(.error))
        }
        return y
    }

    // MARK: Menu

    mutating func menu(_ state: WizardState) {
        screen.write("This workspace has \(state.workspace.destinations.count) destination(s)", column: left, row: 3, style: Style(.title, bold: true))
        screen.write("Open one to edit any step, add another destination, or quit.", column: left, row: 4, style: Style(.subtle))
        screen.cursor = nil
        list(Wizard.menuItems(state), selected: state.menuSelection, row: bodyTop, focused: true)
        screen.write("Workspace: \(state.configPath)", column: left, row: height - 3, style: Style(.subtle), maxWidth: width - 2 * left)
    }

    // MARK: Steps

    mutating func sourceStep(_ state: WizardState) {
        let sourceState = state.source
        var row = bodyTop
        if !sourceState.creating {
            let items = state.workspace.sources.map { "\($0.name) (\($0.type.displayName))" } + ["Create a new source"]
            list(items, selected: sourceState.selection, row: row, focused: true)
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
        if let created = sourceState.created {
            if sourceState.showWriteKey {
                screen.write("✓ Created \(created.name). Write key (shown once, copy it now):", column: left, row: row, style: Style(.success))
                screen.write(created.writeKey, column: left + 2, row: row + 1, style: Style(.accent, bold: true))
                screen.write("Press Enter to continue.", column: left, row: row + 2, style: Style(.subtle))
            } else {
                screen.write("Created this run: \(created.name), write key ••••\(created.writeKey.suffix(4)).", column: left, row: row, style: Style(.subtle))
            }
        }
    }

    mutating func credentialsStep(_ state: WizardState) {
        let credentials = state.credentials
        var row = bodyTop
        // Short fields leave room for their notes on the same line at 80 columns.
        let shortField = 30
        textField("Dashboard URL", credentials.dashboardURL, row: row, focused: credentials.focus == .dashboardURL,
                  placeholder: "paste a dashboard URL here")
        row += 1
        if let detection = credentials.detection {
            // Two rows are reserved so the fields below never move as the message changes.
            let lines = Screen.wrap((detection.ok ? "✓ " : "✗ ") + detection.message, width: width - valueColumn - left)
            for (index, line) in lines.prefix(2).enumerated() {
                screen.write(line, column: valueColumn, row: row + index, style: Style(detection.ok ? (credentials.pendingProjectID == nil ? .success : .warning) : .error))
            }
        }
        row += 2
        let projectID = credentials.projectID.text.trimmingWhitespace()
        let projectNote: String
        if projectID.isEmpty {
            projectNote = "e.g. W9R-486-4W5Z"
        } else if CredentialRules.isValidProjectID(projectID) {
            projectNote = "✓ well-formed"
        } else {
            projectNote = "expected XXX-XXX-XXXX"
        }
        textField("Project ID", credentials.projectID, row: row, focused: credentials.focus == .projectID, fieldWidth: shortField)
        screen.write(projectNote, column: valueColumn + shortField + 2, row: row, style: Style(projectID.isEmpty || CredentialRules.isValidProjectID(projectID) ? .subtle : .warning))
        row += 1
        let passcodeNote = state.passcodeVariable.map { "empty: uses $\($0)" }
            ?? (credentials.revealPasscode ? "Ctrl-R hides" : "Ctrl-R shows")
        textField("Passcode", credentials.passcode, row: row, focused: credentials.focus == .passcode,
                  masked: !credentials.revealPasscode, fieldWidth: shortField)
        screen.write(passcodeNote, column: valueColumn + shortField + 2, row: row, style: Style(.subtle))
        row += 2
        screen.write("Region", column: left, row: row, style: Style(credentials.focus == .region ? .accent : .normal, bold: credentials.focus == .region))
        let regions = Region.catalog.map { "\($0.displayName) (\($0.code))" } + ["Custom endpoint"]
        // Two columns keep the catalog on screen at 80x24.
        let half = (regions.count + 1) / 2
        for (index, name) in regions.enumerated() {
            let column = index < half ? valueColumn : valueColumn + 28
            let y = row + (index < half ? index : index - half)
            let isSelected = index == credentials.regionIndex
            let style: Style = isSelected ? (credentials.focus == .region ? Style(.selected) : Style(.accent, bold: true)) : .normal
            screen.write("\(isSelected ? "(•)" : "( )") \(name)", column: column, row: y, style: style)
            if isSelected && credentials.focus == .region { screen.cursor = (column + 1, y) }
        }
        row += half
        if credentials.isCustomEndpoint {
            textField("Endpoint URL", credentials.customURL, row: row, focused: credentials.focus == .customURL,
                      placeholder: "https://… or http://127.0.0.1:PORT")
            row += 1
        }
        row += 1
        let verifyFocused = credentials.focus == .verify
        screen.write("[ Verify credentials ]", column: left, row: row, style: Style(verifyFocused ? .selected : .accent))
        if verifyFocused { screen.cursor = (left + 2, row) }
        let status: (String, StyleRole)?
        switch credentials.verification {
        case .notRun: status = ("optional: asks CleverTap to accept these", .subtle)
        case .running: status = ("\(Wizard.spinnerFrames[state.spinnerFrame % Wizard.spinnerFrames.count]) checking…", .accent)
        case .succeeded(let text): status = ("✓ " + text, .success)
        case .failed(let text): status = ("✗ " + text, .error)
        }
        if let (text, role) = status {
            screen.write(text, column: left + 24, row: row, style: Style(role), maxWidth: width - left * 2 - 24)
        }
        row += 1
        _ = errors(credentials.errors, from: row)
    }

    mutating func setupModeStep(_ state: WizardState) {
        let mode = state.setupMode
        var row = bodyTop
        let options = [
            "Quick Setup: User Upload on identify, User Delete on the \"Delete User\" event",
            "Customized Setup: build your own subscriptions, triggers and mappings",
        ]
        row = list(options, selected: mode.mode == .quick ? 0 : 1, row: row, focused: mode.focus == .mode)
        row += 1
        if mode.mode == .quick {
            screen.write("Subscriptions Quick Setup creates (enabled, default mappings):", column: left, row: row, style: Style(.subtle))
            row += 1
            for preset in Preset.quickSetup {
                screen.write("• \(preset.name): \(preset.action.displayName) when \(preset.trigger)", column: left + 2, row: row)
                row += 1
            }
        } else {
            let subscriptions = state.customized.list.subscriptions
            screen.write("Press Enter for the subscription list: add User Upload or Delete User subscriptions,",
                         column: left, row: row, style: Style(.subtle), maxWidth: width - 2 * left)
            screen.write("and edit each one's trigger and field mapping with a live preview.",
                         column: left, row: row + 1, style: Style(.subtle), maxWidth: width - 2 * left)
            row += 3
            if subscriptions.isEmpty {
                screen.write("No subscriptions yet.", column: left, row: row, style: Style(.warning))
            }
            for subscription in subscriptions.prefix(max(0, height - row - 3)) {
                screen.write("\(subscription.enabled ? "[x]" : "[ ]") \(subscription.name): \(subscription.action.displayName) when \(subscription.trigger)",
                             column: left + 2, row: row, maxWidth: width - 2 * left - 2)
                row += 1
            }
        }
        if mode.focus == .mode { screen.cursor = (left, bodyTop + (mode.mode == .quick ? 0 : 1)) }
    }

    mutating func reviewStep(_ state: WizardState) {
        var row = bodyTop
        let pending = Wizard.pendingWorkspace(state)
        func line(_ label: String, _ value: String, step: WizardStep) {
            screen.write("\(step.rawValue + 1)", column: left, row: row, style: Style(.subtle))
            screen.write(label, column: left + 2, row: row, style: Style(.accent))
            screen.write(value, column: valueColumn, row: row, maxWidth: width - valueColumn - left)
            row += 1
        }
        let source = state.chosenSource
        line("Source", source.map { "\($0.name) (\($0.type.displayName))\(state.source.created != nil ? ", new" : "")" } ?? "none", step: .source)
        let credentials = state.credentials
        line("Project ID", credentials.projectID.text.isEmpty ? "(empty)" : credentials.projectID.text.trimmingWhitespace(), step: .credentials)
        let passcode: String
        if credentials.passcode.text.isEmpty {
            passcode = state.passcodeVariable.map { "from $\($0)" } ?? "(empty)"
        } else {
            passcode = Secret(credentials.passcode.text).masked
        }
        line("Passcode", passcode, step: .credentials)
        switch credentials.endpoint {
        case .region(let region): line("Region", "\(region.displayName) (\(region.code)), \(region.apiBaseURL)", step: .credentials)
        case .custom(let url): line("Endpoint", url.isEmpty ? "(empty)" : url, step: .credentials)
        }
        line("Setup mode", state.setupMode.mode == .quick ? "Quick Setup" : "Customized Setup", step: .setupMode)
        let subscriptions = pending?.destination.subscriptions ?? Wizard.subscriptions(state)
        line("Subscriptions", subscriptions.isEmpty ? "none" : "\(subscriptions.count)", step: .setupMode)
        for subscription in subscriptions.prefix(4) {
            screen.write("• \(subscription.name): \(subscription.action.displayName) when \(subscription.trigger)\(subscription.enabled ? "" : " (disabled)")",
                         column: valueColumn, row: row, maxWidth: width - valueColumn - left)
            row += 1
        }
        screen.write("Saved to", column: left + 2, row: row, style: Style(.accent))
        screen.write(state.configPath, column: valueColumn, row: row, maxWidth: width - valueColumn - left)
        row += 2
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
        screen.write(state.savedPath ?? state.configPath, column: left + 2, row: 6, style: Style(.accent, bold: true))
        var row = 8
        if let command = state.savedCommand {
            screen.write("The same setup as a command (the passcode comes from the environment):", column: left, row: row)
            row = paragraph(command, row: row + 1, style: Style(.accent), indent: left + 2)
        }
        _ = paragraph("Press Enter to finish; the command is printed again after the wizard closes.", row: row + 1, style: Style(.subtle))
        screen.cursor = nil
    }

    // MARK: Overlays

    mutating func box(title: String, lines: [String], boxWidth: Int) {
        let boxHeight = lines.count + 4
        let x = max(0, (width - boxWidth) / 2)
        let y = max(0, (height - boxHeight) / 2)
        screen.fill(column: x, row: y, width: boxWidth, height: boxHeight, style: .normal)
        let horizontal = String(repeating: "─", count: boxWidth - 2)
        screen.write("┌" + horizontal + "┐", column: x, row: y, style: Style(.accent))
        for offset in 1..<(boxHeight - 1) {
            screen.write("│", column: x, row: y + offset, style: Style(.accent))
            screen.write("│", column: x + boxWidth - 1, row: y + offset, style: Style(.accent))
        }
        screen.write("└" + horizontal + "┘", column: x, row: y + boxHeight - 1, style: Style(.accent))
        screen.write(" \(title) ", column: x + 2, row: y, style: Style(.title, bold: true))
        for (index, line) in lines.enumerated() {
            screen.write(line, column: x + 2, row: y + 2 + index, maxWidth: boxWidth - 4)
        }
        screen.cursor = nil
    }

    mutating func helpOverlay(_ state: WizardState) {
        if state.phase == .subscriptions {
            box(title: "Customized Setup keys", lines: Wizard.subscriptionsHelp, boxWidth: min(width - 2, 78))
            return
        }
        box(title: "Keys", lines: [
            "Enter            next step / choose / save on Review",
            "Tab, ↓  /  ↑     next / previous field; ↑↓ move in lists",
            "Esc, Shift-Tab   back one step (what you entered is kept)",
            "1-4              jump to a step you have reached (outside text fields)",
            "Space            toggle a preset / the local sandbox (menu)",
            "r                send the test again (test result)",
            "Ctrl-R           show or hide the passcode",
            "Ctrl-A/E/K/U/W   start / end / kill to end / kill to start / kill word",
            "Paste            a dashboard URL fills the region and Project ID",
            "? or F1          this help;  q or Ctrl-C  quit (asks if unsaved)",
        ], boxWidth: min(width - 4, 76))
    }

    mutating func confirmQuitOverlay() {
        box(title: "Quit?", lines: [
            "You have unsaved changes. Quit without saving?",
            "",
            "y  quit, nothing is written      n / Esc  keep editing",
        ], boxWidth: 60)
    }
}
