/// liquidjs's operators and property reads, on `LiquidValue`s.
enum LiquidOperations {
    static func apply(_ op: LiquidOperator, _ left: LiquidValue, _ right: LiquidValue) -> Bool {
        switch op {
        case .equal: return equals(left, right)
        case .notEqual: return !equals(left, right)
        case .less: return compare(left, right, { $0 == true })
        case .greater: return compare(right, left, { $0 == true })
        // JavaScript's `a <= b` is `!(b < a)` except that a comparison with NaN is false.
        case .lessOrEqual: return compare(right, left, { $0 == false })
        case .greaterOrEqual: return compare(left, right, { $0 == false })
        case .contains: return contains(left, right)
        case .and: return left.plain.isTruthy && right.plain.isTruthy
        case .or: return left.plain.isTruthy || right.plain.isTruthy
        case .not: return !right.plain.isTruthy
        }
    }

    /// liquidjs `equals`: the drops (`nil`, `empty`, `blank`) decide for themselves; arrays
    /// compare element by element; everything else is JavaScript's `===`.
    ///
    /// Two differences, both between values only an event can hold: a `null` member equals a
    /// missing one (JavaScript: `null !== undefined`), and objects compare by content
    /// (JavaScript: by identity, so two different objects are never equal).
    static func equals(_ left: LiquidValue, _ right: LiquidValue) -> Bool {
        if left.isDrop { return dropEquals(left, right) }
        if right.isDrop { return dropEquals(right, left) }
        switch (left, right) {
        case (.array(let a), .array(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equals($0, $1) }
        case (.array, _), (_, .array): return false
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.object(let a), .object(let b)): return JSONValue.object(a) == JSONValue.object(b)
        default: return left.isNil && right.isNil
        }
    }

    private static func dropEquals(_ drop: LiquidValue, _ value: LiquidValue) -> Bool {
        switch drop {
        case .nilDrop: return value.plain.isNil
        case .blank:
            if value == .bool(false) || value.plain.isNil { return true }
            if case .string(let s) = value { return s.unicodeScalars.allSatisfy(LiquidText.isSpace) }
            return emptyEquals(value)
        default: return emptyEquals(value)
        }
    }

    private static func emptyEquals(_ value: LiquidValue) -> Bool {
        switch value {
        case .empty, .blank: return false
        case .string(let s): return s.isEmpty
        case .array(let a): return a.isEmpty
        case .object(let o): return o.isEmpty
        case .nilDrop: return true  // `NullDrop` is an object without keys
        default: return false
        }
    }

    /// JavaScript's relational comparison of `a < b`: nil when undefined (a NaN was involved);
    /// `accept` turns it into the operator's answer. A drop on either side makes it false.
    private static func compare(_ a: LiquidValue, _ b: LiquidValue, _ accept: (Bool?) -> Bool) -> Bool {
        if a.isDrop || b.isDrop { return false }
        return accept(lessThan(a, b))
    }

    static func lessThan(_ a: LiquidValue, _ b: LiquidValue) -> Bool? {
        let pa = primitive(a), pb = primitive(b)
        if case .string(let x) = pa, case .string(let y) = pb {
            return x.utf16.lexicographicallyPrecedes(y.utf16)
        }
        let x = pa.javaScriptNumber, y = pb.javaScriptNumber
        if x.isNaN || y.isNaN { return nil }
        return x < y
    }

    /// JavaScript `ToPrimitive`: arrays and objects become their text.
    private static func primitive(_ value: LiquidValue) -> LiquidValue {
        switch value {
        case .array, .object: return .string(value.javaScriptString)
        default: return value
        }
    }

    /// liquidjs `contains`: an array holds an equal element; a string holds `String(right)`.
    static func contains(_ left: LiquidValue, _ right: LiquidValue) -> Bool {
        switch left.plain {
        case .array(let elements): return elements.contains { equals($0, right) }
        case .string(let text):
            let needle = right.plain.javaScriptString
            return needle.isEmpty || text.contains(needle)
        default: return false
        }
    }

    /// liquidjs `readProperty` with `ownPropertyOnly`: object members, array and string indices
    /// (negative counts from the end of an array), `length`, and Liquid's `size`, `first`, `last`.
    static func property(of value: LiquidValue, _ key: LiquidValue) -> LiquidValue {
        let base = value
        if base.isNil { return base == .nilDrop ? .null : base }
        let name = key.plain.javaScriptString
        var found: LiquidValue = .undefined
        switch base {
        case .array(let elements):
            if let index = arrayIndex(key, count: elements.count) {
                found = index >= 0 && index < elements.count ? elements[index] : .undefined
            } else if name == "length" {
                found = .number(Double(elements.count))
            }
        case .string(let text):
            let units = Array(text.utf16)
            if let index = canonicalIndex(name), index < units.count {
                found = .string(String(decoding: [units[index]], as: UTF16.self))
            } else if name == "length" {
                found = .number(Double(units.count))
            }
        case .object(let object):
            found = object[name].map(LiquidValue.init) ?? .undefined
        default: break
        }
        switch name {
        case "size":
            if found != .undefined { return found }
            switch base {
            case .array(let elements): return .number(Double(elements.count))
            case .string(let text): return .number(Double(text.utf16.count))
            case .object(let object): return .number(Double(object.count))
            default: return .undefined
            }
        case "first":
            if case .array(let elements) = base { return elements.first ?? .undefined }
            return found
        case "last":
            if case .array(let elements) = base { return elements.last ?? .undefined }
            return found
        default: return found
        }
    }

    /// An array index from a key: canonical non-negative integers, or a negative number
    /// (liquidjs counts those from the end).
    private static func arrayIndex(_ key: LiquidValue, count: Int) -> Int? {
        if case .number(let n) = key.plain, n < 0 {
            return n == n.rounded() && n > -Double(Int.max / 2) ? count + Int(n) : -1
        }
        if case .string(let s) = key.plain, s.hasPrefix("-") {
            let n = LiquidValue.parseNumber(s)
            if n < 0 { return n == n.rounded() && n > -Double(Int.max / 2) ? count + Int(n) : -1 }
        }
        return canonicalIndex(key.plain.javaScriptString)
    }

    private static func canonicalIndex(_ name: String) -> Int? {
        guard let index = Int(name), index >= 0, String(index) == name else { return nil }
        return index
    }
}
