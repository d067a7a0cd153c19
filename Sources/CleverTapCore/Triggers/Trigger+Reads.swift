extension Trigger {
    /// Adds the parts of an event this trigger can read: each field's value, whole (`length`
    /// and indexes read strings and arrays, which are kept whole anyway).
    public func addReads(to selection: inout JSONSelection) {
        matcher.root.addReads(to: &selection)
    }
}

extension TriggerMatcher.Node {
    func addReads(to selection: inout JSONSelection) {
        switch self {
        case .all(let children), .any(let children):
            for child in children { child.addReads(to: &selection) }
        case .test(.member(let key), _):
            selection.insert(path: CollectionOfOne(key))
        case .test(.path(let root, let steps), _):
            selection.insert(path: [root] + steps.map(\.key))
        }
    }
}
