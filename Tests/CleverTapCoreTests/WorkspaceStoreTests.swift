import Foundation
import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct WorkspaceStoreTests {
    @Test func missingFileLoadsEmptyUnlessRequired() throws {
        let directory = try TemporaryDirectory()
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        #expect(try store.load() == Workspace())
        #expect(try store.loadIfPresent() == nil)
        #expect(throws: WorkspaceError.missing(path: store.path)) { try store.load(required: true) }
        #expect(WorkspaceError.missing(path: "/x/workspace.json").description
            == "/x/workspace.json: no workspace there yet; create one with `clevertap-actions setup`")
    }

    @Test func saveCreatesPrivateDirectoryAndFileAndLoadsBack() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("config/clevertap-actions/workspace.json")
        let store = WorkspaceStore(path: path)
        try store.save(WorkspaceFixture.workspace)
        #expect(try store.load() == WorkspaceFixture.workspace)
        #expect(try directory.mode(path) == 0o600)
        #expect(try directory.mode(directory.file("config/clevertap-actions")) == 0o700)
        #expect(try directory.mode(directory.file("config")) == 0o700)
        // No backup on the first save, and no temporary files left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.file("config/clevertap-actions")) == ["workspace.json"])
    }

    @Test func existingDirectoriesKeepTheirMode() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("shared"), withIntermediateDirectories: false,
                                                attributes: [.posixPermissions: 0o755])
        try WorkspaceStore(path: directory.file("shared/ws.json")).save(Workspace())
        #expect(try directory.mode(directory.file("shared")) == 0o755)
        #expect(try directory.mode(directory.file("shared/ws.json")) == 0o600)
    }

    @Test func saveKeepsThePreviousVersionAsBak() throws {
        let directory = try TemporaryDirectory()
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        try store.save(WorkspaceFixture.workspace)
        let first = try directory.bytes("workspace.json")
        var changed = WorkspaceFixture.workspace
        changed.destinations[0].enabled = false
        try store.save(changed)
        #expect(try directory.bytes("workspace.json.bak") == first)
        #expect(try directory.mode("workspace.json.bak") == 0o600)
        #expect(try store.load() == changed)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == ["workspace.json", "workspace.json.bak"])
    }

    @Test func widerModeOfAHandWrittenFileIsNotInherited() throws {
        let directory = try TemporaryDirectory()
        try directory.write(WorkspaceFixture.text, to: "workspace.json")
        _ = chmod(directory.file("workspace.json"), 0o644)
        try WorkspaceStore(path: directory.file("workspace.json")).save(WorkspaceFixture.workspace)
        #expect(try directory.mode("workspace.json") == 0o600)
        #expect(try directory.mode("workspace.json.bak") == 0o600)
    }

    /// A real failure of a real step: the backup cannot be written because a directory is in its
    /// way. (Permissions cannot make writes fail here: the tests may run as root. The end-to-end
    /// suite also makes the write itself fail, with a file size limit.)
    @Test func failedSaveLeavesTheOldFileByteForByte() throws {
        let directory = try TemporaryDirectory()
        try directory.write(WorkspaceFixture.text, to: "workspace.json")
        let before = try directory.bytes("workspace.json")
        try FileManager.default.createDirectory(atPath: directory.file("workspace.json.bak/occupied"), withIntermediateDirectories: true)
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        var changed = WorkspaceFixture.workspace
        changed.destinations[0].name = "Renamed"
        do {
            try store.save(changed)
            Issue.record("save succeeded although the backup could not be written")
        } catch {
            guard case .saveFailed(let path, let step, let reason) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == store.path)
            #expect(step.contains("keeping the previous version as \(store.backupPath)"))
            #expect(!reason.isEmpty)
            #expect(error.description.hasSuffix("the previous file is unchanged"))
        }
        #expect(try directory.bytes("workspace.json") == before)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == ["workspace.json", "workspace.json.bak"])
    }

    @Test func updateSavesTheChangeOrNothing() throws {
        let directory = try TemporaryDirectory()
        let store = WorkspaceStore(path: directory.file("ws/workspace.json"))
        let count = try store.update { workspace in
            workspace = WorkspaceFixture.workspace
            return workspace.destinations.count
        }
        #expect(count == 1)
        #expect(try store.load() == WorkspaceFixture.workspace)
        let before = try directory.bytes("ws/workspace.json")
        struct Abandoned: Error {}
        #expect(throws: Abandoned.self) {
            try store.update { workspace in
                workspace.destinations.removeAll()
                throw Abandoned()
            }
        }
        #expect(try directory.bytes("ws/workspace.json") == before)
        #expect(try directory.mode("ws/workspace.json.lock") == 0o600)
    }

    @Test func invalidWorkspaceIsNotSaved() throws {
        let directory = try TemporaryDirectory()
        try directory.write(WorkspaceFixture.text, to: "workspace.json")
        let before = try directory.bytes("workspace.json")
        var broken = WorkspaceFixture.workspace
        broken.destinations[0].projectID = "nope"
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        #expect(throws: WorkspaceError.invalid(path: store.path, issues: [
            WorkspaceIssue(path: JSONPath([.key("destinations"), .index(0), .key("projectId")]),
                           message: #"expected XXX-XXX-XXXX (letters and digits, e.g. 844-6K7-984Z), got "nope""#),
        ])) { try store.save(broken) }
        #expect(try directory.bytes("workspace.json") == before)
    }

    @Test func newerVersionIsRefusedAndNeverRewritten() throws {
        let directory = try TemporaryDirectory()
        let text = #"{"version": 2, "sources": [], "destinations": [], "futureThing": true}"#
        try directory.write(text, to: "workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        #expect(throws: WorkspaceError.newerVersion(path: store.path, found: 2, supported: 1)) { try store.load() }
        #expect(throws: WorkspaceError.newerVersion(path: store.path, found: 2, supported: 1)) { try store.save(Workspace()) }
        #expect(try directory.bytes("workspace.json") == Array(text.utf8))
        #expect(!FileManager.default.fileExists(atPath: store.backupPath))
        #expect(WorkspaceError.newerVersion(path: "w.json", found: 2, supported: 1).description
            == "w.json: workspace version 2 was written by a newer clevertap-actions (this one understands version 1); upgrade the tool. The file was left unchanged.")
    }

    @Test func malformedJSONNamesFileLineAndColumn() throws {
        let directory = try TemporaryDirectory()
        try directory.write("{\n  \"version\": 1,\n  \"sources\": [}\n", to: "workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        #expect(throws: WorkspaceError.malformedJSON(path: store.path, line: 3, column: 15, message: "unexpected character '}', expected a value")) {
            try store.load()
        }
        #expect(WorkspaceError.malformedJSON(path: "w.json", line: 3, column: 15, message: "unexpected character '}', expected a value").description
            == "w.json:3:15: malformed JSON: unexpected character '}', expected a value")
    }

    /// Notepad-style files start with a UTF-8 byte order mark; it used to read as
    /// "1:1: unexpected character '\u{ef}'". Positions after it are counted without it.
    @Test func aByteOrderMarkIsIgnored() throws {
        let directory = try TemporaryDirectory()
        try directory.write("\u{FEFF}" + WorkspaceFixture.text, to: "workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        #expect(try store.load().destinations.map(\.name) == ["CleverTap (Actions)"])
        try directory.write("\u{FEFF}{\"version\": }", to: "broken.json")
        let broken = WorkspaceStore(path: directory.file("broken.json"))
        #expect(throws: WorkspaceError.malformedJSON(path: broken.path, line: 1, column: 13, message: "unexpected character '}', expected a value")) {
            try broken.load()
        }
    }

    /// The CLI's validator parses triggers: a trigger delivery could not use is reported on load
    /// with its JSON path and position, not first when events are sent.
    @Test func theStandardValidatorRejectsTriggersThatDoNotParse() throws {
        let directory = try TemporaryDirectory()
        let broken = WorkspaceFixture.text.replacingOccurrences(of: #""type = \"identify\"""#, with: #""type = = (""#)
        #expect(broken != WorkspaceFixture.text)
        try directory.write(broken, to: "workspace.json")
        #expect(try WorkspaceStore(path: directory.file("workspace.json")).load().destinations.count == 1)
        let store = WorkspaceStore(path: directory.file("workspace.json"), validator: .standard)
        do {
            _ = try store.load()
            Issue.record("a trigger that does not parse was accepted")
        } catch {
            guard case .invalid(_, let issues) = error else { Issue.record("unexpected \(error)"); return }
            #expect(issues.count == 1)
            #expect(issues.first?.path.description == "destinations[0].subscriptions[0].trigger")
            #expect(issues.first?.message.contains("(at character ") == true)
            #expect(issues.first?.message.hasSuffix(#"in "type = = (""#) == true)
        }
        // Valid triggers still load.
        try directory.write(WorkspaceFixture.text, to: "workspace.json")
        #expect(try store.load().destinations.count == 1)
    }

    @Test func aDirectoryWhereTheFileShouldBeIsUnreadable() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.file("workspace.json"), withIntermediateDirectories: false)
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        #expect(throws: WorkspaceError.unreadable(path: store.path, reason: "it is a directory, not a file")) { try store.load() }
        #expect(WorkspaceError.unreadable(path: "w.json", reason: "it is a directory, not a file").description
            == "w.json: cannot read the workspace: it is a directory, not a file")
    }

    /// One edit of the fixture per rule, and the exact line `config validate` prints for it.
    @Test(arguments: [
        (#""projectId": "844-6K7-984Z""#, #""projectId": "844-6K7""#,
         #"destinations[0].projectId: expected XXX-XXX-XXXX (letters and digits, e.g. 844-6K7-984Z), got "844-6K7""#),
        (#""projectId": "844-6K7-984Z""#, #""projectId": 844"#,
         #"destinations[0].projectId: expected a string such as "844-6K7-984Z", got number"#),
        (#""version": 1"#, #""version": "1""#, "version: expected the number 1, got string"),
        (#""version": 1,"#, "", "version: required; expected 1"),
        (#""region": "in1""#, #""region": "xx1""#,
         #"destinations[0].region: unknown region "xx1"; expected one of "eu1", "in1", "sg1", "us1", "aps3", "mec1", "sk1""#),
        (#""region": "in1""#, #""region": "in1", "endpoint": "https://x.example""#,
         #"destinations[0].endpoint: a destination has either "region" or "endpoint", not both; remove one"#),
        (#""region": "in1""#, #""endpoint": "http://api.example.com""#,
         "destinations[0].endpoint: http://api.example.com uses plain http to a non-loopback host, which would send the passcode unencrypted; use https, or http only on localhost/127.0.0.1/[::1]"),
        (#""passcode": "dca1d7eb3a6e4a0e""#, #""passcode": """#,
         "destinations[0].passcode: the passcode is empty; copy it from Settings > Passcode in the CleverTap dashboard"),
        (#""passcode": "dca1d7eb3a6e4a0e""#, #""passcode": "dca1\r\nX-Evil: 1""#,
         "destinations[0].passcode: the passcode contains a control character (such as a line break) at position 5; it cannot be sent in an HTTP header"),
        (#""passcode": "dca1d7eb3a6e4a0e""#, #""passcode": {"env": "1BAD"}"#,
         #"destinations[0].passcode.env: "1BAD" is not an environment variable name; expected letters, digits and _ (not starting with a digit), e.g. CLEVERTAP_PASSCODE"#),
        (#""passcode": "dca1d7eb3a6e4a0e""#, #""passcode": {"var": "X"}"#,
         #"destinations[0].passcode: expected the passcode as a string, or {"env": "VARIABLE"} naming the environment variable that holds it, got another object"#),
        (#""sourceId": "src_web""#, #""sourceId": "src_app""#,
         #"destinations[0].sourceId: no source has id "src_app"; expected one of "src_web""#),
        (#""action": "userUpload""#, #""action": "track""#,
         #"destinations[0].subscriptions[0].action: unknown value "track"; expected one of "userUpload", "userDelete", "userEvent""#),
        (#""mapping": {"identity": {"@path": "$.userId"}}"#, #""mapping": []"#,
         "destinations[0].subscriptions[0].mapping: expected an object of action fields, got array"),
        (#""trigger": "type = \"identify\"""#, #""trigger": "  ""#,
         #"destinations[0].subscriptions[0].trigger: expected a trigger such as type = "identify", got an empty string"#),
        (#""name": "Website""#, #""name": "Website", "colour": "red""#,
         "sources[0].colour: unknown key; expected one of id, name, type, writeKey"),
        (#""setupMode": "quick""#, #""setupMode": "fast""#,
         #"destinations[0].setupMode: unknown value "fast"; expected one of "quick", "customized""#),
        (#""enabled": true, "convertTimestamps""#, #""enabled": "yes", "convertTimestamps""#,
         "destinations[0].subscriptions[0].enabled: expected true or false, got string"),
        (#""id": "dst_ct""#, #""id": "dst ct""#, #"destinations[0].id: expected 1–64 letters, digits, _ or -, got "dst ct""#),
        (#""name": "User Upload""#, #""name": """#, "destinations[0].subscriptions[0].name: expected a name, got an empty string"),
    ])
    func everyLoadErrorSaysWhereAndWhy(_ original: String, _ replacement: String, _ expected: String) throws {
        #expect(WorkspaceFixture.text.contains(original), "fixture lacks \(original)")
        let directory = try TemporaryDirectory()
        try directory.write(WorkspaceFixture.text.replacingOccurrences(of: original, with: replacement), to: "workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"))
        do {
            _ = try store.load()
            Issue.record("loaded although \(expected)")
        } catch {
            guard case .invalid(let path, let issues) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(path == store.path)
            #expect(issues.map(\.description) == [expected])
            #expect(error.description == "\(store.path): invalid workspace (1 problem):\n  \(expected)")
        }
    }

    @Test func duplicatesAndTopLevelShapeAreReported() throws {
        var workspace = WorkspaceFixture.workspace
        workspace.sources.append(Source(id: "src_web", name: "website", type: .server, writeKey: "k"))
        workspace.destinations.append(workspace.destinations[0])
        let issues = WorkspaceValidator().validate(workspace).map(\.description)
        #expect(issues == [
            #"sources[1].id: "src_web" is already the id of sources[0]; ids must be unique"#,
            #"sources[1].name: "website" is already the name of sources[0]; names must be unique"#,
            #"destinations[1].id: "dst_ct" is already the id of destinations[0]; ids must be unique"#,
            #"destinations[1].name: "CleverTap (Actions)" is already the name of destinations[0]; names must be unique"#,
            #"destinations[1].subscriptions[0].id: "sub_up" is already the id of destinations[0].subscriptions[0]; subscription ids must be unique"#,
        ])
        #expect(throws: WorkspaceDecodingError.invalid([WorkspaceIssue(path: .root, message: "expected an object, got array")])) {
            try WorkspaceCodec.decode(try JSONParser.parse("[]"))
        }
    }

    @Test func extraChecksPlugIntoTheValidator() throws {
        let validator = WorkspaceValidator(subscriptionChecks: [{ subscription, path in
            subscription.trigger.contains("identify") ? [WorkspaceIssue(path: path.key("trigger"), message: "checked by the trigger engine")] : []
        }])
        let directory = try TemporaryDirectory()
        try directory.write(WorkspaceFixture.text, to: "workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"), validator: validator)
        #expect(throws: WorkspaceError.invalid(path: store.path, issues: [
            WorkspaceIssue(path: JSONPath([.key("destinations"), .index(0), .key("subscriptions"), .index(0), .key("trigger")]),
                           message: "checked by the trigger engine"),
        ])) { try store.load() }
    }

    @Test(arguments: [
        ("/a/b.json", [String: String](), "/a/b.json", WorkspaceLocation.Origin.flag),
        ("", ["CLEVERTAP_ACTIONS_CONFIG": "/env/ws.json", "HOME": "/home/u"], "/env/ws.json", .environment),
        ("", ["CLEVERTAP_ACTIONS_CONFIG": "", "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"], "/xdg/clevertap-actions/workspace.json", .xdgConfigHome),
        ("", ["XDG_CONFIG_HOME": "relative/xdg", "HOME": "/home/u"], "/home/u/.config/clevertap-actions/workspace.json", .home),
        ("", ["HOME": "/home/u/"], "/home/u/.config/clevertap-actions/workspace.json", .home),
    ])
    func locationFollowsThePrecedence(_ flag: String, _ environment: [String: String], _ path: String, _ origin: WorkspaceLocation.Origin) throws {
        let location = try WorkspaceLocation.resolve(explicit: flag.isEmpty ? nil : flag, environment: environment)
        #expect(location == WorkspaceLocation(path: path, origin: origin))
    }

    /// `--config dir/` used to create `dir/` and `dir/.lock` before failing with "it is a directory".
    @Test(arguments: [("/tmp/ws/", [:]), (nil, ["CLEVERTAP_ACTIONS_CONFIG": "/tmp/ws/"])] as [(String?, [String: String])])
    func aPathEndingInASlashIsRefusedBeforeAnythingIsWritten(_ explicit: String?, _ environment: [String: String]) {
        #expect(throws: WorkspaceError.unreadable(path: "/tmp/ws/", reason: "this names a directory; expected the workspace file's path, such as /tmp/ws/workspace.json")) {
            try WorkspaceLocation.resolve(explicit: explicit, environment: environment)
        }
    }

    @Test func flagBeatsEnvironment() throws {
        let location = try WorkspaceLocation.resolve(explicit: "x.json", environment: ["CLEVERTAP_ACTIONS_CONFIG": "/env.json"])
        #expect(location.path == "x.json")
        #expect(throws: WorkspaceError.noLocation) { try WorkspaceLocation.resolve(explicit: nil, environment: [:]) }
        #expect(WorkspaceError.noLocation.description
            == "cannot tell where the workspace lives: pass --config PATH, or set CLEVERTAP_ACTIONS_CONFIG, XDG_CONFIG_HOME or HOME")
    }
}
