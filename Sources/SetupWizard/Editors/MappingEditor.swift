import CleverTapCore
import TerminalUI

/// Why a mapping cannot be saved yet.
enum MappingSaveError: Error, Sendable, Equatable, CustomStringConvertible {
    case requiredFieldsUnmapped([String])

    var description: String {
        switch self {
        case .requiredFieldsUnmapped(let labels):
            let list = labels.joined(separator: ", ")
            return "\(list) \(labels.count == 1 ? "is" : "are") required: map \(labels.count == 1 ? "it" : "them") to an event path, a template or a literal before saving."
        }
    }
}

/// The field mapping of one subscription: each of the action's fields with its current mapping,
/// suggestions from the sample event, key-by-key Person Attributes, and the Convert Timestamps
/// toggle. Produces the subscription's mapping object; keys the action does not define are kept.
struct MappingEditor: Sendable, Hashable {
    /// One action field and how it is mapped now.
    struct Row: Sendable, Hashable {
        var field: ActionField
        var mapping: FieldMapping
    }

    /// Shown under the toggle; says what it does in one line, naming this action's date fields.
    static func convertTimestampsHelp(_ action: ActionKind) -> String {
        let fields = action.definition.fields.filter { $0.type != .string }.map(\.label)
        guard !fields.isEmpty else { return "Convert Timestamps: \(action.displayName) has no date fields; it changes nothing." }
        return "Convert Timestamps: ISO-8601 dates in \(fields.joined(separator: " and ")) are sent as Unix seconds."
    }

    let action: ActionKind
    private(set) var rows: [Row]
    var convertTimestamps: Bool
    /// The event suggestions and the preview are computed from.
    var sample: JSONValue
    /// Index of the focused row.
    private(set) var focusedRow: Int = 0
    /// Mapping members whose keys the action does not define: kept untouched on save (nothing
    /// is lost silently), reported by the preview, removable with `removeUnknownFields()`.
    private var otherMembers: [JSONObject.Member]

    init(subscription: Subscription, sample: JSONValue) {
        action = subscription.action
        let definition = subscription.action.definition
        rows = definition.fields.map { Row(field: $0, mapping: FieldMapping(json: subscription.mapping[$0.key], type: $0.type)) }
        otherMembers = subscription.mapping.members.filter { definition.field($0.key) == nil }
        convertTimestamps = subscription.convertTimestamps
        self.sample = sample
    }

    // MARK: Reading

    func row(_ key: String) -> Row? { rows.first { $0.field.key == key } }

    /// The subscription's mapping object as it would be saved, fields in the action's order.
    var mapping: JSONObject {
        var object = JSONObject()
        for row in rows { if let json = row.mapping.json { object[row.field.key] = json } }
        for member in otherMembers { object[member.key] = member.value }
        return object
    }

    /// Keys in the mapping that the action does not define.
    var unknownFieldKeys: [String] { otherMembers.map(\.key) }

    /// Drops mapping keys the action does not define (the pipeline refuses them).
    mutating func removeUnknownFields() { otherMembers = [] }

    /// Required fields with no mapping, by the core's rule (Upload Event's Identity is excused
    /// while Object ID is mapped): a subscription cannot be saved while any remain.
    var unmappedRequiredFields: [ActionField] {
        let current = mapping
        return rows.filter { $0.field.isRequired(in: current) && !$0.mapping.isMapped }.map(\.field)
    }

    /// How a missing field is named in the save refusal: "Identity or Object ID" when either will do.
    var unmappedRequiredLabels: [String] {
        let definition = action.definition
        return unmappedRequiredFields.map { field in
            field.unlessMapped.flatMap(definition.field).map { "\(field.label) or \($0.label)" } ?? field.label
        }
    }

    /// The core's words for each missing field ("Identity is required unless Object ID is mapped; …").
    var unmappedRequiredMessages: [String] {
        let definition = action.definition
        return unmappedRequiredFields.map { $0.unmappedMessage(in: definition) + "." }
    }

    /// `subscription` with this editor's mapping and toggle, or why it cannot be saved.
    func applied(to subscription: Subscription) throws(MappingSaveError) -> Subscription {
        guard unmappedRequiredFields.isEmpty else { throw .requiredFieldsUnmapped(unmappedRequiredLabels) }
        var updated = subscription
        updated.mapping = mapping
        updated.convertTimestamps = convertTimestamps
        return updated
    }

