import CleverTapCore
import Foundation
import Testing

/// The real binary in a detached tmux session on a private socket, driven with `send-keys`,
/// real bracketed pastes (`paste-buffer -p`) and resizes, and read back with `capture-pane`.
/// Waits poll the pane with a bounded deadline; nothing sleeps a fixed time.
final class WizardTmux {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path

    /// A unique socket, so parallel runs (and other helpers' tests) never share a server.
    let socket = "ctw-\(getpid())-\(UUID().uuidString.prefix(8))"
    let session = "wizard"
    let home: String
    var configPath: String { home + "/config/workspace.json" }

    /// Starts `clevertap-actions arguments` at 100x30 (or the size given). When it exits, the pane shows `EXIT:<status>`
    /// and the `stty -a` of the terminal it left behind, and stays open a minute for inspection
    /// (bounded, so a server that outlives a crashed test still goes away).
    init(arguments: [String] = [], extraEnvironment: [String: String] = [:], columns: Int = 100, rows: Int = 30,
         start: Bool = true) throws {
        self.columns = columns
        self.rows = rows
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        home = NSTemporaryDirectory() + "clevertap-wizard-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        var environment = ["HOME": home, "CLEVERTAP_ACTIONS_CONFIG": configPath, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        environment.merge(extraEnvironment) { $1 }
        let assignments = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.quoted($0.value))" }.joined(separator: " ")
        let command = ([Self.binary] + arguments).map(Self.quoted).joined(separator: " ")
        script = "env \(assignments) \(command); echo EXIT:$?; stty -a; sleep 60"
        if start { try self.start() }
    }

    private var script = ""
    private let columns: Int
    private let rows: Int

    /// Opens the session (separately from init when a test prepares files first). bash, not sh:
    /// like an interactive shell, bash outlives a Ctrl-C that its child handles and exits from,
    /// so the pane still shows `EXIT:` afterwards (dash dies with the child's SIGINT).
    func start() throws {
        try tmux(["new-session", "-d", "-s", session, "-x", "\(columns)", "-y", "\(rows)", "bash", "-c", script])
    }

    deinit {
        _ = try? tmux(["kill-server"])
        try? FileManager.default.removeItem(atPath: home)
    }

    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        // posix_spawn + waitpid rather than Foundation's Process: the tmux server that
        // new-session forks must inherit nothing that a waiting parent depends on (a pipe held
        // open by the server, or Process's own exit monitoring, hangs the test), hence closefrom.
        let outputPath = home + "/.tmux-output-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let argv = ["tmux", "-u", "-L", socket] + arguments
        let environment = ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "LC_ALL=C.UTF-8",
                           "TERM=xterm-256color", "HOME=\(home)"]
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The tmux server this may start lives until kill-server and keeps every descriptor it
        // inherits: a pipe another test was writing to at that moment (a child's stdin) would
        // then never reach EOF, and that child waited out its deadline in CI.
        Self.closeFrom(&actions, 3)
        var pid: pid_t = 0
        let status = withCStrings(argv) { argvPointers in
            withCStrings(environment) { environmentPointers in
                posix_spawnp(&pid, "tmux", &actions, nil, argvPointers, environmentPointers)
            }
        }
        guard status == 0 else { throw SpawnFailed(errno: status) }
        // A tmux client command answers in milliseconds; one that has not after 10 s is killed, so
        // a wedged tmux server fails the test instead of hanging it.
        var exitStatus: Int32 = 0
        for attempt in 0... {
            let reaped = waitpid(pid, &exitStatus, WNOHANG)
            if reaped == pid || (reaped == -1 && errno != EINTR) { break }
            if attempt == 2000 {
                kill(pid, SIGKILL)
                while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
                throw TmuxCommandExpired(arguments: arguments)
            }
            usleep(5_000)
        }
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), which the Glibc module does
    /// not import: looked up once by name.
    private static let closeFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc 2.34 or later is needed: posix_spawn_file_actions_addclosefrom_np is missing")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    struct SpawnFailed: Error { var errno: Int32 }
    struct TmuxCommandExpired: Error { var arguments: [String] }

    private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }

    /// Named keys (`Enter`, `Tab`, `BTab`, `Escape`, `C-c`, `Down`).
    func keys(_ names: String...) throws {
        try tmux(["send-keys", "-t", session] + names)
    }

    /// One named key pressed `count` times (e.g. `Down` through a list).
    func press(_ name: String, times count: Int) throws {
        guard count > 0 else { return }
        try tmux(["send-keys", "-t", session, "-N", "\(count)", name])
    }

    /// Text typed key by key.
    func type(_ text: String) throws {
        try tmux(["send-keys", "-t", session, "-l", text])
    }

    /// A real bracketed paste: tmux wraps it in ESC[200~ … ESC[201~ because the wizard enabled it.
    func paste(_ text: String) throws {
        try tmux(["set-buffer", "-b", "clip", text])
        try tmux(["paste-buffer", "-p", "-b", "clip", "-t", session])
    }

    func resize(columns: Int, rows: Int) throws {
        try tmux(["resize-window", "-t", session, "-x", "\(columns)", "-y", "\(rows)"])
    }

    func capture() throws -> String {
        try tmux(["capture-pane", "-p", "-t", session])
    }

    /// Polls the pane until it contains `text` (up to `seconds`); returns the pane's text.
    /// It sleeps with `Task.sleep`, so it never holds a cooperative thread that an in-process
    /// sandbox needs to answer the wizard.
    @discardableResult
    func waitFor(_ text: String, seconds: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try await waitFor(all: [text], seconds: seconds, sourceLocation: sourceLocation)
    }

    /// Polls the pane until one capture contains every one of `texts`: a whole expected state,
    /// never one line of a frame that tmux captured half-drawn.
    @discardableResult
    func waitFor(all texts: [String], seconds: Double = 20, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if texts.allSatisfy(screen.contains) { return screen }
            try await Task.sleep(for: .milliseconds(50))
        }
        let missing = texts.filter { !screen.contains($0) }.map { "\"\($0)\"" }.joined(separator: ", ")
        Issue.record("timed out waiting for \(missing); the pane shows:\n\(screen)", sourceLocation: sourceLocation)
        throw WaitTimedOut()
    }

    struct WaitTimedOut: Error {}

    /// The pid of the wizard: the child of the pane's shell.
    func wizardPID() throws -> pid_t? {
        let shell = try tmux(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { pid_t($0) }
    }

    /// The words of the `stty -a` printed after the wizard exited.
    func sttyWords() async throws -> Set<String> {
        let screen = try await waitFor("speed")
        let after = screen.components(separatedBy: "EXIT:").last ?? ""
        return Set(after.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
    }

    /// Steps 1 and 2 as a new user does them: a new source, then the credentials with `endpoint` as
    /// the custom endpoint (the last row of the region grid), ending on step 3 (or, with
    /// `andContinue: false`, on the endpoint field).
    func enterSourceAndCredentials(source: String, projectID: String, passcode: String, endpoint: String,
                                   andContinue: Bool = true) async throws {
        try await waitFor("Step 1 of 4: Source")
        try type(source)
        try keys("Enter")
        try await waitFor("Step 2 of 4: Credentials")
        try keys("Tab")
        try type(projectID)
        try keys("Tab")
        try type(passcode)
        try keys("Tab")
        try press("Down", times: Region.catalog.count)
        try keys("Tab")
        try type(endpoint)
        if andContinue { try keys("Enter") }
    }
}
