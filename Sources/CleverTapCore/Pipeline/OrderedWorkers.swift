import Foundation

/// Work spread over threads of their own, results taken back in the order it was submitted: how
/// `map` and `deliver --dry-run` use every core while their output keeps the input's order.
///
/// Each thread builds its own worker (`makeWorker` runs on it), so a worker may hold state that is
/// not shared, e.g. its own compiled pipeline: shared compiled mappings made both cores bounce
/// reference counts. The caller submits at most `capacity` pieces ahead of what it took back, so
/// memory stays flat. Threads, not tasks: the work is CPU-bound and must not occupy the
/// cooperative pool, and the caller blocks on its own thread. One `NSCondition` guards the state.
final class OrderedWorkers<Work: Sendable, Output: Sendable>: @unchecked Sendable {
    /// How many pieces may be submitted and not yet taken back.
    let capacity: Int
    private let condition = NSCondition()
    private var pending: [(index: Int, work: Work)] = []
    private var results: [Int: Output] = [:]
    private var closed = false
    private var submitted = 0
    private var taken = 0

    /// Starts `threads` threads (8 MiB stacks: deep events and Liquid templates recurse), each
    /// running the worker `makeWorker` builds on it.
    init(threads: Int, piecesPerThread: Int = 4, makeWorker: @escaping @Sendable () -> (Work) -> Output) {
        capacity = max(1, threads) * max(1, piecesPerThread)
        for _ in 0..<max(1, threads) {
            let thread = Thread { [self] in
                let worker = makeWorker()
                while let (index, work) = nextWork() {
                    let output = worker(work)
                    condition.lock()
                    results[index] = output
                    condition.broadcast()
                    condition.unlock()
                }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    /// Pieces submitted and not yet taken back.
    var outstanding: Int {
        condition.lock()
        defer { condition.unlock() }
        return submitted - taken
    }

    var isFull: Bool { outstanding >= capacity }

    func submit(_ work: Work) {
        condition.lock()
        pending.append((submitted, work))
        submitted += 1
        condition.broadcast()
        condition.unlock()
    }

    /// The output of the oldest piece not yet taken back, waited for; nil when none is outstanding.
    func takeNext() -> Output? {
        condition.lock()
        defer { condition.unlock() }
        guard taken < submitted else { return nil }
        while results[taken] == nil { condition.wait() }
        let output = results.removeValue(forKey: taken)
        taken += 1
        return output
    }

    /// Ends the threads once their current piece is done; what was not started is dropped.
    func close() {
        condition.lock()
        closed = true
        pending.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    private func nextWork() -> (Int, Work)? {
        condition.lock()
        defer { condition.unlock() }
        while pending.isEmpty && !closed { condition.wait() }
        if closed { return nil }
        return pending.removeFirst()
    }
}