    /// What `s` cycles through for `fieldKey`: the action's own suggestions first (the core's
    /// catalog: `$.event`, the literal `Charged`, …), then the sample's paths, without repeats.
    func mappingSuggestions(for fieldKey: String) -> [MappingValue] {
        guard let field = row(fieldKey)?.field else { return [] }
        var result = field.suggestions.map(MappingValue.init(json:))
        for suggestion in suggestions(for: fieldKey) where !result.contains(.path(suggestion.path)) {
            result.append(.path(suggestion.path))
        }
        return result
    }

    /// Paths from the sample event for `fieldKey`, the likeliest first: objects for object
    /// fields, `$.userId`-like paths for Identity, timestamps for dates, then everything else.
    func suggestions(for fieldKey: String) -> [PathSuggestion] {
        guard let field = row(fieldKey)?.field else { return [] }
        let all = EventPaths.enumerate(sample)
        func score(_ suggestion: PathSuggestion) -> Int {
            let last = (EventPaths.segments(of: suggestion.path)?.last ?? "").lowercased()
            switch field.type {
            case .object:
                guard case .object = suggestion.value else { return 0 }
                return ["traits", "properties"].contains(last) ? 3 : 2
            case .datetime:
                if ["timestamp", "sentat", "receivedat", "originaltimestamp", "createdat"].contains(last) { return 3 }
                if case .string(let s) = suggestion.value, s.count >= 10, s.dropFirst(4).first == "-" { return 2 }
                return 0
            case .string:
                if field.key == "identity" {
                    if last == "userid" { return 4 }
                    if ["anonymousid", "email", "id", "user_id"].contains(last) { return 3 }
                }
                if field.key == "objectId" && last == "anonymousid" { return 4 }
                if field.key == "evtName" && ["event", "name"].contains(last) { return 4 }
                switch suggestion.value { case .object, .array: return 0; default: return 1 }
            }
        }
        return rank(all, by: score)
    }

    /// Paths for one key of the object field (Person Attributes, Event Data): for a reserved
    /// key, paths whose last part is one of its usual names (`Email` -> `$.traits.email`,
    /// `Amount` -> `$.properties.revenue`) first; scalar values only.
    func attributeSuggestions(for attributeKey: String) -> [PathSuggestion] {
        let known = objectField?.knownKeys.first { $0.key == attributeKey }?.sourceNames
        let names = known ?? ProfileKey.named(attributeKey)?.traitNames ?? [attributeKey.lowercased()]
        let scalars = EventPaths.enumerate(sample).filter {
            switch $0.value { case .object, .array: return false; default: return true }
        }
        return rank(scalars) { suggestion in
            let last = (EventPaths.segments(of: suggestion.path)?.last ?? "").lowercased()
            return names.contains(last) ? 2 : 0
        }
    }

    /// Reserved CleverTap keys not yet used in the key-by-key Person Attributes, in spec order.
    var unusedProfileKeys: [ProfileKey] {
        let used = Set(attributes?.map(\.key) ?? [])
        return ProfileKey.reserved.filter { !used.contains($0.key) }
    }

    /// The action's object field (Person Attributes, Event Data), if it has one.
    var objectField: ActionField? { rows.first { $0.field.type == .object }?.field }

    /// The key the attribute edits below default to: the action's object field.
    private var objectFieldKey: String { objectField?.key ?? "profileData" }

    /// The keys `a` offers next, in order: the object field's keys with a meaning to CleverTap
    /// (the core's `knownKeys`: Amount, Charged ID, Items on Event Data) or, for Person
    /// Attributes, the reserved profile keys; those already used are left out.
    var unusedKnownKeys: [String] {
        guard let field = objectField else { return [] }
        let used = Set(attributes?.map(\.key) ?? [])
        let keys = field.knownKeys.isEmpty ? ProfileKey.reserved.map(\.key) : field.knownKeys.map(\.key)
        return keys.filter { !used.contains($0) }
    }

    /// The key-by-key Person Attributes, if the object field is built that way.
    var attributes: [AttributeMapping]? {
        guard let row = rows.first(where: { $0.field.type == .object }), case .keyByKey(let list) = row.mapping else { return nil }
        return list
    }

