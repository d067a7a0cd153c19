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
    func render(into screen: inout Screen, frame: PaneFrame) {
        var out = PaneWriter(frame: frame)
        let status = status
        switch mode {
        case .builder:
            out.line("Trigger (builder): \(builder.join == .all ? "ALL" : "ANY") of these conditions", style: Style(.title, bold: true), in: &screen)
            if builder.conditions.isEmpty { out.line("(no conditions yet)", style: Style(.subtle), indent: 2, in: &screen) }
            for (index, condition) in builder.conditions.enumerated() {
                let row = "\(condition.subject.label) \(condition.op.label) \(condition.value.text)"
                let style = condition.problem != nil ? Style(.error) : (index == focusedCondition ? Style(.focused, reverse: true) : .normal)
                out.line(row, style: style, indent: 2, in: &screen)
                if let problem = condition.problem { out.wrapped(problem, style: Style(.error), indent: 4, in: &screen) }
            }
            out.line("= " + builder.text, style: Style(.subtle), in: &screen)
        case .raw:
            out.line("Trigger (raw text)", style: Style(.title, bold: true), in: &screen)
            out.line(rawText, indent: 2, in: &screen)
            if case .invalid(_, let position) = status {
                let caretColumn = DisplayWidth.of(String(rawText.prefix(position)))
                out.line(String(repeating: " ", count: caretColumn) + "^", style: Style(.error, bold: true), indent: 2, in: &screen)
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
