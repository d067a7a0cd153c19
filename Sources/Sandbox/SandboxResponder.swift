import CleverTapCore
import Foundation
import Hummingbird

/// Answers HTTP requests the way CleverTap does (spec §9), plus the `/sandbox/…` inspection endpoints.
struct SandboxResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let configuration: SandboxConfiguration
    let store: SandboxStore
    let validator: RecordValidator

    static let maximumBodyBytes = 32 * 1024 * 1024

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        switch path {
        case CleverTapPath.upload, CleverTapPath.deleteProfiles:
            return await api(request, path: path)
        case "/sandbox/profiles":
            guard request.method == .get else { return Self.methodNotAllowed("GET") }
            let profiles = await store.allProfiles()
            return Self.json(200, ["count": .int(Int64(profiles.count)), "profiles": .array(profiles.map(\.jsonValue))], pretty: true)
        case "/sandbox/events":
            guard request.method == .get else { return Self.methodNotAllowed("GET") }
            let events = await store.allEvents()
            return Self.json(200, ["count": .int(Int64(events.count)), "events": .array(events)], pretty: true)
        case "/sandbox/requests":
            guard request.method == .get else { return Self.methodNotAllowed("GET") }
            let requests = await store.recentRequests()
            return Self.json(200, ["count": .int(Int64(requests.count)), "requests": .array(requests.map(\.jsonValue))], pretty: true)
        case "/", "/sandbox":
            return Self.json(200, [
                "sandbox": "CleverTap-compatible local server",
                "api": ["POST /1/upload", "POST /1/delete/profiles.json"],
                "inspect": ["GET /sandbox/profiles", "GET /sandbox/profiles/{identity}", "GET /sandbox/events", "GET /sandbox/requests"],
            ], pretty: true)
        default:
            if path.hasPrefix("/sandbox/profiles/") {
                guard request.method == .get else { return Self.methodNotAllowed("GET") }
                let raw = String(path.dropFirst("/sandbox/profiles/".count))
                let identity = raw.removingPercentEncoding ?? raw
                if let profile = await store.profile(identity: identity) {
                    return Self.json(200, profile.jsonValue, pretty: true)
                }
                return Self.json(404, ["status": "fail", "error": .string("No profile with identity \"\(identity)\""), "code": 404])
            }
            return Self.json(404, ["status": "fail", "error": .string("Unknown path \(path)"), "code": 404])
        }
    }

    // MARK: CleverTap API

    func api(_ request: Request, path: String) async -> Response {
        var request = request
        let body: [UInt8]
        do {
            let buffer = try await request.collectBody(upTo: Self.maximumBodyBytes)
            body = Array(buffer.readableBytesView)
        } catch {
            return Self.failure(413, "Request body larger than \(Self.maximumBodyBytes) bytes")
        }
        var fault: SandboxFault?
        var response = await answer(request, path: path, body: body, fault: &fault)
        // A rate limit or a server fault may say when to come back, as a real server can.
        if let seconds = configuration.retryAfterSeconds, response.status == 429 || response.status >= 500 {
            response.retryAfter = String(seconds)
        }
        await store.log(LoggedRequest(
            sequence: 0, method: request.method.rawValue, path: path,
            headers: Redactor.redactHeaders(request.headers.map { ($0.name.rawName, $0.value) }),
            body: String(decoding: body.prefix(64 * 1024), as: UTF8.self), status: response.status,
            response: response.text, fault: fault.map(\.description)))
        var headers = HTTPFields()
        headers[.contentType] = "application/json;charset=utf-8"
        if let retryAfter = response.retryAfter { headers[.retryAfter] = retryAfter }
        return Response(status: .init(code: response.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: response.text)))
    }

    struct Answer {
        var status: Int
        var text: String
        var retryAfter: String?

        init(_ status: Int, _ value: JSONValue, retryAfter: String? = nil) {
            self.status = status
            self.text = value.description
            self.retryAfter = retryAfter
        }

        static func failure(_ status: Int, _ error: String) -> Answer {
            Answer(status, ["status": "fail", "error": .string(error), "code": .int(Int64(status))])
        }
    }

    func answer(_ request: Request, path: String, body: [UInt8], fault: inout SandboxFault?) async -> Answer {
        guard request.method == .post else { return .failure(405, "Method \(request.method.rawValue) not allowed; use POST") }
        // Authentication (spec §2, §9.2).
        let accountID = header(request, "X-CleverTap-Account-Id")
        let passcode = header(request, "X-CleverTap-Passcode")
        guard let accountID, !accountID.isEmpty else { return .failure(401, "Missing X-CleverTap-Account-Id header") }
        guard let account = configuration.accounts.first(where: { $0.projectID == accountID }) else {
            return .failure(401, "Account ID is not valid")
        }
        guard let passcode, !passcode.isEmpty else { return .failure(401, "Missing X-CleverTap-Passcode header") }
        guard passcode == account.passcode.revealed else { return .failure(401, "Invalid Credentials") }

        // Concurrency per account (spec §7, §9.8).
        let endpoint: SandboxStore.Endpoint = path == CleverTapPath.upload ? .upload : .delete
        guard await store.enter(endpoint, account: accountID) else {
            return .failure(429, "Too many concurrent requests")
        }
        let answer = await answerWithinSlot(endpoint: endpoint, body: body, account: accountID, fault: &fault)
        await store.leave(endpoint, account: accountID)
        return answer
    }

    /// Faults, latency, then the real work, while the request holds a concurrency slot.
    func answerWithinSlot(endpoint: SandboxStore.Endpoint, body: [UInt8], account: String,
                          fault: inout SandboxFault?) async -> Answer {
        let next = await store.nextFault()
        if next != .ok { fault = next }
        switch next {
        case .ok: break
        case .status(let code):
            let message = code == 429 ? "Too many concurrent requests" : code >= 500 ? "Internal server error (sandbox fault)" : "Sandbox fault"
            return .failure(code, message)
        case .timeout:
            await store.hold()
            return .failure(504, "Gateway timeout (sandbox fault: held without answering)")
        }
        if configuration.latency > .zero { try? await Task.sleep(for: configuration.latency) }
        switch endpoint {
        case .upload: return await upload(body: body, account: account)
        case .delete: return await delete(body: body, account: account)
        }
    }

    func upload(body: [UInt8], account: String) async -> Answer {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: body) } catch {
            return .failure(400, "Body is not valid JSON: \(error)")
        }
        guard let object = value.objectValue else { return .failure(400, "Body must be a JSON object with a \"d\" array") }
        guard let records = object["d"]?.arrayValue else { return .failure(400, "Body must have a \"d\" array of records") }
        guard records.count <= 1000 else { return .failure(400, "\"d\" has \(records.count) records; at most 1000 per request") }
        var accepted: [JSONValue] = []
        var unprocessed: [JSONValue] = []
        for (index, record) in records.enumerated() {
            if let problem = validator.problem(in: record) {
                unprocessed.append([
                    "status": "fail", "code": .int(Int64(problem.code)),
                    "error": .string("\(problem.text). Skipped record number : \(index + 1)"), "record": record,
                ])
            } else {
                accepted.append(record)
            }
        }
        if !accepted.isEmpty { await store.apply(records: accepted, account: account) }
        let status = unprocessed.isEmpty ? "success" : accepted.isEmpty ? "fail" : "partial"
        return Answer(200, ["status": .string(status), "processed": .int(Int64(accepted.count)), "unprocessed": .array(unprocessed)])
    }

    func delete(body: [UInt8], account: String) async -> Answer {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: body) } catch {
            return .failure(400, "Body is not valid JSON: \(error)")
        }
        guard let object = value.objectValue else { return .failure(400, "Body must be a JSON object with identity or guid") }
        let identity = object["identity"], guid = object["guid"]
        if identity != nil && guid != nil { return .failure(400, "Send either identity or guid, not both") }
        guard let (key, raw) = identity.map({ (DeleteKey.identity, $0) }) ?? guid.map({ (DeleteKey.guid, $0) }) else {
            return .failure(400, "Body must have identity or guid")
        }
        var values: [String] = []
        for item in raw.arrayValue ?? [raw] {
            switch item {
            case .string(let s) where !s.isEmpty: values.append(s)
            case .int(let i): values.append(String(i))
            default: return .failure(400, "\(key.rawValue) values must be non-empty strings")
            }
        }
        guard !values.isEmpty else { return .failure(400, "\(key.rawValue) is empty") }
        guard values.count <= 100 else { return .failure(400, "\(values.count) \(key.rawValue) values; at most 100 per request") }
        await store.delete(key: key, values: values, account: account)
        return Answer(200, ["status": "success"])
    }

    func header(_ request: Request, _ name: String) -> String? {
        let lowered = name.lowercased()
        return request.headers.first { $0.name.canonicalName == lowered }?.value
    }

    // MARK: Responses

    static func json(_ status: Int, _ value: JSONValue, pretty: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json;charset=utf-8"
        let text = (pretty ? value.prettyDescription : value.description) + (pretty ? "\n" : "")
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func failure(_ status: Int, _ error: String) -> Response {
        json(status, ["status": "fail", "error": .string(error), "code": .int(Int64(status))])
    }

    static func methodNotAllowed(_ allowed: String) -> Response {
        failure(405, "Method not allowed; use \(allowed)")
    }
}
