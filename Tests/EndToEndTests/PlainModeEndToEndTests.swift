import CleverTapCore
import Foundation
import Testing

/// Plain mode driven through a pipe, as a screen-reader user's session or a script would: the real
/// binary, no terminal at all, answers on stdin, the saved file read back with `WorkspaceStore`.
@Suite(.serialized) final class PlainModeEndToEndTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path
    static let dashboardURL = "https://in1.dashboard.clevertap.com/844-6K7-984Z/main"
    static let passcode = "dca1d7eb3a6e4a0e9f2b"

    /// The answers of a Quick Setup from an empty workspace: source name, type (JavaScript is
    /// current), Enter after the write key, the pasted dashboard URL, Project ID kept (filled from
    /// the URL), passcode, region kept (from the URL), Continue, Quick Setup, Save, Finish.
    static let quickSetupAnswers = ["Website", "", "", dashboardURL, "", passcode, "", "1", "1", "1", "1"]

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let home: String
    var config: String { home + "/.config/clevertap-actions/workspace.json" }

    init() throws {
        home = NSTemporaryDirectory() + "/clevertap-plain-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: home) }

    /// Runs the binary with `input` on a pipe; stdout and stderr go to files so a full pipe
    /// buffer can never stall the child.
    func run(_ arguments: [String], input: String, environment extra: [String: String] = [:]) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        var environment = ["PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "TERM": "xterm-256color"]
        environment.merge(extra) { $1 }
        process.environment = environment
        let out = home + "/.stdout", err = home + "/.stderr"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        let pipe = Pipe()
        process.standardInput = pipe
        try process.run()
        pipe.fileHandleForWriting.write(Data(input.utf8))
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        defer {
            try? FileManager.default.removeItem(atPath: out)
            try? FileManager.default.removeItem(atPath: err)
        }
        return Run(status: process.terminationStatus, stdout: try String(contentsOfFile: out, encoding: .utf8),
                   stderr: try String(contentsOfFile: err, encoding: .utf8))
    }

    static func lines(_ answers: [String]) -> String { answers.map { $0 + "\n" }.joined() }

    @Test func quickSetupThroughAPipeSavesTheWorkspace() throws {
        let run = try run(["setup", "--plain"], input: Self.lines(Self.quickSetupAnswers))
        #expect(run.status == 0, "stderr: \(run.stderr)\nstdout: \(run.stdout)")
        #expect(run.stdout.contains("Step 2 of 4: Credentials"))
        #expect(run.stdout.contains("Dashboard URL: Region India (in1) and Project ID 844-6K7-984Z."))
        #expect(run.stdout.contains("Saved the workspace to \(config)"))
        // The passcode is read, saved and never shown.
        #expect(!run.stdout.contains(Self.passcode) && !run.stderr.contains(Self.passcode))
        #expect(run.stdout.contains("Passcode (not shown): (not shown)"))

        let workspace = try WorkspaceStore(path: config).load(required: true)
        let source = try #require(workspace.sources.first)
        #expect(workspace.sources.count == 1 && source.name == "Website" && source.type == .javascript)
        let destination = try #require(workspace.destinations.first)
        #expect(destination.sourceID == source.id)
        #expect(destination.projectID == "844-6K7-984Z")
        #expect(destination.endpoint == .region(Region.named("in1")!))
        #expect(destination.passcode == .inline(Secret(Self.passcode)))
        #expect(destination.setupMode == .quick)
        #expect(destination.subscriptions.map(\.trigger) == Preset.quickSetup.map(\.trigger))
        let mode = try FileManager.default.attributesOfItem(atPath: config)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }

    @Test func termDumbRunsPlainModeWithoutAnyArgument() throws {
        let run = try run([], input: Self.lines(Self.quickSetupAnswers), environment: ["TERM": "dumb"])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("plain mode"))
        #expect(try WorkspaceStore(path: config).load(required: true).destinations.count == 1)
    }

    @Test func endOfInputBeforeSavingWritesNothingAndFails() throws {
        let run = try run(["setup", "--plain"], input: Self.lines(Array(Self.quickSetupAnswers.prefix(8))))
        #expect(run.status == 1)
        #expect(run.stderr.contains("input ended before the setup was saved; nothing was written"))
        #expect(!FileManager.default.fileExists(atPath: config))
        #expect(!FileManager.default.fileExists(atPath: home + "/.config/clevertap-actions"))
    }

    @Test func wrongAnswersAreExplainedAndAskedAgain() throws {
        // "7" is not a source type, "x" is not a step 3 choice; each is refused and asked again.
        var answers = Self.quickSetupAnswers
        answers.insert("7", at: 1)
        answers.insert("x", at: 9)
        let run = try run(["setup", "--plain"], input: Self.lines(answers))
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("Error: \"7\" is not one of the options; type a number from 1 to 5, or ? for help."))
        #expect(run.stdout.contains("Error: \"x\" is not one of the options; type a number from 1 to 2, or ? for help."))
        #expect(try WorkspaceStore(path: config).load(required: true).destinations.first?.setupMode == .quick)
    }

    @Test func quitWithUnsavedChangesAsksThenWritesNothing() throws {
        let run = try run(["setup", "--plain"], input: Self.lines(["Website", "q", "y"]))
        #expect(run.status == 0)
        #expect(run.stdout.contains("Quit without saving? (y/n)"))
        #expect(run.stdout.contains("Quit without saving; nothing was written."))
        #expect(!FileManager.default.fileExists(atPath: config))
    }

    @Test func withoutATerminalOrPlainTheWizardStillRefuses() throws {
        let run = try run([], input: "")
        #expect(run.status == 2)
        #expect(run.stderr.contains("needs a terminal"))
    }

    @Test func plainAndNonInteractiveTogetherIsAUsageError() throws {
        let run = try run(["setup", "--plain", "--non-interactive"], input: "")
        #expect(run.status == 2)
        #expect(run.stderr.contains("--plain and --non-interactive both given"))
    }
}
