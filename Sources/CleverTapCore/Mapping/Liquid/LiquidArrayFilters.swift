/// liquidjs's array filters that Segment leaves enabled.
enum LiquidArrayFilters {
    /// liquidjs `toArray`: nil is `[]`, a non-array is a one-element array.
    static func toArray(_ value: LiquidValue) -> [LiquidValue] {
        let v = value.plain
        if v.isNil { return [] }
        if case .array(let elements) = v { return elements }
        return [value]
    }

    static func apply(_ name: LiquidFilter.Name, _ value: LiquidValue, _ arguments: [LiquidValue],
                      _ r: inout LiquidRenderer) throws(LiquidFailure) -> LiquidValue {
        let arg0: LiquidValue = arguments.first ?? .undefined
        switch name {
        case .join:
            let array = toArray(value)
            let separator = arg0.plain.isNil ? " " : arg0.text
            try r.use(array.count * (1 + separator.utf16.count))
            // JavaScript's Array.join: nil elements are empty, others `String(x)`.
            return .string(array.map { $0.plain.isNil ? "" : $0.plain.javaScriptString }.joined(separator: separator))
        case .first, .last:
            switch value.plain {
            case .array(let elements): return (name == .first ? elements.first : elements.last) ?? .undefined
            case .string(let s) where !s.isEmpty:
                let units = Array(s.utf16)
                return .string(String(decoding: [name == .first ? units[0] : units[units.count - 1]], as: UTF16.self))
            default: return .string("")
            }
        case .size:
            switch value {
            case .string(let s): return .number(Double(s.utf16.count))
            case .array(let a): return .number(Double(a.count))
            case .object(let o):
                let length = LiquidValue(o["length"] ?? .null)
                return length.javaScriptTruthy ? length : .number(0)
            default: return .number(0)
            }
        case .sum:
            var total = 0.0
            let path = try arguments.isEmpty || arg0.plain.isNil ? nil : dottedPath(arg0.text)
            for item in toArray(value) {
                let data = (path.map { LiquidArrayFilters.read($0, in: item) } ?? item).javaScriptNumber
                total += data.isNaN ? 0 : data
            }
            return .number(total)
        case .compact:
            let array = toArray(value)
            try r.use(array.count)
            return .array(array.filter { !$0.plain.isNil })
        case .push:
            let array = toArray(value)
            try r.use(array.count + 1)
            return .array(array + [arg0])
        case .unshift:
            let array = toArray(value)
            try r.use(array.count)
            return .array([arg0] + array)
        case .pop, .shift:
            var array = toArray(value)
            try r.use(array.count)
            if !array.isEmpty { if name == .pop { array.removeLast() } else { array.removeFirst() } }
            return .array(array)
        case .slice:
            let v = value.plain
            if v.isNil { return .array([]) }
            let length = arguments.count > 1 && arguments[1] != .undefined ? arguments[1].javaScriptNumber : 1
            var begin = arg0.javaScriptNumber
            try r.use(length.isFinite && length > 0 ? Int(Swift.min(length, 1e15)) : 0)
            if case .array(let elements) = v {
                if begin < 0 { begin += Double(elements.count) }
                let (b, e) = sliceBounds(begin, begin + length, count: elements.count)
                return .array(Array(elements[b..<e]))
            }
            let units = Array(v.text.utf16)
            if begin < 0 { begin += Double(units.count) }
            let (b, e) = sliceBounds(begin, begin + length, count: units.count)
            return .string(String(decoding: units[b..<e], as: UTF16.self))
        case .where:
            let array = toArray(value)
            try r.use(array.count)
            var reader = LiquidExpressionReader(Array(arg0.text.utf16), 0..<arg0.text.utf16.count)
            let path = try reader.readScopeValue()
            let expected: LiquidValue = arguments.count > 1 ? arguments[1] : .undefined
            var kept: [LiquidValue] = []
            for item in array {
                let v: LiquidValue = try path.map { (p) throws(LiquidFailure) in try r.read(p, in: item) } ?? .undefined
                let matches = expected == .undefined ? v.plain.isTruthy : LiquidOperations.equals(v, expected)
                if matches { kept.append(item) }
            }
            return .array(kept)
        default: return value
        }
    }

    /// JavaScript `slice(start, end)` bounds after `ToIntegerOrInfinity` and clamping.
    static func sliceBounds(_ start: Double, _ end: Double, count: Int) -> (Int, Int) {
        func clamp(_ x: Double) -> Int {
            if x.isNaN { return 0 }
            let t = x.rounded(.towardZero)
            if t < 0 { return Swift.max(0, count + Int(Swift.max(t, -Double(count) - 1))) }
            return Int(Swift.min(t, Double(count)))
        }
        let b = clamp(start), e = clamp(end)
        return (b, Swift.max(b, e))
    }

    private static func dottedPath(_ path: String) throws(LiquidFailure) -> [String] {
        LiquidStringFilters.split(path, by: ".")
    }

    /// liquidjs `_getFromScope(item, "a.b")`: property by property.
    static func read(_ path: [String], in item: LiquidValue) -> LiquidValue {
        var current = item
        for key in path { current = LiquidOperations.property(of: current, .string(key)) }
        return current
    }
}
