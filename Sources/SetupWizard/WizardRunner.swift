import CleverTapCore
import Foundation
import TerminalUI

/// What the effect runner needs from the rest of the program: saving and checking credentials.
/// The launcher builds it from CleverTapCore (`WorkspaceStore`, `CleverTapClient`).
public struct WizardServices: Sendable {
    /// Saves atomically and returns the path written, or throws an error whose description says why.
    public var save: @Sendable (Workspace) async throws -> String
    /// Checks credentials against CleverTap (or the endpoint chosen).
    public var verify: @Sendable (CredentialCheckRequest) async -> VerificationResult

    public init(save: @escaping @Sendable (Workspace) async throws -> String,
                verify: @escaping @Sendable (CredentialCheckRequest) async -> VerificationResult) {
        self.save = save
        self.verify = verify
    }
}

/// Messages produced by effects running in other tasks, picked up by the loop between keys.
final class Inbox: @unchecked Sendable {
    private let lock = NSLock()
    private var messages: [WizardMessage] = []

    func post(_ message: WizardMessage) {
        lock.lock()
        messages.append(message)
        lock.unlock()
    }

    func drain() -> [WizardMessage] {
        lock.lock()
        defer { lock.unlock() }
        let drained = messages
        messages = []
        return drained
    }
}

/// The Elm loop: read keys, `update`, run effects, draw `view`, until an `.exit` effect.
public enum WizardRunner {
    public static func run(_ initial: WizardState, terminal: Terminal, handler: WizardEffectHandler) async -> WizardOutcome {
        let outcome = await loop(initial, terminal: terminal, handler: handler)
        await handler.shutdown()
        return outcome
    }

    private static func loop(_ initial: WizardState, terminal: Terminal, handler: WizardEffectHandler) async -> WizardOutcome {
        var state = initial
        let inbox = Inbox()
        terminal.draw(Wizard.view(state, size: terminal.size))
        while true {
            if let signal = terminal.takeSignal() { return .interrupted(signal: signal) }
            // Poll faster while a spinner turns; otherwise wait for keys or an effect's answer.
            let keys = terminal.readKeys(timeoutMilliseconds: state.isBusy ? 80 : 150)
            var messages = keys.map(WizardMessage.key) + inbox.drain()
            if state.isBusy { messages.append(.tick) }
            for message in messages {
                for effect in Wizard.update(&state, message) {
                    if case .exit(let outcome) = effect { return outcome }
                    if case .editSample = effect {
                        // The editor owns the terminal until it exits; the wizard waits.
                        terminal.suspend()
                        let answer = await handler.perform(effect)
                        terminal.resume()
                        if let answer { inbox.post(answer) }
                        continue
                    }
                    Task {
                        if let answer = await handler.perform(effect) { inbox.post(answer) }
                    }
                }
            }
            terminal.draw(Wizard.view(state, size: terminal.size))
        }
    }
}
