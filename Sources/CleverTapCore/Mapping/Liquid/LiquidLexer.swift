/// A Liquid error as liquidjs words it, at an offset (UTF-16 code units) into the template;
/// `LiquidTemplate` appends liquidjs's `, line:L, col:C`.
struct LiquidFailure: Error, Sendable {
    var message: String
    /// -1 while not yet known: a render error takes the offset of the innermost tag or output
    /// being rendered, as liquidjs's `RenderError` does.
    var offset: Int
    /// A filter refusal found while parsing: reported at the enclosing tag or output.
    var atTemplate = false
}

/// liquidjs's character classes (its generated `TYPES` table), on UTF-16 code units, so that
/// identifiers, blanks and numbers end where liquidjs ends them (`-` and `?` are word
/// characters; any non-ASCII letter is too).
enum LiquidCharacter {
    static let word: UInt8 = 1, operatorChar: UInt8 = 2, blank: UInt8 = 4, quote: UInt8 = 8
    static let inlineBlank: UInt8 = 16, digit: UInt8 = 32, sign: UInt8 = 64, punctuation: UInt8 = 128

    private static let ascii: [UInt8] = [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 4, 4, 4, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        20, 2, 8, 0, 0, 0, 0, 8, 0, 0, 0, 64, 0, 65, 0, 0, 33, 33, 33, 33, 33, 33, 33, 33, 33, 33, 0, 0, 2, 2, 2, 1,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1,
        0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,
    ]

    static func type(_ c: UInt16) -> UInt8 {
        if c < 128 { return ascii[Int(c)] }
        switch c {
        case 160, 5760, 6158, 8192...8202, 8232, 8233, 8239, 8287, 12288: return blank
        case 8220, 8221: return punctuation
        default: return 0
        }
    }

    static func isWord(_ c: UInt16) -> Bool { c >= 128 ? type(c) == 0 : type(c) & word != 0 }
    static func isBlank(_ c: UInt16) -> Bool { type(c) & blank != 0 }
}

/// One top-level piece of a template: text, `{% tag %}` or `{{ output }}`.
struct LiquidToken: Sendable {
    enum Kind: Sendable { case html, tag, output }
    var kind: Kind
    /// Where the token starts and ends in the template (delimiters included).
    var begin: Int
    var end: Int
    /// The content between the delimiters, without `-` markers and surrounding blanks.
    var content: Range<Int>
    /// Tag name (`if`, `#`, `endraw`…); empty for text and output.
    var name: String = ""
    /// Where the tag's arguments start (after the name and blanks).
    var argumentsStart: Int = 0
    var trimLeft = false
    var trimRight = false
    /// Whitespace removed from the ends of a text token by `{%-`/`-%}` neighbours.
    var trimmedFront = 0
    var trimmedBack = 0
}

/// Splits a template into `LiquidToken`s exactly as liquidjs's tokenizer does (including
/// `{% raw %}`, and greedy whitespace control: `{%-`/`-%}` remove every blank up to the
/// next non-blank).
struct LiquidLexer {
    let units: [UInt16]
    private var p = 0
    private var rawBeginAt = -1

    init(_ units: [UInt16]) { self.units = units }

    private static let tagOpen: [UInt16] = Array("{%".utf16), tagClose: [UInt16] = Array("%}".utf16)
    private static let outputOpen: [UInt16] = Array("{{".utf16), outputClose: [UInt16] = Array("}}".utf16)

    static func tokens(of units: [UInt16]) throws(LiquidFailure) -> [LiquidToken] {
        var lexer = LiquidLexer(units)
        var tokens: [LiquidToken] = []
        while lexer.p < units.count { tokens.append(try lexer.next()) }
        whitespaceControl(&tokens, units)
        return tokens
    }

    private func matches(_ word: [UInt16], at position: Int) -> Bool {
        guard position + word.count <= units.count else { return false }
        for i in 0..<word.count where units[position + i] != word[i] { return false }
        return true
    }

    /// True when the text just before `p` is `word`.
    private func endsWith(_ word: [UInt16]) -> Bool { p >= word.count && matches(word, at: p - word.count) }

    private mutating func next() throws(LiquidFailure) -> LiquidToken {
        if rawBeginAt > -1 { return try endrawOrRawContent() }
        if matches(Self.tagOpen, at: p) { return try tagToken() }
        if matches(Self.outputOpen, at: p) { return try outputToken() }
        let begin = p
        while p < units.count, !matches(Self.tagOpen, at: p), !matches(Self.outputOpen, at: p) { p += 1 }
        return LiquidToken(kind: .html, begin: begin, end: p, content: begin..<p)
    }

    private mutating func skipBlank() { while p < units.count, LiquidCharacter.isBlank(units[p]) { p += 1 } }

    /// Advances to just past `delimiter`; -1 when the template ends first. Output tokens skip
    /// quoted strings (a `}}` inside quotes does not close them); tags do not.
    private mutating func readToDelimiter(_ delimiter: [UInt16], respectQuoted: Bool) -> Int {
        skipBlank()
        while p < units.count {
            if respectQuoted, LiquidCharacter.type(units[p]) & LiquidCharacter.quote != 0 {
                skipQuoted()
                continue
            }
            p += 1
            if endsWith(delimiter) { return p }
        }
        return -1
    }

    private mutating func skipQuoted() {
        let quote = units[p]
        p += 1
        var escaped = false
        while p < units.count {
            p += 1
            if units[p - 1] == quote && !escaped { break }
            if escaped { escaped = false } else if units[p - 1] == 0x5C { escaped = true }
        }
    }

