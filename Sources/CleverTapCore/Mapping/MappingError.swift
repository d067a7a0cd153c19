/// One problem in a mapping: where it is and what is wrong with it.
///
/// The location is a `JSONPath` relative to the mapping itself (`profileData.Email`,
/// `tags[2]`, `ts.@if.then`), printed the same way as workspace paths, so a workspace check can
/// prefix it with the subscription's own path.
public struct MappingIssue: Sendable, Hashable, CustomStringConvertible {
    public var location: JSONPath
    public var message: String

    public init(location: JSONPath, message: String) {
        self.location = location
        self.message = message
    }

    /// `profileData.Email: @path expects a string path or a directive, got number`; a problem
    /// with the mapping as a whole is `(mapping): …`.
    public var description: String {
        location.components.isEmpty ? "(mapping): \(message)" : "\(location): \(message)"
    }
}

/// A mapping that cannot be used, or one that failed on a particular event.
///
/// Validation collects every problem it finds (so an editor can show them all at once); a
/// failure while applying a mapping carries exactly one.
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [MappingIssue]

    public init(issues: [MappingIssue]) { self.issues = issues }
    public init(_ location: JSONPath, _ message: String) {
        issues = [MappingIssue(location: location, message: message)]
    }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
