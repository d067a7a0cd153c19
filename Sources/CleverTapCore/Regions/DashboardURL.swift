/// What a pasted dashboard or API address says: the region, and the project ID when the path
/// carries it.
public struct DashboardDetection: Sendable, Hashable {
    public var region: Region
    /// The project ID from the first path segment (normalised), when there is one.
    public var projectID: String?
    /// Something the user should know, e.g. that a region-less host was read as Europe.
    public var note: String?

    public init(region: Region, projectID: String?, note: String?) {
        self.region = region
        self.projectID = projectID
        self.note = note
    }
}

/// Why a pasted text could not be read as a CleverTap address.
public enum DashboardURLError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    /// Not shaped like a web address; `reason` says what gave it away.
    case notAURL(reason: String)
    /// A well-formed address whose host is not CleverTap's.
    case notACleverTapHost(host: String)
    /// A CleverTap host that is neither a dashboard nor an API host (`docs.clevertap.com`).
    case notADashboardHost(host: String)
    /// A `<code>.dashboard.clevertap.com` or `<code>.api.clevertap.com` host with a code
    /// CleverTap has no region for.
    case unknownRegion(code: String)

    public var description: String {
        let expected = "expected a CleverTap dashboard address such as https://in1.dashboard.clevertap.com/844-6K7-984Z/main"
        switch self {
        case .empty:
            return "nothing was entered; \(expected)"
        case .notAURL(let reason):
            return "not a web address: \(reason); \(expected)"
        case .notACleverTapHost(let host):
            return "\(host) is not a CleverTap host; \(expected)"
        case .notADashboardHost(let host):
            return "\(host) is a CleverTap site but not a dashboard or API host; \(expected)"
        case .unknownRegion(let code):
            let codes = Region.catalog.map(\.code).joined(separator: ", ")
            return "unknown region code \"\(code)\"; CleverTap's regions are \(codes)"
        }
    }
}

/// Reads the region (and project ID) from whatever a user pastes from a browser or docs.
public enum DashboardURL {
    /// Longer input is not an address someone copied from an address bar.
    public static let maximumLength = 2048

    /// Detects the region from `text`: a dashboard or API URL with or without scheme, with
    /// `login.html#/` or deep paths, wrapped in `<>` or quotes, surrounded by whitespace, in any
    /// letter case. Region-less hosts (`dashboard.clevertap.com`, `api.clevertap.com`) mean
    /// Europe and say so in `note`. Anything else is a specific error, never a guess.
    public static func detect(_ text: String) -> Result<DashboardDetection, DashboardURLError> {
        var candidate = trimWhitespace(text)
        if candidate.isEmpty { return .failure(.empty) }
        if candidate.utf8.count > maximumLength {
            return .failure(.notAURL(reason: "it is \(candidate.utf8.count) characters long; the limit is \(maximumLength)"))
        }
        candidate = unwrap(candidate)
        if candidate.isEmpty { return .failure(.empty) }
        if candidate.unicodeScalars.contains(where: { $0.properties.isWhitespace }) {
            return .failure(.notAURL(reason: "it contains spaces"))
        }
        if firstControlCharacter(in: candidate) != nil {
            return .failure(.notAURL(reason: "it contains control characters"))
        }
        let parts: URLParts
        switch URLParts.split(candidate) {
        case .success(let value): parts = value
        case .failure(let error): return .failure(error)
        }
        if let scheme = parts.scheme, scheme != "http", scheme != "https" {
            return .failure(.notAURL(reason: "the scheme \(scheme): is not http or https"))
        }
        return classify(parts)
    }

    static func classify(_ parts: URLParts) -> Result<DashboardDetection, DashboardURLError> {
        let host = parts.host
        var labels = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.isPlainHost, labels.count >= 2, labels.suffix(2) == ["clevertap", "com"] else {
            return .failure(.notACleverTapHost(host: parts.displayHost))
        }
        labels.removeLast(2)
        let service: String
        let code: String?
        switch labels.count {
        case 1 where labels[0] == "dashboard" || labels[0] == "api":
            service = labels[0]
            code = nil
        case 2 where labels[1] == "dashboard" || labels[1] == "api":
            service = labels[1]
            code = labels[0]
        default:
            return .failure(.notADashboardHost(host: host))
        }
        let region: Region
        var note: String?
        if let code {
            guard let known = Region.named(code) else { return .failure(.unknownRegion(code: code)) }
            region = known
        } else {
            region = Region.defaultRegion
            note = "\(host) names no region: \(region.displayName) (\(region.code)) assumed, as for CleverTap's region-less hosts"
        }
        var projectID: String?
        if service == "dashboard", let first = parts.pathSegments.first, let id = try? ProjectID.normalize(first) {
            projectID = id
        }
        return .success(DashboardDetection(region: region, projectID: projectID, note: note))
    }

