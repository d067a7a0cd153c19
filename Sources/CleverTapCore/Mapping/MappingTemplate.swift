/// A pre-parsed `@template` string: literal text and `{{path}}` / `{{{path}}}` placeholders.
///
/// As in mapping-kit, a placeholder is `{{` + one or more characters other than `}` + `}}`
/// (triple braces likewise); the inside is trimmed and read as a path; a missing or null value
/// prints as nothing and other values print as JavaScript would (`12.5`, `true`, `a,b`,
/// `[object Object]`). Nothing is HTML-escaped. We also accept a leading `$.` inside the braces
/// (`{{$.traits.name}}`), which mapping-kit would print as empty.
public struct MappingTemplate: Sendable, Hashable {
    enum Piece: Sendable, Hashable {
        case text(String)
        case value(EventPath)
    }

    let pieces: [Piece]
    public let source: String

    public init(_ source: String) {
        self.source = source
        var pieces: [Piece] = []
        let scalars = Array(source.unicodeScalars)
        var literal = String.UnicodeScalarView()

        /// If `{` × braces, then non-`}` content, then `}` × braces starts at `start`, the
        /// content range and the index after the closing braces.
        func placeholder(at start: Int, braces: Int) -> (content: Range<Int>, end: Int)? {
            guard start + braces < scalars.count else { return nil }
            for k in 0..<braces where scalars[start + k] != "{" { return nil }
            var i = start + braces
            let contentStart = i
            while i < scalars.count && scalars[i] != "}" { i += 1 }
            guard i > contentStart, i + braces <= scalars.count else { return nil }
            for k in 0..<braces where scalars[i + k] != "}" { return nil }
            return (contentStart..<i, i + braces)
        }

        var i = 0
        while i < scalars.count {
            if scalars[i] == "{", let match = placeholder(at: i, braces: 3) ?? placeholder(at: i, braces: 2) {
                if !literal.isEmpty { pieces.append(.text(String(literal))); literal = String.UnicodeScalarView() }
                var content = String(String.UnicodeScalarView(scalars[match.content]))
                content = content.trimmingJavaScriptWhitespace()
                if content.hasPrefix("$.") { content.removeFirst(2) }
                pieces.append(.value(EventPath(content, stripRootPrefix: false)))
                i = match.end
            } else {
                literal.append(scalars[i])
                i += 1
            }
        }
        if !literal.isEmpty { pieces.append(.text(String(literal))) }
        self.pieces = pieces
    }

    /// The template with every placeholder filled from `payload`.
    public func render(with payload: JSONValue) -> String {
        if pieces.count == 1, case .text(let text) = pieces[0] { return text }
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .value(let path):
                if let value = path.lookup(in: payload) { JavaScriptText.append(value, topLevel: true, to: &out) }
            }
        }
        return out
    }
}

extension String {
    /// `String.prototype.trim()` for the whitespace that matters in templates.
    func trimmingJavaScriptWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
