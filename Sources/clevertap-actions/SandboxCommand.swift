import ArgumentParser
import CleverTapCore
import Foundation
import Sandbox

/// `sandbox`: a local CleverTap-compatible server for trying the tool and rehearsing failures.
struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local CleverTap-compatible server on 127.0.0.1.",
        discussion: """
            Prints its base URL as the first line of standard output, then serves POST /1/upload and \
            POST /1/delete/profiles.json as CleverTap does, plus GET /sandbox/profiles, \
            /sandbox/profiles/{identity}, /sandbox/events and /sandbox/requests for inspection. \
            Runs until interrupted (Ctrl-C) or sent SIGTERM.

            Without --project-id it accepts the demo account \(SandboxAccount.demo.projectID) with \
            passcode "\(SandboxAccount.demo.passcode.revealed)" (public, for local use only).

            Example:
              clevertap-actions sandbox --port 8787 --faults 429,500,timeout,ok
            """)

    @Option(help: ArgumentHelp("TCP port on 127.0.0.1; 0 picks a free one.", valueName: "n"))
    var port: Int = 0

    @Option(help: ArgumentHelp("Project ID the sandbox accepts (with --passcode-env).", valueName: "id"))
    var projectId: String?

    @Option(help: ArgumentHelp("Environment variable holding the passcode the sandbox accepts.", valueName: "var"))
    var passcodeEnv: String?

    @Option(help: ArgumentHelp("Keep profiles in this file across restarts (written atomically, mode 0600).", valueName: "file"))
    var state: String?

    @Option(help: ArgumentHelp("Scripted answers for the next API calls, e.g. 429,500,timeout,ok.", valueName: "seq"))
    var faults: String?

    @Option(help: ArgumentHelp("Fraction of API calls answered 500 after the script (0 to 1).", valueName: "r"))
    var failureRate: Double = 0

    @Option(help: ArgumentHelp("Seed for --failure-rate, so a rehearsal repeats.", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Milliseconds added to every API call.", valueName: "n"))
    var latencyMs: Int = 0

    @Option(help: ArgumentHelp("Send Retry-After: N (seconds) with every 429 and 5xx answer.", valueName: "n"))
    var retryAfter: Int?

    func run() async throws {
        guard (0...65535).contains(port) else { throw Console.usage("--port \(port) is out of range; expected 0-65535", command: "sandbox") }
        guard latencyMs >= 0 else { throw Console.usage("--latency-ms must be 0 or more", command: "sandbox") }
        if let retryAfter, !(0...86_400).contains(retryAfter) {
            throw Console.usage("--retry-after must be 0 to 86400 seconds, got \(retryAfter)", command: "sandbox")
        }
        guard (0...1).contains(failureRate) else {
            throw Console.usage(SandboxConfigurationError.invalidFailureRate(failureRate).description, command: "sandbox")
        }
        var configuration = SandboxConfiguration(port: port, stateFile: state, failureRate: failureRate, seed: seed,
                                                 latency: .milliseconds(latencyMs))
        configuration.retryAfterSeconds = retryAfter
        switch (projectId, passcodeEnv) {
        case (nil, nil): break
        case (let id?, let variable?):
            let projectID: String
            do { projectID = try ProjectID.normalize(id) } catch { throw Console.usage("--project-id: \(error)", command: "sandbox") }
            let passcode: Secret
            do { passcode = try PasscodeSource.environment(variable: variable).resolve(environment: ProcessInfo.processInfo.environment) }
            catch { throw Console.fail("--passcode-env: \(error)") }
            configuration.accounts = [SandboxAccount(projectID: projectID, passcode: passcode)]
        default:
            throw Console.usage("--project-id and --passcode-env go together", command: "sandbox")
        }
        if let faults {
            do { configuration.faults = try SandboxFault.parseSequence(faults) } catch {
                throw Console.usage("--faults: \(error)", command: "sandbox")
            }
        }
        let sandbox: SandboxHandle
        do { sandbox = try await SandboxServer(configuration: configuration).start() } catch {
            throw Console.fail(error.description)
        }
        // Listening before anything is announced: whoever reads the URL may stop us at once.
        let signals = TerminationSignals.listen { _ in Task { await sandbox.stop() } }
        let account = configuration.accounts[0]
        Console.note("CleverTap sandbox listening on \(sandbox.baseURL) (127.0.0.1 only)")
        Console.note("  account:  \(account.projectID)" + (projectId == nil ? " (demo; passcode \"\(account.passcode.revealed)\")" : " (passcode from $\(passcodeEnv ?? ""))"))
        Console.note("  profiles: curl \(sandbox.baseURL)/sandbox/profiles")
        Console.note("  events:   curl \(sandbox.baseURL)/sandbox/events")
        Console.note("  requests: curl \(sandbox.baseURL)/sandbox/requests")
        if !configuration.faults.isEmpty { Console.note("  faults:   \(configuration.faults.map(\.description).joined(separator: ","))") }
        if let state { Console.note("  state:    \(state)") }
        Console.note("Press Ctrl-C to stop.")
        // Last, unbuffered: a script that has read the URL line finds the sandbox fully ready.
        try Output.line(sandbox.baseURL)
        await sandbox.waitUntilStopped()
        signals.cancel()
        Console.note("sandbox stopped")
    }
}
