import CleverTapCore
import Foundation
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

/// Why editing in `$EDITOR` did not produce text.
enum ExternalEditorError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotWriteTemporaryFile(String)
    case cannotStart(command: String, reason: String)
    case failed(command: String, status: Int32)
    case cannotReadBack(String)

    var description: String {
        switch self {
        case .cannotWriteTemporaryFile(let reason): return "Could not write the sample to a temporary file: \(reason)."
        case .cannotStart(let command, let reason): return "Could not start the editor \"\(command)\": \(reason). Set VISUAL or EDITOR to an editor on your PATH."
        case .failed(let command, let status): return "The editor \"\(command)\" exited with status \(status); the sample was not changed."
        case .cannotReadBack(let reason): return "Could not read the edited sample back: \(reason)."
        }
    }
}

/// Runs the user's editor on a text, Unix style: `$VISUAL`, else `$EDITOR`, else `vi`, run through
/// `/bin/sh` so commands with arguments (`code --wait`) work. The text sits in a private (0700)
/// temporary directory that is removed afterwards. The caller suspends and restores the terminal
/// around `edit`; the editor inherits the terminal.
struct ExternalEditor: Sendable {
    var command: String

    init(environment: [String: String]) {
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0?.trimmingWhitespace }.first { !$0.isEmpty }
        command = chosen ?? "vi"
    }

    /// Writes `text` to `<name>`, runs the editor on it and returns the file's new contents.
    func edit(_ text: String, fileName: String = "sample-event.json") throws(ExternalEditorError) -> String {
        let files = FileManager.default
        let directory = files.temporaryDirectory.appendingPathComponent("clevertap-actions-\(UUID().uuidString)")
        let file = directory.appendingPathComponent(fileName)
        do {
            try files.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Data(text.utf8).write(to: file)
        } catch {
            throw .cannotWriteTemporaryFile(error.localizedDescription)
        }
        defer { try? files.removeItem(at: directory) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // "$1" keeps a path with spaces in one argument; the command itself is shell text by convention.
        process.arguments = ["-c", command + " \"$1\"", "sh", file.path]
        do {
            try process.run()
        } catch {
            throw .cannotStart(command: command, reason: error.localizedDescription)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            // 127 is the shell's "command not found".
            if process.terminationStatus == 127 { throw .cannotStart(command: command, reason: "command not found") }
            throw .failed(command: command, status: process.terminationStatus)
        }
        do {
            return String(decoding: try Data(contentsOf: file), as: UTF8.self)
        } catch {
            throw .cannotReadBack(error.localizedDescription)
        }
    }
}
