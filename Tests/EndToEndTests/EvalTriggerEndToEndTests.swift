import Foundation
import Testing

/// Runs the built `clevertap-actions eval-trigger` on real files and real standard input.
@Suite(.serialized) struct EvalTriggerEndToEndTests {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions")

    struct Run {
        var status: Int32
        var stdout: [String]
        var stderr: String
    }

    func run(_ arguments: [String], stdin: String? = nil) throws -> Run {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the package first: \(Self.binary.path)")
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return Run(status: process.terminationStatus, stdout: lines.last == "" ? Array(lines.dropLast()) : lines,
                   stderr: String(decoding: err, as: UTF8.self))
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

    @Test func answersEachLineOfAFileInOrder() throws {
        let file = try temporaryFile(Self.requests)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try run(["eval-trigger", file.path])
        #expect(result.stdout == [
            #"{"match":true}"#,
            #"{"match":false}"#,
            #"{"match":true,"warnings":["mixes and/or without parentheses: evaluated as event = \"a\" or type = \"track\" or type = \"page\" (Segment joins a whole level by its last keyword; add parentheses to group)"]}"#,
            #"{"valid":true}"#,
            #"{"error":"expected a value after '>': a \"string\", a number, true, false or null, found the end of the trigger (at character 19)"}"#,
            #"{"error":"line 6: invalid JSON: invalid literal, expected true at byte 0"}"#,
            #"{"match":true}"#,
            #"{"match":false}"#,
        ])
        // A malformed line does not stop processing, but the run reports it.
        #expect(result.status == 1)
    }

    @Test func readsStandardInputAndExitsZeroWhenEveryLineIsARequest() throws {
        let input = #"{"trigger": "type = \"track\"", "event": {"type": "track"}}"# + "\n" + #"{"trigger": "type ="}"#
        for arguments in [["eval-trigger"], ["eval-trigger", "-"]] {
            let result = try run(arguments, stdin: input)
            #expect(result.stdout == [
                #"{"match":true}"#,
                #"{"error":"expected a value after '=': a \"string\", a number, true, false or null, found the end of the trigger (at character 7)"}"#,
            ])
            #expect(result.status == 0)
        }
    }

    @Test func missingFileIsAClearError() throws {
        let result = try run(["eval-trigger", "/nonexistent/requests.ndjson"])
        #expect(result.status != 0)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("cannot open /nonexistent/requests.ndjson"))
    }
}
