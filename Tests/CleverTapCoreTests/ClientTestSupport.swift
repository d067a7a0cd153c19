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

/// A loopback TCP port that is bound but not listening: connecting to it is refused, and while it
/// is held no other server can bind it.
struct ClosedPort {
    struct Failed: Error { var step: String; var errno: Int32 }

    let descriptor: Int32
    let port: Int

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw Failed(step: "socket", errno: errno) }
        self.descriptor = descriptor
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { close(descriptor); throw Failed(step: "bind", errno: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { close(descriptor); throw Failed(step: "getsockname", errno: errno) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func release() { close(descriptor) }
}
