import CleverTapCore
import TerminalUI

/// The trigger of one subscription, edited either in the builder (conditions joined by all/any)
/// or as raw text in the full trigger language. Builder -> raw always keeps the text; raw ->
/// builder happens only when the builder can show the text exactly, otherwise `notice` says why.
struct TriggerEditor: Sendable, Hashable {
    enum Mode: Sendable, Hashable { case builder, raw }

    private(set) var mode: Mode
    private(set) var builder: TriggerBuilder
    private(set) var rawText: String
    /// Why the last switch to the builder was refused; cleared by the next change.
    private(set) var notice: String?
    /// The sample event the status line reports on.
    var sample: JSONValue
    /// Index of the focused builder row.
    private(set) var focusedCondition: Int = 0

    /// Opens `text` in the builder when it can show it, in raw mode otherwise (no notice: the
    /// user did not ask for the builder).
    init(text: String, sample: JSONValue) {
        self.sample = sample
        rawText = text
        if case .success(let builder) = TriggerBuilder.parse(text) {
            self.builder = builder
            mode = .builder
        } else {
            builder = TriggerBuilder()
            mode = .raw
        }
    }

    /// The trigger text this editor stands for now.
    var text: String { mode == .builder ? builder.text : rawText }

    /// Validity and sample match of `text`, recomputed from the current state.
    /// In the builder a row's own problem is reported first, pointing at that row in the text,
    /// since the text made of an unusable row would give a less helpful syntax error.
    var status: TriggerStatus {
        if mode == .builder {
            var offset = 0
            for (index, condition) in builder.conditions.enumerated() {
                if let problem = condition.problem {
                    return .invalid(message: "condition \(index + 1): \(problem)", position: offset)
                }
                offset += condition.text.count + builder.join.rawValue.count + 2
            }
        }
        return TriggerCheck.check(text, sample: sample)
    }

    // MARK: Modes

    mutating func switchToRaw() {
        guard mode == .builder else { return }
        rawText = builder.text
        mode = .raw
        notice = nil
    }

    /// Switches to the builder if the raw text is representable; returns whether it did.
    @discardableResult
    mutating func switchToBuilder() -> Bool {
        guard mode == .raw else { return true }
        switch TriggerBuilder.parse(rawText) {
        case .success(let parsed):
            builder = parsed
            mode = .builder
            notice = nil
            focusedCondition = 0
            return true
        case .failure(let rejection):
            notice = "Staying in raw mode: " + rejection.description + "."
            return false
        }
    }

    // MARK: Raw mode

    mutating func setRawText(_ text: String) {
        rawText = text
        notice = nil
    }

    // MARK: Builder

    mutating func setJoin(_ join: TriggerJoin) { builder.join = join; notice = nil }

    mutating func addCondition(_ condition: TriggerCondition) {
        builder.conditions.append(condition)
        focusedCondition = builder.conditions.count - 1
        notice = nil
    }

    mutating func replaceCondition(at index: Int, with condition: TriggerCondition) {
        guard builder.conditions.indices.contains(index) else { return }
        builder.conditions[index] = condition
        notice = nil
    }

    mutating func removeCondition(at index: Int) {
        guard builder.conditions.indices.contains(index) else { return }
        builder.conditions.remove(at: index)
        focusedCondition = max(0, min(focusedCondition, builder.conditions.count - 1))
        notice = nil
    }

    mutating func moveFocus(by offset: Int) {
        focusedCondition = max(0, min(focusedCondition + offset, builder.conditions.count - 1))
    }

    // MARK: View

    /// Builder rows or the raw text with a caret under an error, then the status line and any notice.
    /// `focused`: this pane has the keys; only then is its selection drawn as the focus
    /// (the other pane's selection is dimmed, so one element at a time looks focused).
    func render(into screen: inout Screen, frame: PaneFrame, focused: Bool = true, rawInput: TextInput? = nil) {
        var out = PaneWriter(frame: frame)
        let status = status
        switch mode {
        case .builder:
            out.line(PaneFocus.title("Trigger (builder): \(builder.join == .all ? "ALL" : "ANY") of these conditions", focused: focused),
                     style: PaneFocus.titleStyle(focused: focused), in: &screen)
            if builder.conditions.isEmpty { out.line("(no conditions yet)", style: Style(.subtle), indent: 2, in: &screen) }
            for (index, condition) in builder.conditions.enumerated() {
                let selected = index == focusedCondition
                let row = PaneFocus.marker(selected: selected, focused: focused)
                    + "\(condition.subject.label) \(condition.op.label) \(condition.value.text)"
                let style = condition.problem != nil && !(selected && focused) ? Style(.error)
                    : PaneFocus.rowStyle(selected: selected, focused: focused)
                out.line(row, style: style, in: &screen)
                if let problem = condition.problem { out.wrapped(problem, style: Style(.error), indent: 4, in: &screen) }
            }
            out.line("= " + builder.text, style: Style(.subtle), in: &screen)
        case .raw:
            out.line(PaneFocus.title("Trigger (raw text)", focused: focused), style: PaneFocus.titleStyle(focused: focused), in: &screen)
            // A one-line field that scrolls with the cursor, inside this pane only.
            let input = rawInput ?? TextInput(rawText)
            let fieldWidth = max(1, frame.width - 2)
            let window = input.visibleWindow(width: fieldWidth - 1)
            if let row = out.line(window.text, style: Style(focused ? .focused : .normal), indent: 2, in: &screen) {
                if focused { screen.cursor = (frame.column + 2 + window.cursorColumn, row) }
            }
            if case .invalid(_, let position) = status {
                // The ^ sits under the offending character of the text as scrolled.
                let characters = Array(input.text)
                let column = position >= window.start
                    ? DisplayWidth.of(String(characters[window.start..<min(characters.count, position)])) : -1
                if column >= 0 && column < fieldWidth {
                    out.line(String(repeating: " ", count: column) + "^", style: Style(.error, bold: true), indent: 2, in: &screen)
                } else {
                    out.line("^ is off screen: the error is at character \(position + 1)", style: Style(.error, bold: true), indent: 2, in: &screen)
                }
            }
        }
        let statusStyle: Style
        switch status {
        case .invalid: statusStyle = Style(.error)
        case .valid(let matches, _): statusStyle = Style(matches ? .success : .normal)
        case .empty: statusStyle = Style(.warning)
        }
        out.wrapped(status.line, style: statusStyle, in: &screen)
        if let notice { out.wrapped(notice, style: Style(.warning), in: &screen) }
    }
}