    private func rank(_ suggestions: [PathSuggestion], by score: (PathSuggestion) -> Int) -> [PathSuggestion] {
        suggestions.enumerated()
            .sorted { a, b in
                let (sa, sb) = (score(a.element), score(b.element))
                return sa != sb ? sa > sb : a.offset < b.offset
            }
            .map(\.element)
    }

    // MARK: Changes

    mutating func focus(row index: Int) { focusedRow = min(max(0, index), rows.count - 1) }
    mutating func moveFocus(by offset: Int) { focus(row: focusedRow + offset) }

    /// Sets a field's mapping outright (e.g. back to `.unmapped`).
    mutating func setMapping(_ mapping: FieldMapping, for fieldKey: String) throws(MappingInputError) {
        let index = try rowIndex(fieldKey)
        if case .keyByKey = mapping, rows[index].field.type != .object { throw .notAnObjectField(rows[index].field.label) }
        rows[index].mapping = mapping
    }

    /// Maps a field to a chosen suggestion's path.
    mutating func choose(_ suggestion: PathSuggestion, for fieldKey: String) throws(MappingInputError) {
        try setMapping(.value(.path(suggestion.path)), for: fieldKey)
    }

    /// Maps a field to what the user typed: a path, a template or a literal (see `MappingValue.interpret`).
    /// An empty input unmaps the field.
    mutating func setInput(_ input: String, for fieldKey: String) throws(MappingInputError) {
        if input.trimmingWhitespace().isEmpty {
            try setMapping(.unmapped, for: fieldKey)
        } else {
            try setMapping(.value(try MappingValue.interpret(input)), for: fieldKey)
        }
    }

    /// Replaces a field's mapping with raw JSON typed by the user ("custom (edit raw)"); the JSON
    /// is recognised again, so typing `{"@path":"$.userId"}` shows as a path.
    mutating func setRaw(_ text: String, for fieldKey: String) throws(MappingInputError) {
        let index = try rowIndex(fieldKey)
        let json: JSONValue
        do {
            json = try JSONParser.parse(text)
        } catch {
            let position = error.lineAndColumn(in: Array(text.utf8))
            throw .invalidRawJSON(message: error.message, line: position.line, column: position.column)
        }
        rows[index].mapping = FieldMapping(json: json, type: rows[index].field.type)
    }

    /// Switches an object field to key-by-key. When it was one object path with an object in the
    /// sample, starts with that object's scalar members, named by CleverTap's reserved keys where
    /// a usual trait name matches (`email` -> `Email`) and by their own names otherwise.
    mutating func switchToKeyByKey(_ fieldKey: String) throws(MappingInputError) {
        let index = try rowIndex(fieldKey)
        guard rows[index].field.type == .object else { throw .notAnObjectField(rows[index].field.label) }
        if case .keyByKey = rows[index].mapping { return }
        var attributes: [AttributeMapping] = []
        if case .value(.path(let path)) = rows[index].mapping, let object = EventPaths.resolve(path, in: sample)?.objectValue {
            for member in object {
                switch member.value { case .object, .array: continue; default: break }
                let reserved = ProfileKey.reserved.first { $0.traitNames.contains(member.key.lowercased()) }
                var key = reserved?.key ?? member.key
                if attributes.contains(where: { $0.key == key }) { key = member.key }
                guard !attributes.contains(where: { $0.key == key }) else { continue }
                attributes.append(AttributeMapping(key: key, value: .path(path + "." + member.key)))
            }
        }
        rows[index].mapping = .keyByKey(attributes)
    }

    /// Adds one Person Attributes key; switches the field to key-by-key when needed.
    mutating func addAttribute(_ key: String, value: MappingValue, to fieldKey: String? = nil) throws(MappingInputError) {
        let fieldKey = fieldKey ?? objectFieldKey
        let cleanKey = key.trimmingWhitespace()
        guard !cleanKey.isEmpty else { throw .emptyAttributeKey }
        let index = try rowIndex(fieldKey)
        guard rows[index].field.type == .object else { throw .notAnObjectField(rows[index].field.label) }
        var list: [AttributeMapping] = []
        if case .keyByKey(let existing) = rows[index].mapping { list = existing }
        guard !list.contains(where: { $0.key == cleanKey }) else { throw .duplicateAttributeKey(cleanKey) }
        list.append(AttributeMapping(key: cleanKey, value: value))
        rows[index].mapping = .keyByKey(list)
    }

