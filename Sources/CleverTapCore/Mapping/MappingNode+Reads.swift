extension CompiledMapping {
    /// Adds the parts of an event this mapping can read: the value at every path it names, whole.
    /// A path computed from the event, or a `@liquid` template (whose variables we do not list),
    /// reads the whole event.
    public func addReads(to selection: inout JSONSelection) {
        root.addReads(to: &selection)
    }
}

extension MappingNode {
    func addReads(to selection: inout JSONSelection) {
        switch self {
        case .constant, .nothing:
            break
        case .object(let members):
            for member in members { member.node.addReads(to: &selection) }
        case .array(let nodes):
            for node in nodes { node.addReads(to: &selection) }
        case .path(let path):
            selection.insert(path: path.segments.lazy.map(\.key))
        case .computedPath, .computedTemplate, .liquid:
            selection = .all
        case .template(let template):
            for case .value(let path) in template.pieces { selection.insert(path: path.segments.lazy.map(\.key)) }
        case .conditional(let condition, let thenNode, let elseNode):
            switch condition {
            case .exists(let node), .notBlank(let node): node.addReads(to: &selection)
            case .equals(let left, let right): left.addReads(to: &selection); right.addReads(to: &selection)
            }
            thenNode?.addReads(to: &selection)
            elseNode?.addReads(to: &selection)
        case .arrayPath(let root, _):
            // The item shape reads the items, which are whole: only the root comes from the event.
            switch root {
            case .path(let path): selection.insert(path: path.segments.lazy.map(\.key))
            case .computed(let node): node.addReads(to: &selection)
            }
        case .changeCase(_, let node), .replace(_, let node), .jsonEncode(let node), .jsonDecode(let node),
             .flatten(let node, _, _), .excludeWhenNull(let node):
            node.addReads(to: &selection)
        case .merge(let nodes, _):
            for node in nodes { node.addReads(to: &selection) }
        case .transform(let apply, _):
            // The inner mapping reads what `apply` built, which holds whole event values.
            apply.addReads(to: &selection)
        }
    }
}
