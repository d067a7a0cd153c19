/// Renders parsed Liquid against one event, within limits: liquidjs's memory accounting
/// (Segment's 100 MB) and render time (500 ms), plus our own cap on the output and on ranges so
/// that no template can make this process allocate without bound.
struct LiquidRenderer {
    /// The event (liquidjs's "environments").
    let event: LiquidValue
    /// Variables `increment`/`decrement` set: liquidjs writes them into the environment.
    private var counters: [String: LiquidValue] = [:]
    /// Variables `assign`/`capture` set: liquidjs's bottom scope, which hides the event.
    private var assigned: [String: LiquidValue] = [:]
    private var cycles: [String: Int] = [:]
    /// Set by `break`/`continue`: the rest of the template is not rendered.
    private var stopped = false
    private var memoryUsed = 0
    private let deadline: ContinuousClock.Instant
    private var output = ""
    private var outputLength = 0

    init(event: LiquidValue, limits: LiquidLimits) {
        self.event = event
        self.limits = limits
        deadline = ContinuousClock.now.advanced(by: limits.renderTime)
    }

    let limits: LiquidLimits

    static func render(_ nodes: [LiquidNode], event: LiquidValue, limits: LiquidLimits) throws(LiquidFailure) -> String {
        var renderer = LiquidRenderer(event: event, limits: limits)
        try renderer.render(nodes)
        return renderer.output
    }

    /// liquidjs `memoryLimit.use`: every filter charges the sizes it works on.
    mutating func use(_ count: Int) throws(LiquidFailure) {
        guard count > 0 else { return }
        if memoryUsed + count > limits.memory { throw LiquidFailure(message: "memory alloc limit exceeded", offset: -1) }
        memoryUsed += count
    }

    private mutating func write(_ text: String) throws(LiquidFailure) {
        outputLength += text.utf16.count
        if outputLength > limits.output {
            throw LiquidFailure(message: "output limit exceeded: a @liquid value renders at most \(limits.output) characters", offset: -1)
        }
        output += text
    }

    private mutating func render(_ nodes: [LiquidNode]) throws(LiquidFailure) {
        for node in nodes {
            if ContinuousClock.now > deadline { throw LiquidFailure(message: "template render limit exceeded", offset: -1) }
            try render(node)
            if stopped { return }
        }
    }

    /// Renders a nested list into a string of its own (`capture`).
    private mutating func capture(_ nodes: [LiquidNode]) throws(LiquidFailure) -> String {
        let saved = output
        output = ""
        defer { output = saved }
        try render(nodes)
        return output
    }

    private mutating func render(_ node: LiquidNode) throws(LiquidFailure) {
        switch node {
        case .text(let text): try write(text)
        case .group(let nodes): try render(nodes)
        case .stop: stopped = true
        case .output(let value, let offset):
            try at(offset) { (r: inout LiquidRenderer) throws(LiquidFailure) in try r.write(try r.evaluate(value).text) }
        case .assign(let name, let value, let offset):
            assigned[name] = try at(offset) { (r: inout LiquidRenderer) throws(LiquidFailure) in try r.evaluate(value) }
        case .capture(let name, let nodes):
            assigned[name] = .string(try capture(nodes))
        case .conditional(let branches, let otherwise, let offset):
            for branch in branches {
                let value = try at(offset) { (r: inout LiquidRenderer) throws(LiquidFailure) in try r.evaluate(branch.test) }
                if value.isTruthy != branch.whenFalsy { return try render(branch.body) }
            }
            try render(otherwise)
        case .increment(let name):
            var current = counters[name] ?? lookupEnvironment(name)
            if case .number = current {} else { current = .number(0) }
            counters[name] = .number(current.javaScriptNumber + 1)
            try write(current.text)
        case .decrement(let name):
            var current = counters[name] ?? lookupEnvironment(name)
            if case .number = current {} else { current = .number(0) }
            let next = LiquidValue.number(current.javaScriptNumber - 1)
            counters[name] = next
            try write(next.text)
        case .cycle(let group, let candidates, let offset):
            try at(offset) { (r: inout LiquidRenderer) throws(LiquidFailure) in
                let groupValue = try group.map { (g) throws(LiquidFailure) in try r.evaluate(g) } ?? .undefined
                // liquidjs keys the position by `cycle:<group>:` and the candidates' tokens, which
                // print as `[object Object]`: cycles with the same group and count share it.
                let key = "cycle:\(groupValue.javaScriptString):" + Array(repeating: "[object Object]", count: candidates.count).joined(separator: ",")
                let index = r.cycles[key] ?? 0
                r.cycles[key] = (index + 1) % candidates.count
                try r.write(try r.evaluate(candidates[index]).text)
            }
        }
    }

