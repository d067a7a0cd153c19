import CleverTapCore
import Foundation
import Logging
import Sandbox

/// The demo account the sandbox accepts by default.
let sandboxAccount = SandboxAccount.demo

/// Fast retries so failure tests finish in milliseconds.
let fastRetries = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .milliseconds(40))

/// Starts a sandbox on a free loopback port, runs `body`, stops it (also when `body` throws).
func withSandbox<T: Sendable>(_ configuration: SandboxConfiguration = SandboxConfiguration(),
                              _ body: (SandboxHandle) async throws -> T) async throws -> T {
    let sandbox = try await SandboxServer(configuration: configuration).start()
    do {
        let result = try await body(sandbox)
        await sandbox.stop()
        return result
    } catch {
        await sandbox.stop()
        throw error
    }
}

/// A client configuration pointing at `sandbox`.
func clientConfiguration(_ sandbox: SandboxHandle, passcode: String = sandboxAccount.passcode.revealed,
                         accountID: String = sandboxAccount.projectID, retry: RetryPolicy = fastRetries,
                         requestTimeout: Duration = .seconds(10), logger: Logger? = nil) -> CleverTapClientConfiguration {
    var configuration = CleverTapClientConfiguration(
        baseURL: sandbox.baseURL, accountID: accountID, passcode: Secret(passcode),
        connectTimeout: .seconds(2), requestTimeout: requestTimeout, retryPolicy: retry)
    if let logger { configuration.logger = logger }
    return configuration
}

/// A valid profile record for `identity`.
func profileRecord(_ identity: String, _ data: JSONValue = ["Name": "Test User"]) -> JSONValue {
    ["type": "profile", "identity": .string(identity), "ts": 1_700_000_000, "profileData": data]
}

/// A swift-log handler that keeps every line it is given, with its metadata, for assertions.
final class RecordingLogStore: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [String] = []

    var lines: [String] { lock.withLock { storage } }
    func append(_ line: String) { lock.withLock { storage.append(line) } }

    /// A logger at trace level that records into this store.
    func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in RecordingLogHandler(store: self) }
        logger.logLevel = .trace
        return logger
    }
}

struct RecordingLogHandler: LogHandler {
    let store: RecordingLogStore
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let error = event.error.map { " error=\($0)" } ?? ""
        store.append("\(event.level) \(event.message) \(rendered)\(error)")
    }
}
