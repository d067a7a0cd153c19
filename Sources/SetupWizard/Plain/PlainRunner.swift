import CleverTapCore
import Foundation

/// Where plain mode reads its answers: one line at a time, nil at end of input.
public protocol PlainLineReader {
    /// The next line without its line break; `secret` lines must not be echoed.
    mutating func readLine(secret: Bool) -> String?
    /// True when the answers are typed on a terminal (which echoes them itself); otherwise the
    /// runner repeats each answer after its question so a log reads as a conversation.
    var isTerminal: Bool { get }
}

/// Lines from standard input: a terminal (echo off for secrets) or a pipe.
public struct StandardInputLines: PlainLineReader {
    public init() {}

    public var isTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    public mutating func readLine(secret: Bool) -> String? {
        guard secret, isTerminal else { return Swift.readLine(strippingNewline: true) }
        var saved = termios()
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return Swift.readLine(strippingNewline: true) }
        var silent = saved
        silent.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        defer {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved)
            // The Enter the user typed was not echoed either.
            FileHandle.standardOutput.write(Data("\n".utf8))
        }
        return Swift.readLine(strippingNewline: true)
    }
}

/// How a plain-mode run ended.
public struct PlainRunResult: Sendable, Hashable {
    public var outcome: WizardOutcome
    /// Input ended before the wizard finished; nothing unsaved was written.
    public var endedByEndOfInput: Bool
}

/// The wizard as numbered line prompts on a line reader and a text writer: the same `WizardState`,
/// the same `Wizard.update` and the same effects as `WizardRunner`, with `PlainPrompt` instead of
/// the ncurses view and `PlainInput` instead of key decoding. Effects run one at a time, each
/// answered before the next line is read, so a pipe of answers never races a save.
public enum PlainRunner {
    public static func run<Reader: PlainLineReader>(_ initial: WizardState, input: inout Reader,
                                                    output: (String) -> Void, services: WizardServices) async -> PlainRunResult {
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
                if state.phase == .saved, let path = state.savedPath {
                    return PlainRunResult(outcome: .saved(path: path, command: state.savedCommand ?? ""), endedByEndOfInput: false)
                }
                return PlainRunResult(outcome: .quitWithoutSaving, endedByEndOfInput: true)
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
                if let outcome = await apply(messages, to: &state, output: output, services: services) {
                    return PlainRunResult(outcome: outcome, endedByEndOfInput: false)
                }
            }
        }
    }

    /// Feeds `messages` to `update`, running each effect to completion and feeding its answer back
    /// before the next message. Returns the outcome when the wizard exits.
    static func apply(_ messages: [WizardMessage], to state: inout WizardState, output: (String) -> Void,
                      services: WizardServices) async -> WizardOutcome? {
        var queue = messages[...]
        while let message = queue.popFirst() {
            for effect in Wizard.update(&state, message) {
                if case .exit(let outcome) = effect { return outcome }
                if case .verifyCredentials = effect { output("Checking credentials...\n") }
                if let answer = await perform(effect, services: services) {
                    // The answer comes before the rest of the line's keys, as if it were instant.
                    queue.insert(answer, at: queue.startIndex)
                }
            }
        }
        return nil
    }

    /// Runs one effect through the program's services and returns the message that reports it.
    static func perform(_ effect: WizardEffect, services: WizardServices) async -> WizardMessage? {
        switch effect {
        case .verifyCredentials(let request):
            return .verified(await services.verify(request))
        case .save(let workspace):
            do {
                return .saved(path: try await services.save(workspace))
            } catch {
                return .saveFailed(String(describing: error))
            }
        case .exit:
            return nil
        case .sendTest, .editSample:
            // The shared handler; a local sandbox it starts lives for this one send.
            let handler = WizardEffectHandler(services: services, environment: ProcessInfo.processInfo.environment)
            let answer = await handler.perform(effect)
            await handler.shutdown()
            return answer
        }
    }
}
