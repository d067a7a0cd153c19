extension ActionDefinition {
    /// The mapping's keys checked against this action's fields: keys the action does not have,
    /// and required fields left unmapped. Each issue is located at the key inside the mapping
    /// (`bogus`, `identity`), so the pipeline and the workspace check name the same place.
    public func fieldIssues(in mapping: JSONObject) -> [MappingIssue] {
        var issues: [MappingIssue] = []
        let known = fields.map(\.key)
        for key in mapping.keys where field(key) == nil {
            issues.append(MappingIssue(location: JSONPath.root.key(key),
                                       message: "not a field of \(kind.displayName); expected \(Self.list(known))"))
        }
        for field in fields where field.isRequired(in: mapping) && mapping[field.key] == nil {
            issues.append(MappingIssue(location: JSONPath.root.key(field.key), message: field.unmappedMessage(in: self)))
        }
        return issues
    }

    private static func list(_ keys: [String]) -> String {
        guard keys.count > 1 else { return keys.first ?? "no fields" }
        return keys.dropLast().joined(separator: ", ") + " or " + keys[keys.count - 1]
    }
}