    /// Changes the value of an existing Person Attributes key.
    mutating func setAttribute(_ key: String, value: MappingValue, in fieldKey: String? = nil) throws(MappingInputError) {
        let fieldKey = fieldKey ?? objectFieldKey
        try editAttributes(fieldKey) { (list: inout [AttributeMapping]) throws(MappingInputError) -> Void in
            guard let position = list.firstIndex(where: { $0.key == key }) else { throw .unknownAttributeKey(key) }
            list[position].value = value
        }
    }

    /// Renames a Person Attributes key, keeping its value and position.
    mutating func renameAttribute(_ key: String, to newKey: String, in fieldKey: String? = nil) throws(MappingInputError) {
        let fieldKey = fieldKey ?? objectFieldKey
        let cleanKey = newKey.trimmingWhitespace()
        guard !cleanKey.isEmpty else { throw .emptyAttributeKey }
        try editAttributes(fieldKey) { (list: inout [AttributeMapping]) throws(MappingInputError) -> Void in
            guard let position = list.firstIndex(where: { $0.key == key }) else { throw .unknownAttributeKey(key) }
            if cleanKey != key, list.contains(where: { $0.key == cleanKey }) { throw .duplicateAttributeKey(cleanKey) }
            list[position].key = cleanKey
        }
    }

    mutating func removeAttribute(_ key: String, from fieldKey: String? = nil) throws(MappingInputError) {
        let fieldKey = fieldKey ?? objectFieldKey
        try editAttributes(fieldKey) { (list: inout [AttributeMapping]) throws(MappingInputError) -> Void in
            guard let position = list.firstIndex(where: { $0.key == key }) else { throw .unknownAttributeKey(key) }
            list.remove(at: position)
        }
    }

    private mutating func editAttributes(_ fieldKey: String, _ change: (inout [AttributeMapping]) throws(MappingInputError) -> Void) throws(MappingInputError) {
        let index = try rowIndex(fieldKey)
        guard case .keyByKey(var list) = rows[index].mapping else { throw .notAnObjectField(rows[index].field.label) }
        try change(&list)
        rows[index].mapping = .keyByKey(list)
    }

    private func rowIndex(_ fieldKey: String) throws(MappingInputError) -> Int {
        guard let index = rows.firstIndex(where: { $0.field.key == fieldKey }) else { throw .unknownField(fieldKey) }
        return index
    }

    // MARK: View

    /// The fields (label, type, required marker, current mapping; attributes indented), the
    /// Convert Timestamps toggle with its explanation, and the required-field guard.
    /// `focused`: this pane has the keys (see `PaneFocus`).
    func render(into screen: inout Screen, frame: PaneFrame, focused: Bool = true) {
        var out = PaneWriter(frame: frame)
        out.line(PaneFocus.title("Field mapping: \(action.displayName)", focused: focused), style: PaneFocus.titleStyle(focused: focused), in: &screen)
        for (index, row) in rows.enumerated() {
            let selected = index == focusedRow
            let marker = row.field.required ? "*" : " "
            let head = PaneFocus.marker(selected: selected, focused: focused) + "\(marker) " + row.field.label.padded(to: 18)
                + "(\(row.field.type.rawValue))".padded(to: 11)
            let style: Style = selected ? PaneFocus.rowStyle(selected: true, focused: focused)
                : (row.field.required && !row.mapping.isMapped ? Style(.error) : .normal)
            let summary: String
            if case .keyByKey(let list) = row.mapping { summary = "key by key (\(list.count) key\(list.count == 1 ? "" : "s"))" } else { summary = row.mapping.summary }
            out.line(head + summary, style: style, in: &screen)
            if case .keyByKey(let list) = row.mapping {
                for attribute in list {
                    out.line(attribute.key.padded(to: 18) + attribute.value.summary, indent: 6, in: &screen)
                }
            }
        }
        out.wrapped("[\(convertTimestamps ? "x" : " ")] " + Self.convertTimestampsHelp(action), hangingIndent: 4, in: &screen)
        let missing = unmappedRequiredMessages
        if !missing.isEmpty {
            out.wrapped(missing.joined(separator: " "), style: Style(.error, bold: true), in: &screen)
        } else {
            out.line("* required", style: Style(.subtle), in: &screen)
        }
    }
}
