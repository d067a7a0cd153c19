import CleverTapCore
import Foundation
import SetupWizard
import Testing

/// The plain runner's loop: scripted lines in, text out, effects run through real services
/// (saving with the real `WorkspaceStore` in a temporary directory).
@Suite(.timeLimit(.minutes(2))) struct PlainRunnerTests {
    /// Answers from a list, then end of input; remembers which prompts were secret.
    struct ScriptedLines: PlainLineReader {
        var lines: [String]
        var secretPrompts = 0
        var isTerminal: Bool { false }

        mutating func readLine(secret: Bool) -> String? {
            if secret { secretPrompts += 1 }
            return lines.isEmpty ? nil : lines.removeFirst()
        }
    }

    final class Transcript: @unchecked Sendable {
        var text = ""
    }

    let directory = NSTemporaryDirectory() + "plain-runner-\(UUID().uuidString)"
    var path: String { directory + "/workspace.json" }

    func services(_ store: WorkspaceStore) -> WizardServices {
        WizardServices(save: WizardServices.saving(to: store), verify: { _ in .rejected("not checked in this test") })
    }

    func run(_ lines: [String], workspace: Workspace = Workspace()) async -> (PlainRunResult, String, ScriptedLines) {
        let store = WorkspaceStore(path: path)
        var input = ScriptedLines(lines: lines)
        let transcript = Transcript()
        let state = WizardState(workspace: workspace, configPath: path, identifiers: WizardDriver.identifiers)
        let result = await PlainRunner.run(state, input: &input, output: { transcript.text += $0 },
                                            handler: WizardEffectHandler(services: services(store)))
        return (result, transcript.text, input)
    }

    @Test func quickSetupSavesThroughTheServicesAndNeverPrintsThePasscode() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let passcode = "dca1d7eb3a6e4a0e9f2b"
        let (result, text, input) = await run(["Website", "", "https://in1.dashboard.clevertap.com/844-6K7-984Z/main", "",
                                               passcode, "", "1", "1", "1", "1"])
        #expect(result == PlainRunResult(outcome: .saved(path: path, command: result.savedCommand), endedByEndOfInput: false))
        #expect(input.secretPrompts == 1)
        #expect(!text.contains(passcode))
        #expect(text.contains("Passcode (not shown): (not shown)\n"))
        let saved = try WorkspaceStore(path: path).load(required: true)
        #expect(saved.destinations.first?.passcode == .inline(Secret(passcode)))
    }

    @Test func endOfInputMidwayWritesNothingAndSaysSo() async {
        let (result, _, _) = await run(["Website", ""])
        #expect(result.endedByEndOfInput)
        #expect(result.outcome == .quitWithoutSaving(discardedChanges: true))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func endOfInputOnTheMenuWithNothingChangedIsAFinish() async {
        let (result, text, _) = await run([], workspace: .sample)
        #expect(!result.endedByEndOfInput)
        #expect(text.contains("Choose (1-"))
    }

    @Test func theEditorIsNotStartedWhileAnswersComeFromAPipe() async {
        // Quick path to Customized Setup, then key by key: u (add User Upload), Enter, Enter (open
        // its editor), Ctrl-O ($EDITOR on the sample).
        let (result, text, _) = await run(["Website", "", "https://in1.dashboard.clevertap.com/844-6K7-984Z/main", "",
                                           "dca1d7eb3a6e4a0e9f2b", "", "1", "2", "u", "", "", "ctrl-o"])
        #expect(result.endedByEndOfInput)
        #expect(!text.contains("Opening the sample event in $EDITOR"))
        #expect(text.contains("$EDITOR needs a terminal"))
    }

    @Test func helpAndWrongAnswersChangeNothing() async {
        let (result, text, _) = await run(["?", "9", "q"], workspace: .sample)
        #expect(text.contains(PlainInput.help))
        #expect(text.contains("Error: \"9\" is not one of the options"))
        // Nothing unsaved: q ends the wizard without asking.
        #expect(result == PlainRunResult(outcome: .quitWithoutSaving(discardedChanges: false), endedByEndOfInput: false))
    }
}

extension PlainRunResult {
    /// The saved command, for comparing whole results.
    var savedCommand: String {
        if case .saved(_, let command, _) = outcome { return command }
        return ""
    }
}
