/// One step of a location inside a mapping: an object key or an array index.
public enum MappingLocationStep: Sendable, Hashable {
    case key(String)
    case index(Int)
}

/// Where inside a mapping something sits, printed the way people read it:
/// `profileData.Email`, `tags[2]`, `ts.@if.then`. The empty location is the mapping itself.
public struct MappingLocation: Sendable, Hashable, CustomStringConvertible {
    public var steps: [MappingLocationStep]

    public init(_ steps: [MappingLocationStep] = []) { self.steps = steps }

    public func appending(_ key: String) -> MappingLocation { MappingLocation(steps + [.key(key)]) }
    public func appending(index: Int) -> MappingLocation { MappingLocation(steps + [.index(index)]) }

    public var description: String {
        if steps.isEmpty { return "(mapping)" }
        var text = ""
        for step in steps {
            switch step {
            case .key(let key): text += text.isEmpty ? key : "." + key
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }
}

/// One problem in a mapping: where it is and what is wrong with it.
public struct MappingIssue: Sendable, Hashable, CustomStringConvertible {
    public var location: MappingLocation
    public var message: String

    public init(location: MappingLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `profileData.Email: @path expects a string path or a directive, got number`
    public var description: String { "\(location): \(message)" }
}

/// A mapping that cannot be used, or one that failed on a particular event.
///
/// Validation collects every problem it finds (so an editor can show them all at once); a
/// failure while applying a mapping carries exactly one.
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var issues: [MappingIssue]

    public init(issues: [MappingIssue]) { self.issues = issues }
    public init(_ location: MappingLocation, _ message: String) {
        issues = [MappingIssue(location: location, message: message)]
    }

    public var description: String { issues.map(\.description).joined(separator: "; ") }
}
