/// `@replace`: literal (not regular-expression) substitution as mapping-kit performs it:
/// every occurrence by default (`global`), case-sensitive unless `ignorecase`, then an optional
/// second pattern on the result. Like JavaScript's `String.replace`, the replacement may use
/// `$$` (a dollar), `$&` (the match), `` $` `` and `$'` (text before / after the match).
struct MappingReplacement: Sendable, Hashable {
    /// Segment's limits on `pattern` and `replacement` length (JavaScript string length).
    static let maximumPatternLength = 10
    static let maximumReplacementLength = 10

    struct Step: Sendable, Hashable {
        var pattern: [Unicode.Scalar]
        var replacement: String
    }

    var steps: [Step]
    var ignoreCase: Bool
    var global: Bool

    func apply(to text: String) -> String {
        var result = text
        for step in steps { result = replace(step, in: result) }
        return result
    }

    private func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard ignoreCase else { return scalar }
        if scalar.isASCII {
            let v = scalar.value
            return v >= 0x61 && v <= 0x7A ? Unicode.Scalar(v - 0x20)! : scalar
        }
        // JavaScript's non-unicode regexp canonicalises by upper-casing when that gives one unit.
        let upper = scalar.properties.uppercaseMapping.unicodeScalars
        return upper.count == 1 ? upper.first! : scalar
    }

    private func replace(_ step: Step, in text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        let pattern = step.pattern.map(fold)
        let folded = ignoreCase ? scalars.map(fold) : scalars
        guard !pattern.isEmpty, pattern.count <= folded.count else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        var copiedUpTo = 0
        var replacedOnce = false
        while i + pattern.count <= folded.count {
            if (global || !replacedOnce) && folded[i] == pattern[0] && Array(folded[i..<(i + pattern.count)]) == pattern {
                out.append(contentsOf: scalars[copiedUpTo..<i])
                expand(step.replacement, match: scalars[i..<(i + pattern.count)],
                       before: scalars[..<i], after: scalars[(i + pattern.count)...], into: &out)
                i += pattern.count
                copiedUpTo = i
                replacedOnce = true
                if !global { break }
            } else {
                i += 1
            }
        }
        out.append(contentsOf: scalars[copiedUpTo...])
        return String(out)
    }

    private func expand(_ replacement: String, match: ArraySlice<Unicode.Scalar>, before: ArraySlice<Unicode.Scalar>,
                        after: ArraySlice<Unicode.Scalar>, into out: inout String.UnicodeScalarView) {
        guard replacement.contains("$") else { out.append(contentsOf: replacement.unicodeScalars); return }
        let r = Array(replacement.unicodeScalars)
        var i = 0
        while i < r.count {
            if r[i] == "$" && i + 1 < r.count {
                switch r[i + 1] {
                case "$": out.append("$"); i += 2; continue
                case "&": out.append(contentsOf: match); i += 2; continue
                case "`": out.append(contentsOf: before); i += 2; continue
                case "'": out.append(contentsOf: after); i += 2; continue
                default: break
                }
            }
            out.append(r[i])
            i += 1
        }
    }
}
