import CleverTapCore
import TerminalUI

/// Why an edited subscription cannot be saved yet.
enum SubscriptionSaveError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyTrigger
    case invalidTrigger(message: String, position: Int)
    case requiredFieldsUnmapped([String])
    /// The mapping engine refuses the mapping, or it has fields the action does not take.
    case mappingRefused(String)

    var description: String {
        switch self {
        case .emptyTrigger: return "The trigger is empty: add a condition so the subscription knows which events to take."
        case .invalidTrigger(let message, let position): return "The trigger has an error at character \(position + 1): \(message)."
        case .requiredFieldsUnmapped(let labels): return MappingSaveError.requiredFieldsUnmapped(labels).description
        case .mappingRefused(let message): return message
        }
    }
}

/// Editing one subscription: its trigger, its field mapping and the live preview, all against
/// one sample event the user can switch or edit. This is what the wizard shows after "edit" on
/// the subscription list; `save()` hands back the subscription for `SubscriptionListEditor.update`.
struct SubscriptionEditor: Sendable, Hashable {
    enum Pane: Sendable, Hashable { case trigger, mapping }

    /// The subscription as it was when editing began (for "discard changes?").
    let original: Subscription
    private(set) var trigger: TriggerEditor
    private(set) var mapping: MappingEditor
    private(set) var samples: SampleEventPicker
    var focus: Pane = .trigger

    /// Opens `subscription`, starting on the first sample its trigger matches (so the preview
    /// shows a record straight away) or the first sample when none does.
    init(subscription: Subscription, samples: SampleEventPicker) {
        original = subscription
        var picker = samples
        picker.selectFirst { event in
            if case .valid(true, _) = TriggerCheck.check(subscription.trigger, sample: event) { return true }
            return false
        }
        self.samples = picker
        trigger = TriggerEditor(text: subscription.trigger, sample: picker.current.event)
        mapping = MappingEditor(subscription: subscription, sample: picker.current.event)
    }

    /// The record the subscription would send for the current sample, and its problems.
    /// When the trigger does not take the sample, says so: nothing would be sent for it.
    var preview: RecordPreview {
        var preview = RecordPreview(editor: mapping)
        if case .valid(false, _) = trigger.status {
            preview.note("The trigger does not match this sample event, so nothing would be sent for it; the record shows what the mapping makes of it.")
        }
        return preview
    }

    /// The subscription with the current edits, whether or not it can be saved.
    var edited: Subscription {
        var subscription = original
        subscription.trigger = trigger.text
        subscription.mapping = mapping.mapping
        subscription.convertTimestamps = mapping.convertTimestamps
        return subscription
    }

    var hasChanges: Bool { edited != original }

    /// The edited subscription, or the first reason it cannot be saved: an empty or invalid
    /// trigger, a mapping the engine refuses, or a required field with no mapping.
    func save() throws(SubscriptionSaveError) -> Subscription {
        switch trigger.status {
        case .empty: throw .emptyTrigger
        case .invalid(let message, let position): throw .invalidTrigger(message: message, position: position)
        case .valid: break
        }
        if let blocking = preview.problems.first(where: { $0.severity == .blocking }), mapping.unmappedRequiredFields.isEmpty {
            throw .mappingRefused(blocking.message)
        }
        do {
            return try mapping.applied(to: edited)
        } catch {
            switch error {
            case .requiredFieldsUnmapped(let labels): throw .requiredFieldsUnmapped(labels)
            }
        }
    }

    // MARK: Changes (each editor's own operations go through these)

    mutating func editTrigger(_ change: (inout TriggerEditor) -> Void) { change(&trigger) }

    mutating func editMapping<Failure: Error>(_ change: (inout MappingEditor) throws(Failure) -> Void) throws(Failure) {
        try change(&mapping)
    }

    mutating func nextSample() { samples.next(); syncSample() }
    mutating func previousSample() { samples.previous(); syncSample() }

    /// Takes the text back from `$EDITOR`; a bad edit keeps the previous sample (see `samples.editError`).
    @discardableResult
    mutating func acceptEditedSample(_ text: String) -> Bool {
        let accepted = samples.acceptEdited(text)
        syncSample()
        return accepted
    }

    private mutating func syncSample() {
        trigger.sample = samples.current.event
        mapping.sample = samples.current.event
    }

    // MARK: View

    /// Sample line across the top; trigger above mapping on the left; the preview on the right.
    /// `rawInput`: the raw trigger field as typed (with its cursor), when the trigger is raw text.
    func render(into screen: inout Screen, frame: PaneFrame, rawInput: TextInput? = nil) {
        samples.render(into: &screen, frame: PaneFrame(column: frame.column, row: frame.row, width: frame.width, height: 2))
        let top = frame.row + 2
        let height = max(0, frame.height - 2)
        // Wide enough for a mapping row's label, type and a key-by-key summary at 80 columns; past
        // that, the room goes to the preview, whose values are what the user checks.
        let leftWidth = min(frame.width * 7 / 10, 54)
        let triggerHeight = min(height / 2, trigger.mode == .builder ? trigger.builder.conditions.count + 4 : 5)
        trigger.render(into: &screen, frame: PaneFrame(column: frame.column, row: top, width: leftWidth - 1, height: triggerHeight),
                       focused: focus == .trigger, rawInput: rawInput)
        mapping.render(into: &screen, frame: PaneFrame(column: frame.column, row: top + triggerHeight + 1, width: leftWidth - 1,
                                                       height: height - triggerHeight - 1), focused: focus == .mapping)
        preview.render(into: &screen, frame: PaneFrame(column: frame.column + leftWidth + 1, row: top,
                                                       width: frame.width - leftWidth - 1, height: height))
    }
}
