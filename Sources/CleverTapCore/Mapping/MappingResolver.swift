extension MappingNode {
    /// Resolves this node against `payload`; nil means "nothing" (the key is left out).
    func resolve(_ payload: JSONValue) throws(MappingError) -> JSONValue? {
        switch self {
        case .constant(let value):
            return value
        case .nothing:
            return nil
        case .object(let members):
            var out: [JSONObject.Member] = []
            out.reserveCapacity(members.count)
            for member in members {
                if let value = try member.node.resolve(payload) {
                    out.append(JSONObject.Member(key: member.key, value: value))
                }
            }
            return .object(JSONObject(out))
        case .array(let nodes):
            var out: [JSONValue] = []
            out.reserveCapacity(nodes.count)
            for node in nodes { out.append(try node.resolve(payload) ?? .null) }
            return .array(out)
        case .path(let path):
            return path.lookup(in: payload)
        case .computedPath(let node, let location):
            let argument = try node.resolve(payload)
            guard case .string(let text)? = argument else {
                throw MappingError(location, "@path: the directive inside gave \(argument?.kindName ?? "nothing"), expected a string path")
            }
            return EventPath(text).lookup(in: payload)
        case .template(let template):
            return .string(template.render(with: payload))
        case .computedTemplate(let node, let location):
            let argument = try node.resolve(payload)
            guard case .string(let text)? = argument else {
                throw MappingError(location, "@template: the directive inside gave \(argument?.kindName ?? "nothing"), expected a string template")
            }
            return .string(MappingTemplate(text).render(with: payload))
        case .conditional(let condition, let thenNode, let elseNode):
            let holds: Bool
            switch condition {
            case .exists(let node):
                let value = try node.resolve(payload)
                holds = value != nil && value != .null
            case .notBlank(let node):
                holds = !JavaScriptText.isBlank(try node.resolve(payload))
            case .equals(let left, let right):
                holds = MappingNode.looselyEqual(try left.resolve(payload), try right.resolve(payload))
            }
            return try (holds ? thenNode : elseNode)?.resolve(payload)
        case .arrayPath(let rootKind, let itemShape):
            let root: JSONValue?
            switch rootKind {
            case .path(let path): root = path.lookup(in: payload)
            case .computed(let node): root = try node.resolve(payload)
            }
            guard let itemShape, let root else { return root }
            switch root {
            case .array(let items):
                var out: [JSONValue] = []
                out.reserveCapacity(items.count)
                for item in items { out.append(try itemShape.resolve(item) ?? .null) }
                return .array(out)
            case .object:
                return .array([try itemShape.resolve(root) ?? .null])
            default:
                return root
            }
        case .changeCase(let upper, let node):
            let value = try node.resolve(payload)
            guard case .string(let text)? = value else { return value }
            return .string(upper ? text.uppercased() : text.lowercased())
        case .replace(let replacement, let node):
            // mapping-kit replaces in booleans and numbers as text, and gives "" for anything else.
            switch try node.resolve(payload) {
            case .string(let text)?: return .string(replacement.apply(to: text))
            case let value? where value.isScalarNonString: return .string(replacement.apply(to: JavaScriptText.string(value)))
            default: return .string("")
            }
        case .jsonEncode(let node):
            guard let value = try node.resolve(payload) else { return nil }
            return .string(value.description)
        case .jsonDecode(let node):
            let value = try node.resolve(payload)
            guard case .string(let text)? = value else { return value }
            return (try? JSONParser.parse(text)) ?? value
        case .flatten(let node, let separator, let omitArrays):
            var out = JSONObject()
            MappingNode.flatten(try node.resolve(payload), prefix: "", separator: separator, omitArrays: omitArrays, into: &out)
            return .object(out)
        case .merge(let nodes, let rightmostWins):
            var resolved: [JSONValue?] = []
            for node in nodes { resolved.append(try node.resolve(payload)) }
            if !rightmostWins { resolved.reverse() }
            var out = JSONObject()
            // Object.assign: later objects overwrite values, keys keep their first position.
            // Non-objects are skipped (JavaScript would spread strings into index keys).
            for case .object(let object)? in resolved {
                for member in object { out[member.key] = member.value }
            }
            return .object(out)
        case .transform(let apply, let mapping):
            let intermediate = try apply.resolve(payload) ?? .object(JSONObject())
            return try mapping.resolve(intermediate)
        case .excludeWhenNull(let node):
            guard let value = try node.resolve(payload), value != .null else { return nil }
            return MappingNode.removingNulls(value)
        case .liquid(let template, let location):
            do throws(LiquidTemplateError) {
                return .string(try template.render(payload))
            } catch {
                throw MappingError(location, "@liquid: \(error.message)")
            }
        }
    }

    /// mapping-kit's flattenObject: nested objects (and arrays unless `omitArrays`) become
    /// `a.b.0` keys; a lone scalar flattens to the key "".
    static func flatten(_ value: JSONValue?, prefix: String, separator: String, omitArrays: Bool, into out: inout JSONObject) {
        guard let value else { return }
        func key(_ child: String) -> String { prefix.isEmpty ? child : prefix + separator + child }
        switch value {
        case .object(let object):
            for member in object {
                flatten(member.value, prefix: key(member.key), separator: separator, omitArrays: omitArrays, into: &out)
            }
        case .array(let elements) where !omitArrays:
            for (index, element) in elements.enumerated() {
                flatten(element, prefix: key(String(index)), separator: separator, omitArrays: omitArrays, into: &out)
            }
        default:
            out[prefix] = value
        }
    }

    /// `@excludeWhenNull` on an object: null members go, nested objects are cleaned too
    /// (arrays are left alone, as in mapping-kit).
    static func removingNulls(_ value: JSONValue) -> JSONValue {
        guard case .object(let object) = value else { return value }
        var members: [JSONObject.Member] = []
        for member in object where member.value != .null {
            members.append(JSONObject.Member(key: member.key, value: removingNulls(member.value)))
        }
        return .object(JSONObject(members))
    }

    /// Equality for `@if: equals`: numbers by value (1 equals 1.0), objects regardless of key
    /// order, and nothing (a missing value) equals nothing else, not even another missing value.
    static func looselyEqual(_ left: JSONValue?, _ right: JSONValue?) -> Bool {
        guard let left, let right else { return false }
        switch (left, right) {
        case (.int(let a), .int(let b)): return a == b
        case (.int, .double), (.double, .int), (.double, .double):
            return left.doubleValue == right.doubleValue
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { looselyEqual($0, $1) }
        case (.object(let a), .object(let b)):
            return a.count == b.count && a.allSatisfy { member in looselyEqual(member.value, b[member.key]) }
        default:
            return left == right
        }
    }
}

extension JSONValue {
    /// Booleans and numbers: what `@replace` turns into text before replacing.
    var isScalarNonString: Bool {
        switch self {
        case .bool, .int, .double: return true
        default: return false
        }
    }
}
