/// A validated mapping, compiled once and applied to many events.
///
/// Semantics follow Segment's mapping-kit: raw values come out as they are, directives fetch and
/// transform event data, object keys whose value resolves to nothing are removed (null stays),
/// and array elements that resolve to nothing become null (as `JSON.stringify` writes them).
/// Paths and templates are split at compile time, so `apply` does no parsing.
///
/// Where mapping-kit's behaviour is a JavaScript accident we say so at the spot (see `EventPath`,
/// `MappingTemplate`, `@merge`). One extension: `@if` also takes `"equals": [a, b]`.
public struct CompiledMapping: Sendable {
    /// The mapping as written.
    public let source: JSONValue
    let root: MappingNode

    /// Validates `mapping` and compiles it; every problem found is reported, each naming where
    /// in the mapping it is (`profileData.Email: @path expects …`).
    public init(_ mapping: JSONValue) throws(MappingError) {
        var compiler = MappingCompiler()
        let node = compiler.compile(mapping, at: JSONPath.root)
        if !compiler.issues.isEmpty { throw MappingError(issues: compiler.issues) }
        source = mapping
        root = node
    }

    /// Convenience for a subscription's mapping object.
    public init(_ mapping: JSONObject) throws(MappingError) {
        try self.init(.object(mapping))
    }

    /// Only validates; returns every problem (empty when the mapping is usable).
    public static func validate(_ mapping: JSONValue) -> [MappingIssue] {
        var compiler = MappingCompiler()
        _ = compiler.compile(mapping, at: JSONPath.root)
        return compiler.issues
    }

    /// The mapped value for `event`, or nil when the whole mapping resolves to nothing.
    /// Throws only for what cannot be known before seeing an event: a directive argument
    /// (`@path`, `@template`) computed by another directive that turns out not to be a string.
    public func apply(to event: JSONValue) throws(MappingError) -> JSONValue? {
        try root.resolve(event)
    }
}

/// A compiled mapping value.
indirect enum MappingNode: Sendable {
    /// A raw value containing no directives: returned as is, never rebuilt.
    case constant(JSONValue)
    /// A raw object with directives somewhere inside.
    case object([(key: String, node: MappingNode)])
    /// A raw array with directives somewhere inside.
    case array([MappingNode])
    /// A node that always resolves to nothing (e.g. `@case` with an empty `value`).
    case nothing
    case path(EventPath)
    case computedPath(MappingNode, JSONPath)
    case template(MappingTemplate)
    case computedTemplate(MappingNode, JSONPath)
    case conditional(MappingCondition, then: MappingNode?, else: MappingNode?)
    case arrayPath(root: ArrayPathRoot, itemShape: MappingNode?)
    case changeCase(upper: Bool, value: MappingNode)
    case replace(MappingReplacement, value: MappingNode)
    case jsonEncode(MappingNode)
    case jsonDecode(MappingNode)
    case flatten(value: MappingNode, separator: String, omitArrays: Bool)
    case merge([MappingNode], rightmostWins: Bool)
    case transform(apply: MappingNode, mapping: MappingNode)
    case excludeWhenNull(MappingNode)
    /// `@liquid`: always a string; render errors (limits) fail the event.
    case liquid(LiquidTemplate, JSONPath)
}

enum MappingCondition: Sendable {
    case exists(MappingNode)
    /// mapping-kit's `"blank"` key: true when the value is NOT blank.
    case notBlank(MappingNode)
    case equals(MappingNode, MappingNode)
}

enum ArrayPathRoot: Sendable {
    case path(EventPath)
    case computed(MappingNode)
}
