import CleverTapCore
import Foundation
import Testing

/// Runs the built binary's `map` and `eval-mapping` on real files and pipes, with a workspace
/// made by `setup --non-interactive --quick` in a private directory.
@Suite(.serialized) final class MapCommandTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path
    static let sampleEvents = packageRoot.appendingPathComponent("Tests/Fixtures/sample-events.ndjson").path

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) }
    }

    let directory: String
    var config: String { directory + "/workspace.json" }

    init() throws {
        directory = NSTemporaryDirectory() + "/clevertap-map-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    /// Runs the binary; `stdin` is written from a file so large inputs cannot dead-lock a pipe.
    func run(_ arguments: [String], stdin: String = "") throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": directory, "LANG": "C.UTF-8"]
        let paths = ["in", "out", "err"].map { directory + "/.\($0)-\(UUID().uuidString)" }
        FileManager.default.createFile(atPath: paths[0], contents: Data(stdin.utf8))
        FileManager.default.createFile(atPath: paths[1], contents: nil)
        FileManager.default.createFile(atPath: paths[2], contents: nil)
        defer { for path in paths { try? FileManager.default.removeItem(atPath: path) } }
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: paths[0]))
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: paths[1]))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: paths[2]))
        try process.run()
        process.waitUntilExit()
        return Run(status: process.terminationStatus,
                   stdout: try String(contentsOfFile: paths[1], encoding: .utf8),
                   stderr: try String(contentsOfFile: paths[2], encoding: .utf8))
    }

    func quickSetup() throws {
        let setup = try run(["setup", "--non-interactive", "--config", config, "--source-name", "Website",
                             "--project-id", "W9R-486-4W5Z", "--passcode-env", "CT_PASSCODE", "--region", "eu1", "--quick"])
        try #require(setup.status == 0, "setup failed: \(setup.stderr)")
    }

    /// Rewrites the first subscription of the first destination in the saved workspace.
    func editFirstSubscription(_ change: (inout JSONObject) -> Void) throws {
        var root = try #require(try JSONParser.parse(String(contentsOfFile: config, encoding: .utf8)).objectValue)
        var destinations = try #require(root["destinations"]?.arrayValue)
        var destination = try #require(destinations[0].objectValue)
        var subscriptions = try #require(destination["subscriptions"]?.arrayValue)
        var first = try #require(subscriptions[0].objectValue)
        change(&first)
        subscriptions[0] = .object(first)
        destination["subscriptions"] = .array(subscriptions)
        destinations[0] = .object(destination)
        root["destinations"] = .array(destinations)
        try JSONValue.object(root).prettyDescription.write(toFile: config, atomically: true, encoding: .utf8)
    }

    @Test func mapsTheSampleEventsWithQuickSetup() throws {
        try quickSetup()
        let result = try run(["map", "--config", config, Self.sampleEvents])
        #expect(result.status == 1, "line 3 has no userId, so one failure line and exit 1")
        #expect(result.lines.count == 7)
        #expect(result.lines.first == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"u-1001","ts":1795860930,"profileData":{"name":"Jack Montana","email":"jack@example.com","phone":"+14155551234","gender":"male","birthday":639878400,"createdAt":1704164645,"plan":"pro","logins":42,"newsletter":true}}}"#)
        #expect(result.lines[2] == #"{"subscription":"User Upload","line":3,"error":"Identity (identity) is required but the mapping gave no value: map it to a field the event has (e.g. $.userId)"}"#)
        #expect(result.lines[4] == #"{"subscription":"User Delete","action":"userDelete","record":{"identity":"u-1002"}}"#)
        #expect(result.lines[5].hasSuffix(#","warnings":["ts \"not a date\" is not a Unix time or an ISO-8601 date-time: left out, so CleverTap uses the upload time"]}"#))
        // Standard input gives the same output.
        let piped = try run(["map", "--config", config, "-"], stdin: try String(contentsOfFile: Self.sampleEvents, encoding: .utf8))
        #expect(piped.stdout == result.stdout)
    }

    @Test func badLinesAreReportedAndTheRunGoesOn() throws {
        try quickSetup()
        let input = "{\"type\":\"identify\",\"userId\":\"a\"}\r\n\n[1,2]\n{\"type\":\n   \n{\"type\":\"track\",\"event\":\"Delete User\",\"userId\":7}"
        let result = try run(["map", "--config", config], stdin: input)
        #expect(result.status == 1)
        #expect(result.lines == [
            #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"a","profileData":{}}}"#,
            #"{"line":3,"error":"an event must be a JSON object, got an array"}"#,
            #"{"line":4,"error":"invalid JSON: unexpected end of input, expected a value at column 9"}"#,
            #"{"subscription":"User Delete","action":"userDelete","record":{"identity":"7"}}"#,
        ])
    }

    @Test func cleanInputExitsZero() throws {
        try quickSetup()
        let result = try run(["map", "--config", config], stdin: #"{"type":"identify","userId":"u","traits":{"a":{"b":"2019-02-01"}}}"# + "\n")
        #expect(result.status == 0)
        #expect(result.stdout == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"u","profileData":{"a.b":1548979200}}}"# + "\n")
        let stringified = try run(["map", "--config", config, "--nested-objects", "stringify"],
                                  stdin: #"{"type":"identify","userId":"u","traits":{"a":{"b":1}}}"#)
        #expect(stringified.stdout == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"u","profileData":{"a":"{\"b\":1}"}}}"# + "\n")
    }

    @Test func streamsLargeInputAcrossChunkBoundaries() throws {
        try quickSetup()
        // 40,000 events (about 3 MB, several read chunks) plus one 1.5 MB line that is larger
        // than a read chunk.
        var input = ""
        for i in 0..<40_000 {
            input += i % 10 == 9
                ? "{\"type\":\"track\",\"event\":\"Delete User\",\"userId\":\"user-\(i)\"}\n"
                : "{\"type\":\"identify\",\"userId\":\"user-\(i)\",\"timestamp\":\"2006-01-02T18:04:07Z\",\"traits\":{\"n\":\(i),\"pad\":\"\(String(repeating: "x", count: 20))\"}}\n"
        }
        let big = String(repeating: "y", count: 1_500_000)
        input += "{\"type\":\"identify\",\"userId\":\"big\",\"traits\":{\"blob\":\"\(big)\"}}\n"
        let file = directory + "/events.ndjson"
        try input.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try run(["map", "--config", config, file])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.lines
        #expect(lines.count == 40_001)
        #expect(lines.filter { $0.contains(#""action":"userDelete""#) }.count == 4_000)
        #expect(lines[0] == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"user-0","ts":1136225047,"profileData":{"n":0,"pad":"xxxxxxxxxxxxxxxxxxxx"}}}"#)
        #expect(lines[39_999] == #"{"subscription":"User Delete","action":"userDelete","record":{"identity":"user-39999"}}"#)
        #expect(lines[40_000] == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"big","profileData":{"blob":""# + big + #""}}}"#)
    }

    @Test func brokenSubscriptionStopsBeforeReading() throws {
        try quickSetup()
        try editFirstSubscription { subscription in
            subscription["mapping"] = ["identity": ["@path": "$.userId"], "profileData": ["Email": ["@path": 5]]]
        }
        let result = try run(["map", "--config", config], stdin: #"{"type":"identify","userId":"u"}"#)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        // The workspace check reports it on load, with the JSON path `config validate` prints.
        #expect(result.stderr.contains(#"destinations[0].subscriptions[0].mapping.profileData.Email: @path expects a string path (like "$.traits.email") or a directive, got a number"#))
    }

    @Test func disabledSubscriptionIsSkippedAndTriggersAreSegments() throws {
        try quickSetup()
        try editFirstSubscription { subscription in
            subscription["trigger"] = #"type = "identify" and traits.plan = "pro""#
        }
        let result = try run(["map", "--config", config], stdin: """
            {"type":"identify","userId":"free","traits":{"plan":"free"}}
            {"type":"identify","userId":"pro","traits":{"plan":"pro"}}
            """)
        #expect(result.status == 0)
        #expect(result.lines == [#"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"pro","profileData":{"plan":"pro"}}}"#])
        try editFirstSubscription { subscription in subscription["enabled"] = false }
        let disabled = try run(["map", "--config", config], stdin: #"{"type":"identify","userId":"pro","traits":{"plan":"pro"}}"#)
        #expect(disabled.status == 0)
        #expect(disabled.stdout.isEmpty)
    }

    @Test func usageProblemsExitTwo() throws {
        let missing = try run(["map", "--config", directory + "/none.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no workspace there yet"))
        try quickSetup()
        let unknown = try run(["map", "--config", config, "--destination", "Nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains(#"no destination named "Nope"; the workspace has "CleverTap (Actions)""#))
        let noFile = try run(["map", "--config", config, directory + "/absent.ndjson"])
        #expect(noFile.status == 2)
        #expect(noFile.stderr.contains("absent.ndjson failed: No such file or directory"))
    }

    @Test func evalMappingAnswersEachLine() throws {
        let input = """
            {"mapping":{"Email":{"@case":{"operator":"lower","value":{"@path":"$.traits.email"}}}},"event":{"traits":{"email":"A@B.C"}}}
            {"mapping":{"@path":"$.nope"},"event":{}}
            {"mapping":{"x":{"@liquid":"{{a}}"}}}
            {"mapping":{"x":{"@path":"$.a"}}}
            not json
            {"mapping":{"x":1},"event":[1]}
            """
        let result = try run(["eval-mapping"], stdin: input)
        #expect(result.status == 1)
        #expect(result.lines == [
            #"{"output":{"Email":"a@b.c"}}"#,
            #"{"absent":true}"#,
            #"{"error":"x: @liquid is not supported yet; use @template or @path"}"#,
            #"{"valid":true}"#,
            #"{"error":"line 5: invalid JSON: invalid literal, expected null at column 1"}"#,
            #"{"error":"the event must be a JSON object, got array"}"#,
        ])
        let clean = try run(["eval-mapping", "-"], stdin: #"{"mapping":{"@template":"{{a}}!"},"event":{"a":1}}"#)
        #expect(clean.status == 0)
        #expect(clean.stdout == #"{"output":"1!"}"# + "\n")
    }
}
