import CleverTapCore
import TerminalUI

/// An event the trigger editor and preview are evaluated against.
struct SampleEvent: Sendable, Hashable {
    var name: String
    var event: JSONValue

    /// The built-in samples, stamped with `now` (Unix seconds): the core's test events (the
    /// same ones "Send test identify/delete" sends, so the preview shows what a test send
    /// makes), plus the identify variant whose traits sit only in `context.traits`, which
    /// server-side sources send and a `$.traits` mapping silently misses.
    static func builtIn(now: Int64) -> [SampleEvent] {
        let identify = SampleEvents.identify(now: now)
        var contextOnly = identify.objectValue ?? JSONObject()
        var context = contextOnly["context"]?.objectValue ?? JSONObject()
        context["traits"] = contextOnly["traits"]
        contextOnly["traits"] = nil
        contextOnly["context"] = .object(context)
        contextOnly["messageId"] = .string("test-identify-context-\(now)")
        return [
            SampleEvent(name: "Identify", event: identify),
            SampleEvent(name: "Identify (context.traits only)", event: .object(contextOnly)),
            SampleEvent(name: "Delete User (track)", event: SampleEvents.deleteUser(now: now)),
            // Upload Event's: a plain track ("Send test track" sends it) and a purchase for Charged.
            SampleEvent(name: "Product Viewed (track)", event: SampleEvents.productViewed(now: now)),
            SampleEvent(name: "Order Completed (track)", event: SampleEvents.orderCompleted(now: now)),
        ]
    }
}

/// Where a hand-edited sample stopped being JSON, 1-based line and column.
struct SampleEditError: Error, Sendable, Hashable, CustomStringConvertible {
    var message: String
    var line: Int
    var column: Int

    var description: String {
        "The edited sample is not valid JSON: \(message) at line \(line), column \(column). The previous sample is kept; edit again to fix it."
    }
}

/// The sample events on offer and the one in use: cycle among the built-ins, or replace the
/// current one with a hand-edited event ("Edited sample"). A bad edit keeps the previous event.
struct SampleEventPicker: Sendable, Hashable {
    private(set) var samples: [SampleEvent]
    private(set) var selectedIndex: Int
    /// Why the last edit was refused, until the next successful change.
    private(set) var editError: SampleEditError?

    static let editedName = "Edited sample"

    /// The built-in samples stamped with `now` (Unix seconds).
    init(now: Int64) { self.init(samples: SampleEvent.builtIn(now: now)) }

    init(samples: [SampleEvent]) {
        precondition(!samples.isEmpty, "the picker needs at least one sample")
        self.samples = samples
        selectedIndex = 0
    }

    var current: SampleEvent { samples[selectedIndex] }

    mutating func next() { selectedIndex = (selectedIndex + 1) % samples.count; editError = nil }
    mutating func previous() { selectedIndex = (selectedIndex + samples.count - 1) % samples.count; editError = nil }

    /// Picks the first sample that `matches` (e.g. the trigger): the preview then shows a record.
    mutating func selectFirst(where matches: (JSONValue) -> Bool) {
        if let index = samples.firstIndex(where: { matches($0.event) }) { selectedIndex = index }
    }

    /// The current event as the text handed to the editor.
    var editableText: String { current.event.prettyDescription + "\n" }

    /// Takes edited text: valid JSON becomes the "Edited sample" (added once, then replaced) and
    /// is selected; invalid JSON leaves everything as it was and sets `editError`.
    @discardableResult
    mutating func acceptEdited(_ text: String) -> Bool {
        let event: JSONValue
        do {
            event = try JSONParser.parse(text)
        } catch {
            let position = error.lineAndColumn(in: Array(text.utf8))
            editError = SampleEditError(message: error.message, line: position.line, column: position.column)
            return false
        }
        editError = nil
        let edited = SampleEvent(name: Self.editedName, event: event)
        if let index = samples.firstIndex(where: { $0.name == Self.editedName }) {
            samples[index] = edited
            selectedIndex = index
        } else {
            samples.append(edited)
            selectedIndex = samples.count - 1
        }
        return true
    }

    /// One line naming the sample and how to switch, then the error of the last edit if any.
    func render(into screen: inout Screen, frame: PaneFrame) {
        var out = PaneWriter(frame: frame)
        out.line("Sample event \(selectedIndex + 1)/\(samples.count): \(current.name)", style: Style(.accent), in: &screen)
        if let editError { out.wrapped(editError.description, style: Style(.error), in: &screen) }
    }
}
