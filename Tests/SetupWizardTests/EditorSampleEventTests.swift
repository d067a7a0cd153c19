import CleverTapCore
import Foundation
import Testing
import TerminalUI
@testable import SetupWizard

@Suite(.timeLimit(.minutes(2))) struct EditorSampleEventTests {
    static let now: Int64 = 1_795_860_930

    @Test func builtInSamplesAreTheCoresTestEventsPlusAContextTraitsIdentify() {
        let samples = SampleEvent.builtIn(now: Self.now)
        #expect(samples.map(\.name) == ["Identify", "Identify (context.traits only)", "Delete User (track)",
                                        "Product Viewed (track)", "Order Completed (track)"])
        #expect(samples[0].event == SampleEvents.identify(now: Self.now))
        #expect(samples[2].event == SampleEvents.deleteUser(now: Self.now))
        let contextOnly = samples[1].event
        #expect(contextOnly["traits"] == nil)
        #expect(contextOnly["context"]?["traits"] == samples[0].event["traits"])
        #expect(contextOnly["context"]?["library"] == samples[0].event["context"]?["library"])
        #expect(contextOnly["userId"] == samples[0].event["userId"])
        #expect(contextOnly["messageId"] != samples[0].event["messageId"])
        // Each built-in matches the Quick Setup preset meant for it.
        #expect(TriggerCheck.check(Preset.quickSetup[0].trigger, sample: samples[1].event) == .valid(sampleMatches: true, warnings: []))
        #expect(TriggerCheck.check(Preset.quickSetup[1].trigger, sample: samples[2].event) == .valid(sampleMatches: true, warnings: []))
        #expect(TriggerCheck.check(Preset.trackEvent.trigger, sample: samples[3].event) == .valid(sampleMatches: true, warnings: []))
        #expect(TriggerCheck.check(Preset.orderCompleted.trigger, sample: samples[4].event) == .valid(sampleMatches: true, warnings: []))
    }

    @Test func thePickerCyclesThroughTheSamples() {
        var picker = SampleEventPicker(now: Self.now)
        #expect(picker.current.name == "Identify")
        picker.previous()
        #expect(picker.current.name == "Order Completed (track)")
        picker.next()
        picker.next()
        #expect(picker.current.name == "Identify (context.traits only)")
        picker.selectFirst { $0["event"] == "Delete User" }
        #expect(picker.selectedIndex == 2)
    }

    @Test func anEditedSampleIsAddedOnceAndSelected() {
        var picker = SampleEventPicker(now: Self.now)
        let first = picker.acceptEdited(#"{"type": "identify", "userId": "edited-1"}"#)
        #expect(first)
        #expect(picker.current == SampleEvent(name: "Edited sample", event: ["type": "identify", "userId": "edited-1"]))
        #expect(picker.samples.count == 6)
        picker.next()
        let second = picker.acceptEdited(#"{"type": "identify", "userId": "edited-2"}"#)
        #expect(second)
        #expect(picker.samples.count == 6)
        #expect(picker.current.event["userId"] == "edited-2")
        #expect(picker.editError == nil)
    }

    @Test func aBrokenEditKeepsThePreviousSampleAndSaysWhere() {
        var picker = SampleEventPicker(now: Self.now)
        let before = picker
        let accepted = picker.acceptEdited("{\n  \"type\": \"identify\",\n  \"userId\": \"u\"\n  \"x\": 1\n}")
        #expect(accepted == false)
        #expect(picker.samples == before.samples)
        #expect(picker.current == before.current)
        let error = picker.editError
        #expect(error?.line == 4)
        #expect(error?.column == 3)
        #expect(error?.description.contains("The previous sample is kept") == true)

        var screen = Screen(size: Size(columns: 160, rows: 3))
        picker.render(into: &screen, frame: PaneFrame(size: screen.size))
        #expect(screen.lines[0] == "Sample event 1/5: Identify")
        #expect(screen.lines[1].contains("at line 4, column 3"))
        picker.next()
        #expect(picker.editError == nil)
    }

    static let environments: [([String: String], String)] = [
        (["VISUAL": "nano -w", "EDITOR": "vim"], "nano -w"), (["EDITOR": "vim"], "vim"),
        (["VISUAL": "  ", "EDITOR": "ed"], "ed"), ([:], "vi"),
    ]

    @Test(arguments: environments)
    func theEditorFollowsTheUnixConvention(environment: [String: String], command: String) {
        #expect(ExternalEditor(environment: environment).command == command)
    }
}

/// Runs real editors: small shell scripts in a temporary directory stand in for a person.
@Suite(.timeLimit(.minutes(2))) struct EditorExternalEditorTests {
    static let now: Int64 = 1_795_860_930

    /// Writes a script and returns a command line that runs it through `sh`. Not executed
    /// directly: while a parallel test forks, the child can still hold the script's write
    /// descriptor, and exec then fails with ETXTBSY (seen in CI as exit status 126).
    private func script(_ body: String) throws -> (command: String, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("editor-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("fake editor.sh")
        try Data(("#!/bin/sh\n" + body + "\n").utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        return ("sh '\(file.path)'", directory)
    }

    @Test func roundTripThroughTheEditorReplacesTheSample() throws {
        // The "person" changes the userId and records which file it was given.
        let (command, directory) = try script(#"sed -i 's/"clevertap-actions-test-user"/"u-9999"/' "$1" && printf '%s' "$1" > "$(dirname "$0")/edited-path""#)
        defer { try? FileManager.default.removeItem(at: directory) }
        var picker = SampleEventPicker(now: Self.now)
        let edited = try ExternalEditor(environment: ["EDITOR": command]).edit(picker.editableText)
        let accepted = picker.acceptEdited(edited)
        #expect(accepted)
        #expect(picker.current.event["userId"] == "u-9999")
        #expect(picker.current.event["traits"] == SampleEvents.identify(now: Self.now)["traits"])
        // The temporary file was private and is gone afterwards.
        let path = try String(contentsOf: directory.appendingPathComponent("edited-path"), encoding: .utf8)
        #expect(path.hasSuffix("sample-event.json"))
        #expect(FileManager.default.fileExists(atPath: path) == false)
    }

    @Test func theTemporaryFileIsPrivate() throws {
        let (command, directory) = try script(#"stat -c %a "$(dirname "$1")" > "$(dirname "$0")/mode""#)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try ExternalEditor(environment: ["EDITOR": command]).edit("{}")
        #expect(text == "{}")
        let mode = try String(contentsOf: directory.appendingPathComponent("mode"), encoding: .utf8)
        #expect(mode.trimmingWhitespace() == "700")
    }

    @Test func aFailingEditorLeavesTheSampleAlone() throws {
        let (command, directory) = try script("echo '{broken' > \"$1\"; exit 3")
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: ExternalEditorError.failed(command: command, status: 3)) {
            try ExternalEditor(environment: ["EDITOR": command]).edit("{}")
        }
    }

    @Test func aMissingEditorIsNamed() {
        let command = "no-such-editor-\(UUID().uuidString)"
        #expect(throws: ExternalEditorError.cannotStart(command: command, reason: "command not found")) {
            try ExternalEditor(environment: ["EDITOR": command]).edit("{}")
        }
    }

    @Test func anEditThatBreaksTheJSONIsReportedWithLineAndColumn() throws {
        let (command, directory) = try script(#"printf '{\n  "type": identify\n}\n' > "$1""#)
        defer { try? FileManager.default.removeItem(at: directory) }
        var picker = SampleEventPicker(now: Self.now)
        let edited = try ExternalEditor(environment: ["EDITOR": command]).edit(picker.editableText)
        let accepted = picker.acceptEdited(edited)
        #expect(accepted == false)
        #expect(picker.editError?.line == 2)
        #expect(picker.editError?.column == 11)
        #expect(picker.current == SampleEvent.builtIn(now: Self.now)[0])
    }
}