    /// Gives a render error without a position the position of the node being rendered.
    private mutating func at<T>(_ offset: Int, _ body: (inout LiquidRenderer) throws(LiquidFailure) -> T) throws(LiquidFailure) -> T {
        do { return try body(&self) } catch {
            var failure = error
            if failure.offset < 0 { failure.offset = offset }
            throw failure
        }
    }

    // MARK: values

    mutating func evaluate(_ value: LiquidFilteredValue) throws(LiquidFailure) -> LiquidValue {
        var result = try evaluate(value.expression)
        for call in value.filters {
            var arguments: [LiquidValue] = []
            for argument in call.arguments {
                switch argument {
                case .positional(let operand): arguments.append(try evaluate(operand))
                case .keyword(let key, let operand):
                    arguments.append(.array([.string(key), try operand.map { (o) throws(LiquidFailure) in try evaluate(o) } ?? .undefined]))
                }
            }
            result = try call.filter.apply(result, arguments, &self)
        }
        return result
    }

    private mutating func evaluate(_ postfix: [LiquidPostfixItem]) throws(LiquidFailure) -> LiquidValue {
        var stack: [LiquidValue] = []
        for item in postfix {
            switch item {
            case .operand(let operand): stack.append(try evaluate(operand))
            case .op(let op):
                let right = stack.popLast() ?? .undefined
                if op == .not {
                    stack.append(.bool(!right.plain.isTruthy))
                    continue
                }
                let left = stack.popLast() ?? .undefined
                stack.append(.bool(LiquidOperations.apply(op, left, right)))
            }
        }
        return stack.first ?? .undefined
    }

    mutating func evaluate(_ operand: LiquidOperand) throws(LiquidFailure) -> LiquidValue {
        switch operand {
        case .literal(let value): return value
        case .range(let lowOperand, let highOperand):
            let low = try evaluate(lowOperand).javaScriptNumber, high = try evaluate(highOperand).javaScriptNumber
            let count = high - low + 1
            if count > 0 {
                if count > Double(limits.memory) { throw LiquidFailure(message: "memory alloc limit exceeded", offset: -1) }
                try use(Int(count))
            }
            guard low.isFinite, high.isFinite, low <= high else { return .array([]) }
            let elements = Int((high + 1 - low).rounded(.up))
            if elements > limits.rangeLength {
                throw LiquidFailure(message: "range limit exceeded: a range may hold at most \(limits.rangeLength) numbers here", offset: -1)
            }
            return .array((0..<elements).map { .number(low + Double($0)) })
        case .access(let base, let properties):
            var keys: [LiquidValue] = []
            for property in properties {
                switch property {
                case .name(let name): keys.append(.string(name))
                case .computed(let inner): keys.append(try evaluate(inner))
                }
            }
            var current: LiquidValue
            var rest = keys[...]
            if let base {
                current = try evaluate(base)
            } else {
                current = lookup(rest.removeFirst().javaScriptString)
            }
            for key in rest { current = LiquidOperations.property(of: current, key) }
            return current
        }
    }

    /// liquidjs `findScope`: assigned variables, then the environment (counters, event).
    func lookup(_ name: String) -> LiquidValue {
        if let value = assigned[name] { return value }
        return lookupEnvironment(name)
    }

    private func lookupEnvironment(_ name: String) -> LiquidValue {
        if let value = counters[name] { return value }
        return LiquidOperations.property(of: event, .string(name))
    }

    /// A property path read from `item` as if it were the whole environment (`where`, `sum`).
    mutating func read(_ path: LiquidOperand, in item: LiquidValue) throws(LiquidFailure) -> LiquidValue {
        var inner = LiquidRenderer(event: item, limits: limits)
        inner.memoryUsed = memoryUsed
        let value = try inner.evaluate(path)
        memoryUsed = inner.memoryUsed
        return value
    }
}

/// Resource limits for one render.
struct LiquidLimits: Sendable {
    /// liquidjs `memoryLimit` as Segment sets it (1e8).
    var memory = 100_000_000
    /// liquidjs `renderLimit` as Segment sets it (500 ms).
    var renderTime: Duration = .milliseconds(500)
    /// Ours: a rendered value is at most this many UTF-16 units (liquidjs has no such limit;
    /// V8 stops at 2^29).
    var output = 1_000_000
    /// Ours: `(a..b)` may make at most this many numbers.
    var rangeLength = 1_000_000
}
