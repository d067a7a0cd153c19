import CleverTapCore
import Foundation
import Testing

/// Runs the built binary's `map` and `eval-mapping` on real files and pipes, with a workspace
/// made by `setup --non-interactive --quick` in a private directory.
@Suite(.serialized, .timeLimit(.minutes(5))) final class MapCommandTests {
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
    func run(_ arguments: [String], stdin: String = "") async throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        let run = try await ChildProcess.run(Self.binary, arguments,
                                             environment: ["PATH": "/usr/bin:/bin", "HOME": directory, "LANG": "C.UTF-8"], stdin: stdin)
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    func quickSetup() async throws {
        let setup = try await run(["setup", "--non-interactive", "--config", config, "--source-name", "Website",
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

    @Test func mapsTheSampleEventsWithQuickSetup() async throws {
        try await quickSetup()
        let result = try await run(["map", "--config", config, Self.sampleEvents])
        #expect(result.status == 1, "line 3 has no userId, so one failure line and exit 1")
        #expect(result.lines.count == 7)
        #expect(result.lines.first == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"u-1001","ts":1795860930,"profileData":{"name":"Jack Montana","email":"jack@example.com","phone":"+14155551234","gender":"male","birthday":639878400,"createdAt":1704164645,"plan":"pro","logins":42,"newsletter":true}}}"#)
        #expect(result.lines[2] == #"{"subscription":"User Upload","line":3,"error":"Identity (identity) is required but the mapping gave no value: map it to a field the event has (e.g. $.userId)"}"#)
        #expect(result.lines[4] == #"{"subscription":"User Delete","action":"userDelete","record":{"identity":"u-1002"}}"#)
        #expect(result.lines[5].hasSuffix(#","warnings":["ts \"not a date\" is not a Unix time or an ISO-8601 date-time: left out, so CleverTap uses the upload time"]}"#))
        // Standard input gives the same output.
        let piped = try await run(["map", "--config", config, "-"], stdin: try String(contentsOfFile: Self.sampleEvents, encoding: .utf8))
        #expect(piped.stdout == result.stdout)
    }

    @Test func badLinesAreReportedAndTheRunGoesOn() async throws {
        try await quickSetup()
        let input = "{\"type\":\"identify\",\"userId\":\"a\"}\r\n\n[1,2]\n{\"type\":\n   \n{\"type\":\"track\",\"event\":\"Delete User\",\"userId\":7}"
        let result = try await run(["map", "--config", config], stdin: input)
        #expect(result.status == 1)
        #expect(result.lines == [
            #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"a","profileData":{}}}"#,
            #"{"line":3,"error":"an event must be a JSON object, got an array"}"#,
            #"{"line":4,"error":"invalid JSON: unexpected end of input, expected a value at column 9"}"#,
            #"{"subscription":"User Delete","action":"userDelete","record":{"identity":"7"}}"#,
        ])
    }

    /// A batch envelope on a line is opened into its events (it once printed nothing at all); its
    /// `context` fills in events without one, and a non-object item is reported with its index.
    @Test func aBatchEnvelopeLineIsOpenedIntoItsEvents() async throws {
        try await quickSetup()
        let input = #"{"batch":[{"type":"identify","userId":"b1"},7,{"type":"track","event":"Delete User","userId":"b2"}],"context":{"ip":"1.2.3.4"}}"# + "\n"
        let result = try await run(["map", "--config", config], stdin: input)
        #expect(result.status == 1)
        #expect(result.lines == [
            #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"b1","profileData":{}}}"#,
            #"{"line":1,"error":"batch item 1: expected an event object in \"batch\", found a number"}"#,
            #"{"subscription":"User Delete","action":"userDelete","record":{"identity":"b2"}}"#,
        ])
    }

    /// The shapes `deliver` reads besides NDJSON: a top-level array (element by element, a bad
    /// element named by its index) and a pretty-printed batch envelope; from a file and a pipe.
    @Test(arguments: [true, false])
    func aJSONArrayAndAPrettyPrintedEnvelopeAreReadAsDeliverReadsThem(fromFile: Bool) async throws {
        try await quickSetup()
        let array = """
            [
              {"type": "identify", "userId": "a1"},
              "not an event",
              {"type": "track", "event": "Delete User", "userId": "a2"}
            ]

            """
        let envelope = """
            {
              "batch": [
                {"type": "identify", "userId": "e1"}
              ]
            }

            """
        for (text, expected) in [
            (array, [
                #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"a1","profileData":{}}}"#,
                #"{"line":3,"element":1,"error":"expected an event object, found a string"}"#,
                #"{"subscription":"User Delete","action":"userDelete","record":{"identity":"a2"}}"#,
            ]),
            (envelope, [#"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"e1","profileData":{}}}"#]),
        ] {
            let result: Run
            if fromFile {
                let path = directory + "/events-\(UUID().uuidString).json"
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                result = try await run(["map", "--config", config, path])
            } else {
                result = try await run(["map", "--config", config], stdin: text)
            }
            #expect(result.lines == expected, "\(result.stderr)")
            #expect(result.status == (expected.count == 3 ? 1 : 0))
        }
    }

    @Test func cleanInputExitsZero() async throws {
        try await quickSetup()
        let result = try await run(["map", "--config", config], stdin: #"{"type":"identify","userId":"u","traits":{"a":{"b":"2019-02-01"}}}"# + "\n")
        #expect(result.status == 0)
        #expect(result.stdout == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"u","profileData":{"a.b":1548979200}}}"# + "\n")
        let stringified = try await run(["map", "--config", config, "--nested-objects", "stringify"],
                                  stdin: #"{"type":"identify","userId":"u","traits":{"a":{"b":1}}}"#)
        #expect(stringified.stdout == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"u","profileData":{"a":"{\"b\":1}"}}}"# + "\n")
    }

    @Test func streamsLargeInputAcrossChunkBoundaries() async throws {
        try await quickSetup()
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
        let result = try await run(["map", "--config", config, file])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.lines
        #expect(lines.count == 40_001)
        #expect(lines.filter { $0.contains(#""action":"userDelete""#) }.count == 4_000)
        #expect(lines[0] == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"user-0","ts":1136225047,"profileData":{"n":0,"pad":"xxxxxxxxxxxxxxxxxxxx"}}}"#)
        #expect(lines[39_999] == #"{"subscription":"User Delete","action":"userDelete","record":{"identity":"user-39999"}}"#)
        #expect(lines[40_000] == #"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"big","profileData":{"blob":""# + big + #""}}}"#)
    }

    @Test func brokenSubscriptionStopsBeforeReading() async throws {
        try await quickSetup()
        try editFirstSubscription { subscription in
            subscription["mapping"] = ["identity": ["@path": "$.userId"], "profileData": ["Email": ["@path": 5]]]
        }
        let result = try await run(["map", "--config", config], stdin: #"{"type":"identify","userId":"u"}"#)
        #expect(result.status == 1, "an invalid workspace is invalid input, not usage")
        #expect(result.stdout.isEmpty)
        // The workspace check reports it on load, with the JSON path `config validate` prints.
        #expect(result.stderr.contains(#"destinations[0].subscriptions[0].mapping.profileData.Email: @path expects a string path (like "$.traits.email") or a directive, got a number"#))
    }

    @Test func disabledSubscriptionIsSkippedAndTriggersAreSegments() async throws {
        try await quickSetup()
        try editFirstSubscription { subscription in
            subscription["trigger"] = #"type = "identify" and traits.plan = "pro""#
        }
        let result = try await run(["map", "--config", config], stdin: """
            {"type":"identify","userId":"free","traits":{"plan":"free"}}
            {"type":"identify","userId":"pro","traits":{"plan":"pro"}}
            """)
        #expect(result.status == 0)
        #expect(result.lines == [#"{"subscription":"User Upload","action":"userUpload","record":{"type":"profile","identity":"pro","profileData":{"plan":"pro"}}}"#])
        try editFirstSubscription { subscription in subscription["enabled"] = false }
        let disabled = try await run(["map", "--config", config], stdin: #"{"type":"identify","userId":"pro","traits":{"plan":"pro"}}"#)
        #expect(disabled.status == 0)
        #expect(disabled.stdout.isEmpty)
    }

    /// One rule for every verb: what cannot be read or is invalid exits 1, naming the file and
    /// why; only usage exits 2.
    @Test func unreadableOrInvalidInputExitsOneAndSaysWhy() async throws {
        let missing = try await run(["map", "--config", directory + "/none.json"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no workspace there yet"))
        try "{\"version\": 1,".write(toFile: directory + "/malformed.json", atomically: true, encoding: .utf8)
        let malformed = try await run(["map", "--config", directory + "/malformed.json"])
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains(directory + "/malformed.json"))
        try await quickSetup()
        let unknown = try await run(["map", "--config", config, "--destination", "Nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains(#"no destination named "Nope"; the workspace has "CleverTap (Actions)""#))
        for verb in [["map", "--config", config], ["eval-mapping"]] {
            let noFile = try await run(verb + [directory + "/absent.ndjson"])
            #expect(noFile.status == 1)
            #expect(noFile.stderr.contains("cannot read \(directory)/absent.ndjson: it does not exist"), "\(noFile.stderr)")
            let folder = try await run(verb + [directory])
            #expect(folder.status == 1)
            #expect(folder.stderr.contains("cannot read \(directory): it is a directory, not a file"), "\(folder.stderr)")
            #expect(folder.stdout.isEmpty)
        }
    }

    @Test func severalDestinationsWithoutChoosingIsUsage() async throws {
        try await quickSetup()
        let second = try await run(["setup", "--non-interactive", "--config", config, "--source-name", "Website",
                              "--destination-name", "Second", "--project-id", "W9R-486-4W6Z", "--passcode-env", "CT_PASSCODE",
                              "--region", "eu1", "--quick"])
        try #require(second.status == 0, "setup failed: \(second.stderr)")
        let ambiguous = try await run(["map", "--config", config], stdin: #"{"type":"identify","userId":"u"}"#)
        #expect(ambiguous.status == 2)
        #expect(ambiguous.stderr.contains("choose one with --destination NAME"))
        let chosen = try await run(["map", "--config", config, "--destination", "Second"], stdin: #"{"type":"identify","userId":"u"}"#)
        #expect(chosen.status == 0, "\(chosen.stderr)")
    }

    @Test func helpNamesOptionValuesLikeTheOtherVerbs() async throws {
        let help = try await run(["map", "--help"])
        #expect(help.stdout.contains("--destination <name>"))
        #expect(help.stdout.contains("--nested-objects <policy>"))
    }

    /// Typed at a terminal with no file named, both verbs say what they want instead of
    /// waiting silently; `-` reads the terminal on purpose.
    @Test(arguments: ["map", "eval-mapping"])
    func noInputOnATerminalIsUsage(verb: String) async throws {
        let noFile = try WizardTmux(arguments: [verb])
        let screen = try await noFile.waitFor("EXIT:")
        #expect(screen.contains("EXIT:2"))
        #expect(screen.contains("no input: name a file, or pipe lines into standard input"))
        guard verb == "eval-mapping" else { return }
        let typed = try WizardTmux(arguments: [verb, "-"])
        try typed.type(#"{"mapping":{"@path":"$.a"},"event":{"a":7}}"#)
        try typed.keys("Enter")
        try await typed.waitFor(#"{"output":7}"#)
        try typed.keys("C-d")
        #expect(try await typed.waitFor("EXIT:").contains("EXIT:0"))
    }

    @Test func evalMappingAnswersEachLine() async throws {
        let input = """
            {"mapping":{"Email":{"@case":{"operator":"lower","value":{"@path":"$.traits.email"}}}},"event":{"traits":{"email":"A@B.C"}}}
            {"mapping":{"@path":"$.nope"},"event":{}}
            {"mapping":{"x":{"@liquid":"{{a"}}}
            {"mapping":{"x":{"@path":"$.a"}}}
            not json
            {"mapping":{"x":1},"event":[1]}
            """
        let result = try await run(["eval-mapping"], stdin: input)
        #expect(result.status == 1)
        #expect(result.lines == [
            #"{"output":{"Email":"a@b.c"}}"#,
            #"{"absent":true}"#,
            #"{"error":"x: @liquid: output \"{{a\" not closed, line:1, col:1"}"#,
            #"{"valid":true}"#,
            #"{"error":"line 5: invalid JSON: invalid literal, expected null at column 1"}"#,
            // A malformed request names its line, as in eval-trigger: blank lines get no answer,
            // so answers and input lines need not pair up by position.
            #"{"error":"line 6: \"event\" must be a JSON object, got an array"}"#,
        ])
        let clean = try await run(["eval-mapping", "-"], stdin: #"{"mapping":{"@template":"{{a}}!"},"event":{"a":1}}"#)
        #expect(clean.status == 0)
        #expect(clean.stdout == #"{"output":"1!"}"# + "\n")
    }
}
