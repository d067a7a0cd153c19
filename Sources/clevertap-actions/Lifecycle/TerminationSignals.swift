import Foundation
import Synchronization

/// SIGINT, SIGTERM and SIGHUP for the whole process: caught from the first line of `main`, so a
/// signal that arrives at any moment afterwards is honoured, never dropped.
///
/// Why this shape: a Dispatch signal source set up after `signal(_, SIG_IGN)` arms itself
/// asynchronously, and a signal landing in between was ignored for good (a sandbox that never
/// stopped, and a CI run that hung). Here a plain `sigaction` handler, installed before any other
/// thread exists, only writes the signal number into a pipe (async-signal-safe); one dedicated
/// thread reads the pipe and hands each signal to the verb that is listening. A signal that comes
/// before any verb listens is still in the pipe and keeps its default meaning: the process ends by
/// it. Handlers, unlike a blocked signal mask, are reset by `exec`, so child processes (`$EDITOR`,
/// `sh`) get the default behaviour.
enum TerminationSignals {
    /// The signals that end a long-running verb.
    static let numbers: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers and starts the reading thread. Call first thing in `main`.
    static func install() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }  // without a pipe the defaults stay: signals still end the process
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        signalPipeWriteEnd = ends[1]
        for number in numbers {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalPipeWriteEnd, &byte, 1)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(number, &action, nil)
        }
        let readEnd = ends[0]
        let reader = Thread {
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count == 1 { deliver(Int32(byte)) } else if count < 0 && errno == EINTR { continue } else { return }
            }
        }
        reader.name = "termination-signals"
        reader.start()
    }

    /// Sends every later termination signal to `handler` (on the signal thread: keep it short)
    /// until the returned listening is cancelled. One listener at a time: the verb that runs.
    static func listen(_ handler: @escaping @Sendable (Int32) -> Void) -> Listening {
        listener.withLock { $0 = handler }
        return Listening()
    }

    /// A registered listener; `cancel()` gives signals their default meaning again.
    struct Listening: Sendable {
        func cancel() { listener.withLock { $0 = nil } }
    }

    private static let listener = Mutex<(@Sendable (Int32) -> Void)?>(nil)

    /// Hands a signal to the listener, or ends the process by it as if it had never been caught.
    private static func deliver(_ number: Int32) {
        if let handler = listener.withLock({ $0 }) {
            handler(number)
            return
        }
        signal(number, SIG_DFL)
        var only = sigset_t()
        sigemptyset(&only)
        sigaddset(&only, number)
        pthread_sigmask(SIG_UNBLOCK, &only, nil)
        raise(number)
    }
}

/// The pipe the handler writes to; set once before the handlers are installed, then only read.
nonisolated(unsafe) private var signalPipeWriteEnd: Int32 = -1
