import CleverTapCore
import TerminalUI

/// The outcome of "Verify credentials".
public enum VerificationStatus: Sendable, Hashable {
    case notRun
    case running
    case succeeded(String)
    case failed(String)
}

/// Step 2: project ID, passcode, region or custom endpoint, dashboard-URL detection.
public struct CredentialsStepState: Sendable, Hashable {
    public enum Field: Sendable, Hashable, CaseIterable {
        case dashboardURL, projectID, passcode, region, customURL, verify
    }

    public var focus: Field = .dashboardURL
    public var dashboardURL = TextInput()
    public var projectID = TextInput()
    public var passcode = TextInput()
    public var revealPasscode = false
    /// Index into `Region.catalog`; `Region.catalog.count` means "Custom endpoint".
    public var regionIndex = 0
    public var customURL = TextInput()
    /// What the dashboard URL told us, in words, and whether that was good news.
    public var detection: (message: String, ok: Bool)? {
        get { detectionMessage.map { ($0, detectionOK) } }
        set { detectionMessage = newValue?.message; detectionOK = newValue?.ok ?? false }
    }
    private var detectionMessage: String?
    private var detectionOK = false
    /// A project ID found in the URL that differs from the one entered: asks before replacing.
    public var pendingProjectID: String?
    /// The region chosen before a dashboard URL picked one; "keep my Project ID" restores it.
    public var regionBeforeDetection: Int?
    public var verification: VerificationStatus = .notRun
    /// Problems found when the user pressed Next, shown until fixed.
    public var errors: [String] = []

    public var isCustomEndpoint: Bool { regionIndex == Region.catalog.count }

    /// The endpoint as selected (custom URLs are trimmed; validity is checked separately).
    public var endpoint: Endpoint {
        isCustomEndpoint
            ? .custom(baseURL: (try? CustomEndpoint.validate(customURL.text)) ?? customURL.text.trimmingWhitespace())
            : .region(Region.catalog[regionIndex])
    }

    /// Fields in focus order; the custom URL only exists while "Custom endpoint" is selected.
    public var fields: [Field] {
        Field.allCases.filter { $0 != .customURL || isCustomEndpoint }
    }

    /// Step 2 said without keys.
    public enum Intent: Sendable, Hashable {
        /// "Replace the Project ID?" answered, then on to the next field.
        case replaceProjectID(Bool)
        /// A text field's content (nil keeps it), then on to the next field.
        case text(Field, String?)
        /// A region chosen by index (`Region.catalog.count` is "Custom endpoint"), then on to the next field.
        case region(Int)
        /// Check what is entered and go on to step 3 (Enter on a field).
        case proceed
        /// Ask CleverTap to accept these credentials (Enter on Verify).
        case verify
    }
}

/// A problem with what is entered on the credentials step, and the field to fix it in.
struct FieldProblem: Sendable, Hashable {
    var field: CredentialsStepState.Field
    var message: String
}

extension CredentialsStepState {
    /// Step 2's keys. `passcodeVariable`: the variable an edited destination's passcode comes
    /// from (an empty passcode field keeps it).
    mutating func update(_ key: Key, passcodeVariable: String?) -> StepResult {
        var result = StepResult()
        if pendingProjectID != nil {
            switch key {
            case .character("y"), .character("Y"), .enter: return answerReplace(true)
            case .character("n"), .character("N"), .escape: return answerReplace(false)
            default: return result
            }
        }
        let fields = fields
        let position = fields.firstIndex(of: focus) ?? 0
        func moveFocus(_ offset: Int) {
            focus = fields[min(fields.count - 1, max(0, position + offset))]
        }
        if focus == .region, [Key.left, .right, .home, .end].contains(key) {
            // The regions are drawn in two columns: Left/Right move across, Home/End to the ends.
            let count = Region.catalog.count + 1
            let half = (count + 1) / 2
            let index = regionIndex
            let target: Int
            switch key {
            case .left: target = index >= half ? index - half : index
            case .right: target = index < half && index + half < count ? index + half : index
            case .home: target = 0
            default: target = count - 1
            }
            return selectRegion(target)
        }
        switch key {
        case .ctrl("r"):
            revealPasscode.toggle()
            return result
        case .tab:
            // Tab wraps: from the region list (where ↑ changes the region) it is the way back up
            // to the Project ID and Passcode fields without touching the chosen region.
            focus = fields[(position + 1) % fields.count]
            return result
        case .backTab:
            focus = fields[(position + fields.count - 1) % fields.count]
            return result
        case .down:
            if focus == .region && regionIndex < Region.catalog.count { return selectRegion(regionIndex + 1) }
            moveFocus(1)
            return result
        case .up:
            if focus == .region && regionIndex > 0 { return selectRegion(regionIndex - 1) }
            moveFocus(-1)
            return result
        case .enter:
            return focus == .verify ? verify(passcodeVariable: passcodeVariable) : proceed(passcodeVariable: passcodeVariable)
        case .paste(let text) where Self.isMisplacedDashboardURL(text, in: focus):
            return takeDashboardURL(text)
        default:
            break
        }
        let field = focus
        return edit(field, passcodeVariable: passcodeVariable) { $0.handle(key) }
    }

