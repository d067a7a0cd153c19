import Foundation
import Synchronization
import Testing

/// What a finished child process left behind.
struct ProcessRun: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The one way the end-to-end tests start a process: nothing here ever waits without a deadline,
/// and nothing blocks a cooperative thread (there are only two; a blocked one starved an
/// in-process sandbox and hung CI). Output goes through a reader on a thread of its own, exits
/// are awaited, and a child still running at its deadline is SIGKILLed and the test fails.
final class ChildProcess: Sendable {
    /// How long a one-shot command may run before it is killed and the test fails.
    static let defaultDeadline: Duration = .seconds(90)

    let pid: pid_t
    let stderrPath: String
    /// Kept for its lifetime: Foundation watches the exit through it.
    private let process: Process
    private let output: OutputCollector
    private let exit = ExitWatch()

    /// Where standard input comes from.
    enum Input {
        /// /dev/null.
        case none
        /// These bytes, from a file (a large input can never block a writer).
        case bytes(Data)
        /// A pipe the test writes to through `input` and closes when it wants the child to see EOF.
        case pipe
    }

    /// The write end of the child's standard input, for `.pipe`.
    let input: FileHandle?

    /// Starts `executable` with standard input from `stdin`, stderr to `stderrPath` (a temporary
    /// file when nil) and stdout collected, or written to `stdoutPath` (e.g. /dev/full) when given.
    init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
         stdin: Input = .none, directory: String? = nil, stderrPath: String? = nil, stdoutPath: String? = nil) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        switch stdin {
        case .none:
            process.standardInput = FileHandle.nullDevice
            input = nil
        case .bytes(let bytes):
            let path = NSTemporaryDirectory() + "child-stdin-\(UUID().uuidString)"
            try bytes.write(to: URL(fileURLWithPath: path))
            process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            try? FileManager.default.removeItem(atPath: path)  // the open handle keeps it readable
            input = nil
        case .pipe:
            let pipe = Pipe()
            process.standardInput = pipe
            input = pipe.fileHandleForWriting
        }
        let errPath = stderrPath ?? NSTemporaryDirectory() + "child-stderr-\(UUID().uuidString)"
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        self.stderrPath = errPath
        let pipe = Pipe()  // with `stdoutPath`, nothing writes to it: the collector sees EOF at once
        if let stdoutPath {
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutPath))
        } else {
            process.standardOutput = pipe
        }
        let exit = self.exit
        process.terminationHandler = { exit.finish($0.terminationStatus) }
        try process.run()
        // Foundation's exit monitor was seen to miss an exit under load (a SIGKILLed child "still
        // running" 10 s later); a poll with WNOWAIT sees the exit without reaping it from Foundation.
        let polledPID = process.processIdentifier
        Thread {
            while !exit.hasExited {
                var info = siginfo_t()
                let answer = waitid(P_PID, id_t(polledPID), &info, WEXITED | WNOHANG | WNOWAIT)
                if answer == 0, info._sifields._sigchld.si_pid == polledPID {
                    // As Foundation reports it: the exit code, or the number of the signal that ended it.
                    exit.finish(info._sifields._sigchld.si_status)
                    return
                }
                if answer != 0 && errno == ECHILD { return }  // already reaped: Foundation has reported it
                usleep(100_000)
            }
        }.start()
        try? pipe.fileHandleForWriting.close()
        self.process = process
        pid = process.processIdentifier
        output = OutputCollector(reading: pipe.fileHandleForReading)
    }

    deinit {
        if !exit.hasExited { kill(pid, SIGKILL) }
        try? input?.close()
    }

    /// Runs to completion within `deadline`.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    stdin: String? = nil, directory: String? = nil, stdoutPath: String? = nil,
                    deadline: Duration = defaultDeadline,
                    sourceLocation: SourceLocation = #_sourceLocation) async throws -> ProcessRun {
        let child = try ChildProcess(executable, arguments, environment: environment,
                                     stdin: stdin.map { .bytes(Data($0.utf8)) } ?? .none, directory: directory,
                                     stdoutPath: stdoutPath)
        defer { try? FileManager.default.removeItem(atPath: child.stderrPath) }
        let status = try await child.waitForExit(within: deadline, sourceLocation: sourceLocation)
        return ProcessRun(status: status, stdout: await child.allOutput(), stderr: child.standardError())
    }

    /// The first line of standard output (without its newline), awaited for at most `deadline`;
    /// the child is killed and the test fails if none comes.
    func firstLine(within deadline: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        if let line = await output.firstLine(within: deadline) { return line }
        kill(pid, SIGKILL)
        Issue.record("no line on standard output within \(deadline); stderr:\n\(standardError())", sourceLocation: sourceLocation)
        throw Expired()
    }

    /// Sends `signal` (SIGTERM by default).
    func send(_ signal: Int32 = SIGTERM) {
        if !exit.hasExited { kill(pid, signal) }
    }

    /// The exit status (128+n for a death by signal n), awaited for at most `deadline`; past it the
    /// child is SIGKILLed and the test fails.
    @discardableResult
    func waitForExit(within deadline: Duration, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int32 {
        if let status = await exit.wait(within: deadline) { return status }
        kill(pid, SIGKILL)
        _ = await exit.wait(within: .seconds(10))
        Issue.record("the child process \(pid) did not exit within \(deadline); it was killed. stderr:\n\(standardError())",
                     sourceLocation: sourceLocation)
        throw Expired()
    }

    /// SIGTERM, then the exit status within `deadline`.
    func stop(within deadline: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int32 {
        send(SIGTERM)
        return try await waitForExit(within: deadline, sourceLocation: sourceLocation)
    }

    var isRunning: Bool { !exit.hasExited }

    /// Everything written to standard output, once it is closed (after the exit).
    func allOutput() async -> String { String(decoding: await output.all(within: .seconds(10)), as: UTF8.self) }

    func standardError() -> String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    struct Expired: Error {}
}

/// Resumes whoever waits, once: with a value, or with nil when the deadline passes first.
private final class Deadline<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value?, Never>?>

    init(_ continuation: CheckedContinuation<Value?, Never>, after deadline: Duration) {
        self.continuation = Mutex(continuation)
        let seconds = Double(deadline.components.seconds) + Double(deadline.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in resume(nil) }
    }

    func resume(_ value: Value?) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}

