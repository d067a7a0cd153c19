/// A whole request to CleverTap failed: nothing in it was processed. Each case's description says
/// what went wrong and what to do about it. Texts never contain the passcode (the client scrubs
/// server messages through `Redactor` before building an error).
public enum CleverTapError: Error, Sendable, Hashable, CustomStringConvertible {
    /// 401/403: the Project ID or passcode is wrong, or the account lives in another region.
    case invalidCredentials(status: Int, serverMessage: String?, host: String)
    /// 400: CleverTap rejected the request itself (body, size, both identity and guid).
    case badRequest(serverMessage: String?)
    /// 429 on every attempt: more concurrent requests than the account allows.
    case rateLimited(serverMessage: String?, attempts: Int)
    /// 5xx on every attempt.
    case serverError(status: Int, serverMessage: String?, attempts: Int)
    /// Another status CleverTap does not document for these calls (404, 405, 409, …).
    case unexpectedStatus(status: Int, serverMessage: String?)
    /// No complete answer within the request timeout, on every attempt.
    case timeout(seconds: Double, attempts: Int)
    /// The host name did not resolve.
    case dnsFailure(host: String, detail: String)
    /// The TLS handshake failed (certificate, protocol, proxy interception).
    case tlsFailure(host: String, detail: String)
    /// No connection could be made (refused, unreachable), on every attempt. Retried like a 5xx:
    /// an endpoint restarting refuses connections for a few seconds.
    case connectionFailed(host: String, detail: String, attempts: Int)
    /// The connection broke before the answer arrived, on every attempt.
    case connectionReset(host: String, detail: String, attempts: Int)
    /// A 2xx answer whose body is not what CleverTap sends; records may or may not have been stored.
    case invalidResponse(detail: String)
    /// The configured base URL cannot be used.
    case invalidBaseURL(String)
    /// The request line and headers (URL, project ID, passcode) would exceed
    /// `CleverTapClient.maximumHeadBytes`; refused before anything is sent.
    case requestHeadTooLarge(bytes: Int, limit: Int)

    public var description: String {
        switch self {
        case .invalidCredentials(let status, let message, let host):
            return "CleverTap refused the credentials (HTTP \(status)\(Self.quoted(message))). "
                + "Check the Project ID and passcode (CleverTap dashboard: Settings > Project) and that the "
                + "region matches your dashboard URL: requests went to \(host), and an account only answers in its own region."
        case .badRequest(let message):
            return "CleverTap rejected the request as malformed (HTTP 400\(Self.quoted(message))). "
                + "This is a data problem, not a network one: fix the records (see the request body) and send again."
        case .rateLimited(let message, let attempts):
            return "CleverTap answered 429 Too Many Requests\(Self.quoted(message))\(Self.onAll(attempts)). "
                + "Another process may be sending for this account at the same time (limit: 15 concurrent uploads, 3 deletes); "
                + "lower the concurrency or try again later."
        case .serverError(let status, let message, let attempts):
            return "CleverTap answered HTTP \(status)\(Self.quoted(message))\(Self.onAll(attempts)): a problem on "
                + "CleverTap's side. Nothing in this request was stored; send it again later."
        case .unexpectedStatus(let status, let message):
            return "CleverTap answered HTTP \(status)\(Self.quoted(message)), which these calls do not document. "
                + "Check the endpoint (base URL and region) in the destination settings."
        case .timeout(let seconds, let attempts):
            return "CleverTap did not answer within \(Self.format(seconds)) s\(Self.onAll(attempts)). "
                + "Check the network and the endpoint (region or custom URL), then try again."
        case .dnsFailure(let host, let detail):
            return "The host \(host) could not be resolved (\(detail)). Check the region or custom endpoint, "
                + "and that this machine has DNS."
        case .tlsFailure(let host, let detail):
            return "The secure connection to \(host) failed (\(detail)). Check the system clock, CA certificates, "
                + "and any proxy that intercepts TLS."
        case .connectionFailed(let host, let detail, let attempts):
            return "Could not talk to \(host) (\(detail))\(Self.onAll(attempts)). "
                + "Check the endpoint, your network or firewall; for the sandbox, check it is running."
        case .connectionReset(let host, let detail, let attempts):
            return "The connection to \(host) broke before CleverTap answered (\(detail))\(Self.onAll(attempts)). "
                + "Nothing in this request was stored; check your network or proxy and send it again."
        case .invalidResponse(let detail):
            return "CleverTap's answer could not be understood (\(detail)). Some records may have been stored; "
                + "check the profiles in the dashboard before sending again."
        case .requestHeadTooLarge(let bytes, let limit):
            return "The request head (endpoint URL, project ID and passcode) would be \(bytes) bytes; the limit is \(limit). "
                + "Check the endpoint, project ID and passcode: one of them is far longer than CleverTap's."
        case .invalidBaseURL(let url):
            return "The endpoint \"\(url)\" is not a usable URL: expected https://host or http://127.0.0.1:port."
        }
    }

    /// Whether a later attempt of the same request may succeed (429, 5xx, timeouts, resets).
    public var isTransient: Bool {
        switch self {
        case .rateLimited, .serverError, .timeout, .connectionReset, .connectionFailed: return true
        default: return false
        }
    }

    /// A failure caused by the data of one batch (400): later batches may still succeed.
    public var concernsOnlyThisBatch: Bool {
        if case .badRequest = self { return true }
        return false
    }

    /// " on all 3 attempts", or nothing for a single try ("on all 1 attempt(s)" reads oddly).
    static func onAll(_ attempts: Int) -> String {
        attempts > 1 ? " on all \(attempts) attempts" : ""
    }

    static func quoted(_ message: String?) -> String {
        guard let message, !message.isEmpty else { return "" }
        return ": \"\(message)\""
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}
