import Foundation
import Sandbox
import Testing
@testable import CleverTapCore

/// Issue 15 item 1: a 100 KB passcode, project ID or endpoint crashed the HTTP library (a request
/// head over ~80 KB). Each is bounded where it enters, with an error that names the limit and
/// does not repeat the 100 KB back, and the client never builds a head it cannot send.
@Suite(.timeLimit(.minutes(2))) struct InputLimitTests {
    static let huge = String(repeating: "a", count: 100_000)

    @Test func passcodeOverTheLimitIsRefusedNamingIt() {
        #expect(throws: CredentialError.passcodeTooLong(length: 100_000)) { try Passcode.validate(Self.huge) }
        let text = CredentialError.passcodeTooLong(length: 100_000).description
        #expect(text.contains("\(Passcode.maximumLength)") && text.count < 200, "\(text)")
        // The limit itself is accepted.
        #expect(throws: Never.self) { try Passcode.validate(String(repeating: "a", count: Passcode.maximumLength)) }
    }

    @Test func projectIDOverTheLimitIsRefusedWithoutEchoingIt() {
        #expect(throws: CredentialError.projectIDTooLong(length: 100_000)) { try ProjectID.normalize(Self.huge) }
        let text = CredentialError.projectIDTooLong(length: 100_000).description
        #expect(text.contains("\(ProjectID.maximumLength)") && text.count < 200, "\(text)")
    }

    @Test func endpointOverTheLimitIsRefusedNamingIt() throws {
        let error = try #require(throws: EndpointError.self) { try CustomEndpoint.validate("https://api.example.com/" + Self.huge) }
        let text = error.description
        #expect(text.contains("\(CustomEndpoint.maximumLength)") && text.count < 400, "\(text)")
        #expect(throws: Never.self) { try CustomEndpoint.validate("https://api.example.com/" + String(repeating: "p", count: 1000)) }
    }

    @Test func aDashboardURLOverTheLimitNamesIt() {
        guard case .failure(let error) = DashboardURL.detect("https://in1.dashboard.clevertap.com/" + Self.huge) else {
            Issue.record("detected a 100 KB URL"); return
        }
        #expect(error.description.contains("\(DashboardURL.maximumLength)") && error.description.count < 300, "\(error)")
    }

    @Test func aVariablePasscodeOverTheLimitIsRefused() {
        #expect(throws: CredentialError.variablePasscode(variable: "P", problem: .passcodeTooLong(length: 100_000))) {
            try PasscodeSource.environment(variable: "P").resolve(environment: ["P": Self.huge])
        }
    }

    @Test(arguments: [
        ("https://api.example.com/" + InputLimitTests.huge, "ABC-DEF-GHIJ", "p"),
        ("https://api.example.com", InputLimitTests.huge, "p"),
        ("https://api.example.com", "ABC-DEF-GHIJ", InputLimitTests.huge),
    ])
    func clientRefusesAHeadItCannotSend(_ base: String, _ account: String, _ passcode: String) {
        let configuration = CleverTapClientConfiguration(baseURL: base, accountID: account, passcode: Secret(passcode))
        let error = #expect(throws: CleverTapError.self) { try CleverTapClient(configuration: configuration) }
        guard case .requestHeadTooLarge(let bytes, let limit)? = error else {
            Issue.record("expected requestHeadTooLarge, got \(String(describing: error))"); return
        }
        #expect(bytes > 100_000 && limit == CleverTapClient.maximumHeadBytes)
        #expect(!(error?.description.contains(InputLimitTests.huge.prefix(1000)) ?? true), "the error must not repeat the value")
    }

    @Test func aWorkspaceWithAHugePasscodeIsInvalid() {
        var workspace = WorkspaceFixture.workspace
        workspace.destinations[0].passcode = .inline(Secret(Self.huge))
        let issues = WorkspaceValidator().validate(workspace)
        #expect(issues.contains { $0.path.description.hasSuffix("passcode") && $0.message.contains("\(Passcode.maximumLength)") }, "\(issues)")
    }
}

