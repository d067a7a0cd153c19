import CleverTapCore

/// The wizard's wording of the core's credential and URL rules: the rules themselves are
/// CleverTapCore's (`DashboardURL`, `ProjectID`, `Passcode`, `CustomEndpoint`); this only says
/// them in lines short enough for an 80-column step.
enum CredentialRules {
    /// What a dashboard URL field's text says, or nil when it is empty.
    static func detect(_ text: String) -> Result<DashboardDetection, DashboardURLError> {
        DashboardURL.detect(text)
    }

    static func message(for error: DashboardURLError) -> String {
        switch error {
        case .empty:
            return "Nothing to read yet."
        case .notAURL(let reason):
            return "Not a web address (\(reason)); paste it from the browser's address bar."
        case .notACleverTapHost(let host):
            return "\(host) is not a CleverTap host; expected <region>.dashboard.clevertap.com."
        case .notADashboardHost(let host):
            return "\(host) is not a CleverTap dashboard or API host."
        case .unknownRegion(let code):
            return "Unknown region code \"\(code)\"; pick the region below."
        }
    }

    static func isValidProjectID(_ text: String) -> Bool {
        (try? ProjectID.normalize(text)) != nil
    }

    /// The project ID as it will be saved (trimmed, uppercased), or the problem in words.
    static func projectIDProblem(_ text: String) -> String? {
        do {
            _ = try ProjectID.normalize(text)
            return nil
        } catch {
            switch error {
            case .emptyProjectID: return "Project ID is empty (in CleverTap: Settings > Project)."
            default: return "Project ID: \(error)."
            }
        }
    }

    static func passcodeProblem(_ text: String) -> String? {
        do {
            _ = try Passcode.validate(text)
            return nil
        } catch {
            switch error {
            case .emptyPasscode: return "Passcode is empty (in CleverTap: Settings > Passcode)."
            default: return "Passcode: \(error)."
            }
        }
    }

    static func customEndpointProblem(_ text: String) -> String? {
        do {
            _ = try CustomEndpoint.validate(text)
            return nil
        } catch {
            switch error {
            case .notAURL(_, let reason): return "Custom endpoint is not a URL: \(reason)."
            case .insecure: return "Custom endpoint must use https (plain http only on localhost/127.0.0.1)."
            case .hasQueryOrFragment: return "Custom endpoint must be a base URL, without ?query or #fragment."
            }
        }
    }
}
