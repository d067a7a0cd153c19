import CleverTapCore
import Hummingbird
import Logging
import NIOCore

/// A local CleverTap-compatible HTTP server on 127.0.0.1 (spec §9): the two API endpoints with
/// CleverTap's authentication, validation, answers and concurrency limits, profiles kept in memory
/// or in a state file, inspection endpoints and fault injection.
///
/// ```swift
/// let sandbox = try await SandboxServer(configuration: SandboxConfiguration()).start()
/// defer { Task { await sandbox.stop() } }
/// print(sandbox.baseURL)   // http://127.0.0.1:54321
/// ```
public struct SandboxServer: Sendable {
    public var configuration: SandboxConfiguration
    public var logger: Logger

    public init(configuration: SandboxConfiguration,
                logger: Logger = Logger(label: "clevertap.sandbox", factory: { _ in SwiftLogNoOpLogHandler() }))
    {
        self.configuration = configuration
        self.logger = logger
    }

    /// Binds 127.0.0.1 and starts answering; returns once the port is open.
    public func start() async throws(SandboxConfigurationError) -> SandboxHandle {
        try configuration.validate()
        let store = try SandboxStore(configuration: configuration)
        let responder = SandboxResponder(
            configuration: configuration, store: store,
            validator: RecordValidator(restrictedEventNames: configuration.restrictedEventNames,
                                       nestedObjects: configuration.nestedObjects))
        let started = StartSignal()
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: configuration.port),
                                                    serverName: "clevertap-sandbox"),
            onServerRunning: { channel in await started.succeed(port: channel.localAddress?.port ?? 0) },
            logger: logger)
        let task = Task {
            do { try await app.run() } catch { await started.fail("\(error)") }
        }
        switch await started.wait() {
        case .success(let port):
            return SandboxHandle(port: port, store: store, task: task)
        case .failure(let detail):
            task.cancel()
            // NIO says "bind(descriptor:ptr:bytes:): Address already in use) (errno: 98)".
            let plain = detail.contains("Address already in use") ? "another program already uses that port" : detail
            throw .bindFailed(port: configuration.port, detail: plain)
        }
    }
}

/// A running sandbox: where it listens, a read-back hook for tests, and `stop()`.
public final class SandboxHandle: Sendable {
    /// The port it listens on (the free one picked when configured with 0).
    public let port: Int
    /// `http://127.0.0.1:<port>`, what clients use as their endpoint.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    let store: SandboxStore
    private let task: Task<Void, Never>

    init(port: Int, store: SandboxStore, task: Task<Void, Never>) {
        self.port = port
        self.store = store
        self.task = task
    }

    /// Every stored profile, in creation order.
    public func profiles() async -> [SandboxProfile] { await store.allProfiles() }
    /// The profile with `identity`, if any.
    public func profile(identity: String) async -> SandboxProfile? { await store.profile(identity: identity) }
    /// Every accepted event record, in arrival order.
    public func events() async -> [JSONValue] { await store.allEvents() }
    /// `GET /sandbox/requests` as a value: recent API requests, passcode masked.
    public func recentRequestsJSON() async -> JSONValue {
        let requests = await store.recentRequests()
        return ["count": .int(Int64(requests.count)), "requests": .array(requests.map(\.jsonValue))]
    }
    /// The bodies of the recent API requests to `path` (`/1/upload`, …), oldest first, as they
    /// arrived (each up to 64 KiB): what a test holds byte for byte against the bodies it expects.
    public func recentRequestBodies(path: String) async -> [String] {
        await store.recentRequests().filter { $0.path == path }.map(\.body)
    }
    /// API requests being answered right now (held `timeout` faults included).
    public func inFlightCount() async -> Int { await store.inFlightCount }
    /// Requests held by `timeout` faults right now.
    public func heldCount() async -> Int { await store.heldCount }

    /// Answers held requests, closes the port and waits until the server has finished.
    public func stop() async {
        await store.releaseAll()
        task.cancel()
        await task.value
    }

    /// Waits until the server ends (after `stop()` from another task).
    public func waitUntilStopped() async {
        await task.value
    }
}

/// Hands the bound port (or the bind error) from the server task to `start()`.
actor StartSignal {
    enum Outcome { case success(Int), failure(String) }
    private var outcome: Outcome?
    private var waiter: CheckedContinuation<Outcome, Never>?

    func succeed(port: Int) { finish(.success(port)) }
    func fail(_ detail: String) { finish(.failure(detail)) }

    private func finish(_ result: Outcome) {
        guard outcome == nil else { return }
        outcome = result
        waiter?.resume(returning: result)
        waiter = nil
    }

    func wait() async -> Outcome {
        if let outcome { return outcome }
        return await withCheckedContinuation { waiter = $0 }
    }
}
