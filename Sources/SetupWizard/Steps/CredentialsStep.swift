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
        if let pending = pendingProjectID {
            switch key {
            case .character("y"), .character("Y"), .enter:
                projectID.set(pending)
                pendingProjectID = nil
                detection = (message: "Replaced the Project ID with \(pending).", ok: true)
                verification = .notRun
                result.changed = true
            case .character("n"), .character("N"), .escape:
                // The URL belongs to the other project: keep this project's region too.
                pendingProjectID = nil
                if let region = regionBeforeDetection { regionIndex = region }
                detection = (message: "Kept Project ID \(projectID.text) and its region.", ok: true)
            default:
                break
            }
            return result
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
            if target != index {
                regionIndex = target
                verification = .notRun
                result.changed = true
            }
            return result
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
            if focus == .region && regionIndex < Region.catalog.count {
                regionIndex += 1
                verification = .notRun
                result.changed = true
            } else {
                moveFocus(1)
            }
            return result
        case .up:
            if focus == .region && regionIndex > 0 {
                regionIndex -= 1
                verification = .notRun
                result.changed = true
            } else {
                moveFocus(-1)
            }
            return result
        case .enter:
            if focus == .verify {
                let found = problems(passcodeVariable: passcodeVariable)
                errors = found.map(\.message)
                guard found.isEmpty else {
                    focus = found[0].field
                    return result
                }
                guard !passcode.text.isEmpty else {
                    verification = .failed("The passcode comes from $\(passcodeVariable ?? ""); type it here to verify.")
                    return result
                }
                verification = .running
                result.effects = [.verifyCredentials(CredentialCheckRequest(
                    projectID: (try? ProjectID.normalize(projectID.text)) ?? projectID.text,
                    passcode: (try? Passcode.validate(passcode.text)) ?? Secret(passcode.text),
                    endpoint: endpoint))]
                return result
            }
            let found = problems(passcodeVariable: passcodeVariable)
            errors = found.map(\.message)
            if let first = found.first {
                focus = first.field
            } else {
                result.next = true
            }
            return result
        case .paste(let text) where focus != .dashboardURL && focus != .passcode
            && focus != .customURL && text.lowercased().contains("clevertap.com"):
            // A dashboard URL pasted anywhere but a text field meant for it goes where it belongs.
            dashboardURL.set(text.trimmingWhitespace())
            focus = .dashboardURL
            applyDetection()
            result.changed = true
            return result
        default:
            break
        }
        let edited: Bool
        switch focus {
        case .dashboardURL:
            edited = dashboardURL.handle(key)
            if edited { applyDetection() }
        case .projectID:
            edited = projectID.handle(key)
        case .passcode:
            edited = passcode.handle(key)
        case .customURL:
            edited = customURL.handle(key)
        case .region, .verify:
            edited = false
        }
        if edited {
            result.changed = true
            if focus != .dashboardURL { verification = .notRun }
            if !errors.isEmpty {
                errors = problems(passcodeVariable: passcodeVariable).map(\.message)
            }
        }
        return result
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
