import CleverTapCore
import TerminalUI

extension Wizard {
    // MARK: - Menu

    /// One row of the destination menu.
    public enum MenuEntry: Sendable, Hashable {
        case edit(destinationIndex: Int)
        case addDestination
        case sendTest(TestEventKind)
        case toggleLocalSandbox
        case eventDelivery
        case quit
    }

    /// Menu rows: one per destination, "Add a destination", the test sends (when there is a
    /// destination to send through), then "Quit".
    public static func menuEntries(_ state: WizardState) -> [MenuEntry] {
        var entries = state.workspace.destinations.indices.map { MenuEntry.edit(destinationIndex: $0) }
        entries.append(.addDestination)
        if !state.workspace.destinations.isEmpty {
            entries += [.sendTest(.identify), .sendTest(.delete), .sendTest(.track), .toggleLocalSandbox, .eventDelivery]
        }
        entries.append(.quit)
        return entries
    }

    /// The menu rows as text.
    public static func menuItems(_ state: WizardState) -> [String] {
        let destinations = state.workspace.destinations
        let testIndex = min(state.testDestinationIndex, max(0, destinations.count - 1))
        return menuEntries(state).map { entry in
            switch entry {
            case .edit(let index):
                let destination = destinations[index]
                let place: String
                switch destination.endpoint {
                case .region(let region): place = region.displayName
                case .custom(let url): place = url
                }
                let count = destination.subscriptions.count
                return "Edit \(destination.name): \(destination.projectID), \(place), \(count) subscription\(count == 1 ? "" : "s")"
            case .addDestination:
                return "Add a destination"
            case .sendTest(let kind):
                // With several destinations, say which one the test goes through.
                let through = destinations.count > 1 ? " via \(destinations[testIndex].name)" : ""
                return "Send test \(kind.displayName)\(through)"
            case .toggleLocalSandbox:
                return "[\(state.testToLocalSandbox ? "x" : " ")] Send to the local sandbox (in-process, offline)"
            case .eventDelivery:
                return "Event delivery (what serve's queue holds)\(destinations.count > 1 ? " of \(destinations[testIndex].name)" : "")"
            case .quit:
                return "Quit"
            }
        }
    }

    static func handleMenu(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        let entries = menuEntries(state)
        let count = entries.count
        switch key {
        case .up, .backTab: state.menuSelection = max(0, state.menuSelection - 1)
        case .down, .tab: state.menuSelection = min(count - 1, state.menuSelection + 1)
        case .home: state.menuSelection = 0
        case .end: state.menuSelection = count - 1
        case .escape: return requestQuit(&state)
        case .enter:
            return activateMenuSelection(&state)
        case .character(" "):
            // Space toggles; it opens nothing.
            guard entries[min(state.menuSelection, count - 1)] == .toggleLocalSandbox else { return [] }
            return activateMenuSelection(&state)
        default: break
        }
        selectMenuRow(state.menuSelection, &state)
        return []
    }

    /// Highlights `row`; a destination's row also makes it the one test sends go through.
    static func selectMenuRow(_ row: Int, _ state: inout WizardState) {
        let entries = menuEntries(state)
        state.menuSelection = min(max(0, row), entries.count - 1)
        if case .edit(let index) = entries[state.menuSelection] { state.testDestinationIndex = index }
    }

    /// Does what the highlighted row says (Enter, or plain mode's choice).
    static func activateMenuSelection(_ state: inout WizardState) -> [WizardEffect] {
        let entries = menuEntries(state)
        switch entries[min(state.menuSelection, entries.count - 1)] {
        case .edit(let index):
            state.testDestinationIndex = index
            startEditing(state.workspace.destinations[index], &state)
        case .addDestination: startNewDestination(&state)
        case .sendTest(let kind): return startTestSend(kind, &state)
        case .toggleLocalSandbox: state.testToLocalSandbox.toggle()
        case .eventDelivery: return openDelivery(&state)
        case .quit: return requestQuit(&state)
        }
        return []
    }

    /// Starts a test send through the destination last highlighted in the menu.
    static func startTestSend(_ kind: TestEventKind, _ state: inout WizardState) -> [WizardEffect] {
        let destinations = state.workspace.destinations
        guard !destinations.isEmpty else { return [] }
        let destination = destinations[min(state.testDestinationIndex, destinations.count - 1)]
        let request = TestSendRequest(destination: destination, kind: kind,
                                      target: state.testToLocalSandbox ? .localSandbox : .configured)
        state.testSend = TestSendState(request: request)
        state.phase = .testSend
        return [.sendTest(request)]
    }

    // MARK: - Test send

    /// Sends the same request again (r, or plain mode's "Send it again").
    static func resendTest(_ test: TestSendState, _ state: inout WizardState) -> [WizardEffect] {
        state.testSend = TestSendState(request: test.request)
        return [.sendTest(test.request)]
    }

    static func handleTestSend(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        guard let test = state.testSend else { return [] }
        if test.isRunning {
            // The spinner turns; Esc gives up on the send (a slow endpoint must not hold the user).
            guard key == .escape else { return [] }
            state.testSend = nil
            state.phase = .menu
            return [.cancelTestSend]
        }
        let maxScroll = testSendMaxScroll(state)
        switch key {
        case .up: state.testSend?.scroll = max(0, test.scroll - 1)
        case .down: state.testSend?.scroll = min(maxScroll, test.scroll + 1)
        case .pageUp: state.testSend?.scroll = max(0, test.scroll - 10)
        case .pageDown: state.testSend?.scroll = min(maxScroll, test.scroll + 10)
        case .home: state.testSend?.scroll = 0
        case .character("r"):
            return resendTest(test, &state)
        case .enter, .escape, .character("m"):
            state.phase = .menu
        default: break
        }
        return []
    }

}

extension Canvas {
    // MARK: Menu

    mutating func menu(_ state: WizardState) {
        let count = state.workspace.destinations.count
        screen.write("This workspace has \(count) destination\(count == 1 ? "" : "s")", column: left, row: 3, style: Style(.title, bold: true))
        screen.write("Open one to edit any step, add another destination, or quit.", column: left, row: 4, style: Style(.subtle))
        screen.cursor = nil
        var row = list(Wizard.menuItems(state), selected: state.menuSelection, row: bodyTop, focused: true) + 1
        // Where the highlighted destination's source sends live events: shown whole above the
        // workspace line, or (many destinations on a small terminal) not at all, never cut.
        let intake = Wizard.intakeLines(state).flatMap { Screen.wrap($0, width: width - 2 * left) }
        if row + intake.count <= height - 4 {
            for line in intake {
                screen.write(line, column: left, row: row, style: Style(.subtle))
                row += 1
            }
        }
        screen.write("Workspace: \(state.configPath)", column: left, row: height - 3, style: Style(.subtle), maxWidth: width - 2 * left)
    }

}
