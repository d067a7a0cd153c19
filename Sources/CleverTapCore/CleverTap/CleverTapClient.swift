import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to reach one CleverTap account and how patient to be.
public struct CleverTapClientConfiguration: Sendable {
    /// `https://in1.api.clevertap.com`, or the sandbox's `http://127.0.0.1:PORT`; no trailing slash.
    public var baseURL: String
    public var accountID: String
    public var passcode: Secret
    /// Time allowed to open a TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// Time allowed for one attempt, from sending to the last byte of the answer.
    public var requestTimeout: Duration
    public var retryPolicy: RetryPolicy
    /// Records per `/1/upload` request; CleverTap allows 1000.
    public var maxRecordsPerUpload: Int
    /// Identities or guids per delete request; CleverTap allows 100.
    public var maxValuesPerDelete: Int
    /// Where the client (and the HTTP library under it) logs; lines never contain the passcode.
    public var logger: Logger
    /// Told of each failed attempt that will be retried, before the wait (a person watching a
    /// spinner sees "attempt 2 of 3" and why); never called for the last attempt.
    public var onRetry: (@Sendable (RetryNotice) -> Void)?

    public init(baseURL: String, accountID: String, passcode: Secret,
                connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(30),
                retryPolicy: RetryPolicy = .standard, maxRecordsPerUpload: Int = 1000, maxValuesPerDelete: Int = 100,
                logger: Logger = Logger(label: "clevertap.client", factory: { _ in SwiftLogNoOpLogHandler() }))
    {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.accountID = accountID
        self.passcode = passcode
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.retryPolicy = retryPolicy
        self.maxRecordsPerUpload = min(max(1, maxRecordsPerUpload), 1000)
        self.maxValuesPerDelete = min(max(1, maxValuesPerDelete), 100)
        self.logger = logger
        self.onRetry = nil
    }

    /// The configuration for a destination's endpoint and credentials.
    public init(endpoint: Endpoint, accountID: String, passcode: Secret) {
        self.init(baseURL: endpoint.baseURL, accountID: accountID, passcode: passcode)
    }
}

/// A failed attempt about to be retried: which one, out of how many, why, and the wait before the next.
public struct RetryNotice: Sendable, Hashable {
    public var failedAttempt: Int
    public var maxAttempts: Int
    public var reason: String
    public var delay: Duration

    public init(failedAttempt: Int, maxAttempts: Int, reason: String, delay: Duration) {
        self.failedAttempt = failedAttempt
        self.maxAttempts = maxAttempts
        self.reason = reason
        self.delay = delay
    }
}

/// The answer to `checkCredentials()`.
public enum CredentialCheck: Sendable, Hashable {
    case valid
    /// CleverTap answered and refused: wrong Project ID, passcode or region.
    case invalid(reason: String)
    /// No usable answer: network, DNS, TLS, timeout, or a server error.
    case unreachable(reason: String)
}

/// Talks to CleverTap's REST API: profile uploads, profile deletes and a credentials check.
///
/// Holds one `HTTPClient` (a connection pool); call `shutdown()` when done, or use
/// `withClient(_:_:)`, which does it for you. Requests for one call go out one after another,
/// in input order.
public final class CleverTapClient: Sendable {
    public let configuration: CleverTapClientConfiguration
    private let http: HTTPClient
    let redactor: Redactor
    private let host: String
    /// Set when a request gave up because no connection could be made; cleared by any answer.
    /// While set, refused connections are not retried again: one restart window per outage, not
    /// one per batch (a dead endpoint would otherwise hold every later batch for the whole window).
    private let endpointDown = EndpointDownFlag()

    /// The largest request head (request line plus headers) the client builds. The HTTP library
    /// crashes on heads of about 80 KB; real ones are a few hundred bytes.
    public static let maximumHeadBytes = 16 * 1024

