import CleverTapCore
import Synchronization
import TerminalUI

/// Answers of effects running in other tasks, picked up by the loop between keys; each names
/// the task it came from so the loop forgets finished tasks. (The same `Mutex` the executable's
/// signal handling uses: one lock style.)
final class Inbox: Sendable {
    private let answers = Mutex<[(task: Int, message: WizardMessage?)]>([])

    func post(task: Int, _ message: WizardMessage?) {
        answers.withLock { $0.append((task, message)) }
    }

    /// A message from an effect still running: its task stays registered (Esc can still cancel it).
    func post(progress message: WizardMessage) {
        answers.withLock { $0.append((Self.progress, message)) }
    }

    /// Not a task id (ids count up from 0): draining it unregisters nothing.
    static let progress = Int.min

    func drain() -> [(task: Int, message: WizardMessage?)] {
        answers.withLock { answers in
            defer { answers = [] }
            return answers
        }
    }
}

/// The Elm loop: read keys, `update`, run effects, draw `view`, until an `.exit` effect.
public enum WizardRunner {
    public static func run(_ initial: WizardState, terminal: Terminal, handler: WizardEffectHandler) async -> WizardOutcome {
        var tasks: [Int: (effect: WizardEffect, task: Task<Void, Never>)] = [:]
        let outcome = await loop(initial, terminal: terminal, handler: handler, tasks: &tasks)
        // Nothing outlives the wizard: effects still running (a slow send) are cancelled.
        for (_, running) in tasks { running.task.cancel() }
        await handler.shutdown()
        return outcome
    }

    private static func loop(_ initial: WizardState, terminal: Terminal, handler: WizardEffectHandler,
                             tasks: inout [Int: (effect: WizardEffect, task: Task<Void, Never>)]) async -> WizardOutcome {
        var state = initial
        let inbox = Inbox()
        var nextTask = 0
        // The size is part of the state: keys are ignored while the terminal is too small.
        _ = Wizard.update(&state, .key(.resize(columns: terminal.size.columns, rows: terminal.size.rows)))
        terminal.draw(Wizard.view(state, size: terminal.size))
        while true {
            if let signal = terminal.takeSignal() { return .interrupted(signal: signal) }
            // Poll faster while a spinner turns; otherwise wait for keys or an effect's answer.
            let keys = terminal.readKeys(timeoutMilliseconds: state.isBusy ? 80 : 150)
            var messages = keys.map(WizardMessage.key)
            for answer in inbox.drain() {
                tasks[answer.task] = nil
                if let message = answer.message { messages.append(message) }
            }
            if state.isBusy { messages.append(.tick) }
            for message in messages {
                for effect in Wizard.update(&state, message) {
                    switch effect {
                    case .exit(let outcome):
                        return outcome
                    case .cancelTestSend:
                        for (id, running) in tasks {
                            if case .sendTest = running.effect { running.task.cancel(); tasks[id] = nil }
                        }
                    case .editSample:
                        // The editor owns the terminal until it exits; the wizard waits.
                        terminal.suspend()
                        let answer = await handler.perform(effect)
                        terminal.resume()
                        if let answer { inbox.post(task: -1, answer) }
                    default:
                        let id = nextTask
                        nextTask += 1
                        tasks[id] = (effect, Task {
                            let answer = await handler.perform(effect) { inbox.post(progress: $0) }
                            inbox.post(task: id, answer)
                        })
                    }
                }
            }
            terminal.draw(Wizard.view(state, size: terminal.size))
        }
    }
}
