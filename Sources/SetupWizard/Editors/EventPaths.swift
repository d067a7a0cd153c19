import CleverTapCore

/// One path found in a sample event, offered as a mapping suggestion.
struct PathSuggestion: Sendable, Hashable {
    /// Mapping-kit path, e.g. `$.traits.email`.
    var path: String
    /// The value at that path in the sample event (shown next to the path).
    var value: JSONValue

    /// The value in one short line, for the suggestion list.
    var preview: String {
        let text: String
        switch value {
        case .object(let object): text = "{" + object.keys.prefix(4).joined(separator: ", ") + (object.count > 4 ? ", …}" : "}")
        case .array(let array): text = "[\(array.count) item\(array.count == 1 ? "" : "s")]"
        default: text = value.description
        }
        return text.count > 40 ? String(text.prefix(39)) + "…" : text
    }
}

/// Paths into an event, as mapping-kit's `@path` understands them (`$.a.b`, `$.a[0]`).
enum EventPaths {
    /// Every path in `event`, depth first in the event's key order: each object member (and the
    /// object itself), arrays as a whole plus their first element's members (`$.products[0].sku`),
    /// so a person can pick either a whole object (`$.traits`) or one value in it.
    /// Keys containing `.`, `[` or `]` are skipped: no `@path` can name them unambiguously.
    static func enumerate(_ event: JSONValue, maximumDepth: Int = 6) -> [PathSuggestion] {
        var result: [PathSuggestion] = []
        walk(event, path: "$", depth: 0, maximumDepth: maximumDepth, into: &result)
        return result
    }

    private static func walk(_ value: JSONValue, path: String, depth: Int, maximumDepth: Int, into result: inout [PathSuggestion]) {
        guard depth < maximumDepth else { return }
        switch value {
        case .object(let object):
            for member in object where isNameable(member.key) {
                let childPath = path + "." + member.key
                result.append(PathSuggestion(path: childPath, value: member.value))
                walk(member.value, path: childPath, depth: depth + 1, maximumDepth: maximumDepth, into: &result)
            }
        case .array(let array):
            if let first = array.first, case .object = first {
                walk(first, path: path + "[0]", depth: depth + 1, maximumDepth: maximumDepth, into: &result)
            }
        default:
            break
        }
    }

    private static func isNameable(_ key: String) -> Bool {
        !key.isEmpty && !key.contains(where: { $0 == "." || $0 == "[" || $0 == "]" })
    }

    /// The value at `path` in `event`, or nil when the path is malformed or leads nowhere.
    /// Accepts `$`, `$.a.b`, `$.a[0].b` and `$.a.0` (a number segment indexes an array).
    static func resolve(_ path: String, in event: JSONValue) -> JSONValue? {
        guard let segments = segments(of: path) else { return nil }
        var current = event
        for segment in segments {
            switch current {
            case .object(let object):
                guard let next = object[segment] else { return nil }
                current = next
            case .array(let array):
                guard let index = Int(segment), index >= 0, index < array.count else { return nil }
                current = array[index]
            default:
                return nil
            }
        }
        return current
    }

    /// The path's segments (`$.a[0].b` -> `a`, `0`, `b`), or nil when it is not a path.
    static func segments(of path: String) -> [String]? {
        guard path.hasPrefix("$") else { return nil }
        var segments: [String] = []
        var rest = Substring(path.dropFirst())
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let end = rest.firstIndex(where: { $0 == "." || $0 == "[" }) ?? rest.endIndex
                let name = rest[..<end]
                guard !name.isEmpty, !name.contains("]") else { return nil }
                segments.append(String(name))
                rest = rest[end...]
            } else if rest.hasPrefix("[") {
                guard let close = rest.firstIndex(of: "]") else { return nil }
                let inside = rest[rest.index(after: rest.startIndex)..<close]
                guard let index = Int(inside), index >= 0 else { return nil }
                segments.append(String(index))
                rest = rest[rest.index(after: close)...]
            } else {
                return nil
            }
        }
        return segments
    }
}
