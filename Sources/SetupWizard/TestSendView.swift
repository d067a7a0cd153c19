import CleverTapCore
import TerminalUI

extension Wizard {
    /// Width the result lines are wrapped to: the minimum terminal less the margins, so the
    /// scroll range does not depend on the terminal's size.
    static let testSendTextWidth = minimumSize.columns - 4

    /// The finished test send as styled lines: the answer first (what the user came for), then
    /// the request with the passcode redacted.
    static func testSendLines(_ summary: TestSendSummary) -> [(text: String, style: Style)] {
        var lines: [(text: String, style: Style)] = []
        for line in summary.resultLines {
            let style: Style
            switch line.role {
            case .headline: style = Style(summary.isProcessed ? .success : .error, bold: true)
            case .problem: style = Style(.error)
            case .aside: style = Style(.subtle)
            case .title: style = Style(.title, bold: true)
            case .request: style = Style(.accent)
            case .blank, .text: style = .normal
            }
            if line.role == .blank || line.role == .title {
                lines.append((line.text, style))
                continue
            }
            // Keep the text's own indentation (the pretty JSON body's nesting); wrap the rest.
            let pad = line.indent + String(line.text.prefix { $0 == " " })
            let rest = String(line.text.drop { $0 == " " })
            for piece in Screen.wrap(rest, width: testSendTextWidth - pad.count) { lines.append((pad + piece, style)) }
        }
        return lines
    }

    /// The largest useful scroll offset for the current result.
    static func testSendMaxScroll(_ state: WizardState) -> Int {
        guard let summary = state.testSend?.summary else { return 0 }
        return max(0, testSendLines(summary).count - 1)
    }
}

extension Canvas {
    mutating func testSend(_ state: WizardState) {
        guard let test = state.testSend else { return }
        let request = test.request
        screen.write("Test \(request.kind.displayName) through \(request.destination.name)", column: left, row: 3,
                     style: Style(.title, bold: true), maxWidth: width - 2 * left)
        let target = request.target == .localSandbox
            ? "To the local sandbox (started in this process)"
            : "To \(request.destination.endpoint.baseURL), Project ID \(request.destination.projectID)"
        screen.write(target, column: left, row: 4, style: Style(.subtle), maxWidth: width - 2 * left)
        screen.cursor = nil
        guard let summary = test.summary else {
            let frame = Wizard.spinnerFrames[state.spinnerFrame % Wizard.spinnerFrames.count]
            let progress = test.progressLines
            screen.write("\(frame) " + progress[0], column: left, row: bodyTop, style: Style(.accent))
            var row = bodyTop + 1
            for line in progress.dropFirst() {
                for wrapped in Screen.wrap(line, width: width - 2 * left - 2) where row < height - 2 {
                    screen.write(wrapped, column: left + 2, row: row, style: Style(.subtle))
                    row += 1
                }
            }
            return
        }
        let lines = Wizard.testSendLines(summary)
        let top = bodyTop - 1
        let visible = height - 2 - top
        let scroll = min(test.scroll, max(0, lines.count - visible))
        for (offset, line) in lines.dropFirst(scroll).prefix(visible).enumerated() {
            screen.write(line.text, column: left, row: top + offset, style: line.style, maxWidth: width - 2 * left)
        }
        if scroll + visible < lines.count {
            let more = "↓ \(lines.count - scroll - visible) more lines"
            screen.write(more, column: width - left - DisplayWidth.of(more), row: height - 2, style: Style(.subtle))
        }
    }
}
