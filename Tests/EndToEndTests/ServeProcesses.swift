import AsyncHTTPClient
import CleverTapCore
import Foundation
import NIOCore
import NIOHTTP1
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A long-running child (`serve`, `sandbox`) and the base URL it printed first.
struct Started {
    let child: ChildProcess
    let url: String

    var stderr: String { child.standardError() }

    /// SIGKILL, as a crash would.
    func kill9() async throws {
        child.send(SIGKILL)
        try await child.waitForExit(within: .seconds(10))
    }

    /// SIGTERM, then the exit status.
    func terminate() async throws -> Int32 { try await child.stop(within: .seconds(30)) }
}

/// A temporary home for one `serve` test: workspace, queue, logs; removed afterwards.
final class ServeHome: @unchecked Sendable {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path

    let path: String
    var config: String { path + "/workspace.json" }
    var queue: String { "sqlite:" + path + "/queue.sqlite" }
    private var count = 0

    init() throws {
        path = NSTemporaryDirectory() + "serve-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = path
        environment["XDG_STATE_HOME"] = path + "/state"
        environment["CLEVERTAP_PASSCODE"] = SandboxCLITests.demoPasscode
        environment["LANG"] = "C.UTF-8"
        return environment
    }

    func nextLog(_ name: String) -> String {
        count += 1
        return path + "/\(name)-\(count).err"
    }

    /// `setup --non-interactive --quick` against `endpoint`; returns the source's write key.
    func setup(endpoint: String) async throws -> String {
        let result = try await runCapturing(["setup", "--non-interactive", "--config", config, "--source-name", "Website",
                                             "--source-type", "server", "--project-id", SandboxCLITests.demoProject,
                                             "--passcode-env", "CLEVERTAP_PASSCODE", "--endpoint", endpoint, "--quick"])
        #expect(result.status == 0, "\(result.stderr)")
        let workspace = try JSONParser.parse(String(contentsOfFile: config, encoding: .utf8))
        return try #require(workspace["sources"]?.arrayValue?.first?["writeKey"]?.stringValue)
    }

    /// Runs the binary to completion within a deadline.
    func runCapturing(_ arguments: [String]) async throws -> ProcessRun {
        try await ChildProcess.run(Self.binary, arguments, environment: environment)
    }

    /// Runs another program to completion within a deadline.
    func runCapturingAny(_ executable: String, _ arguments: [String]) async throws -> ProcessRun {
        try await ChildProcess.run(executable, arguments, environment: environment)
    }

    /// Starts `serve` on a free port (on this home's SQLite queue unless `queue` names another);
    /// returns once it printed its URL.
    func startServe(endpoint: String, queue: String? = nil, extra: [String] = []) async throws -> Started {
        try await start(["serve", "--config", config, "--listen", "127.0.0.1:0", "--queue", queue ?? self.queue,
                         "--endpoint", endpoint, "--retry-max-delay", "0.5"] + extra, log: "serve")
    }

    /// Starts `sandbox` (on `port`, 0 for a free one).
    func startSandbox(port: Int = 0, extra: [String] = []) async throws -> Started {
        try await start(["sandbox", "--port", String(port)] + extra, log: "sandbox")
    }

    private func start(_ arguments: [String], log: String) async throws -> Started {
        let child = try ChildProcess(Self.binary, arguments, environment: environment, stderrPath: nextLog(log))
        let url = try await child.firstLine(within: .seconds(60))
        try #require(url.hasPrefix("http://127.0.0.1:"), "\(arguments[0]) did not start: \(child.standardError())")
        return Started(child: child, url: url)
    }

    /// A new database on the cluster `CLEVERTAP_TEST_POSTGRES` names (`.ci/run` starts one), as a
    /// queue URL; the test fails, never skips, when the variable is missing.
    func scratchPostgresQueue() async throws -> String {
        let base = try #require(ProcessInfo.processInfo.environment["CLEVERTAP_TEST_POSTGRES"],
                                "CLEVERTAP_TEST_POSTGRES is not set: .ci/run starts a PostgreSQL cluster and sets it")
        let name = "queue_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let created = try await runCapturingAny("/usr/bin/env", ["psql", base, "-q", "-c", "CREATE DATABASE \(name)"])
        #expect(created.status == 0, "\(created.stderr)")
        var components = try #require(URLComponents(string: base))
        components.path = "/" + name
        return try #require(components.string)
    }

    /// The `status --json` of this home's queue.
    func status() async throws -> JSONValue {
        let result = try await runCapturing(["status", "--config", config, "--queue", queue, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONParser.parse(result.stdout)
    }
}

/// POST over loopback HTTP; the status and body text.
func httpPost(_ url: String, body: [UInt8], headers: [(String, String)] = []) async throws -> (status: Int, body: String) {
    let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
    do {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(10))
        let collected = try await response.body.collect(upTo: 1 << 20)
        try await http.shutdown()
        return (Int(response.status.code), String(buffer: collected))
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// GET over loopback HTTP; the body as text.
func httpGetText(_ url: String) async throws -> String {
    let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
    do {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let collected = try await response.body.collect(upTo: 4 << 20)
        try await http.shutdown()
        return String(buffer: collected)
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// Basic auth for a write key, as Segment's libraries send it.
func basicAuth(_ writeKey: String) -> (String, String) {
    ("Authorization", "Basic " + Data((writeKey + ":").utf8).base64EncodedString())
}

/// The identities of the profiles a sandbox holds.
func sandboxIdentities(_ baseURL: String) async throws -> Set<String> {
    let (_, body) = try await httpGet(baseURL + "/sandbox/profiles")
    return Set(body?["profiles"]?.arrayValue?.compactMap { $0["identity"]?.stringValue } ?? [])
}

/// Polls `condition` every 100 ms until it holds or `timeout` passes; returns whether it held.
func eventually(timeout: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + timeout
    while clock.now < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}

/// A loopback port nothing listens on right now (bound, read, closed).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    try #require(bound, "could not bind a loopback port")
    return Int(UInt16(bigEndian: address.sin_port))
}
