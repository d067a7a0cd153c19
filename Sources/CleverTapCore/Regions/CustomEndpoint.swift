/// Why a custom API base URL is refused.
public enum EndpointError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAURL(String, reason: String)
    /// Plain http to a host other than this machine would send the passcode in clear text.
    case insecure(String)
    case hasQueryOrFragment(String)

    public var description: String {
        switch self {
        case .notAURL(let text, let reason):
            return "\(JSONValue.string(text).description) is not a usable endpoint: \(reason); expected e.g. https://api.example.com or http://127.0.0.1:8080"
        case .insecure(let text):
            return "\(text) uses plain http to a non-loopback host, which would send the passcode unencrypted; use https, or http only on localhost/127.0.0.1/[::1]"
        case .hasQueryOrFragment(let text):
            return "\(text) has a query or fragment; expected a base URL to which paths such as /1/upload are appended"
        }
    }
}

/// Checks for custom endpoints (a proxy, or the local sandbox).
public enum CustomEndpoint {
    /// The longest base URL accepted (characters); longer ones are refused where they enter, since
    /// the URL goes into every request head.
    public static let maximumLength = 2048

    /// Returns `text` trimmed and without a trailing slash, when it is an `https://` URL or an
    /// `http://` URL on a loopback host.
    public static func validate(_ text: String) throws(EndpointError) -> String {
        if text.utf8.count > maximumLength {
            let length = text.count
            if length > maximumLength {
                // Shown shortened: the message must stay readable, and it may be a paste of anything.
                throw .notAURL(String(withoutUserInfo(String(text.prefix(60)))) + "…",
                               reason: "it is \(length) characters long; the limit is \(maximumLength)")
            }
        }
        let trimmed = trimWhitespace(text)
        if trimmed.isEmpty { throw .notAURL(text, reason: "it is empty") }
        if firstControlCharacter(in: trimmed) != nil || trimmed.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            throw .notAURL(trimmed, reason: "it contains spaces or control characters")
        }
        let parts: URLParts
        switch URLParts.split(trimmed) {
        case .success(let value): parts = value
        case .failure(let error):
            let shown = withoutUserInfo(trimmed)
            if case .notAURL(let reason) = error { throw .notAURL(shown, reason: reason) }
            throw .notAURL(shown, reason: error.description)
        }
        guard let scheme = parts.scheme else { throw .notAURL(trimmed, reason: "it has no scheme (https://)") }
        guard parts.isPlainHost || parts.host.hasPrefix("[") else {
            throw .notAURL(trimmed, reason: "the host \(parts.displayHost) is not a plain ASCII host name")
        }
        if parts.hasQueryOrFragment { throw .hasQueryOrFragment(trimmed) }
        switch scheme {
        case "https": break
        case "http": if !parts.isLoopback { throw .insecure(trimmed) }
        default: throw .notAURL(trimmed, reason: "the scheme \(scheme): is not http or https")
        }
        var result = trimmed
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }

    /// `text` with whatever stands before an `@` in the host part replaced by `…`: it is often
    /// `user:password`, which an error message (and the terminal's scrollback) must not repeat.
    static func withoutUserInfo(_ text: String) -> String {
        let start = text.range(of: "://")?.upperBound ?? text.startIndex
        let authorityEnd = text[start...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" }) ?? text.endIndex
        guard let at = text[start..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<start]) + "…" + String(text[at...])
    }
}
