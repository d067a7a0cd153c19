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
        case .delivery: canvas.delivery(state)
        }
        canvas.footer(footerKeys(state))
        switch state.overlay {
        case .help?: canvas.helpOverlay(state)
        case .confirmQuit?: canvas.confirmQuitOverlay()
        case .confirmLeave?: canvas.confirmLeaveOverlay()
        case nil: break
        }
        return canvas.screen
    }

    /// The footer: a question's answers while one is asked, else the screen's declared keys.
    static func footerKeys(_ state: WizardState) -> String {
        switch state.overlay {
        case .confirmQuit?: return "y quit without saving · n keep editing"
        case .confirmLeave?: return "k keep editing · d discard and go to the menu"
        case .help?: return "any key closes help"
        case nil: break
        }
        if state.credentials.pendingProjectID != nil && state.phase == .step(.credentials) { return "y replace the Project ID · n keep it" }
        if state.setupMode.confirmReplace && state.phase == .step(.setupMode) { return "y replace the subscriptions · n keep them" }
        if state.phase == .subscriptions, state.customized.confirmDiscard || state.customized.list.pendingDeletion != nil {
            return "y yes · n no"
        }
        if state.phase == .testSend, state.testSend?.isRunning != false { return "sending… · Esc cancel · ^C quit" }
        guard let screen = keyScreen(state) else { return "" }
        return footer(for: screen, editingText: isEditingText(state))
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
        screen.write("Step \(step.rawValue + 1) of \(WizardStep.allCases.count): \(step.title)", column: left, row: 3, style: Style(.title, bold: true))
        screen.write(step.explanation, column: left, row: 4, style: Style(.subtle), maxWidth: width - left * 2)
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

    // MARK: Steps

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
        guard let screen = Wizard.keyScreen(state) else { return }
        box(title: "Keys: \(screen.title)", lines: Wizard.helpLines(screen), boxWidth: min(width - 2, 78))
    }

    mutating func confirmLeaveOverlay() {
        box(title: "Leave this destination?", lines: [
            "What you entered for this destination is not saved.",
            "",
            "k / Esc  keep editing      d  discard it and go to the menu",
        ], boxWidth: 64)
    }

    mutating func confirmQuitOverlay() {
        box(title: "Quit?", lines: [
            "You have unsaved changes. Quit without saving?",
            "",
            "y  quit, nothing is written      n / Esc  keep editing",
        ], boxWidth: 60)
    }
}
