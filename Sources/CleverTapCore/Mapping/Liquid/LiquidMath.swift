/// liquidjs's math filters: every argument goes through `toNumber` (`+x || 0`); a missing
/// operand stays `undefined`, so `{{ 1 | plus }}` is NaN as in liquidjs.
enum LiquidMath {
    static func apply(_ name: LiquidFilter.Name, _ value: LiquidValue, _ arguments: [LiquidValue]) -> Double {
        let v = value.number
        let a: Double = arguments.isEmpty ? .nan : arguments[0].number
        switch name {
        case .abs: return Swift.abs(v)
        case .ceil: return v.rounded(.up)
        case .floor: return v.rounded(.down)
        case .at_least: return arguments.isEmpty ? v : max(v, a)
        case .at_most: return arguments.isEmpty ? v : min(v, a)
        case .minus: return v - a
        case .plus: return v + a
        case .times: return v * a
        case .divided_by:
            let integer = arguments.count > 1 && arguments[1].number != 0
            return integer ? (v / a).rounded(.down) : v / a
        case .modulo:
            return (v.truncatingRemainder(dividingBy: a) + a).truncatingRemainder(dividingBy: a)
        default: return .nan
        }
    }

    /// liquidjs `round`: scaled, nudged by one epsilon against binary fractions (`1.005` → 1.01).
    static func round(_ v: Double, _ digits: Double) -> Double {
        let amp = pow10(digits)
        let scaled = (v * amp) * (1 + Double.ulpOfOne)
        return javaScriptRound(scaled) / amp
    }

    /// JavaScript `Math.round`: halves go up (towards +∞).
    static func javaScriptRound(_ x: Double) -> Double {
        guard x.isFinite else { return x }
        let down = x.rounded(.down)
        return x - down >= 0.5 ? down + 1 : down
    }

    private static func pow10(_ e: Double) -> Double {
        guard e.isFinite else { return e > 0 ? .infinity : 0 }
        var result = 1.0
        let n = Int(Swift.max(-400, Swift.min(400, e.rounded(.towardZero))))
        if n == Int(e) {
            for _ in 0..<Swift.abs(n) { result *= 10 }
            return n < 0 ? 1 / result : result
        }
        return Double(sign: .plus, exponent: 0, significand: 1) * exp10(e)
    }

    private static func exp10(_ e: Double) -> Double {
        // Only reached for fractional digit counts, which nobody writes; a close answer is fine.
        var result = 1.0, base = 10.0, n = e
        if n < 0 { base = 0.1; n = -n }
        while n >= 1 { result *= base; n -= 1 }
        return result
    }
}
