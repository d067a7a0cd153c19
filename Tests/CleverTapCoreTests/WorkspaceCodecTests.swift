import Foundation
import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct WorkspaceCodecTests {
    @Test func fixtureDecodesToTheModel() throws {
        let decoded = try WorkspaceCodec.decode(try JSONParser.parse(WorkspaceFixture.text))
        #expect(decoded == WorkspaceFixture.workspace)
    }

    @Test func roundTripKeepsEverything() throws {
        var workspace = WorkspaceFixture.workspace
        workspace.sources.append(Source(id: "src_srv", name: "Server", type: .server, writeKey: Identifiers.writeKey()))
        workspace.destinations.append(Destination(
            id: "dst_sandbox", name: "Sandbox", sourceID: "src_srv", projectID: "TEST-WR7-899-K67Z",
            passcode: .environment(variable: "CLEVERTAP_PASSCODE"), endpoint: .custom(baseURL: "http://127.0.0.1:8080"),
            setupMode: .customized, enabled: false,
            subscriptions: [Preset.quickSetup[1].makeSubscription(id: "sub_del")]))
        workspace.destinations[1].subscriptions[0].convertTimestamps = false
        let text = WorkspaceCodec.encodedText(workspace)
        let decoded = try WorkspaceCodec.decode(try JSONParser.parse(text))
        #expect(decoded == workspace)
        // Encoding is stable: writing what was read gives the same text.
        #expect(WorkspaceCodec.encodedText(decoded) == text)
        #expect(text.contains(#""passcode": {"#) && text.contains(#""env": "CLEVERTAP_PASSCODE""#))
        #expect(text.contains(#""endpoint": "http://127.0.0.1:8080""#))
        #expect(!text.contains(#""region": "eu1""#))
    }

    @Test func optionalFieldsTakeTheirDefaults() throws {
        let text = """
            {"version": 1, "sources": [{"id": "s", "name": "S", "type": "server", "writeKey": "w"}],
             "destinations": [{"id": "d", "name": "D", "sourceId": "s", "projectId": "844-6k7-984z ",
               "passcode": {"env": "P"}, "region": "eu1",
               "subscriptions": [{"id": "x", "name": "X", "action": "userDelete", "trigger": "event = \\"Delete User\\"", "mapping": {}}]}]}
            """
        let workspace = try WorkspaceCodec.decode(try JSONParser.parse(text))
        let destination = try #require(workspace.destinations.first)
        #expect(destination.enabled)
        #expect(destination.setupMode == .customized)
        #expect(destination.projectID == "844-6K7-984Z")
        #expect(destination.subscriptions[0].enabled)
        #expect(destination.subscriptions[0].convertTimestamps)
        #expect(try WorkspaceCodec.decode(try JSONParser.parse(#"{"version": 1}"#)) == Workspace())
    }

    @Test func shapeProblemsAreReportedTogether() throws {
        let text = """
            {"version": 1, "sources": [{"id": 7, "name": "S", "type": "desktop", "writeKey": "w", "colour": "red"}],
             "destinations": {}}
            """
        #expect(throws: WorkspaceDecodingError.invalid([
            WorkspaceIssue(path: JSONPath([.key("sources"), .index(0), .key("colour")]),
                           message: "unknown key; expected one of id, name, type, writeKey"),
            WorkspaceIssue(path: JSONPath([.key("sources"), .index(0), .key("id")]),
                           message: #"expected a string such as "src_web", got number"#),
            WorkspaceIssue(path: JSONPath([.key("sources"), .index(0), .key("type")]),
                           message: #"unknown value "desktop"; expected one of "javascript", "ios", "android", "server", "http""#),
            WorkspaceIssue(path: JSONPath([.key("destinations")]), message: "expected an array, got object"),
        ])) {
            try WorkspaceCodec.decode(try JSONParser.parse(text))
        }
    }

    /// "got number" for 1.5 or 1e23 told the user nothing; the value itself is shown.
    @Test(arguments: [("1.5", "1.5"), ("99999999999999999999999", "1e+23")])
    func aVersionThatIsNotAWholeNumberIsShown(_ written: String, _ shown: String) {
        #expect(throws: WorkspaceDecodingError.invalid([
            WorkspaceIssue(path: JSONPath.root.key("version"), message: "expected the whole number 1, got \(shown)"),
        ])) {
            try WorkspaceCodec.decode(try JSONParser.parse(#"{"version": \#(written)}"#))
        }
    }

    @Test func newerVersionIsRefusedBeforeItsShapeIsJudged() {
        #expect(throws: WorkspaceDecodingError.newerVersion(found: 2, supported: 1)) {
            try WorkspaceCodec.decode(try JSONParser.parse(#"{"version": 2, "whatever": "new"}"#))
        }
    }

    /// The README's example config is a valid workspace, so the documentation cannot drift.
    @Test func readmeExampleIsValid() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let section = try #require(text.range(of: "## Workspace config"))
        let start = try #require(text.range(of: "```json\n", range: section.upperBound..<text.endIndex))
        let end = try #require(text.range(of: "```", range: start.upperBound..<text.endIndex))
        let workspace = try WorkspaceCodec.decode(try JSONParser.parse(String(text[start.upperBound..<end.lowerBound])))
        #expect(WorkspaceValidator().validate(workspace).isEmpty)
        #expect(workspace.destinations.first?.subscriptions.map(\.trigger) == Preset.quickSetup.map(\.trigger))
        #expect(workspace.destinations.first?.subscriptions.first?.mapping == ActionKind.userUpload.definition.defaultMapping)
    }

    @Test func pathsPrintAsPeopleWriteThem() {
        #expect(JSONPath.root.key("destinations").index(0).key("projectId").description == "destinations[0].projectId")
        #expect(JSONPath.root.key("mapping").key("a b").description == #"mapping["a b"]"#)
        #expect(JSONPath.root.description == "(top level)")
    }
}