/// The child's exit, recorded by Foundation's termination handler.
private final class ExitWatch: Sendable {
    private let state = Mutex<(status: Int32?, waiters: [@Sendable (Int32) -> Void])>((nil, []))

    var hasExited: Bool { state.withLock { $0.status != nil } }

    func finish(_ status: Int32) {
        let waiters = state.withLock { state -> [@Sendable (Int32) -> Void] in
            if state.status != nil { return [] }  // the poll and Foundation may both report it
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter(status) }
    }

    func wait(within deadline: Duration) async -> Int32? {
        await withCheckedContinuation { continuation in
            let once = Deadline(continuation, after: deadline)
            let status = state.withLock { state -> Int32? in
                if state.status == nil { state.waiters.append { once.resume($0) } }
                return state.status
            }
            if let status { once.resume(status) }
        }
    }
}

/// Reads a pipe to its end on a thread of its own, so the child never blocks on a full pipe.
private final class OutputCollector: Sendable {
    private let state = Mutex<(bytes: Data, closed: Bool, waiters: [@Sendable () -> Void])>((Data(), false, []))

    init(reading handle: FileHandle) {
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                let waiters = state.withLock { state -> [@Sendable () -> Void] in
                    if chunk.isEmpty { state.closed = true } else { state.bytes.append(chunk) }
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter() }
                if chunk.isEmpty { return }
            }
        }
        thread.start()
    }

    /// Waits until `ready` holds for the collected bytes (or the pipe closed, or the deadline passed).
    private func wait(within deadline: Duration, until ready: @escaping @Sendable (Data, Bool) -> Bool) async -> Data? {
        await withCheckedContinuation { continuation in
            let once = Deadline(continuation, after: deadline)
            @Sendable func check() {
                let (bytes, done) = state.withLock { state -> (Data, Bool) in
                    if ready(state.bytes, state.closed) { return (state.bytes, true) }
                    state.waiters.append { check() }
                    return (Data(), false)
                }
                if done { once.resume(bytes) }
            }
            check()
        }
    }

    func firstLine(within deadline: Duration) async -> String? {
        guard let bytes = await wait(within: deadline, until: { bytes, closed in closed || bytes.contains(UInt8(ascii: "\n")) }),
              let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        return String(decoding: bytes[bytes.startIndex..<newline], as: UTF8.self)
    }

    func all(within deadline: Duration) async -> Data {
        await wait(within: deadline, until: { _, closed in closed }) ?? state.withLock { $0.bytes }
    }
}