    private func snapshot(_ begin: Int) -> String {
        var text = String(decoding: units[begin...], as: UTF16.self)
        if text.utf16.count > 32 { text = LiquidText.slice(text, 0, 29) + "..." }
        return LiquidFilter.javaScriptJSON(.string(text))
    }

    private mutating func tagToken() throws(LiquidFailure) -> LiquidToken {
        let begin = p
        if readToDelimiter(Self.tagClose, respectQuoted: false) == -1 {
            throw LiquidFailure(message: "tag \(snapshot(begin)) not closed", offset: begin)
        }
        var token = delimited(.tag, begin: begin, openLength: 2, closeLength: 2)
        // The tag name: `#` alone (inline comment) or a run of word characters.
        var q = token.content.lowerBound
        if q < token.content.upperBound, units[q] == 0x23 {
            q += 1
            token.name = "#"
        } else {
            let start = q
            while q < token.content.upperBound, LiquidCharacter.isWord(units[q]) { q += 1 }
            token.name = String(decoding: units[start..<q], as: UTF16.self)
        }
        if token.name.isEmpty {
            throw LiquidFailure(message: "illegal tag syntax, tag name expected", offset: token.content.lowerBound)
        }
        while q < token.content.upperBound, LiquidCharacter.isBlank(units[q]) { q += 1 }
        token.argumentsStart = q
        if token.name == "raw" { rawBeginAt = begin }
        return token
    }

    private mutating func outputToken() throws(LiquidFailure) -> LiquidToken {
        let begin = p
        if readToDelimiter(Self.outputClose, respectQuoted: true) == -1 {
            throw LiquidFailure(message: "output \(snapshot(begin)) not closed", offset: begin)
        }
        return delimited(.output, begin: begin, openLength: 2, closeLength: 2)
    }

    /// liquidjs `DelimitedToken`: `-` just inside a delimiter asks to trim that side.
    private func delimited(_ kind: LiquidToken.Kind, begin: Int, openLength: Int, closeLength: Int) -> LiquidToken {
        let contentBegin = begin + openLength, contentEnd = p - closeLength
        let trimLeft = contentBegin < units.count && units[contentBegin] == 0x2D
        let trimRight = contentEnd - 1 >= contentBegin && units[contentEnd - 1] == 0x2D
        var l = trimLeft ? contentBegin + 1 : contentBegin
        var r = trimRight ? contentEnd - 1 : contentEnd
        while l < r, LiquidCharacter.isBlank(units[l]) { l += 1 }
        while r > l, LiquidCharacter.isBlank(units[r - 1]) { r -= 1 }
        return LiquidToken(kind: kind, begin: begin, end: p, content: l..<max(l, r), trimLeft: trimLeft, trimRight: trimRight)
    }

    /// Inside `{% raw %}`: everything up to `{% endraw %}` is one text token.
    private mutating func endrawOrRawContent() throws(LiquidFailure) -> LiquidToken {
        let begin = p
        var leftPosition = readTo(Self.tagOpen) - 2
        while p < units.count {
            skipBlank()
            let start = p
            while p < units.count, LiquidCharacter.isWord(units[p]) { p += 1 }
            if String(decoding: units[start..<p], as: UTF16.self) != "endraw" {
                leftPosition = readTo(Self.tagOpen) - 2
                continue
            }
            while p <= units.count {
                if endsWith(Self.tagClose) {
                    if begin == leftPosition {
                        rawBeginAt = -1
                        var token = delimited(.tag, begin: begin, openLength: 2, closeLength: 2)
                        token.name = "endraw"
                        return token
                    }
                    p = leftPosition
                    return LiquidToken(kind: .html, begin: begin, end: leftPosition, content: begin..<leftPosition)
                }
                if endsWith(Self.tagOpen) { break }
                p += 1
            }
        }
        throw LiquidFailure(message: "raw \(snapshot(rawBeginAt)) not closed", offset: begin)
    }

    private mutating func readTo(_ word: [UInt16]) -> Int {
        while p < units.count {
            p += 1
            if endsWith(word) { return p }
        }
        return -1
    }

    /// `{%-` trims the blanks ending the text before; `-%}` those starting the text after.
    /// Not inside `{% raw %}`.
    static func whitespaceControl(_ tokens: inout [LiquidToken], _ units: [UInt16]) {
        var inRaw = false
        for i in tokens.indices where tokens[i].kind != .html {
            if !inRaw, tokens[i].trimLeft, i > 0, tokens[i - 1].kind == .html {
                while tokens[i - 1].end - 1 - tokens[i - 1].trimmedBack >= tokens[i - 1].begin,
                      LiquidCharacter.isBlank(units[tokens[i - 1].end - 1 - tokens[i - 1].trimmedBack]) {
                    tokens[i - 1].trimmedBack += 1
                }
            }
            if tokens[i].kind == .tag {
                if tokens[i].name == "raw" { inRaw = true } else if tokens[i].name == "endraw" { inRaw = false }
            }
            if !inRaw, tokens[i].trimRight, i + 1 < tokens.count, tokens[i + 1].kind == .html {
                while tokens[i + 1].begin + tokens[i + 1].trimmedFront < tokens[i + 1].end,
                      LiquidCharacter.isBlank(units[tokens[i + 1].begin + tokens[i + 1].trimmedFront]) {
                    tokens[i + 1].trimmedFront += 1
                }
            }
        }
    }
}
