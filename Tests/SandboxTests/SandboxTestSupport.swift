import AsyncHTTPClient
import CleverTapCore
import Foundation
import NIOCore
import NIOHTTP1
import Sandbox

/// One HTTP answer, body parsed as JSON when it is JSON.
struct RawAnswer: Sendable {
    var status: Int
    var contentType: String?
    var text: String
    var json: JSONValue? { try? JSONParser.parse(text) }
}

/// Plain HTTP against the sandbox, for requests the client would never make.
struct RawHTTP: Sendable {
    let http: HTTPClient
    let baseURL: String

    static let demoHeaders: [(String, String)] = [
        ("X-CleverTap-Account-Id", SandboxAccount.demo.projectID),
        ("X-CleverTap-Passcode", SandboxAccount.demo.passcode.revealed),
        ("Content-Type", "application/json"),
    ]

    func send(_ path: String, method: HTTPMethod = .POST, headers: [(String, String)] = RawHTTP.demoHeaders,
              body: String? = nil) async throws -> RawAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await http.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return RawAnswer(status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type"),
                         text: String(buffer: buffer))
    }

    func upload(_ records: [JSONValue], headers: [(String, String)] = RawHTTP.demoHeaders) async throws -> RawAnswer {
        try await send(CleverTapPath.upload, headers: headers, body: JSONValue.object(JSONObject(["d": .array(records)])).description)
    }
}

/// Starts a sandbox and a raw HTTP client (with room for many parallel connections), runs
/// `body`, then stops and shuts both down.
func withRawSandbox<T: Sendable>(_ configuration: SandboxConfiguration = SandboxConfiguration(),
                                 _ body: (SandboxHandle, RawHTTP) async throws -> T) async throws -> T {
    let sandbox = try await SandboxServer(configuration: configuration).start()
    var settings = HTTPClient.Configuration()
    settings.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
    let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    do {
        let result = try await body(sandbox, RawHTTP(http: http, baseURL: sandbox.baseURL))
        await sandbox.stop()
        try await http.shutdown()
        return result
    } catch {
        await sandbox.stop()
        try? await http.shutdown()
        throw error
    }
}

/// Waits (at most 30 s, enough on a loaded 2-core machine) until `condition` holds; for
/// server-side state another task is producing.
func eventually(_ condition: () async -> Bool) async -> Bool {
    let clock = ContinuousClock()
    let end = clock.now + .seconds(30)
    while clock.now < end {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

func profile(_ identity: String, _ data: JSONValue = ["Name": "Test"]) -> JSONValue {
    ["type": "profile", "identity": .string(identity), "profileData": data]
}

/// A fresh temporary directory, removed by the caller.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
