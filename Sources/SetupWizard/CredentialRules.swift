import Foundation
import CleverTapCore

// Interim rules until the foundation branch's `DashboardURL.detect(_:)` and project-ID
// validation land on main; the wizard then calls those and this file goes away.

/// What a pasted dashboard URL revealed.
struct DashboardURLFindings: Sendable, Hashable {
    var region: Region
    var projectID: String?
    /// The host had no region prefix, so Europe was inferred.
    var regionInferred: Bool
}

/// Why a dashboard URL told us nothing.
enum DashboardURLProblem: Error, Sendable, Hashable {
    case notAURL
    case notCleverTap(host: String)
    case unknownRegion(code: String)

    var message: String {
        switch self {
        case .notAURL:
            return "That is not a URL; paste the address from your browser (https://<region>.dashboard.clevertap.com/…)."
        case .notCleverTap(let host):
            return "\(host) is not a CleverTap dashboard; expected <region>.dashboard.clevertap.com."
        case .unknownRegion(let code):
            return "Region \"\(code)\" is not one CleverTap serves; pick the region below."
        }
    }
}

enum CredentialRules {
    /// `https://in1.dashboard.clevertap.com/844-6K7-984Z/…` -> India + 844-6K7-984Z.
    static func detect(_ text: String) -> Result<DashboardURLFindings, DashboardURLProblem> {
        var rest = Substring(text.trimmingWhitespace())
        guard let schemeEnd = rest.range(of: "://") else {
            // A bare host works too: people copy without the scheme.
            if rest.contains(".dashboard.clevertap.com") || rest.hasPrefix("dashboard.clevertap.com") {
                return detect("https://" + rest)
            }
            return .failure(.notAURL)
        }
        let scheme = rest[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "https" || scheme == "http" else { return .failure(.notAURL) }
        rest = rest[schemeEnd.upperBound...]
        let hostEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var host = rest[..<hostEnd].lowercased()
        if let colon = host.firstIndex(of: ":") { host = String(host[..<colon]) }
        guard !host.isEmpty else { return .failure(.notAURL) }
        let suffix = "dashboard.clevertap.com"
        guard host == suffix || host.hasSuffix("." + suffix) else { return .failure(.notCleverTap(host: host)) }
        let prefix = host == suffix ? "" : String(host.dropLast(suffix.count + 1))
        let region: Region
        if prefix.isEmpty {
            region = Region.defaultRegion
        } else if let named = Region.named(prefix) {
            region = named
        } else {
            return .failure(.unknownRegion(code: prefix))
        }
        let path = rest[hostEnd...].drop { $0 == "/" }
        let firstSegment = path.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        let projectID = isValidProjectID(String(firstSegment)) ? String(firstSegment) : nil
        return .success(DashboardURLFindings(region: region, projectID: projectID, regionInferred: prefix.isEmpty))
    }

    /// `XXX-XXX-XXXX` of A-Z/0-9, optionally `TEST-` first (the shape of every known ID).
    static func isValidProjectID(_ text: String) -> Bool {
        var groups = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        if groups.count == 4 && groups[0] == "TEST" { groups.removeFirst() }
        guard groups.count == 3 else { return false }
        let lengths = [3, 3, 4]
        for (group, length) in zip(groups, lengths) {
            guard group.count == length, group.allSatisfy({ ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") }) else {
                return false
            }
        }
        return true
    }

    /// A custom base URL must be https, or http on a loopback host (the sandbox).
    static func customEndpointProblem(_ url: String) -> String? {
        let trimmed = url.trimmingWhitespace()
        if trimmed.isEmpty { return "Custom endpoint is empty; enter a base URL such as https://api.example.com." }
        if trimmed.hasPrefix("https://") && trimmed.count > "https://".count { return nil }
        if trimmed.hasPrefix("http://") {
            let host = trimmed.dropFirst("http://".count).prefix { $0 != "/" && $0 != ":" }
            if host == "127.0.0.1" || host == "localhost" || host == "[::1]" || trimmed.hasPrefix("http://[::1]") { return nil }
            return "Custom endpoint \(trimmed) uses plain http on a non-local host; use https (http only for 127.0.0.1/localhost)."
        }
        return "Custom endpoint \(trimmed) is not a URL; expected https://host or http://127.0.0.1:PORT."
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