/// Issue 15 item 3: a refused connection (an endpoint restarting) is retried with backoff like a
/// 5xx, so a few seconds of downtime do not dead-letter everything in flight.
@Suite(.timeLimit(.minutes(2))) struct ConnectionRetryTests {
    @Test func aRefusedConnectionIsRetriedUntilTheServerIsBack() async throws {
        // A port below Linux's ephemeral range (32768+), so no parallel test's port-0 server can
        // take it in the moment between releasing it here and the sandbox binding it.
        // Under a parallel run another test can still take the port; then try another one.
        var outcome: CleverTapResult?
        for _ in 0..<5 where outcome == nil {
            outcome = try await Self.restartScenario()
        }
        let result = try #require(outcome, "no port could be held for the restart")
        #expect(result.processedCount == 1, "\(String(describing: result.firstError))")
        #expect(result.attempts > 1)
    }

    /// Uploads while the port refuses, then starts a sandbox on it; nil when the sandbox could not bind.
    static func restartScenario() async throws -> CleverTapResult? {
        let (descriptor, port) = try Self.reservePort()
        // 40 tries, 0.4 s apart at most: a window of about 15 s, so a loaded machine's slow
        // sandbox start still falls inside it (the point is that refusals are retried at all).
        let policy = RetryPolicy(maxAttempts: 40, baseDelay: .milliseconds(100), maxDelay: .milliseconds(400))
        let configuration = CleverTapClientConfiguration(
            baseURL: "http://127.0.0.1:\(port)", accountID: sandboxAccount.projectID, passcode: sandboxAccount.passcode,
            connectTimeout: .seconds(2), requestTimeout: .seconds(10), retryPolicy: policy)
        // withClient shuts the client down on every path (a client dropped unshut traps).
        return try await CleverTapClient.withClient(configuration) { client in
            // The endpoint "restarts": refused for about a second, then a server listens on the port.
            let upload = Task { await client.upload([profileRecord("user-1")]) }
            try await Task.sleep(for: .milliseconds(800))
            close(descriptor)
            let sandbox: SandboxHandle
            do { sandbox = try await SandboxServer(configuration: SandboxConfiguration(port: port)).start() } catch {
                upload.cancel()
                _ = await upload.value
                return nil
            }
            let result = await upload.value
            await sandbox.stop()
            return result as CleverTapResult?
        }
    }

    /// A socket bound (never listening) to a free port in 20000-29999: connections are refused.
    static func reservePort() throws -> (Int32, Int) {
        for _ in 0..<200 {
            let port = Int.random(in: 20000..<30000)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if bound == 0 { return (descriptor, port) }
            close(descriptor)
        }
        throw ClosedPort.Failed(step: "bind", errno: errno)
    }

    @Test func aRefusedConnectionGivesUpAfterThePolicysAttempts() async throws {
        let closed = try ClosedPort()
        defer { closed.release() }
        let configuration = CleverTapClientConfiguration(
            baseURL: "http://127.0.0.1:\(closed.port)", accountID: sandboxAccount.projectID, passcode: sandboxAccount.passcode,
            connectTimeout: .seconds(2), requestTimeout: .seconds(10), retryPolicy: fastRetries)
        let (result, next) = try await CleverTapClient.withClient(configuration) { client in
            (await client.upload([profileRecord("user-1")]), await client.upload([profileRecord("user-2")]))
        }
        #expect(result.attempts == fastRetries.maxAttempts)
        // One restart window per outage: once a request gave up unreachable, later ones fail at
        // once instead of each waiting out the window (a dead endpoint held deliver for minutes).
        #expect(next.attempts == 1)
        guard case .connectionFailed? = result.firstError else {
            Issue.record("expected connectionFailed, got \(String(describing: result.firstError))"); return
        }
    }
}
