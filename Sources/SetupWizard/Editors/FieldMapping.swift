import CleverTapCore

/// Where one mapped value comes from, in the forms the mapping editor can show and edit.
enum MappingValue: Sendable, Hashable {
    /// `{"@path": "$.traits.email"}`: a value from the event.
    case path(String)
    /// `{"@template": "{{traits.first_name}} {{traits.last_name}}"}`: text with event values in it.
    case template(String)
    /// A raw scalar (string, number, boolean, null) sent as is.
    case literal(JSONValue)
    /// Any other mapping (other directives, nested structures): kept exactly, edited as raw JSON.
    case custom(JSONValue)

    /// Recognises the editable forms; anything else is `.custom`, so nothing is lost.
    init(json: JSONValue) {
        switch json {
        case .object(let object) where object.count == 1:
            if let path = object["@path"]?.stringValue {
                self = .path(path)
            } else if let template = object["@template"]?.stringValue {
                self = .template(template)
            } else {
                self = .custom(json)
            }
        case .null, .bool, .int, .double, .string:
            self = .literal(json)
        default:
            self = .custom(json)
        }
    }

    /// The mapping JSON this value is written as.
    var json: JSONValue {
        switch self {
        case .path(let path): return ["@path": .string(path)]
        case .template(let template): return ["@template": .string(template)]
        case .literal(let value), .custom(let value): return value
        }
    }

    /// What a person typed, read the way they meant it: `$…` is a path, text with `{{` a
    /// template, anything else a literal string. Paths and templates are checked.
    static func interpret(_ input: String) throws(MappingInputError) -> MappingValue {
        let text = input.trimmingWhitespace()
        if text.hasPrefix("$") {
            guard EventPaths.segments(of: text) != nil else { throw .malformedPath(text) }
            return .path(text)
        }
        if text.contains("{{") || text.contains("}}") {
            try checkTemplate(text)
            return .template(text)
        }
        return .literal(.string(input))
    }

    /// Checks that every `{{` has its `}}` and names a non-empty path.
    static func checkTemplate(_ text: String) throws(MappingInputError) {
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if let strayClose = rest[..<open.lowerBound].range(of: "}}") {
                throw .malformedTemplate(text, "\"}}\" at character \(text.distance(from: text.startIndex, to: strayClose.lowerBound) + 1) closes nothing")
            }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .malformedTemplate(text, "\"{{\" at character \(text.distance(from: text.startIndex, to: open.lowerBound) + 1) is never closed with \"}}\"")
            }
            if String(rest[open.upperBound..<close.lowerBound]).trimmingWhitespace().isEmpty {
                throw .malformedTemplate(text, "\"{{}}\" names no event field; write e.g. {{traits.name}}")
            }
            rest = rest[close.upperBound...]
        }
        if let strayClose = rest.range(of: "}}") {
            throw .malformedTemplate(text, "\"}}\" at character \(text.distance(from: text.startIndex, to: strayClose.lowerBound) + 1) closes nothing")
        }
    }

    /// One line for the editor: `$.traits.email`, `template "…"`, `"text"`, `custom (edit raw)`.
    var summary: String {
        switch self {
        case .path(let path): return path
        case .template(let template): return "template \"\(template)\""
        case .literal(let value): return "literal \(value.description)"
        case .custom: return "custom (edit raw)"
        }
    }
}

/// A typed value that the mapping editor could not accept, and why.
enum MappingInputError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedPath(String)
    case malformedTemplate(String, String)
    case emptyAttributeKey
    case duplicateAttributeKey(String)
    case unknownAttributeKey(String)
    case unknownField(String)
    case notAnObjectField(String)
    case invalidRawJSON(message: String, line: Int, column: Int)

    var description: String {
        switch self {
        case .malformedPath(let path):
            return "\"\(path)\" is not a path: write $ then .name or [index] parts, e.g. $.traits.email or $.products[0].sku."
        case .malformedTemplate(_, let reason): return "Template problem: \(reason)."
        case .emptyAttributeKey: return "An attribute needs a key (e.g. Email or plan); type one."
        case .duplicateAttributeKey(let key): return "Person Attributes already has \"\(key)\"; edit that one or choose another key."
        case .unknownAttributeKey(let key): return "Person Attributes has no key \"\(key)\"."
        case .unknownField(let key): return "This action has no field \"\(key)\"."
        case .notAnObjectField(let label): return "\(label) holds one value; only object fields such as Person Attributes are built key by key."
        case .invalidRawJSON(let message, let line, let column): return "Raw mapping is not valid JSON: \(message) at line \(line), column \(column)."
        }
    }
}

/// One key of a key-by-key Person Attributes mapping.
struct AttributeMapping: Sendable, Hashable {
    var key: String
    var value: MappingValue
}

/// The mapping of one action field, as the editor shows it.
enum FieldMapping: Sendable, Hashable {
    /// No mapping: the field is left out of the record.
    case unmapped
    case value(MappingValue)
    /// An object field built key by key (`{"Email": {"@path": "$.traits.email"}, …}`).
    case keyByKey([AttributeMapping])

    /// Recognises `json` for a field of `type`: plain objects of representable values on object
    /// fields become key by key; anything unrecognised stays as `.custom` so saving keeps it.
    init(json: JSONValue?, type: ActionFieldType) {
        guard let json else {
            self = .unmapped
            return
        }
        if type == .object, case .object(let object) = json, !object.keys.contains(where: { $0.hasPrefix("@") }) {
            let attributes = object.map { AttributeMapping(key: $0.key, value: MappingValue(json: $0.value)) }
            // Nested plain objects would show as "custom" rows; still editable, still kept.
            self = .keyByKey(attributes)
            return
        }
        self = .value(MappingValue(json: json))
    }

    /// The JSON written into the subscription's mapping, or nil to leave the key out.
    var json: JSONValue? {
        switch self {
        case .unmapped: return nil
        case .value(let value): return value.json
        case .keyByKey(let attributes):
            return .object(JSONObject(attributes.map { JSONObject.Member(key: $0.key, value: $0.value.json) }))
        }
    }

    var isMapped: Bool { if case .unmapped = self { return false } else { return true } }

    var summary: String {
        switch self {
        case .unmapped: return "(not mapped)"
        case .value(let value): return value.summary
        case .keyByKey(let attributes): return "key by key: " + (attributes.isEmpty ? "(no keys yet)" : attributes.map(\.key).joined(separator: ", "))
        }
    }
}