    /// Step 2's intents (plain mode), through the same rules as the keys.
    mutating func perform(_ intent: Intent, passcodeVariable: String?) -> StepResult {
        switch intent {
        case .replaceProjectID(let yes):
            guard pendingProjectID != nil else { return StepResult() }
            let result = answerReplace(yes)
            focusNext(after: focus)
            return result
        case .text(let field, let text):
            guard fields.contains(field), field != .region, field != .verify else { return StepResult() }
            if let text, Self.isMisplacedDashboardURL(text, in: field) {
                let result = takeDashboardURL(text)
                if pendingProjectID == nil { focusNext(after: .dashboardURL) }
                return result
            }
            focus = field
            var result = StepResult()
            if let text, text != self[text: field] {
                result = edit(field, passcodeVariable: passcodeVariable) { input in
                    input.set("")
                    input.insert(text)
                    return true
                }
            }
            // A dashboard URL that names another project asks first; the answer moves on.
            if pendingProjectID == nil { focusNext(after: field) }
            return result
        case .region(let index):
            guard (0...Region.catalog.count).contains(index) else { return StepResult() }
            focus = .region
            let result = selectRegion(index)
            focusNext(after: .region)
            return result
        case .proceed:
            return proceed(passcodeVariable: passcodeVariable)
        case .verify:
            return verify(passcodeVariable: passcodeVariable)
        }
    }

    /// A dashboard URL given anywhere but a field meant for it (the Project ID, the region list)
    /// goes where it belongs.
    static func isMisplacedDashboardURL(_ text: String, in field: Field) -> Bool {
        field != .dashboardURL && field != .passcode && field != .customURL && text.lowercased().contains("clevertap.com")
    }

    private mutating func takeDashboardURL(_ text: String) -> StepResult {
        dashboardURL.set(text.trimmingWhitespace())
        focus = .dashboardURL
        applyDetection()
        return StepResult(changed: true)
    }

    /// The text of one of the text fields.
    subscript(text field: Field) -> String {
        switch field {
        case .dashboardURL: return dashboardURL.text
        case .projectID: return projectID.text
        case .passcode: return passcode.text
        case .customURL: return customURL.text
        case .region, .verify: return ""
        }
    }

    /// Applies `change` to `field`'s input; when it edited the text, detection runs (dashboard
    /// URL) or the verification is stale, and shown errors are checked again.
    private mutating func edit(_ field: Field, passcodeVariable: String?, _ change: (inout TextInput) -> Bool) -> StepResult {
        let edited: Bool
        switch field {
        case .dashboardURL:
            edited = change(&dashboardURL)
            if edited { applyDetection() }
        case .projectID: edited = change(&projectID)
        case .passcode: edited = change(&passcode)
        case .customURL: edited = change(&customURL)
        case .region, .verify: edited = false
        }
        guard edited else { return StepResult() }
        if field != .dashboardURL { verification = .notRun }
        if !errors.isEmpty { errors = problems(passcodeVariable: passcodeVariable).map(\.message) }
        return StepResult(changed: true)
    }

    private mutating func focusNext(after field: Field) {
        let fields = fields
        let position = fields.firstIndex(of: field) ?? 0
        focus = fields[min(fields.count - 1, position + 1)]
    }