    /// Strips pairs of wrappers people paste around links: `<…>`, quotes, backticks, brackets.
    static func unwrap(_ text: String) -> String {
        let pairs: [(Character, Character)] = [
            ("<", ">"), ("\"", "\""), ("'", "'"), ("`", "`"), ("(", ")"), ("[", "]"),
            ("\u{201C}", "\u{201D}"), ("\u{2018}", "\u{2019}"), ("\u{00AB}", "\u{00BB}"),
        ]
        var current = text
        var changed = true
        while changed, current.count >= 2 {
            changed = false
            for (open, close) in pairs where current.first == open && current.last == close {
                current = trimWhitespace(String(current.dropFirst().dropLast()))
                changed = true
                break
            }
        }
        return current
    }
}

/// The pieces of an http(s) URL that detection and endpoint checks need, split by hand so that
/// hostile input (userinfo tricks, IDN look-alikes, odd ports) is judged by explicit rules.
struct URLParts: Sendable, Equatable {
    /// Lowercased scheme, or nil when the text had none.
    var scheme: String?
    /// Lowercased host without port or trailing dot; IPv6 literals keep their brackets.
    var host: String
    /// The host as typed (for messages).
    var displayHost: String
    /// Whether the host is made only of `a-z 0-9 - .` with no empty label (not an IP literal).
    var isPlainHost: Bool
    var port: Int?
    /// Path segments, without empty ones.
    var pathSegments: [String]
    var path: String
    var hasQueryOrFragment: Bool

    static func split(_ text: String) -> Result<URLParts, DashboardURLError> {
        var rest = Substring(text)
        var scheme: String?
        if let range = rest.firstRange(of: "://") {
            let candidate = rest[..<range.lowerBound]
            if isScheme(candidate) {
                scheme = candidate.lowercased()
                rest = rest[range.upperBound...]
            }
        } else if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
        }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == "\\" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let remainder = rest[authorityEnd...]
        if authority.isEmpty { return .failure(.notAURL(reason: "it has no host name")) }
        if let at = authority.lastIndex(of: "@") {
            let realHost = String(authority[authority.index(after: at)...])
            return .failure(.notAURL(reason: "the part before '@' is a user name and the host it really points to is \(realHost.isEmpty ? "missing" : realHost)"))
        }
        var hostPart = Substring(authority)
        var port: Int?
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { return .failure(.notAURL(reason: "an IPv6 address is missing its ']'")) }
            let after = hostPart[hostPart.index(after: close)...]
            hostPart = hostPart[...close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()), (0...65535).contains(value) else {
                    return .failure(.notAURL(reason: "the port \(after.dropFirst()) is not a number from 0 to 65535"))
                }
                port = value
            }
        } else if let colon = hostPart.lastIndex(of: ":") {
            let portText = hostPart[hostPart.index(after: colon)...]
            if scheme == nil, !portText.isEmpty, !portText.allSatisfy(\.isNumber) {
                return .failure(.notAURL(reason: "\(hostPart[..<colon]): is not an http or https scheme"))
            }
            guard portText.allSatisfy({ $0.isASCII && $0.isNumber }), portText.count <= 5 else {
                return .failure(.notAURL(reason: "the port \(portText) is not a number from 0 to 65535"))
            }
            if !portText.isEmpty {
                guard let value = Int(portText), value <= 65535 else { return .failure(.notAURL(reason: "the port \(portText) is not a number from 0 to 65535")) }
                port = value
            }
            hostPart = hostPart[..<colon]
        }
        let displayHost = String(hostPart)
        var host = displayHost.lowercased()
        if host.hasSuffix(".") && host.count > 1 { host.removeLast() }
        if host.isEmpty { return .failure(.notAURL(reason: "it has no host name")) }
        var isPlainHost = false
        if !host.hasPrefix("[") {
            if !host.contains(".") && host != "localhost" {
                return .failure(.notAURL(reason: "\"\(displayHost)\" has no domain (no '.')"))
            }
            // Only plain ASCII host names can be CleverTap's; anything else (IDN look-alikes,
            // percent-encoding, empty labels) is named as typed.
            let plain = host.unicodeScalars.allSatisfy { scalar in
                (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") || scalar == "-" || scalar == "."
            }
            isPlainHost = plain && !host.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty)
        }
        let pathEnd = remainder.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? remainder.endIndex
        let path = String(remainder[..<pathEnd])
        let segments = path.split(separator: "/").map(String.init)
        return .success(URLParts(scheme: scheme, host: host, displayHost: displayHost, isPlainHost: isPlainHost, port: port,
                                 pathSegments: segments, path: path, hasQueryOrFragment: pathEnd != remainder.endIndex))
    }

    /// RFC 3986: a letter, then letters, digits, `+`, `-` or `.`.
    static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || scalar == "+" || scalar == "-" || scalar == "."
        }
    }

    /// Hosts where plain http is acceptable: the machine itself.
    var isLoopback: Bool {
        if host == "localhost" || host.hasSuffix(".localhost") || host == "[::1]" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
