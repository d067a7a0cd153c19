/// Removes secrets from text that leaves the client: log lines, error messages, request previews.
///
/// `Secret` already masks itself in interpolation; this catches the other path, a secret's
/// revealed text echoed back by a server or embedded in a header value.
public struct Redactor: Sendable {
    public static let mask = "<redacted>"
    private let secrets: [String]

    public init(secrets: [Secret]) {
        // Very short secrets would mask harmless text everywhere; they cannot be valid passcodes.
        self.secrets = secrets.map(\.revealed).filter { $0.count >= 3 }
    }

    /// `text` with every occurrence of every secret replaced by the mask.
    public func scrub(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) {
            result = result.replacing(secret, with: Self.mask)
        }
        return result
    }

    /// Header names whose values are credentials and are never shown.
    public static let secretHeaderNames: Set<String> = ["x-clevertap-passcode", "authorization", "proxy-authorization"]

    /// Headers with secret values replaced by the mask (names are compared case-insensitively).
    public static func redactHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        headers.map { secretHeaderNames.contains($0.name.lowercased()) ? ($0.name, mask) : $0 }
    }
}
