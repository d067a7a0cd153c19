import CleverTapCore
import Foundation
import Testing

/// Runs the built `clevertap-actions` binary for the foundation verbs (regions, detect-region,
/// setup --non-interactive, config) with a private HOME, as a user or a CI script would.
@Suite(.serialized, .timeLimit(.minutes(5))) final class CLIFoundationTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path
    static let dashboardURL = "https://in1.dashboard.clevertap.com/844-6K7-984Z/main"

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// A private home directory per test; the workspace's default place is under it.
    let home: String

    init() throws {
        home = NSTemporaryDirectory() + "/clevertap-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    var defaultConfig: String { home + "/.config/clevertap-actions/workspace.json" }

    func run(_ arguments: [String], stdin: String = "", environment extra: [String: String] = [:],
             executable: String = CLIFoundationTests.binary) async throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        var environment = ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"]
        environment.merge(extra) { $1 }
        let run = try await ChildProcess.run(executable, arguments, environment: environment, stdin: stdin)
        return Run(status: run.status, stdout: run.stdout, stderr: run.stderr)
    }

    func quickSetup(_ extra: [String] = [], stdin: String = "dca1d7eb3a6e4a0e9f2b\n", environment: [String: String] = [:]) async throws -> Run {
        try await run(["setup", "--non-interactive", "--source-name", "Website", "--source-type", "javascript",
                 "--dashboard-url", Self.dashboardURL, "--passcode-stdin", "--quick"] + extra, stdin: stdin, environment: environment)
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    // MARK: regions and detect-region

    @Test func regionsListsTheCatalog() async throws {
        let text = try await run(["regions"])
        #expect(text.status == 0)
        for region in Region.catalog { #expect(text.stdout.contains(region.code) && text.stdout.contains(region.apiBaseURL)) }
        let json = try await run(["regions", "--json"])
        let entries = try #require(try JSONParser.parse(json.stdout).arrayValue)
        #expect(entries.compactMap { $0["code"]?.stringValue } == ["eu1", "in1", "sg1", "us1", "aps3", "mec1", "sk1"])
        #expect(entries.filter { $0["default"] == .bool(true) }.compactMap { $0["code"]?.stringValue } == ["eu1"])
    }

    @Test func detectRegionJSONIsExactlyTheDocumentedShape() async throws {
        let found = try await run(["detect-region", "--json", " <\(Self.dashboardURL)> "])
        #expect(found.status == 0)
        #expect(found.stdout == "{\"region\": \"in1\", \"projectId\": \"844-6K7-984Z\"}\n")
        let noID = try await run(["detect-region", "--json", "https://sg1.dashboard.clevertap.com/login.html#/"])
        #expect(noID.stdout == "{\"region\": \"sg1\", \"projectId\": null}\n")
        let hostile = try await run(["detect-region", "--json", "https://eu1.dashboard.clevertap.com.evil.example/"])
        #expect(hostile.status == 1)
        let error = try #require(try JSONParser.parse(hostile.stdout)["error"]?.stringValue)
        #expect(error.hasPrefix("eu1.dashboard.clevertap.com.evil.example is not a CleverTap host"))
    }

    @Test func detectRegionExplainsInWords() async throws {
        let found = try await run(["detect-region", "dashboard.clevertap.com/x/settings.html"])
        #expect(found.status == 0)
        #expect(found.stdout.contains("Region:     Europe (eu1)"))
        #expect(found.stdout.contains("Project ID: not in this URL"))
        #expect(found.stdout.contains("assumed"))
        let unknown = try await run(["detect-region", "xx9.dashboard.clevertap.com"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown region code \"xx9\""))
    }

    // MARK: setup --non-interactive and config

    @Test func quickSetupWritesAPrivateWorkspaceAndShowMasksThePasscode() async throws {
        let setup = try await quickSetup()
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(setup.stdout.contains("Saved destination \"CleverTap (Actions)\""))
        #expect(!setup.stdout.contains("dca1d7eb3a6e4a0e9f2b"))
        #expect(try mode(defaultConfig) == 0o600)
        #expect(try mode(home + "/.config/clevertap-actions") == 0o700)

        let saved = try WorkspaceStore(path: defaultConfig).load(required: true)
        let destination = try #require(saved.destinations.first)
        #expect(destination.projectID == "844-6K7-984Z")
        #expect(destination.endpoint == .region(Region.named("in1")!))
        #expect(destination.passcode == .inline(Secret("dca1d7eb3a6e4a0e9f2b")))
        #expect(destination.subscriptions.map(\.trigger) == [#"type = "identify""#, #"event = "Delete User""#])
        #expect(saved.sources.map(\.type) == [.javascript])

        let show = try await run(["config", "show"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("passcode:   ••••2b"))
        #expect(!show.stdout.contains("dca1d7eb"))
        let json = try await run(["config", "show", "--json"])
        #expect(try JSONParser.parse(json.stdout)["destinations"]?.arrayValue?.first?["passcode"] == "••••2b")
        #expect(!json.stdout.contains("dca1d7eb"))

        let validate = try await run(["config", "validate"])
        #expect(validate.status == 0)
        #expect(validate.stdout == "\(defaultConfig): valid (1 source, 1 destination)\n")

        // Running it again is refused (same name) unless --replace, which keeps the id.
        let again = try await quickSetup()
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists; pass --replace"))
        let replaced = try await quickSetup(["--replace"])
        #expect(replaced.status == 0)
        #expect(try WorkspaceStore(path: defaultConfig).load().destinations.map(\.id) == [destination.id])
        #expect(FileManager.default.fileExists(atPath: defaultConfig + ".bak"))
    }

    @Test func passcodeFromTheEnvironmentIsStoredAsAReference() async throws {
        let setup = try await run(["setup", "--non-interactive", "--source-name", "Server", "--project-id", "844-6k7-984z",
                             "--region", "us1", "--passcode-env", "CT_PASS"], environment: ["CT_PASS": "s3cretvalue"])
        #expect(setup.status == 0, "\(setup.stderr)")
        let text = try String(contentsOfFile: defaultConfig, encoding: .utf8)
        #expect(text.contains(#""passcode": {"#) && text.contains(#""env": "CT_PASS""#))
        #expect(!text.contains("s3cretvalue"))
        let validate = try await run(["config", "validate"])
        #expect(validate.status == 0)
        #expect(validate.stderr.contains("$CT_PASS, which is not set"))
    }

    @Test func aPasscodeArgumentIsRefused() async throws {
        let result = try await run(["setup", "--non-interactive", "--source-name", "S", "--project-id", "844-6K7-984Z",
                              "--region", "eu1", "--passcode", "hunter2hunter2"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("a passcode is never accepted as an argument"))
        #expect(!FileManager.default.fileExists(atPath: defaultConfig))
    }

    @Test func usageAndValueErrorsHaveTheirExitStatus() async throws {
        let noPasscode = try await run(["setup", "--non-interactive", "--source-name", "S", "--project-id", "844-6K7-984Z", "--region", "eu1"])
        #expect(noPasscode.status == 2)
        #expect(noPasscode.stderr.contains("the passcode is missing"))
        let unknownOption = try await run(["setup", "--non-interactive", "--bogus"])
        #expect(unknownOption.status == 2)
        let badID = try await run(["setup", "--non-interactive", "--source-name", "S", "--project-id", "844-6K7",
                             "--region", "eu1", "--passcode-stdin"], stdin: "pw")
        #expect(badID.status == 1)
        #expect(badID.stderr.contains(#"--project-id: expected XXX-XXX-XXXX (letters and digits, e.g. 844-6K7-984Z), got "844-6K7""#))
        let injected = try await quickSetup(stdin: "abc\r\nX-Injected: 1\n")
        #expect(injected.status == 1)
        #expect(injected.stderr.contains("control character"))
        let interactive = try await run(["setup"])
        #expect(interactive.status == 2)
        #expect(interactive.stderr.contains("setup --non-interactive"))
        let bare = try await run([])
        #expect(bare.status == 2)
        #expect((bare.stdout + bare.stderr).contains("setup --non-interactive"))
        #expect(!FileManager.default.fileExists(atPath: defaultConfig))
    }

    @Test func validateReportsPathAndRuleOrFileLineAndColumn() async throws {
        let path = home + "/broken.json"
        try #"{"version": 1, "sources": [], "destinations": [{"id": "d", "name": "D", "sourceId": "s", "projectId": "abc", "passcode": "p", "region": "in1"}]}"#
            .write(toFile: path, atomically: false, encoding: .utf8)
        let invalid = try await run(["config", "validate", "--config", path])
        #expect(invalid.status == 1)
        #expect(invalid.stderr.contains(#"destinations[0].sourceId: no source has id "s"; add the source under "sources" first"#))
        #expect(invalid.stderr.contains(#"destinations[0].projectId: expected XXX-XXX-XXXX (letters and digits, e.g. 844-6K7-984Z), got "abc""#))
        #expect(invalid.stderr.contains("invalid workspace (2 problems)"))

        try "{\n  \"version\": 1,\n  \"sources\": [}\n".write(toFile: path, atomically: false, encoding: .utf8)
        let malformed = try await run(["config", "validate"], environment: ["CLEVERTAP_ACTIONS_CONFIG": path])
        #expect(malformed.status == 1)
        #expect(malformed.stderr.contains("\(path):3:15: malformed JSON: unexpected character '}', expected a value"))

        let missing = try await run(["config", "validate"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no workspace there yet"))
    }

    /// The "$VAR is not set" note came before the refusal it had nothing to do with; it is
    /// said only once the destination is saved.
    @Test func theUnsetVariableNoteFollowsOnlyASuccessfulSetup() async throws {
        let arguments = ["setup", "--non-interactive", "--source-name", "S", "--region", "eu1", "--passcode-env", "UNSET_PASSCODE_VAR"]
        let refused = try await run(arguments + ["--project-id", "844-6K7"])
        #expect(refused.status == 1)
        #expect(!refused.stderr.contains("note:"))
        let saved = try await run(arguments + ["--project-id", "844-6K7-984Z"])
        #expect(saved.status == 0)
        #expect(saved.stderr.contains("note: $UNSET_PASSCODE_VAR is not set in this shell"))
    }

    /// `config validate` parses triggers, as delivery will: a broken one is reported with its
    /// JSON path instead of passing as valid.
    @Test func validateReportsATriggerThatDoesNotParse() async throws {
        #expect(try await quickSetup().status == 0)
        let text = try String(contentsOfFile: defaultConfig, encoding: .utf8)
        let broken = text.replacingOccurrences(of: #""event = \"Delete User\"""#, with: #""event = ""#)
        #expect(broken != text)
        try broken.write(toFile: defaultConfig, atomically: false, encoding: .utf8)
        let result = try await run(["config", "validate"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("destinations[0].subscriptions[1].trigger: "))
        #expect(result.stdout.isEmpty)
    }

    /// `--config "$UNSET"` used to fall back to the default workspace and change it; now it is a
    /// usage error and nothing is written.
    @Test func anEmptyConfigPathIsAUsageError() async throws {
        for arguments in [["config", "path", "--config", ""], ["config", "validate", "--config", " "]] {
            let result = try await run(arguments)
            #expect(result.status == 2)
            #expect(result.stderr.contains("--config: the path is empty"))
            #expect(result.stdout.isEmpty)
        }
        let setup = try await quickSetup(["--config", ""])
        #expect(setup.status == 2)
        #expect(!FileManager.default.fileExists(atPath: defaultConfig))
    }

    /// A refused setup leaves nothing behind: it used to create the workspace's directory and a
    /// `workspace.json.lock` before finding out the request was wrong.
    @Test func aRefusedSetupCreatesNoDirectoryOrLockFile() async throws {
        let directory = home + "/new/place"
        let refused = try await run(["setup", "--non-interactive", "--source-name", "S", "--project-id", "844-6K7",
                               "--region", "eu1", "--passcode-stdin", "--config", directory + "/workspace.json"], stdin: "pw")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("--project-id"))
        #expect(!FileManager.default.fileExists(atPath: home + "/new"))
        let directoryPath = try await run(["setup", "--non-interactive", "--source-name", "S", "--project-id", "844-6K7-984Z",
                                     "--region", "eu1", "--passcode-stdin", "--config", home + "/dir/"], stdin: "pw")
        #expect(directoryPath.status == 1)
        #expect(directoryPath.stderr.contains("this names a directory"))
        #expect(!FileManager.default.fileExists(atPath: home + "/dir"))
        let duplicate = try await quickSetup()
        #expect(duplicate.status == 0)
        try FileManager.default.removeItem(atPath: defaultConfig + ".lock")
        let again = try await quickSetup()
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        #expect(!FileManager.default.fileExists(atPath: defaultConfig + ".lock"))
    }

    /// docs/triggers.md says `config validate` shows trigger warnings; it printed none.
    @Test func validateWarnsAboutTriggersSegmentEvaluatesSurprisingly() async throws {
        #expect(try await quickSetup().status == 0)
        let text = try String(contentsOfFile: defaultConfig, encoding: .utf8)
        let mixed = text.replacingOccurrences(of: #""type = \"identify\"""#,
                                              with: #""type = \"identify\" and userId = \"a\" or userId = \"b\"""#)
        #expect(mixed != text)
        try mixed.write(toFile: defaultConfig, atomically: false, encoding: .utf8)
        let result = try await run(["config", "validate"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("warning: destinations[0].subscriptions[0].trigger: mixes and/or without parentheses"))
    }

    @Test func configPathFollowsThePrecedence() async throws {
        #expect(try await run(["config", "path"]).stdout == defaultConfig + "\n")
        #expect(try await run(["config", "path"], environment: ["XDG_CONFIG_HOME": home + "/xdg"]).stdout
            == home + "/xdg/clevertap-actions/workspace.json\n")
        #expect(try await run(["config", "path"], environment: ["XDG_CONFIG_HOME": home + "/xdg", "CLEVERTAP_ACTIONS_CONFIG": "/e.json"]).stdout
            == "/e.json\n")
        #expect(try await run(["config", "path", "--config", "/f.json"], environment: ["CLEVERTAP_ACTIONS_CONFIG": "/e.json"]).stdout
            == "/f.json\n")
        let json = try JSONParser.parse(try await run(["config", "path", "--json"]).stdout)
        #expect(json["origin"] == "home")
        #expect(json["exists"] == false)
    }

    /// The write itself fails (a 1 KiB file size limit, with SIGXFSZ ignored so write() returns
    /// EFBIG): the old workspace must survive byte for byte and the error must say why.
    @Test func aFailedWriteLeavesTheOldFileIntact() async throws {
        try FileManager.default.createDirectory(atPath: home + "/.config/clevertap-actions", withIntermediateDirectories: true)
        let old = #"{"version": 1, "sources": [], "destinations": []}"# + "\n"
        try old.write(toFile: defaultConfig, atomically: false, encoding: .utf8)
        let script = "trap '' XFSZ; ulimit -f 1; exec \"$0\" \"$@\""
        let result = try await run(["-c", script, Self.binary, "setup", "--non-interactive", "--source-name", "Website",
                              "--dashboard-url", Self.dashboardURL, "--passcode-stdin", "--quick"],
                             stdin: "dca1d7eb3a6e4a0e9f2b", executable: "/bin/bash")
        #expect(result.status == 1)
        #expect(result.stderr.contains("not saved (writing failed: File too large); the previous file is unchanged"))
        #expect(try String(contentsOfFile: defaultConfig, encoding: .utf8) == old)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: home + "/.config/clevertap-actions")
        #expect(leftovers.allSatisfy { !$0.contains(".tmp-") }, "temporary files left: \(leftovers)")
    }

    /// Eight `setup` processes started together each add their own destination: the lock around
    /// load-change-save means none is lost, whatever the interleaving.
    @Test func parallelSetupsLoseNothing() async throws {
        let names = (1...8).map { "Destination \($0)" }
        let script = names.map { name in
            "\"$0\" setup --non-interactive --source-name Server --project-id 844-6K7-984Z --region eu1 --passcode-env P --destination-name '\(name)' &"
        }.joined(separator: "\n") + "\nfail=0; for job in $(jobs -p); do wait $job || fail=1; done; exit $fail"
        let result = try await run(["-c", script, Self.binary], executable: "/bin/bash")
        #expect(result.status == 0, "\(result.stderr)")
        let workspace = try WorkspaceStore(path: defaultConfig).load(required: true)
        #expect(Set(workspace.destinations.map(\.name)) == Set(names))
        #expect(workspace.sources.count == 1)
    }

    @Test func aNewerWorkspaceIsNeverRewritten() async throws {
        try FileManager.default.createDirectory(atPath: home + "/.config/clevertap-actions", withIntermediateDirectories: true)
        let newer = #"{"version": 7, "sources": [], "destinations": [], "fromTheFuture": true}"#
        try newer.write(toFile: defaultConfig, atomically: false, encoding: .utf8)
        let setup = try await quickSetup()
        #expect(setup.status == 1)
        #expect(setup.stderr.contains("workspace version 7 was written by a newer clevertap-actions"))
        #expect(try String(contentsOfFile: defaultConfig, encoding: .utf8) == newer)
        #expect(!FileManager.default.fileExists(atPath: defaultConfig + ".bak"))
    }
}