    /// "Replace the Project ID with the one in the URL?" answered.
    private mutating func answerReplace(_ yes: Bool) -> StepResult {
        guard let pending = pendingProjectID else { return StepResult() }
        pendingProjectID = nil
        if yes {
            projectID.set(pending)
            detection = (message: "Replaced the Project ID with \(pending).", ok: true)
            verification = .notRun
            return StepResult(changed: true)
        }
        // The URL belongs to the other project: keep this project's region too.
        if let region = regionBeforeDetection { regionIndex = region }
        detection = (message: "Kept Project ID \(projectID.text) and its region.", ok: true)
        return StepResult()
    }

    private mutating func selectRegion(_ index: Int) -> StepResult {
        guard index != regionIndex else { return StepResult() }
        regionIndex = index
        verification = .notRun
        return StepResult(changed: true)
    }

    /// Enter on a field: every problem listed and the first one focused, else on to step 3.
    private mutating func proceed(passcodeVariable: String?) -> StepResult {
        let found = problems(passcodeVariable: passcodeVariable)
        errors = found.map(\.message)
        if let first = found.first {
            focus = first.field
            return StepResult()
        }
        return StepResult(next: true)
    }

    /// Enter on Verify: the check runs once nothing is wrong and the passcode is at hand.
    private mutating func verify(passcodeVariable: String?) -> StepResult {
        let found = problems(passcodeVariable: passcodeVariable)
        errors = found.map(\.message)
        guard found.isEmpty else {
            focus = found[0].field
            return StepResult()
        }
        guard !passcode.text.isEmpty else {
            verification = .failed("The passcode comes from $\(passcodeVariable ?? ""); type it here to verify.")
            return StepResult()
        }
        verification = .running
        return StepResult(effects: [.verifyCredentials(CredentialCheckRequest(
            projectID: (try? ProjectID.normalize(projectID.text)) ?? projectID.text,
            passcode: (try? Passcode.validate(passcode.text)) ?? Secret(passcode.text),
            endpoint: endpoint))])
    }

    /// Reads the dashboard URL field and reports what it found, selecting the region and filling
    /// (or offering to replace) the project ID.
    mutating func applyDetection() {
        let text = dashboardURL.text.trimmingWhitespace()
        pendingProjectID = nil
        guard !text.isEmpty else {
            detection = nil
            return
        }
        switch CredentialRules.detect(text) {
        case .failure(let problem):
            detection = (message: CredentialRules.message(for: problem), ok: false)
        case .success(let found):
            regionBeforeDetection = regionIndex
            regionIndex = Region.catalog.firstIndex(of: found.region) ?? 0
            verification = .notRun
            var message = "Region \(found.region.displayName) (\(found.region.code))"
            if found.note != nil { message += " (assumed: no region in the host)" }
            if let id = found.projectID {
                let current = projectID.text.trimmingWhitespace()
                if current.isEmpty {
                    projectID.set(id)
                    message += " and Project ID \(id)."
                } else if current.uppercased() == id {
                    message += "; Project ID \(id) matches the one entered."
                } else {
                    pendingProjectID = id
                    message += " and Project ID \(id). Replace \(current) with it? (y/n)"
                }
            } else {
                message += "; no Project ID in this URL."
            }
            detection = (message: message, ok: true)
        }
    }

    /// What blocks Next, each with the field to fix it in.
    func problems(passcodeVariable: String?) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let problem = CredentialRules.projectIDProblem(projectID.text) {
            problems.append(FieldProblem(field: .projectID, message: problem))
        }
        // An empty field keeps a passcode that comes from an environment variable.
        if !(passcode.text.isEmpty && passcodeVariable != nil),
           let problem = CredentialRules.passcodeProblem(passcode.text) {
            problems.append(FieldProblem(field: .passcode, message: problem))
        }
        if isCustomEndpoint, let problem = CredentialRules.customEndpointProblem(customURL.text) {
            problems.append(FieldProblem(field: .customURL, message: problem))
        }
        return problems
    }

}

extension Canvas {
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
            // Wrapped, never cut: the reason is what the user acts on.
            row = paragraph(text, row: row, style: Style(role), indent: left + 24)
        } else {
            row += 1
        }
        _ = errors(credentials.errors, from: row)
    }

}
