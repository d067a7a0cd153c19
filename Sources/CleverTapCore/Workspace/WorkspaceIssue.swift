/// A location in a JSON document, written the way people read it: `destinations[0].projectId`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    public var components: [Component]

    public init(_ components: [Component] = []) { self.components = components }

    /// The document itself.
    public static let root = JSONPath()

    public func key(_ key: String) -> JSONPath { JSONPath(components + [.key(key)]) }
    public func index(_ index: Int) -> JSONPath { JSONPath(components + [.index(index)]) }

    /// `destinations[0].projectId`; keys that are not identifiers are quoted (`mapping["a b"]`);
    /// the document itself is `(top level)`.
    public var description: String {
        if components.isEmpty { return "(top level)" }
        var out = ""
        for component in components {
            switch component {
            case .index(let i): out += "[\(i)]"
            case .key(let key):
                let plain = !key.isEmpty && key.utf8.allSatisfy { byte in
                    (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "@")
                }
                if plain { out += out.isEmpty ? key : "." + key } else { out += "[\(JSONValue.string(key).description)]" }
            }
        }
        return out
    }
}

/// One thing wrong with a workspace: where (a JSON path) and which rule it breaks.
public struct WorkspaceIssue: Sendable, Hashable, CustomStringConvertible {
    public var path: JSONPath
    /// The rule broken, phrased as what was expected and what was found.
    public var message: String

    public init(path: JSONPath, message: String) {
        self.path = path
        self.message = message
    }

    /// `destinations[0].projectId: expected XXX-XXX-XXXX …`
    public var description: String { "\(path): \(message)" }
}
