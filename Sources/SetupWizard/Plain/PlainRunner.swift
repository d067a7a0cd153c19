import CleverTapCore
import Synchronization
import TerminalUI

/// Where plain mode reads its answers: one line at a time, nil at end of input.
public protocol PlainLineReader {
    /// The next line without its line break; `secret` lines must not be echoed.
    mutating func readLine(secret: Bool) -> String?
    /// True when the answers are typed on a terminal (which echoes them itself); otherwise the
    /// runner repeats each answer after its question so a log reads as a conversation.
    var isTerminal: Bool { get }
}

/// Lines from standard input: a terminal (echo off for secrets, by TerminalUI) or a pipe.
public struct StandardInputLines: PlainLineReader {
    public init() {}

    public var isTerminal: Bool { StandardInput.isTerminal }

    public mutating func readLine(secret: Bool) -> String? { StandardInput.readLine(secret: secret) }
}

/// How a plain-mode run ended.
public struct PlainRunResult: Sendable, Hashable {
    public var outcome: WizardOutcome
    /// Input ended before the wizard finished; nothing unsaved was written.
    public var endedByEndOfInput: Bool

    public init(outcome: WizardOutcome, endedByEndOfInput: Bool) {
        self.outcome = outcome
        self.endedByEndOfInput = endedByEndOfInput
    }
}

/// The wizard as numbered line prompts on a line reader and a text writer: the same `WizardState`,
/// the same `Wizard.update` and the same `WizardEffectHandler` as `WizardRunner`, with
/// `PlainPrompt` instead of the ncurses view and `PlainInput` instead of key decoding. Effects run
/// one at a time, each answered before the next line is read, so a pipe of answers never races a
/// save or a test send.
public enum PlainRunner {
    public static func run<Reader: PlainLineReader>(_ initial: WizardState, input: inout Reader,
                                                    output: (String) -> Void, handler: WizardEffectHandler) async -> PlainRunResult {
        let result = await loop(initial, input: &input, output: output, handler: handler)
        await handler.shutdown()
        return result
    }

    private static func loop<Reader: PlainLineReader>(_ initial: WizardState, input: inout Reader,
                                                      output: (String) -> Void, handler: WizardEffectHandler) async -> PlainRunResult {
        var state = initial
        var lastHeading: [String]?
        // Notes (status, errors) are repeated only when they change, so a log does not stutter.
        var lastNotes: [String] = []
        output("clevertap-actions setup, plain mode: answer each question on one line; ? for help, q to quit.\n")
        while true {
            let prompt = PlainPrompt.make(state)
            if prompt.heading != lastHeading {
                if !prompt.heading.isEmpty { output(prompt.heading.joined(separator: "\n") + "\n") }
                lastHeading = prompt.heading
                lastNotes = []
            }
            if prompt.notes != lastNotes, !prompt.notes.isEmpty { output(prompt.notes.joined(separator: "\n") + "\n") }
            lastNotes = prompt.notes
            output(prompt.numberedQuestion)
            let secret = prompt.input == .text(secret: true)
            guard let line = input.readLine(secret: secret) else {
                output("\n")
                return endOfInput(state)
            }
            if !input.isTerminal { output((secret ? (line.isEmpty ? "" : "(not shown)") : line) + "\n") }
            switch PlainInput.translate(line, prompt: prompt, state: state) {
            case .help:
                output(PlainInput.help + "\n")
                lastHeading = nil
                lastNotes = []
            case .invalid(let reason):
                output("Error: \(reason)\n")
            case .send(let messages):
                if let outcome = await apply(messages, to: &state, output: output, handler: handler,
                                             inputIsTerminal: input.isTerminal) {
                    return PlainRunResult(outcome: outcome, endedByEndOfInput: false)
                }
            }
        }
    }

    /// Input ended: finished after a save, or on the menu or a test result with nothing unsaved
    /// (a script that sent a test and stopped); anywhere else the setup was cut short.
    static func endOfInput(_ state: WizardState) -> PlainRunResult {
        if state.phase == .saved && state.savedThisRun {
            return PlainRunResult(outcome: Wizard.quitOutcome(state, discarding: false), endedByEndOfInput: false)
        }
        let finished = [.menu, .testSend, .delivery].contains(state.phase) && state.overlay == nil && !state.hasUnsavedChanges
        return PlainRunResult(outcome: Wizard.quitOutcome(state, discarding: state.hasUnsavedChanges), endedByEndOfInput: !finished)
    }

    /// Feeds `messages` to `update`, running each effect to completion and feeding its answer back
    /// before the next message. Returns the outcome when the wizard exits.
    static func apply(_ messages: [WizardMessage], to state: inout WizardState, output: (String) -> Void,
                      handler: WizardEffectHandler, inputIsTerminal: Bool) async -> WizardOutcome? {
        var queue = messages[...]
        while let message = queue.popFirst() {
            for effect in Wizard.update(&state, message) {
                if case .exit(let outcome) = effect { return outcome }
                // One reading per prompt: the delivery screen's 2 s refresh would never let the next answer in.
                if case .readDelivery(_, let delay) = effect, delay > 0 { continue }
                // What is happening, in words, while the effect runs (the full-screen wizard's spinner).
                // Not an exhaustive switch: effects added later still run, just without a line.
                if case .verifyCredentials = effect { output("Checking credentials...\n") }
                if case .save = effect { output("Saving...\n") }
                if case .sendTest(let request) = effect { output("Sending the sample \(request.kind.displayName) event...\n") }
                if case .editSample = effect, !inputIsTerminal {
                    // An editor started now would read the answers meant for the wizard.
                    queue.insert(.sampleEditFailed("$EDITOR needs a terminal, and plain mode is reading its answers from a pipe; "
                                                   + "choose a built-in sample instead"), at: queue.startIndex)
                    continue
                }
                if case .editSample = effect { output("Opening the sample event in $EDITOR...\n") }
                // A failed attempt is told as a line (after the fact: the writer is not Sendable).
                let retries = Mutex<[String]>([])
                let answer = await handler.perform(effect) { message in
                    if case .testSendRetrying(let notice) = message {
                        retries.withLock { $0.append("Attempt \(notice.failedAttempt) of \(notice.maxAttempts) failed: \(notice.reason); retrying...\n") }
                    }
                }
                for line in retries.withLock({ $0 }) { output(line) }
                if let answer {
                    // The answer comes before the rest of the line's keys, as if it were instant.
                    queue.insert(answer, at: queue.startIndex)
                }
            }
        }
        return nil
    }
}
