import CleverTapCore
import TerminalUI

/// The wizard's logic: a pure function of state and message. No I/O, no clock, no randomness;
/// anything of that kind is returned as a `WizardEffect` and its result comes back as a message.
public enum Wizard {
    /// Below this size the step is replaced by a request to enlarge the terminal.
    public static let minimumSize = Size(columns: 80, rows: 24)

    /// The name a new destination gets (numbered when the workspace already has one).
    static let defaultDestinationName = "CleverTap (Actions)"

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
        case .saved(let path):
            state.saving = false
            state.hasUnsavedChanges = false
            state.savedPath = path
            state.savedCommand = NonInteractiveCommand.make(state: state)
            if let saved = pendingWorkspace(state) {
                state.editingDestinationID = saved.destination.id
                state.workspace = saved.workspace
                state.source.created = nil
                state.source.creating = false
                state.source.selection = saved.workspace.sources.firstIndex { $0.id == saved.destination.sourceID } ?? 0
                state.setupMode.changed = false
            }
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
        case .testSendFinished(let summary):
            guard state.testSend?.isRunning == true else { return [] }
            state.testSend?.summary = summary
            state.testSend?.scroll = 0
            return []
        case .key(let key):
            return handle(key, &state)
        }
    }

    // MARK: - Keys

    private static func handle(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        if case .resize = key { return [] }  // the view adapts to the size it is given
        if let overlay = state.overlay {
            switch overlay {
            case .help:
                state.overlay = nil
            case .confirmQuit:
                switch key {
                case .character("y"), .character("Y"):
                    state.overlay = nil
                    return [.exit(.quitWithoutSaving)]
                case .character("n"), .character("N"), .escape, .ctrl("c"):
                    state.overlay = nil
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
        case .subscriptions: return handleSubscriptions(key, &state)
        case .step(let step):
            if key == .backTab || (key == .escape && state.credentials.pendingProjectID == nil) {
                if step == .source && state.source.creating && state.source.focus != .list && !state.workspace.sources.isEmpty {
                    state.source.creating = false
                    state.source.focus = .list
                    return []
                }
                goBack(from: step, &state)
                return []
            }
            if !isEditingText(state), case .character(let character) = key, let number = character.wholeNumberValue,
               let target = WizardStep(rawValue: number - 1), target <= state.furthestStep {
                state.phase = .step(target)
                return []
            }
            switch step {
            case .source: return handleSource(key, &state)
            case .credentials: return handleCredentials(key, &state)
            case .setupMode: return handleSetupMode(key, &state)
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

    private static func requestQuit(_ state: inout WizardState) -> [WizardEffect] {
        if state.phase == .saved, let path = state.savedPath {
            return [.exit(.saved(path: path, command: state.savedCommand ?? ""))]
        }
        if state.hasUnsavedChanges {
            state.overlay = .confirmQuit
            return []
        }
        return [.exit(.quitWithoutSaving)]
    }

    private static func goBack(from step: WizardStep, _ state: inout WizardState) {
        if let previous = WizardStep(rawValue: step.rawValue - 1) {
            state.phase = .step(previous)
        } else if !state.workspace.destinations.isEmpty {
            state.phase = .menu
        }
        if step == .source { state.source.showWriteKey = false }
    }

    static func advance(from step: WizardStep, _ state: inout WizardState) {
        guard let next = WizardStep(rawValue: step.rawValue + 1) else { return }
        if step == .source { state.source.showWriteKey = false }
        state.phase = .step(next)
        state.furthestStep = max(state.furthestStep, next)
    }

    // MARK: - Menu

    /// One row of the destination menu.
    public enum MenuEntry: Sendable, Hashable {
        case edit(destinationIndex: Int)
        case addDestination
        case sendTest(TestEventKind)
        case toggleLocalSandbox
        case quit
    }

    /// Menu rows: one per destination, "Add a destination", the test sends (when there is a
    /// destination to send through), then "Quit".
    public static func menuEntries(_ state: WizardState) -> [MenuEntry] {
        var entries = state.workspace.destinations.indices.map { MenuEntry.edit(destinationIndex: $0) }
        entries.append(.addDestination)
        if !state.workspace.destinations.isEmpty {
            entries += [.sendTest(.identify), .sendTest(.delete), .toggleLocalSandbox]
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
            case .quit:
                return "Quit"
            }
        }
    }

    private static func handleMenu(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        let entries = menuEntries(state)
        let count = entries.count
        switch key {
        case .up: state.menuSelection = max(0, state.menuSelection - 1)
        case .down, .tab: state.menuSelection = min(count - 1, state.menuSelection + 1)
        case .home: state.menuSelection = 0
        case .end: state.menuSelection = count - 1
        case .escape: return requestQuit(&state)
        case .enter, .character(" "):
            let entry = entries[min(state.menuSelection, count - 1)]
            if key == .character(" ") && entry != .toggleLocalSandbox { return [] }
            switch entry {
            case .edit(let index): startEditing(state.workspace.destinations[index], &state)
            case .addDestination: startNewDestination(&state)
            case .sendTest(let kind): return startTestSend(kind, &state)
            case .toggleLocalSandbox: state.testToLocalSandbox.toggle()
            case .quit: return requestQuit(&state)
            }
        default: break
        }
        if case .edit(let index)? = entries.indices.contains(state.menuSelection) ? entries[state.menuSelection] : nil {
            state.testDestinationIndex = index
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

    private static func handleTestSend(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        guard let test = state.testSend, !test.isRunning else { return [] }  // the spinner turns; keys wait
        let maxScroll = testSendMaxScroll(state)
        switch key {
        case .up: state.testSend?.scroll = max(0, test.scroll - 1)
        case .down: state.testSend?.scroll = min(maxScroll, test.scroll + 1)
        case .pageUp: state.testSend?.scroll = max(0, test.scroll - 10)
        case .pageDown: state.testSend?.scroll = min(maxScroll, test.scroll + 10)
        case .home: state.testSend?.scroll = 0
        case .character("r"):
            state.testSend = TestSendState(request: test.request)
            return [.sendTest(test.request)]
        case .enter, .escape, .character("m"):
            state.phase = .menu
        default: break
        }
        return []
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
        mode.chosenPresets = Preset.quickSetup.map { preset in
            destination.subscriptions.contains { $0.action == preset.action && $0.trigger == preset.trigger }
        }
        state.setupMode = mode
        state.customized = CustomizedSetupState()
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
        state.passcodeVariable = nil
        state.furthestStep = .source
        state.saveError = nil
        state.phase = .step(.source)
    }

    // MARK: - Step 1: source

    private static func handleSource(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        let sourceCount = state.workspace.sources.count
        if !state.source.creating {
            switch key {
            case .up: state.source.selection = max(0, state.source.selection - 1)
            case .down, .tab: state.source.selection = min(sourceCount, state.source.selection + 1)
            case .enter:
                if state.source.selection == sourceCount {
                    state.source.creating = true
                    state.source.focus = .name
                } else {
                    state.hasUnsavedChanges = state.hasUnsavedChanges || state.editingDestinationID == nil
                    advance(from: .source, &state)
                }
            default: break
            }
            return []
        }
        switch (state.source.focus, key) {
        case (.name, .tab), (.name, .down):
            state.source.focus = .type
        case (.type, .tab):
            state.source.focus = .name
        case (.type, .up), (.list, .up):
            if state.source.focus == .type && state.source.typeIndex > 0 {
                state.source.typeIndex -= 1
                state.hasUnsavedChanges = true
            } else {
                state.source.focus = .name
            }
        case (.type, .down):
            state.source.typeIndex = min(SourceType.allCases.count - 1, state.source.typeIndex + 1)
            state.hasUnsavedChanges = true
        case (.name, .up):
            if sourceCount > 0 {
                state.source.creating = false
                state.source.selection = sourceCount
                state.source.focus = .list
            }
        case (_, .enter):
            return submitNewSource(&state)
        case (.name, _):
            if state.source.name.handle(key) {
                state.hasUnsavedChanges = true
                if state.source.error != nil { state.source.error = sourceNameProblem(state) }
            }
        default:
            break
        }
        return []
    }

    static func sourceNameProblem(_ state: WizardState) -> String? {
        let name = state.source.name.text.trimmingWhitespace()
        if name.isEmpty { return "Name the source (for example \"Website\" or \"iOS app\")." }
        if state.workspace.sources.contains(where: { $0.name == name }) {
            return "A source named \"\(name)\" already exists; pick it from the list or choose another name."
        }
        return nil
    }

    private static func submitNewSource(_ state: inout WizardState) -> [WizardEffect] {
        if let problem = sourceNameProblem(state) {
            state.source.error = problem
            state.source.focus = .name
            return []
        }
        state.source.error = nil
        let name = state.source.name.text.trimmingWhitespace()
        if var created = state.source.created {
            created.name = name
            created.type = state.source.type
            state.source.created = created
            advance(from: .source, &state)
        } else {
            // First Enter creates the source and shows its write key; the next one moves on.
            state.source.created = Source(id: state.identifiers.sourceID, name: name, type: state.source.type,
                                          writeKey: state.identifiers.writeKey)
            state.source.showWriteKey = true
            state.hasUnsavedChanges = true
        }
        return []
    }

    // MARK: - Step 2: credentials

    private static func handleCredentials(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        var credentials = state.credentials
        defer { state.credentials = credentials }
        if let pending = credentials.pendingProjectID {
            switch key {
            case .character("y"), .character("Y"), .enter:
                credentials.projectID.set(pending)
                credentials.pendingProjectID = nil
                credentials.detection = (message: "Replaced the Project ID with \(pending).", ok: true)
                credentials.verification = .notRun
                state.hasUnsavedChanges = true
            case .character("n"), .character("N"), .escape:
                credentials.pendingProjectID = nil
                credentials.detection = (message: "Kept Project ID \(credentials.projectID.text).", ok: true)
            default:
                break
            }
            return []
        }
        let fields = credentials.fields
        let position = fields.firstIndex(of: credentials.focus) ?? 0
        func moveFocus(_ offset: Int) {
            credentials.focus = fields[min(fields.count - 1, max(0, position + offset))]
        }
        switch key {
        case .ctrl("r"):
            credentials.revealPasscode.toggle()
            return []
        case .tab:
            // Tab wraps: from the region list (where ↑ changes the region) it is the way back up
            // to the Project ID and Passcode fields without touching the chosen region.
            credentials.focus = fields[(position + 1) % fields.count]
            return []
        case .down:
            if credentials.focus == .region && credentials.regionIndex < Region.catalog.count {
                credentials.regionIndex += 1
                credentials.verification = .notRun
                state.hasUnsavedChanges = true
            } else {
                moveFocus(1)
            }
            return []
        case .up:
            if credentials.focus == .region && credentials.regionIndex > 0 {
                credentials.regionIndex -= 1
                credentials.verification = .notRun
                state.hasUnsavedChanges = true
            } else {
                moveFocus(-1)
            }
            return []
        case .enter:
            if credentials.focus == .verify {
                let problems = credentialProblems(credentials, passcodeVariable: state.passcodeVariable)
                credentials.errors = problems.map(\.message)
                guard problems.isEmpty else {
                    credentials.focus = problems[0].field
                    return []
                }
                guard !credentials.passcode.text.isEmpty else {
                    credentials.verification = .failed("The passcode comes from $\(state.passcodeVariable ?? ""); type it here to verify.")
                    return []
                }
                credentials.verification = .running
                return [.verifyCredentials(CredentialCheckRequest(
                    projectID: (try? ProjectID.normalize(credentials.projectID.text)) ?? credentials.projectID.text,
                    passcode: (try? Passcode.validate(credentials.passcode.text)) ?? Secret(credentials.passcode.text),
                    endpoint: credentials.endpoint))]
            }
            let problems = credentialProblems(credentials, passcodeVariable: state.passcodeVariable)
            credentials.errors = problems.map(\.message)
            if let first = problems.first {
                credentials.focus = first.field
            } else {
                state.credentials = credentials
                advance(from: .credentials, &state)
            }
            return []
        case .paste(let text) where credentials.focus != .dashboardURL && credentials.focus != .passcode
            && credentials.focus != .customURL && text.lowercased().contains("clevertap.com"):
            // A dashboard URL pasted anywhere but a text field meant for it goes where it belongs.
            credentials.dashboardURL.set(text.trimmingWhitespace())
            credentials.focus = .dashboardURL
            applyDetection(&credentials)
            state.hasUnsavedChanges = true
            return []
        default:
            break
        }
        let edited: Bool
        switch credentials.focus {
        case .dashboardURL:
            edited = credentials.dashboardURL.handle(key)
            if edited { applyDetection(&credentials) }
        case .projectID:
            edited = credentials.projectID.handle(key)
        case .passcode:
            edited = credentials.passcode.handle(key)
        case .customURL:
            edited = credentials.customURL.handle(key)
        case .region, .verify:
            edited = false
        }
        if edited {
            state.hasUnsavedChanges = true
            if credentials.focus != .dashboardURL { credentials.verification = .notRun }
            if !credentials.errors.isEmpty {
                credentials.errors = credentialProblems(credentials, passcodeVariable: state.passcodeVariable).map(\.message)
            }
        }
        return []
    }

    /// Reads the dashboard URL field and reports what it found, selecting the region and filling
    /// (or offering to replace) the project ID.
    static func applyDetection(_ credentials: inout CredentialsStepState) {
        let text = credentials.dashboardURL.text.trimmingWhitespace()
        credentials.pendingProjectID = nil
        guard !text.isEmpty else {
            credentials.detection = nil
            return
        }
        switch CredentialRules.detect(text) {
        case .failure(let problem):
            credentials.detection = (message: CredentialRules.message(for: problem), ok: false)
        case .success(let found):
            credentials.regionIndex = Region.catalog.firstIndex(of: found.region) ?? 0
            credentials.verification = .notRun
            var message = "Region \(found.region.displayName) (\(found.region.code))"
            if found.note != nil { message += " (assumed: no region in the host)" }
            if let id = found.projectID {
                let current = credentials.projectID.text.trimmingWhitespace()
                if current.isEmpty {
                    credentials.projectID.set(id)
                    message += " and Project ID \(id)."
                } else if current.uppercased() == id {
                    message += "; Project ID \(id) matches the one entered."
                } else {
                    credentials.pendingProjectID = id
                    message += " and Project ID \(id). Replace \(current) with it? (y/n)"
                }
            } else {
                message += "; no Project ID in this URL."
            }
            credentials.detection = (message: message, ok: true)
        }
    }

    /// A problem with what is entered on the credentials step, and the field to fix it in.
    struct FieldProblem: Sendable, Hashable {
        var field: CredentialsStepState.Field
        var message: String
    }

    static func credentialProblems(_ credentials: CredentialsStepState, passcodeVariable: String?) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let problem = CredentialRules.projectIDProblem(credentials.projectID.text) {
            problems.append(FieldProblem(field: .projectID, message: problem))
        }
        // An empty field keeps a passcode that comes from an environment variable.
        if !(credentials.passcode.text.isEmpty && passcodeVariable != nil),
           let problem = CredentialRules.passcodeProblem(credentials.passcode.text) {
            problems.append(FieldProblem(field: .passcode, message: problem))
        }
        if credentials.isCustomEndpoint, let problem = CredentialRules.customEndpointProblem(credentials.customURL.text) {
            problems.append(FieldProblem(field: .customURL, message: problem))
        }
        return problems
    }

    // MARK: - Step 3: setup mode

    private static func handleSetupMode(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        var mode = state.setupMode
        defer { state.setupMode = mode }
        switch (mode.focus, key) {
        case (.mode, .up):
            if mode.mode != .quick { mode.mode = .quick; mode.changed = true; state.hasUnsavedChanges = true }
        case (.mode, .down), (.mode, .tab):
            if mode.mode == .quick {
                mode.mode = .customized
                mode.changed = true
                state.hasUnsavedChanges = true
            }
        case (.presets, .up):
            if mode.presetCursor > 0 { mode.presetCursor -= 1 } else { mode.focus = .mode }
        case (.presets, .down):
            mode.presetCursor = min(Preset.quickSetup.count - 1, mode.presetCursor + 1)
        case (.presets, .tab):
            mode.focus = .mode
        case (.presets, .character(" ")):
            mode.chosenPresets[mode.presetCursor].toggle()
            mode.changed = true
            state.hasUnsavedChanges = true
        case (_, .enter):
            state.setupMode = mode
            if mode.mode == .customized {
                openSubscriptions(&state)
            } else {
                advance(from: .setupMode, &state)
            }
            mode = state.setupMode
        default:
            break
        }
        return []
    }

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
        problems += credentialProblems(state.credentials, passcodeVariable: state.passcodeVariable)
            .map { Problem(step: .credentials, message: $0.message) }
        return problems
    }

    private static func handleReview(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        guard key == .enter else { return [] }
        guard problems(state).isEmpty, let pending = pendingWorkspace(state) else {
            state.saveError = "Fix the problems listed above first."
            return []
        }
        state.saveError = nil
        state.saving = true
        return [.save(pending.workspace)]
    }

    /// The subscriptions the chosen setup mode makes (IDs from this run's fresh identifiers).
    static func subscriptions(_ state: WizardState) -> [Subscription] {
        if state.setupMode.mode == .customized { return state.customized.list.subscriptions }
        let ids = state.identifiers.subscriptionIDs
        return Preset.quickSetup.enumerated().compactMap { index, preset in
            guard state.setupMode.mode == .quick || state.setupMode.chosenPresets[index] else { return nil }
            return preset.makeSubscription(id: index < ids.count ? ids[index] : "\(state.identifiers.destinationID)-\(index)")
        }
    }

    /// The workspace that saving would write, and the destination in it; nil while incomplete.
    public static func pendingWorkspace(_ state: WizardState) -> (workspace: Workspace, destination: Destination)? {
        guard let source = state.chosenSource else { return nil }
        var workspace = state.workspace
        if let index = workspace.sources.firstIndex(where: { $0.id == source.id }) {
            workspace.sources[index] = source
        } else {
            workspace.sources.append(source)
        }
        let credentials = state.credentials
        let passcode: PasscodeSource = credentials.passcode.text.isEmpty && state.passcodeVariable != nil
            ? .environment(variable: state.passcodeVariable!)
            : .inline((try? Passcode.validate(credentials.passcode.text)) ?? Secret(credentials.passcode.text))
        let existing = state.editingDestinationID.flatMap { id in workspace.destinations.first { $0.id == id } }
        let name = existing?.name ?? uniqueDestinationName(in: workspace)
        let keepSubscriptions = existing != nil && !state.setupMode.changed
        let destination = Destination(
            id: existing?.id ?? state.identifiers.destinationID, name: name, sourceID: source.id,
            projectID: (try? ProjectID.normalize(credentials.projectID.text)) ?? credentials.projectID.text.trimmingWhitespace(),
            passcode: passcode, endpoint: credentials.endpoint, setupMode: state.setupMode.mode, enabled: existing?.enabled ?? true,
            subscriptions: keepSubscriptions ? existing!.subscriptions : subscriptions(state))
        if let index = workspace.destinations.firstIndex(where: { $0.id == destination.id }) {
            workspace.destinations[index] = destination
        } else {
            workspace.destinations.append(destination)
        }
        return (workspace, destination)
    }

    private static func uniqueDestinationName(in workspace: Workspace) -> String {
        let names = Set(workspace.destinations.map(\.name))
        if !names.contains(defaultDestinationName) { return defaultDestinationName }
        var number = 2
        while names.contains("\(defaultDestinationName) \(number)") { number += 1 }
        return "\(defaultDestinationName) \(number)"
    }

    // MARK: - Saved

    private static func handleSaved(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        switch key {
        case .enter, .escape:
            return [.exit(.saved(path: state.savedPath ?? state.configPath, command: state.savedCommand ?? ""))]
        case .character("m"):
            state.menuSelection = 0
            state.phase = .menu
        default:
            break
        }
        return []
    }
}
