import Foundation

/// Runs blocking work (waiting for a child process) on a thread of its own and awaits it.
///
/// Swift concurrency's cooperative pool has one thread per core (two here). A test that blocks one
/// of them while its child process talks to an in-process sandbox can starve the sandbox's actor
/// when another test blocks the other thread: the child then times out. Seen in full parallel runs.
func offCooperativePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
