import Foundation
import Testing
@testable import CleverTapCore

/// Issue 15 items 2, 5, 6, 7 and 8, at the level of the core.
@Suite(.timeLimit(.minutes(2))) struct HardeningTests {
    // MARK: 2. Dead letters are written as they occur, and a failed write loses nothing silently

    @Test func aDeadLetterIsOnDiskAsSoonAsItIsWritten() throws {
        let directory = try TemporaryDirectory()
        let writer = DeadLetterWriter(path: directory.file("dead.ndjson"))
        try writer.open()
        try writer.write(DeadLetterEntry(failure: RecordFailure(kind: .malformed, reason: "not JSON"), subscription: nil,
                                         position: InputPosition(source: "events.ndjson", line: 3), event: nil, raw: Array("{x".utf8)))
        // Not buffered until the end: a signal or crash now would still leave the line.
        let text = String(decoding: try directory.bytes("dead.ndjson"), as: UTF8.self)
        #expect(text.hasSuffix("\n") && text.contains(#""line":3"#), "\(text)")
        try writer.close()
    }

    @Test func openingRefusesAFileThatCannotBeCreated() throws {
        let directory = try TemporaryDirectory()
        let writer = DeadLetterWriter(path: directory.file("missing-directory/dead.ndjson"))
        let error = #expect(throws: DeadLetterWriteError.self) { try writer.open() }
        #expect(error?.description.contains("missing-directory/dead.ndjson") == true, "\(String(describing: error))")
    }

    @Test func openingACleanRunsFileLeavesNoFileBehind() throws {
        let directory = try TemporaryDirectory()
        let writer = DeadLetterWriter(path: directory.file("dead.ndjson"))
        try writer.open()
        try writer.close()
        #expect(!FileManager.default.fileExists(atPath: directory.file("dead.ndjson")))
    }

    @Test func aFailedWriteNamesEveryRecordThatHasNoRecordAnywhere() throws {
        let writer = DeadLetterWriter(path: "/dev/full")
        try writer.open()
        for line in 1...3 {
            #expect(throws: DeadLetterWriteError.self) {
                try writer.write(DeadLetterEntry(failure: RecordFailure(kind: .malformed, reason: "bad"), subscription: nil,
                                                 position: InputPosition(source: "events.ndjson", line: line), event: nil, raw: [0x7B]))
            }
        }
        #expect(writer.count == 0)
        #expect(writer.lost.map(\.description) == ["events.ndjson:1", "events.ndjson:2", "events.ndjson:3"])
        _ = try? writer.close()
    }

    @Test func deliveryStopsAndReportsTheLostRecordsWhenDeadLettersCannotBeWritten() async throws {
        let directory = try DeliveryTempDirectory()
        let lines = ["{not json", identifyLine(1), "[1,", identifyLine(2)]
        let input = try directory.write("events.ndjson", lines.joined(separator: "\n") + "\n")
        let (report, _) = try await dryRun(inputs: [input], directory: directory, deadLetter: "/dev/full")
        #expect(report.deadLettered == 0)
        #expect(report.exitStatus != 0)
        #expect(report.lostRecords.map(\.description).first == "\(input):1", "\(report.lostRecords)")
        let text = report.text
        #expect(text.contains("no record anywhere") && text.contains("\(input):1"), "\(text)")
        #expect(!text.contains("dead-lettered: 1 ->") && !text.contains("dead-lettered: 2 ->"), "\(text)")
    }

    // MARK: 5. Saving keeps symlinks and stricter modes

    @Test func savingThroughASymlinkWritesTheLinksTarget() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("real"), withIntermediateDirectories: true)
        try directory.write(WorkspaceCodec.encodedText(Workspace()), to: "real/workspace.json")
        try FileManager.default.createSymbolicLink(atPath: directory.file("workspace.json"), withDestinationPath: "real/workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        try store.save(WorkspaceFixture.workspace)
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: directory.file("workspace.json"))
        #expect(link == "real/workspace.json")
        #expect(try WorkspaceStore(path: directory.file("real/workspace.json")).load() == WorkspaceFixture.workspace)
        // The backup sits beside the file that was replaced.
        #expect(FileManager.default.fileExists(atPath: directory.file("real/workspace.json.bak")))
    }

    @Test func aStricterModeIsKept() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("workspace.json")
        try directory.write(WorkspaceCodec.encodedText(Workspace()), to: "workspace.json")
        chmod(path, 0o400)
        try WorkspaceStore(path: path).save(WorkspaceFixture.workspace)
        #expect(try directory.mode(path) == 0o400)
    }

    // MARK: 6. A trigger past the size limit is refused at the door

    @Test func aHugeTriggerIsRefusedNamingTheLimit() {
        let text = "type = \"" + String(repeating: "a", count: 10_000_000) + "\""
        let error = #expect(throws: TriggerParseError.self) { try Trigger.parse(text) }
        #expect(error?.message.contains("\(Trigger.maximumLength)") == true, "\(String(describing: error?.message.prefix(200)))")
        #expect((error?.description.count ?? 0) < 300)
    }

    @Test func aLinePastTheSizeLimitIsKeptWholeInItsDeadLetter() async throws {
        let directory = try DeliveryTempDirectory()
        let long = #"{"type":"identify","userId":"u","traits":{"blob":""# + String(repeating: "x", count: InputReader.maximumValueBytes * 2) + #""}}"#
        let input = try directory.write("events.ndjson", identifyLine(1) + "\n" + long + "\n" + identifyLine(2) + "\n")
        let deadLetter = directory.path + "/dead.ndjson"
        let (report, _) = try await dryRun(inputs: [input], directory: directory, deadLetter: deadLetter)
        #expect(report.eventsRead == 2)
        #expect(report.deadLettered == 1)
        let line = try JSONParser.parse(try String(contentsOfFile: deadLetter, encoding: .utf8).components(separatedBy: "\n")[0])
        #expect(line["raw"]?.stringValue == long, "the dead letter must keep the whole line")
    }

    // MARK: Fuzzing findings

    /// scripts/fuzz.sh trigger: `contains(properties.price, 1444…2.5)` printed its number as
    /// `1.4444444444444443e+33`, which the trigger language (no exponents) cannot read back.
    @Test(arguments: ["contains(properties.price, 144444444444444444444444444444442.5)",
                      "properties.x = 0.0000001", "properties.x = -123456789012345678901234", "properties.x > 1.5"])
    func aPrintedTriggerParsesBackToTheSameTrigger(_ text: String) throws {
        let trigger = try Trigger.parse(text)
        #expect(!trigger.description.contains("e+") && !trigger.description.contains("e-"), "\(trigger.description)")
        #expect(try Trigger.parse(trigger.description) == trigger, "\(trigger.description)")
    }

    // MARK: 7. `config validate` reports every problem in one run

    @Test func typeErrorsAndRuleErrorsAreReportedTogether() throws {
        let directory = try TemporaryDirectory()
        let text = WorkspaceFixture.text
            .replacingOccurrences(of: #""enabled": true, "convertTimestamps""#, with: #""enabled": "yes", "convertTimestamps""#)
            .replacingOccurrences(of: #""projectId": "844-6K7-984Z""#, with: #""projectId": "844-6K7""#)
            .replacingOccurrences(of: #""trigger": "type = \"identify\"""#, with: #""trigger": "type = ""#)
        try directory.write(text, to: "workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"), validator: .standard)
        let error = #expect(throws: WorkspaceError.self) { try store.load() }
        guard case .invalid(_, let issues)? = error else { Issue.record("unexpected \(String(describing: error))"); return }
        let paths = issues.map(\.path.description)
        #expect(paths.contains("destinations[0].subscriptions[0].enabled"), "\(issues)")
        #expect(paths.contains("destinations[0].projectId"), "\(issues)")
        #expect(paths.contains("destinations[0].subscriptions[0].trigger"), "\(issues)")
    }

    // MARK: 8. Consistency

    @Test(arguments: ["[1,2,]", #"{"a":1,}"#, "[,]", #"{"a":[1,],"b":2}"#])
    func aTrailingCommaIsRefused(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func aTrailingCommaInATopLevelArrayFileIsMalformed() async throws {
        let directory = try DeliveryTempDirectory()
        let input = try directory.write("events.json", "[\n" + identifyLine(1) + ",\n" + identifyLine(2) + ",\n]\n")
        let (report, _) = try await dryRun(inputs: [input], directory: directory)
        #expect(report.eventsRead == 2)
        #expect(report.malformed == 1)
    }

    @Test func aTimeoutDoesNotAdviseAnOptionThatDoesNotExist() {
        #expect(!CleverTapError.timeout(seconds: 30, attempts: 6).description.contains("raise the request timeout"))
    }

    @Test func emptyArraysAreCountedInTheReport() async throws {
        let directory = try DeliveryTempDirectory()
        let input = try directory.write("events.ndjson", [identifyLine(1), "[]", #"{"batch": []}"#, "[]"].joined(separator: "\n") + "\n")
        let (report, _) = try await dryRun(inputs: [input], directory: directory)
        #expect(report.emptyValues == 3)
        #expect(report.text.contains("empty arrays or batches: 3"), "\(report.text)")
        #expect(report.jsonValue["events"]?["empty"] == .int(3))
    }
}
