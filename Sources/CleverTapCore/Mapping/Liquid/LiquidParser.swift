/// A parsed piece of a template.
indirect enum LiquidNode: Sendable {
    case text(String)
    /// `{{ value }}` (and `{% echo value %}`), with the offset errors are reported at.
    case output(LiquidFilteredValue, offset: Int)
    /// `if`/`elsif`/`else` and `unless`: the first branch whose test passes renders.
    case conditional([LiquidBranch], otherwise: [LiquidNode], offset: Int)
    case assign(String, LiquidFilteredValue, offset: Int)
    case capture(String, [LiquidNode])
    /// `cycle`: liquidjs keys its position by the group and the number of candidates.
    case cycle(group: LiquidOperand?, candidates: [LiquidOperand], offset: Int)
    case increment(String)
    case decrement(String)
    /// `break`/`continue` outside a loop: liquidjs stops rendering the rest of the template.
    case stop
    /// `block`, `liquid`: their children, rendered in place.
    case group([LiquidNode])
}

struct LiquidBranch: Sendable {
    var test: LiquidFilteredValue
    /// `unless`'s first branch renders when the test is falsy.
    var whenFalsy: Bool
    var body: [LiquidNode]
}

/// Builds `LiquidNode`s from tokens with liquidjs's tags, restricted as Segment restricts them.
struct LiquidParser {
    let units: [UInt16]
    private var tokens: [LiquidToken]
    private var index = 0

    /// Tags Segment's mapping-kit turns off (`liquid-directive.ts`).
    static let disabledTags: Set<String> = ["case", "for", "include", "layout", "render", "tablerow"]
    /// The liquidjs tags that remain.
    static let allowedTags = ["assign", "capture", "comment", "cycle", "decrement", "increment", "echo", "if", "unless",
                              "raw", "liquid", "block", "break", "continue", "#"]

    static func parse(_ units: [UInt16]) throws(LiquidFailure) -> [LiquidNode] {
        var parser = LiquidParser(units: units, tokens: try LiquidLexer.tokens(of: units))
        var nodes: [LiquidNode] = []
        while let token = parser.nextToken() { nodes.append(try parser.parse(token)) }
        return nodes
    }

    private init(units: [UInt16], tokens: [LiquidToken]) {
        self.units = units
        self.tokens = tokens
    }

