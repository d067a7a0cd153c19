import CleverTapCore
import TerminalUI

/// Plain mode's prompts for the credentials, Review, the test-send result and the saved screen.
extension PlainPrompt {
    // MARK: - Step 2

    static func credentials(_ state: WizardState) -> PlainPrompt {
        let credentials = state.credentials
        var notes: [String] = []
        if let detection = credentials.detection {
            notes.append((detection.ok ? "Dashboard URL: " : "Dashboard URL problem: ") + detection.message)
        }
        switch credentials.verification {
        case .notRun: break
        case .running: notes.append("Checking credentials...")
        case .succeeded(let text): notes.append("Verified: \(text)")
        case .failed(let text): notes.append("Verification failed: \(text)")
        }
        notes += credentials.errors.map { "Error: \($0)" }
        if let pending = credentials.pendingProjectID {
            return PlainPrompt(heading: [], notes: notes, options: [], current: nil,
                               question: "Replace the Project ID \(credentials.projectID.text.trimmingWhitespace()) with \(pending)? (y/n)",
                               input: .confirm) { answer in
                switch answer {
                case .yes: return [.intent(.credentials(.replaceProjectID(true)))]
                case .no: return [.intent(.credentials(.replaceProjectID(false)))]
                default: return nil
                }
            }
        }
        func textField(_ question: String, _ field: CredentialsStepState.Field, secret: Bool = false, shown: String? = nil) -> PlainPrompt {
            let current = credentials[text: field]
            let display = shown ?? (current.isEmpty ? "" : " [\(current)]")
            return PlainPrompt(heading: [], notes: notes, options: [], current: nil, question: question + display,
                               input: .text(secret: secret)) { answer in
                switch answer {
                case .keep: return [.intent(.credentials(.text(field, nil)))]
                case .text(let text): return [.intent(.credentials(.text(field, text)))]
                default: return nil
                }
            }
        }
        switch credentials.focus {
        case .dashboardURL:
            return textField("Dashboard URL (optional; Enter skips)", .dashboardURL)
        case .projectID:
            return textField("Project ID, XXX-XXX-XXXX", .projectID)
        case .passcode:
            let shown: String
            if !credentials.passcode.text.isEmpty {
                shown = " [entered; Enter keeps it]"
            } else if let variable = state.passcodeVariable {
                shown = " [from $\(variable); Enter keeps it]"
            } else {
                shown = ""
            }
            return textField("Passcode (not shown)", .passcode, secret: true, shown: shown)
        case .customURL:
            return textField("Custom endpoint URL, https://... or http://127.0.0.1:PORT", .customURL)
        case .region:
            let regions = Region.catalog.map { "\($0.displayName) (\($0.code)), \($0.apiBaseURL)" } + ["Custom endpoint"]
            let index = credentials.regionIndex
            return PlainPrompt(heading: [], notes: notes, options: regions, current: index,
                               question: "Region (1-\(regions.count); Enter keeps the current one)", input: .choice(count: regions.count)) { answer in
                switch answer {
                case .keep: return [.intent(.credentials(.region(index)))]
                case .pick(let target): return [.intent(.credentials(.region(target)))]
                default: return nil
                }
            }
        case .verify:
            let options = ["Continue to step 3 (\(WizardStep.setupMode.title))", "Verify credentials with CleverTap first (optional)"]
            return PlainPrompt(heading: [], notes: notes, options: options, current: 0, question: "Choose (1-2)",
                               input: .choice(count: 2)) { answer in
                switch answer {
                case .keep, .pick(0): return [.intent(.credentials(.proceed))]
                case .pick(1): return [.intent(.credentials(.verify))]
                default: return nil
                }
            }
        }
    }

    // MARK: - Step 4

    static func review(_ state: WizardState) -> PlainPrompt {
        var summary: [String] = []
        let review = Wizard.reviewSummary(state, passcode: { _ in "entered (not shown)" })
        for (index, row) in review.rows.enumerated() {
            let label = row.label + ":"
            summary.append(label + String(repeating: " ", count: max(1, 15 - label.count)) + row.value)
            if index == review.subscriptionsAfter { summary += review.subscriptions.map { "  - " + $0 } }
        }
        var notes = Wizard.problems(state).map { "Fix before saving: step \($0.step.rawValue + 1) (\($0.step.title)): \($0.message)" }
        if let error = state.saveError { notes.append("Error: \(error)") }
        let options = ["Save"] + WizardStep.allCases.filter { $0 != .review }.map { "Edit step \($0.rawValue + 1): \($0.title)" }
        return PlainPrompt(heading: summary, notes: notes, options: options, current: 0, question: "Choose (1-\(options.count))",
                           input: .choice(count: options.count)) { answer in
            switch answer {
            case .keep, .pick(0): return [.intent(.save)]
            case .pick(let index): return WizardStep(rawValue: index - 1).map { [.intent(.edit($0))] }
            default: return nil
            }
        }
    }

    // MARK: - Test send

    /// A finished test send: the answer, then the request (passcode redacted), as the full-screen
    /// result shows them, unscrolled. (The runner waits for the send, so "running" is never read.)
    static func testSend(_ state: WizardState) -> PlainPrompt {
        guard let test = state.testSend else {
            return PlainPrompt(heading: [], notes: [], options: [], current: nil, question: "Press Enter to continue",
                               input: .acknowledge) { _ in [.intent(.closeTestSend)] }
        }
        let request = test.request
        var heading = ["", "Test \(request.kind.displayName) through \(request.destination.name)",
                       request.target == .localSandbox
                           ? "To the local sandbox (started in this process)"
                           : "To \(request.destination.endpoint.baseURL), Project ID \(request.destination.projectID)"]
        if let summary = test.summary {
            heading += testSendLines(summary)
        } else {
            heading.append("Sending the sample \(request.kind.displayName) event...")
        }
        return PlainPrompt(heading: heading, notes: [], options: ["Back to the menu", "Send it again"], current: 0,
                           question: "Choose (1-2)", input: .choice(count: 2)) { answer in
            switch answer {
            case .keep, .pick(0): return [.intent(.closeTestSend)]
            case .pick(1): return [.intent(.sendTestAgain)]
            default: return nil
            }
        }
    }

    /// The result's lines as the full screen has them, not wrapped to a screen width: a line
    /// reader or a log wraps them, and the JSON body keeps its indentation.
    static func testSendLines(_ summary: TestSendSummary) -> [String] {
        summary.resultLines.map { $0.indent + $0.text }
    }

    // MARK: - Saved

    static func saved(_ state: WizardState) -> PlainPrompt {
        var heading = ["", "Saved. The workspace is written to \(state.savedPath ?? state.configPath)"]
        if let source = state.savedNewSource {
            heading += ["New source \(source.name): its write key (for the SDK sending events):", "  " + source.writeKey]
        }
        if let command = state.savedCommand {
            heading += ["The same setup as a command (the passcode comes from the environment):", "  " + command]
        }
        return PlainPrompt(heading: heading, notes: [], options: ["Finish", "Back to the menu"], current: 0, question: "Choose (1-2)",
                           input: .choice(count: 2)) { answer in
            switch answer {
            case .keep, .pick(0): return [.intent(.finish)]
            case .pick(1): return [.intent(.backToMenu)]
            default: return nil
            }
        }
    }
}
