/// Validates a mapping and turns it into `MappingNode`s, collecting every problem with its
/// location. Stricter than mapping-kit where mapping-kit would only fail (or silently do nothing)
/// at run time: unknown option keys, a missing `operator`, a `@merge` without `direction`.
struct MappingCompiler {
    var issues: [MappingIssue] = []

    private mutating func fail(_ location: JSONPath, _ message: String) {
        issues.append(MappingIssue(location: location, message: message))
    }

    mutating func compile(_ value: JSONValue, at location: JSONPath) -> MappingNode {
        switch value {
        case .object(let object):
            if object.members.contains(where: { $0.key.hasPrefix("@") }) {
                return compileDirective(object, at: location)
            }
            var members: [(key: String, node: MappingNode)] = []
            var constants: [JSONObject.Member] = []
            for member in object {
                let node = compile(member.value, at: location.key(member.key))
                // A directive can fold to a constant (`{"@literal": false}` is `false`): the
                // folded value is the member, not the directive object as written.
                if case .constant(let constant) = node { constants.append(JSONObject.Member(key: member.key, value: constant)) }
                members.append((member.key, node))
            }
            return constants.count == members.count ? .constant(.object(JSONObject(constants))) : .object(members)
        case .array(let elements):
            var nodes: [MappingNode] = []
            var constants: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                let node = compile(element, at: location.index(index))
                if case .constant(let constant) = node { constants.append(constant) }
                nodes.append(node)
            }
            return constants.count == nodes.count ? .constant(.array(constants)) : .array(nodes)
        default:
            return .constant(value)
        }
    }

    /// True for an object with an `@`-key: mapping-kit treats any such object as a directive.
    static func isDirectiveObject(_ value: JSONValue) -> Bool {
        guard case .object(let object) = value else { return false }
        return object.members.contains { $0.key.hasPrefix("@") }
    }

    private static func quoted(_ keys: [String]) -> String {
        keys.map { "\"\($0)\"" }.joined(separator: ", ")
    }

    mutating func compileDirective(_ object: JSONObject, at location: JSONPath) -> MappingNode {
        let directiveKeys = object.keys.filter { $0.hasPrefix("@") }
        // mapping-kit lets `_metadata` ride along with a directive (its UI stores hints there).
        let otherKeys = object.keys.filter { !$0.hasPrefix("@") && $0 != "_metadata" }
        if directiveKeys.count > 1 {
            fail(location, "has \(directiveKeys.count) directives (\(directiveKeys.joined(separator: ", "))); a directive object holds exactly one")
            return .nothing
        }
        let name = directiveKeys[0]
        if !otherKeys.isEmpty {
            fail(location, "mixes the directive \(name) with other keys (\(Self.quoted(otherKeys))); put the directive in an object of its own")
            return .nothing
        }
        guard let directive = MappingDirective(rawValue: name) else {
            fail(location, "unknown directive \(name) (known: \(MappingDirective.knownList))")
            return .nothing
        }
        let argument = object[name] ?? .null
        let inside = location.key(name)
        switch directive {
        case .path:
            switch argument {
            case .string(let path): return .path(EventPath(path))
            case _ where Self.isDirectiveObject(argument):
                return .computedPath(compile(argument, at: inside), location)
            default:
                fail(location, "@path expects a string path (like \"$.traits.email\") or a directive, got \(argument.kindWithArticle)")
                return .nothing
            }
        case .template:
            switch argument {
            case .string(let template): return .template(MappingTemplate(template))
            case _ where Self.isDirectiveObject(argument):
                return .computedTemplate(compile(argument, at: inside), location)
            default:
                fail(location, "@template expects a string (like \"{{traits.name}}\") or a directive, got \(argument.kindWithArticle)")
                return .nothing
            }
        case .literal:
            // mapping-kit resolves directives inside @literal too.
            return compile(argument, at: inside)
        case .excludeWhenNull:
            return .excludeWhenNull(compile(argument, at: inside))
        case .if: return compileIf(argument, at: location)
        case .arrayPath: return compileArrayPath(argument, at: location)
        case .case: return compileCase(argument, at: location)
        case .replace: return compileReplace(argument, at: location)
        case .json: return compileJSON(argument, at: location)
        case .flatten: return compileFlatten(argument, at: location)
        case .merge: return compileMerge(argument, at: location)
        case .transform: return compileTransform(argument, at: location)
        case .liquid:
            // mapping-kit validates the argument as a string: a directive cannot compute it.
            guard case .string(let source) = argument else {
                let kind = Self.isDirectiveObject(argument) ? "a directive" : argument.kindWithArticle
                fail(location, "@liquid expects a string (a Liquid template like \"{{ traits.name | upcase }}\"), got \(kind)")
                return .nothing
            }
            do throws(LiquidTemplateError) {
                return .liquid(try LiquidTemplate(source), location)
            } catch {
                fail(location, "@liquid: \(error.message)")
                return .nothing
            }
        }
    }

    /// The directive's options object, or nil (after reporting) when it is not an object or
    /// has keys the directive does not know.
    private mutating func options(_ argument: JSONValue, of directive: MappingDirective, allowed: [String],
                                  expected: String, at location: JSONPath) -> JSONObject? {
        guard case .object(let object) = argument, !Self.isDirectiveObject(argument) else {
            let kind = Self.isDirectiveObject(argument) ? "a directive" : argument.kindWithArticle
            fail(location, "\(directive.rawValue) expects an object with \(expected), got \(kind)")
            return nil
        }
        let unknown = object.keys.filter { !allowed.contains($0) }
        if !unknown.isEmpty {
            fail(location, "\(directive.rawValue) has unknown key\(unknown.count > 1 ? "s" : "") \(Self.quoted(unknown)) (allowed: \(allowed.joined(separator: ", ")))")
            return nil
        }
        return object
    }

    /// A value that must be a string or a directive; raw `""` resolves to nothing, as in
    /// mapping-kit (which tests the option for truthiness).
    private mutating func stringOrDirective(_ value: JSONValue, option: String, of directive: MappingDirective,
                                            at location: JSONPath) -> MappingNode? {
        switch value {
        case .string(let text): return text.isEmpty ? .nothing : .constant(value)
        case _ where Self.isDirectiveObject(value):
            return compile(value, at: location.key(directive.rawValue).key(option))
        default:
            fail(location, "\(directive.rawValue) \"\(option)\" must be a string or a directive, got \(value.kindWithArticle)")
            return nil
        }
    }

    private mutating func objectOrDirective(_ value: JSONValue, option: String, of directive: MappingDirective,
                                            at location: JSONPath) -> MappingNode? {
        if case .object = value { return compile(value, at: location.key(directive.rawValue).key(option)) }
        fail(location, "\(directive.rawValue) \"\(option)\" must be an object or a directive, got \(value.kindWithArticle)")
        return nil
    }

    private mutating func oneOf(_ value: JSONValue?, _ allowed: [String], option: String, of directive: MappingDirective,
                                at location: JSONPath) -> String? {
        guard let value else {
            fail(location, "\(directive.rawValue) needs \"\(option)\" (\(allowed.map { "\"\($0)\"" }.joined(separator: " or ")))")
            return nil
        }
        guard case .string(let text) = value, allowed.contains(text) else {
            fail(location, "\(directive.rawValue) \"\(option)\" must be \(allowed.map { "\"\($0)\"" }.joined(separator: " or ")), got \(value)")
            return nil
        }
        return text
    }

    private mutating func optionalBool(_ value: JSONValue?, option: String, of directive: MappingDirective,
                                       default defaultValue: Bool, at location: JSONPath) -> Bool {
        switch value {
        case nil, .null?: return defaultValue
        case .bool(let b)?: return b
        case let other?:
            fail(location, "\(directive.rawValue) \"\(option)\" must be true or false, got \(other.kindWithArticle)")
            return defaultValue
        }
    }

    private mutating func compileIf(_ argument: JSONValue, at location: JSONPath) -> MappingNode {
        let inside = location.key(MappingDirective.if.rawValue)
        guard let object = options(argument, of: .if, allowed: ["exists", "blank", "equals", "then", "else"],
                                   expected: "a condition (\"exists\", \"blank\" or \"equals\") and \"then\"/\"else\"",
                                   at: location) else { return .nothing }
        let conditions = ["exists", "blank", "equals"].filter { object[$0] != nil }
        var condition: MappingCondition?
        if conditions.isEmpty {
            fail(location, "@if needs a condition: \"exists\", \"blank\" or \"equals\"")
        } else if conditions.count > 1 {
            fail(location, "@if has \(conditions.count) conditions (\(conditions.joined(separator: ", "))); use one")
        } else if let name = conditions.first, name != "equals", let raw = object[name], !JavaScriptText.isTruthy(raw) {
            // mapping-kit tests `opts.exists`/`opts.blank` for truthiness first and fails every
            // event when it is a literal false, 0, "" or null.
            fail(location, "@if \"\(name)\" is \(raw), which Segment refuses on every event; give it a directive such as {\"@path\": \"$.traits.email\"}")
        } else if let exists = object["exists"] {
            condition = .exists(compile(exists, at: inside.key("exists")))
        } else if let blank = object["blank"] {
            condition = .notBlank(compile(blank, at: inside.key("blank")))
        } else if let equals = object["equals"] {
            if case .array(let operands) = equals, operands.count == 2 {
                let equalsAt = inside.key("equals")
                condition = .equals(compile(operands[0], at: equalsAt.index(0)),
                                    compile(operands[1], at: equalsAt.index(1)))
            } else {
                fail(location, "@if \"equals\" expects an array of the two values to compare, like [{\"@path\": \"$.traits.plan\"}, \"pro\"]")
            }
        }
        if object["then"] == nil && object["else"] == nil {
            fail(location, "@if needs \"then\" or \"else\"")
        }
        let thenNode = object["then"].map { compile($0, at: inside.key("then")) }
        // mapping-kit takes the else branch only when the raw "else" is truthy: a literal
        // false, 0, "" or null there means "leave the field out". Kept for compatibility.
        let elseNode = object["else"].flatMap { value -> MappingNode? in
            let node = compile(value, at: inside.key("else"))
            return JavaScriptText.isTruthy(value) ? node : nil
        }
        guard let condition else { return .nothing }
        return .conditional(condition, then: thenNode, else: elseNode)
    }

    private mutating func compileArrayPath(_ argument: JSONValue, at location: JSONPath) -> MappingNode {
        let inside = location.key(MappingDirective.arrayPath.rawValue)
        guard case .array(let parts) = argument, (1...2).contains(parts.count) else {
            fail(location, "@arrayPath expects [path] or [path, item shape], got \(argument.kindName == "array" ? "an array of \(argument.arrayValue?.count ?? 0)" : argument.kindWithArticle)")
            return .nothing
        }
        var root: ArrayPathRoot?
        switch parts[0] {
        case .string(let path): root = .path(EventPath(path))
        case _ where Self.isDirectiveObject(parts[0]): root = .computed(compile(parts[0], at: inside.index(0)))
        default: fail(location, "@arrayPath path must be a string or a directive, got \(parts[0].kindWithArticle)")
        }
        var shape: MappingNode?
        if parts.count == 2 {
            switch parts[1] {
            case .object(let object) where object.isEmpty: shape = nil
            case .object: shape = compile(parts[1], at: inside.index(1))
            default: fail(location, "@arrayPath item shape must be an object, got \(parts[1].kindWithArticle)")
            }
        }
        guard let root else { return .nothing }
        return .arrayPath(root: root, itemShape: shape)
    }

    private mutating func compileCase(_ argument: JSONValue, at location: JSONPath) -> MappingNode {
        guard let object = options(argument, of: .case, allowed: ["operator", "value"],
                                   expected: "\"operator\" (\"lower\" or \"upper\") and \"value\"", at: location) else { return .nothing }
        let op = oneOf(object["operator"], ["lower", "upper"], option: "operator", of: .case, at: location)
        var value: MappingNode = .nothing
        if let raw = object["value"] {
            value = stringOrDirective(raw, option: "value", of: .case, at: location) ?? .nothing
        }
        guard let op else { return .nothing }
        if case .nothing = value { return .nothing }
        return .changeCase(upper: op == "upper", value: value)
    }

    private mutating func boundedString(_ value: JSONValue?, option: String, range: ClosedRange<Int>, required: Bool,
                                        at location: JSONPath) -> String? {
        guard let value, value != .null else {
            if required { fail(location, "@replace needs \"\(option)\"") }
            return nil
        }
        guard case .string(let text) = value, range.contains(text.utf16.count) else {
            fail(location, "@replace \"\(option)\" must be a string of \(range.lowerBound) to \(range.upperBound) characters, got \(value.kindName == "string" ? "\(value.stringValue!.utf16.count) characters" : value.kindWithArticle)")
            return nil
        }
        return text
    }

    private mutating func compileReplace(_ argument: JSONValue, at location: JSONPath) -> MappingNode {
        guard let object = options(argument, of: .replace,
                                   allowed: ["value", "pattern", "replacement", "pattern2", "replacement2", "ignorecase", "global"],
                                   expected: "\"value\" and \"pattern\"", at: location) else { return .nothing }
        let patternLimit = 1...MappingReplacement.maximumPatternLength
        let replacementLimit = 0...MappingReplacement.maximumReplacementLength
        let pattern = boundedString(object["pattern"], option: "pattern", range: patternLimit, required: true, at: location)
        let replacement = boundedString(object["replacement"], option: "replacement", range: replacementLimit, required: false, at: location) ?? ""
        let pattern2 = boundedString(object["pattern2"], option: "pattern2", range: patternLimit, required: false, at: location)
        let replacement2 = boundedString(object["replacement2"], option: "replacement2", range: replacementLimit, required: false, at: location) ?? ""
        if pattern2 == nil, let r2 = object["replacement2"], r2 != .null, object["pattern2"] == nil {
            fail(location, "@replace has \"replacement2\" without \"pattern2\"")
        }
        let ignoreCase = optionalBool(object["ignorecase"], option: "ignorecase", of: .replace, default: false, at: location)
        let global = optionalBool(object["global"], option: "global", of: .replace, default: true, at: location)
        var value: MappingNode?
        if let raw = object["value"] {
            value = stringOrDirective(raw, option: "value", of: .replace, at: location)
        } else {
            fail(location, "@replace needs \"value\" (the text to change, usually {\"@path\": ...})")
        }
        guard let pattern, let value else { return .nothing }
        if case .nothing = value { return .nothing }
        var steps = [MappingReplacement.Step(pattern: Array(pattern.unicodeScalars), replacement: replacement)]
        if let pattern2 { steps.append(.init(pattern: Array(pattern2.unicodeScalars), replacement: replacement2)) }
        return .replace(MappingReplacement(steps: steps, ignoreCase: ignoreCase, global: global), value: value)
    }

    private mutating func compileJSON(_ argument: JSONValue, at location: JSONPath) -> MappingNode {
        guard let object = options(argument, of: .json, allowed: ["mode", "value"],
                                   expected: "\"mode\" (\"encode\" or \"decode\") and \"value\"", at: location) else { return .nothing }
        let mode = oneOf(object["mode"], ["encode", "decode"], option: "mode", of: .json, at: location)
        var value: MappingNode?
        if let raw = object["value"], JavaScriptText.isTruthy(raw) {
            value = compile(raw, at: location.key(MappingDirective.json.rawValue).key("value"))
        } else {
            fail(location, "@json needs a \"value\" (a directive like {\"@path\": ...} or a non-empty value)")
        }
        guard let mode, let value else { return .nothing }
        return mode == "encode" ? .jsonEncode(value) : .jsonDecode(value)
    }

    private mutating func compileFlatten(_ argument: JSONValue, at location: JSONPath) -> MappingNode {
        guard let object = options(argument, of: .flatten, allowed: ["value", "separator", "omitArrays"],
                                   expected: "\"value\" and \"separator\"", at: location) else { return .nothing }
        var separator: String?
        switch object["separator"] {
        case .string(let s)? where !s.isEmpty: separator = s
        case nil: fail(location, "@flatten needs \"separator\" (like \".\")")
        case let other?: fail(location, "@flatten \"separator\" must be a non-empty string, got \(other)")
        }
        let omitArrays = optionalBool(object["omitArrays"], option: "omitArrays", of: .flatten, default: false, at: location)
        var value: MappingNode?
        if let raw = object["value"] {
            value = compile(raw, at: location.key(MappingDirective.flatten.rawValue).key("value"))
        } else {
            fail(location, "@flatten needs \"value\" (the object to flatten, usually {\"@path\": ...})")
        }
        guard let separator, let value else { return .nothing }
        return .flatten(value: value, separator: separator, omitArrays: omitArrays)
    }

    private mutating func compileMerge(_ argument: JSONValue, at location: JSONPath) -> MappingNode {
        guard let object = options(argument, of: .merge, allowed: ["objects", "direction"],
                                   expected: "\"objects\" (an array) and \"direction\" (\"left\" or \"right\")", at: location) else { return .nothing }
        let direction = oneOf(object["direction"], ["left", "right"], option: "direction", of: .merge, at: location)
        var nodes: [MappingNode]?
        switch object["objects"] {
        case .array(let elements)?:
            var compiled: [MappingNode] = []
            let objectsAt = location.key(MappingDirective.merge.rawValue).key("objects")
            for (index, element) in elements.enumerated() {
                if case .object = element {
                    compiled.append(compile(element, at: objectsAt.index(index)))
                } else {
                    fail(location, "@merge \"objects\"[\(index)] must be an object or a directive, got \(element.kindWithArticle)")
                }
            }
            nodes = compiled
        case nil: fail(location, "@merge needs \"objects\" (an array of objects or directives)")
        case let other?: fail(location, "@merge \"objects\" must be an array, got \(other.kindWithArticle)")
        }
        guard let direction, let nodes else { return .nothing }
        return .merge(nodes, rightmostWins: direction == "right")
    }

    private mutating func compileTransform(_ argument: JSONValue, at location: JSONPath) -> MappingNode {
        guard let object = options(argument, of: .transform, allowed: ["apply", "mapping"],
                                   expected: "\"apply\" and \"mapping\"", at: location) else { return .nothing }
        var apply: MappingNode?
        var mapping: MappingNode?
        if let raw = object["apply"] {
            apply = objectOrDirective(raw, option: "apply", of: .transform, at: location)
        } else {
            fail(location, "@transform needs \"apply\" (the mapping applied to the event first)")
        }
        if let raw = object["mapping"] {
            mapping = objectOrDirective(raw, option: "mapping", of: .transform, at: location)
        } else {
            fail(location, "@transform needs \"mapping\" (the mapping applied to the result of \"apply\")")
        }
        guard let apply, let mapping else { return .nothing }
        return .transform(apply: apply, mapping: mapping)
    }
}