    private mutating func nextToken() -> LiquidToken? {
        guard index < tokens.count else { return nil }
        index += 1
        return tokens[index - 1]
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: units[range], as: UTF16.self) }
    private func raw(_ token: LiquidToken) -> String { text(token.begin..<token.end) }

    private func reader(_ token: LiquidToken) -> LiquidExpressionReader {
        LiquidExpressionReader(units, token.argumentsStart..<token.content.upperBound)
    }

    /// Filter refusals point at the tag or output they are in, as liquidjs's render errors do.
    private func owned<T>(by token: LiquidToken, _ body: () throws(LiquidFailure) -> T) throws(LiquidFailure) -> T {
        do { return try body() } catch {
            var failure = error
            if failure.atTemplate { failure.offset = token.begin; failure.atTemplate = false }
            throw failure
        }
    }

    private func notClosed(_ token: LiquidToken) -> LiquidFailure {
        LiquidFailure(message: "tag \(raw(token)) not closed", offset: token.begin)
    }

    mutating func parse(_ token: LiquidToken) throws(LiquidFailure) -> LiquidNode {
        switch token.kind {
        case .html:
            let front = token.begin + token.trimmedFront, back = token.end - token.trimmedBack
            return .text(front < back ? text(front..<back) : "")
        case .output:
            var reader = LiquidExpressionReader(units, token.content)
            let value = try owned(by: token) { () throws(LiquidFailure) in try reader.readFilteredValue() }
            return .output(value, offset: token.begin)
        case .tag:
            return try parseTag(token)
        }
    }

    private mutating func parseTag(_ token: LiquidToken) throws(LiquidFailure) -> LiquidNode {
        if Self.disabledTags.contains(token.name) {
            throw LiquidFailure(message: "tag \"\(token.name)\" is disabled", offset: token.begin)
        }
        var reader = self.reader(token)
        switch token.name {
        case "if", "unless": return try parseConditional(token)
        case "assign":
            let key = reader.readIdentifier()
            if key.isEmpty { throw reader.failure("expected variable name") }
            reader.skipBlank()
            if reader.peek() != 0x3D { throw reader.failure("expected \"=\"") }
            reader.p += 1
            let value = try owned(by: token) { () throws(LiquidFailure) in try reader.readFilteredValue() }
            return .assign(key, value, offset: token.begin)
        case "capture":
            var name = reader.readIdentifier()
            if name.isEmpty {
                guard case .literal(.string(let quoted))? = try reader.readValue() else { throw reader.failure("invalid capture name") }
                name = quoted
            }
            return .capture(name, try children(until: "endcapture", of: token))
        case "echo":
            reader.skipBlank()
            if reader.atEnd { return .text("") }
            let value = try owned(by: token) { () throws(LiquidFailure) in try reader.readFilteredValue() }
            return .output(value, offset: token.begin)
        case "increment": return .increment(reader.readIdentifier())
        case "decrement": return .decrement(reader.readIdentifier())
        case "cycle": return try parseCycle(token, &reader)
        case "comment":
            while let next = nextToken() {
                if next.kind == .tag && next.name == "endcomment" { return .text("") }
            }
            throw notClosed(token)
        case "raw":
            var out = ""
            while let next = nextToken() {
                if next.kind == .tag && next.name == "endraw" { return .text(out) }
                out += raw(next)
            }
            throw notClosed(token)
        case "#":
            let arguments = Array(units[token.argumentsStart..<token.content.upperBound])
            // liquidjs: /\n\s*[^#\s]/ — every further line must start with `#`.
            var i = 0
            while i < arguments.count {
                if arguments[i] == 0x0A {
                    var j = i + 1
                    while j < arguments.count, LiquidText.isSpace(Unicode.Scalar(arguments[j]) ?? " ") { j += 1 }
                    if j < arguments.count, arguments[j] != 0x23 {
                        throw LiquidFailure(message: "every line of an inline comment must start with a '#' character", offset: token.begin)
                    }
                }
                i += 1
            }
            return .text("")
        case "block": return .group(try children(until: "endblock", of: token))
        case "break", "continue": return .stop
        case "liquid": return .group(try parseLiquidLines(token))
        default:
            throw LiquidFailure(message: "tag \"\(token.name)\" not found", offset: token.begin)
        }
    }

    private mutating func children(until end: String, of token: LiquidToken) throws(LiquidFailure) -> [LiquidNode] {
        var nodes: [LiquidNode] = []
        while let next = nextToken() {
            if next.kind == .tag && next.name == end { return nodes }
            nodes.append(try parse(next))
        }
        throw notClosed(token)
    }

    private mutating func parseConditional(_ token: LiquidToken) throws(LiquidFailure) -> LiquidNode {
        let isUnless = token.name == "unless"
        let endName = isUnless ? "endunless" : "endif"
        var reader = self.reader(token)
        let firstTest = try owned(by: token) { () throws(LiquidFailure) in try reader.readFilteredValue() }
        var branches = [LiquidBranch(test: firstTest, whenFalsy: isUnless, body: [])]
        var otherwise: [LiquidNode] = []
        var elseCount = 0
        var discarding = false
        while let next = nextToken() {
            if next.kind == .tag {
                switch next.name {
                case "elsif":
                    if elseCount > 0 {
                        if !isUnless { throw LiquidFailure(message: "unexpected elsif after else", offset: token.begin) }
                        discarding = true  // liquidjs's unless drops it
                        continue
                    }
                    var elsif = self.reader(next)
                    let test = try owned(by: token) { () throws(LiquidFailure) in try elsif.readFilteredValue() }
                    branches.append(LiquidBranch(test: test, whenFalsy: false, body: []))
                    continue
                case "else":
                    if !isUnless {
                        try assertNoArguments(next, reportedAt: token)
                        if elseCount > 0 { throw LiquidFailure(message: "duplicated else", offset: token.begin) }
                    }
                    elseCount += 1
                    discarding = false
                    continue
                case endName:
                    if !isUnless { try assertNoArguments(next, reportedAt: token) }
                    return .conditional(branches, otherwise: otherwise, offset: token.begin)
                default: break
                }
            }
            let node = try parse(next)
            if discarding { continue }
            if elseCount == 0 {
                branches[branches.count - 1].body.append(node)
            } else if elseCount == 1 {
                otherwise.append(node)
            }
        }
        throw notClosed(token)
    }

    /// `{% else x %}`/`{% endif x %}`: liquidjs reports it at the `if` it belongs to.
    private func assertNoArguments(_ token: LiquidToken, reportedAt owner: LiquidToken) throws(LiquidFailure) {
        let arguments = text(token.argumentsStart..<token.content.upperBound)
        if !arguments.isEmpty {
            throw LiquidFailure(message: "unexpected \(LiquidFilter.javaScriptJSON(.string(arguments)))", offset: owner.begin)
        }
    }

    private func parseCycle(_ token: LiquidToken, _ reader: inout LiquidExpressionReader) throws(LiquidFailure) -> LiquidNode {
        var group: LiquidOperand?
        var candidates: [LiquidOperand] = []
        if let first = try reader.readValue() {
            reader.skipBlank()
            if reader.peek() == 0x3A {
                group = first
                reader.p += 1
            } else {
                candidates.append(first)
            }
        }
        while !reader.atEnd {
            if let value = try reader.readValue() { candidates.append(value) }
            while !reader.atEnd { reader.p += 1; if units[reader.p - 1] == 0x2C { break } }
        }
        if candidates.isEmpty { throw reader.failure("empty candidates: \"\(raw(token))\"") }
        return .cycle(group: group, candidates: candidates, offset: token.begin)
    }

    /// `{% liquid %}`: one tag per line, without delimiters.
    private mutating func parseLiquidLines(_ token: LiquidToken) throws(LiquidFailure) -> [LiquidNode] {
        var lineTokens: [LiquidToken] = []
        var p = token.argumentsStart
        let end = token.content.upperBound
        while p < end {
            while p < end, LiquidCharacter.isBlank(units[p]) { p += 1 }
            if p >= end { break }
            let begin = p
            while p < end { p += 1; if units[p - 1] == 0x0A { break } }
            var r = p
            while r > begin, LiquidCharacter.isBlank(units[r - 1]) { r -= 1 }
            var line = LiquidToken(kind: .tag, begin: begin, end: p, content: begin..<r)
            var q = begin
            if units[q] == 0x23 {
                q += 1
                line.name = "#"
            } else {
                while q < r, LiquidCharacter.isWord(units[q]) { q += 1 }
                line.name = text(begin..<q)
            }
            if line.name.isEmpty { throw LiquidFailure(message: "illegal liquid tag syntax", offset: begin) }
            while q < r, LiquidCharacter.isBlank(units[q]) { q += 1 }
            line.argumentsStart = q
            lineTokens.append(line)
        }
        var inner = LiquidParser(units: units, tokens: lineTokens)
        var nodes: [LiquidNode] = []
        while let next = inner.nextToken() { nodes.append(try inner.parse(next)) }
        return nodes
    }
}