    public init(configuration: CleverTapClientConfiguration) throws(CleverTapError) {
        // Judged before anything else, so a 100 KB URL is never parsed, echoed or sent.
        let head = Self.headBytes(configuration)
        if head > Self.maximumHeadBytes { throw .requestHeadTooLarge(bytes: head, limit: Self.maximumHeadBytes) }
        guard let host = Self.host(of: configuration.baseURL) else {
            throw .invalidBaseURL(configuration.baseURL)
        }
        self.configuration = configuration
        self.host = host
        self.redactor = Redactor(secrets: [configuration.passcode])
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout = .init(connect: Self.timeAmount(configuration.connectTimeout),
                                          read: Self.timeAmount(configuration.requestTimeout))
        // Our retry policy decides about failed connections, so they surface at once.
        httpConfiguration.connectionPool.retryConnectionEstablishment = false
        // CleverTap allows 15 uploads and 3 deletes in flight per account; the library's default of
        // 8 connections per host would queue the rest and cap delivery at 8 requests in flight.
        httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 18
        // A redirect would carry the passcode header to a host nobody configured.
        httpConfiguration.redirectConfiguration = .disallow
        httpConfiguration.decompression = .disabled
        http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: httpConfiguration,
                          backgroundActivityLogger: configuration.logger)
    }

    /// Runs `body` with a client and shuts the client down afterwards, also when `body` throws.
    public static func withClient<Result: Sendable>(
        _ configuration: CleverTapClientConfiguration,
        _ body: (CleverTapClient) async throws -> Result
    ) async throws -> Result {
        let client = try CleverTapClient(configuration: configuration)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Closes the connections. Required before the client is released.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    // MARK: Calls

    /// One cheap authenticated call: an upload of zero records (`{"d":[]}`).
    ///
    /// Chosen over `GET /v1/connect` because its answers are known (401 with a JSON body on bad
    /// credentials, 200 otherwise), it exercises exactly the path and headers delivery will use,
    /// and it stores nothing. Retries only once, as a person is waiting.
    public func checkCredentials() async -> CredentialCheck {
        var policy = configuration.retryPolicy
        policy.maxAttempts = min(policy.maxAttempts, 2)
        let exchange = await send(path: CleverTapPath.upload, body: Self.requestBody(key: Self.uploadKey, elements: []),
                                  what: "credentials check", policy: policy)
        switch exchange.outcome {
        case .success: return .valid
        case .failure(let error):
            if case .invalidCredentials = error { return .invalid(reason: error.description) }
            return .unreachable(reason: error.description)
        }
    }

    // MARK: Previews

    /// The requests `upload(_:)` would make for `records`, for showing (passcode masked).
    public func previewUpload(_ records: [JSONValue]) -> [CleverTapRequestPreview] {
        Self.chunks(records.count, size: configuration.maxRecordsPerUpload).map { range in
            preview(path: CleverTapPath.upload, body: [Self.uploadKey: .array(Array(records[range]))])
        }
    }

    /// The requests a delete would make, for showing (passcode masked).
    public func previewDelete(key: DeleteKey, values: [String]) -> [CleverTapRequestPreview] {
        Self.chunks(values.count, size: configuration.maxValuesPerDelete).map { range in
            preview(path: CleverTapPath.deleteProfiles, body: Self.deleteBody(key: key, values: Array(values[range])))
        }
    }

    /// Builds a preview without a client (no connection pool needed).
    public static func preview(configuration: CleverTapClientConfiguration, path: String, body: JSONValue) -> CleverTapRequestPreview {
        let headers = Redactor.redactHeaders(headerPairs(configuration)).map {
            CleverTapRequestPreview.Header(name: $0.name, value: $0.value)
        }
        return CleverTapRequestPreview(url: configuration.baseURL + path, headers: headers, body: body)
    }

    func preview(path: String, body: JSONValue) -> CleverTapRequestPreview {
        Self.preview(configuration: configuration, path: path, body: body)
    }

    // MARK: Transport

    struct Exchange {
        /// The 2xx answer body, or why the request failed for good.
        var outcome: Result<[UInt8], CleverTapError>
        var attempts: Int
        var status: Int?
        /// The server's `Retry-After` in the last answer, when the request failed for good.
        var retryAfter: Duration? = nil
    }

    static func headerPairs(_ configuration: CleverTapClientConfiguration) -> [(name: String, value: String)] {
        [("X-CleverTap-Account-Id", configuration.accountID),
         ("X-CleverTap-Passcode", configuration.passcode.revealed),
         ("Content-Type", "application/json")]
    }

    /// Bytes of the longest request head this configuration makes: `POST <url> HTTP/1.1`, the
    /// headers, and room for what the library adds (Host, Content-Length, Connection).
    static func headBytes(_ configuration: CleverTapClientConfiguration) -> Int {
        let longestPath = max(CleverTapPath.upload.utf8.count, CleverTapPath.deleteProfiles.utf8.count)
        let line = "POST  HTTP/1.1\r\n".utf8.count + configuration.baseURL.utf8.count + longestPath
        let headers = headerPairs(configuration).reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 }
        return line + headers + 256
    }

    static func deleteBody(key: DeleteKey, values: [String]) -> JSONValue {
        .object(JSONObject([JSONObject.Member(key: key.rawValue, value: .array(values.map { .string($0) }))]))
    }

    /// Sends `bytes` (a request body, `requestBody(key:elements:)`) to `path`, retrying transient
    /// failures per `policy`.
    func send(path: String, body bytes: [UInt8], what: String, policy: RetryPolicy? = nil) async -> Exchange {
        let policy = policy ?? configuration.retryPolicy
        let logger = configuration.logger
        var request = HTTPClientRequest(url: configuration.baseURL + path)
        request.method = .POST
        for (name, value) in Self.headerPairs(configuration) { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: bytes))

        var attempt = 0
        var lastStatus: Int?
        while true {
            attempt += 1
            logger.debug("POST \(path): \(what), \(bytes.count) bytes, attempt \(attempt) of \(policy.maxAttempts)",
                         metadata: ["host": "\(host)"])
            var retryAfter: Duration?
            let failure: CleverTapError
            do {
                let response = try await http.execute(request, timeout: Self.timeAmount(configuration.requestTimeout),
                                                      logger: logger)
                let buffer = try await response.body.collect(upTo: 64 * 1024 * 1024)
                let answer = Array(buffer.readableBytesView)
                let status = Int(response.status.code)
                lastStatus = status
                logger.debug("POST \(path) answered HTTP \(status), \(answer.count) bytes")
                let message = { UploadAnswerParser.serverMessage(body: answer, redactor: self.redactor) }
                endpointDown.set(false)
                switch status {
                case 200..<300:
                    return Exchange(outcome: .success(answer), attempts: attempt, status: status)
                case 401, 403:
                    return Exchange(outcome: .failure(.invalidCredentials(status: status, serverMessage: message(), host: host)),
                                    attempts: attempt, status: status)
                case 400:
                    return Exchange(outcome: .failure(.badRequest(serverMessage: message())), attempts: attempt, status: status)
                case 429:
                    retryAfter = RetryPolicy.parseRetryAfter(response.headers.first(name: "Retry-After"))
                    failure = .rateLimited(serverMessage: message(), attempts: attempt)
                case 500...599:
                    retryAfter = RetryPolicy.parseRetryAfter(response.headers.first(name: "Retry-After"))
                    failure = .serverError(status: status, serverMessage: message(), attempts: attempt)
                default:
                    return Exchange(outcome: .failure(.unexpectedStatus(status: status, serverMessage: message())),
                                    attempts: attempt, status: status)
                }
            } catch {
                lastStatus = nil
                failure = classify(error, attempts: attempt)
                logger.debug("POST \(path) failed: \(failure)")
            }
            var unreachable = false
            if case .connectionFailed = failure { unreachable = true }
            if !unreachable { endpointDown.set(false) }
            guard failure.isTransient, attempt < policy.maxAttempts, !Task.isCancelled, !(unreachable && endpointDown.value) else {
                if unreachable { endpointDown.set(true) }
                logger.error("POST \(path) gave up after \(attempt) attempt(s): \(failure)")
                return Exchange(outcome: .failure(failure), attempts: attempt, status: lastStatus, retryAfter: retryAfter)
            }
            let delay = policy.delay(afterAttempt: attempt, retryAfter: retryAfter)
            configuration.onRetry?(RetryNotice(failedAttempt: attempt, maxAttempts: policy.maxAttempts,
                                               reason: failure.description, delay: delay))
            logger.warning("POST \(path) attempt \(attempt) failed, retrying in \(delay): \(failure)")
            do { try await Task.sleep(for: delay) } catch {
                return Exchange(outcome: .failure(failure), attempts: attempt, status: lastStatus, retryAfter: retryAfter)
            }
        }
    }

    /// Turns what the HTTP stack threw into a `CleverTapError` a person can act on.
    func classify(_ error: any Error, attempts: Int) -> CleverTapError {
        let seconds = Double(RetryPolicy.nanoseconds(configuration.requestTimeout)) / 1e9
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .timeout(seconds: seconds, attempts: attempts)
            case .connectTimeout:
                let connect = Double(RetryPolicy.nanoseconds(configuration.connectTimeout)) / 1e9
                return .connectionFailed(host: host, detail: "no connection within \(CleverTapError.format(connect)) s", attempts: attempts)
            case .tlsHandshakeTimeout:
                return .tlsFailure(host: host, detail: "TLS handshake timed out")
            case .remoteConnectionClosed:
                return .connectionReset(host: host, detail: "the server closed the connection before answering", attempts: attempts)
            case .invalidURL, .emptyHost, .emptyScheme:
                return .invalidBaseURL(configuration.baseURL)
            default:
                return .connectionFailed(host: host, detail: redactor.scrub("\(error)"), attempts: attempts)
            }
        }
        if let error = error as? NIOConnectionError {
            if error.connectionErrors.isEmpty, let dns = error.dnsAError ?? error.dnsAAAAError {
                return .dnsFailure(host: host, detail: redactor.scrub("\(dns)"))
            }
            let underlying = error.connectionErrors.first?.error
            if let io = underlying as? IOError, io.errnoCode == ECONNREFUSED {
                return .connectionFailed(host: host, detail: Self.refusedDetail, attempts: attempts)
            }
            let detail = underlying.map { "\($0)" } ?? "\(error)"
            return .connectionFailed(host: host, detail: redactor.scrub(detail), attempts: attempts)
        }
        if let error = error as? IOError {
            if error.errnoCode == ECONNREFUSED {
                return .connectionFailed(host: host, detail: Self.refusedDetail, attempts: attempts)
            }
            if error.errnoCode == ECONNRESET || error.errnoCode == EPIPE {
                return .connectionReset(host: host, detail: "connection reset", attempts: attempts)
            }
            return .connectionFailed(host: host, detail: redactor.scrub("\(error)"), attempts: attempts)
        }
        if let error = error as? ChannelError {
            switch error {
            case .connectTimeout:
                return .connectionFailed(host: host, detail: "connect timed out", attempts: attempts)
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return .connectionReset(host: host, detail: "connection closed unexpectedly", attempts: attempts)
            default:
                return .connectionFailed(host: host, detail: redactor.scrub("\(error)"), attempts: attempts)
            }
        }
        let typeName = String(reflecting: type(of: error))
        if typeName.contains("SSL") || typeName.contains("TLS") {
            return .tlsFailure(host: host, detail: redactor.scrub("\(error)"))
        }
        if error is CancellationError {
            return .connectionFailed(host: host, detail: "cancelled", attempts: attempts)
        }
        return .connectionFailed(host: host, detail: redactor.scrub("\(error)"), attempts: attempts)
    }

    // MARK: Helpers

    /// NIO words a refused connect as "connection reset (error set): Connection refused (errno: 111)",
    /// which reads as a reset; say plainly what happened instead.
    static let refusedDetail = "connection refused: nothing is listening at that address and port"

    static func chunks(_ count: Int, size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }

    static func timeAmount(_ duration: Duration) -> TimeAmount {
        .nanoseconds(RetryPolicy.nanoseconds(duration))
    }

    /// The host of `url` (`https://host[:port][/…]`), or nil when it is not an http(s) URL.
    static func host(of url: String) -> String? {
        let rest: Substring
        if url.hasPrefix("https://") { rest = url.dropFirst(8) } else if url.hasPrefix("http://") { rest = url.dropFirst(7) } else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard !authority.isEmpty, !authority.contains("@") else { return nil }
        return String(authority)
    }
}

/// A flag shared by a client's concurrent requests.
final class EndpointDownFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var down = false

    var value: Bool { lock.withLock { down } }
    func set(_ value: Bool) { lock.withLock { down = value } }
}
