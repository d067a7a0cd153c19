import Foundation
import Testing

/// Runs the built `clevertap-actions eval-trigger` on real files and real standard input.
@Suite(.serialized, .timeLimit(.minutes(5))) struct EvalTriggerEndToEndTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions")

    struct Run {
        var status: Int32
        var stdout: [String]
        var stderr: String
    }

    func run(_ arguments: [String], stdin: String? = nil) async throws -> Run {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the package first: \(Self.binary.path)")
        let run = try await ChildProcess.run(Self.binary.path, arguments, stdin: stdin ?? "")
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Run(status: run.status, stdout: lines.last == "" ? Array(lines.dropLast()) : lines, stderr: run.stderr)
    }

    func temporaryFile(_ contents: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("eval-trigger-\(UUID().uuidString).ndjson")
        try Data(contents.utf8).write(to: url)
        return url
    }

    static let requests = #"""
        {"trigger": "type = \"identify\" and traits.logins > 10", "event": {"type": "identify", "traits": {"logins": 42}}}
        {"trigger": "type = \"identify\" and traits.logins > 10", "event": {"type": "identify", "traits": {"logins": "42"}}}
        {"trigger": "event = \"a\" and type = \"track\" or type = \"page\"", "event": {"type": "page"}}
        {"trigger": "match(event, \"Order*\")"}
        {"trigger": "properties.total >"}
        this is not json

        {"trigger": "contains(properties.name, \"Nike\")", "event": {"properties": {"name": "Nike Air"}}}\#r
        {"trigger": "userId != null", "event": {"userId": null}}
        """#

    /// A missing file was a usage error (exit 2, the root command's usage line) and a directory
    /// printed "NSCocoaErrorDomain Code=256"; both are failed operations with the reason, in the
    /// words every verb that reads events uses (one reader, one error type).
    @Test func aFileThatCannotBeReadIsNamedWithTheReason() async throws {
        let missing = try await run(["eval-trigger", "/nonexistent/requests.ndjson"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "clevertap-actions: cannot read /nonexistent/requests.ndjson: it does not exist\n")
        #expect(missing.stdout.isEmpty)
        let directory = FileManager.default.temporaryDirectory.path
        let notAFile = try await run(["eval-trigger", directory])
        #expect(notAFile.status == 1)
        #expect(notAFile.stderr == "clevertap-actions: cannot read \(directory): it is a directory, not a file\n")
    }

    @Test func answersEachLineOfAFileInOrder() async throws {
        let file = try temporaryFile(Self.requests)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await run(["eval-trigger", file.path])
        #expect(result.stdout == [
            #"{"match":true}"#,
            #"{"match":false}"#,
            #"{"match":true,"warnings":["mixes and/or without parentheses: evaluated as event = \"a\" or type = \"track\" or type = \"page\" (Segment joins a whole level by its last keyword; add parentheses to group)"]}"#,
            #"{"valid":true}"#,
            #"{"error":"expected a value after '>': a \"string\", a number, true, false or null, found the end of the trigger (at character 19)"}"#,
            #"{"error":"line 6: invalid JSON: invalid literal, expected true at column 1"}"#,
            #"{"match":true}"#,
            #"{"match":false}"#,
        ])
        // A malformed line does not stop processing, but the run reports it.
        #expect(result.status == 1)
    }

    /// An invalid trigger is an error answer, so the run exits 1, as `eval-mapping` does for an
    /// invalid mapping (it used to exit 0); all-valid input exits 0.
    @Test func readsStandardInputAndExitsOneWhenATriggerIsInvalid() async throws {
        let input = #"{"trigger": "type = \"track\"", "event": {"type": "track"}}"# + "\n" + #"{"trigger": "type ="}"#
        for arguments in [["eval-trigger"], ["eval-trigger", "-"]] {
            let result = try await run(arguments, stdin: input)
            #expect(result.stdout == [
                #"{"match":true}"#,
                #"{"error":"expected a value after '=': a \"string\", a number, true, false or null, found the end of the trigger (at character 7)"}"#,
            ])
            #expect(result.status == 1)
        }
        let valid = try await run(["eval-trigger"], stdin: #"{"trigger": "type = \"track\"", "event": {"type": "track"}}"#)
        #expect(valid.stdout == [#"{"match":true}"#])
        #expect(valid.status == 0)
    }
}
