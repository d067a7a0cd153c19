import Foundation

/// A bounded hand-off from the reading thread (which blocks when it is full: back-pressure) to the
/// async sender loop (which suspends when it is empty).
final class BatchChannel: @unchecked Sendable {
    private let condition = NSCondition()
    private let capacity: Int
    private var items: [RecordBatch] = []
    private var closed = false
    private var aborted = false
    private var waiter: CheckedContinuation<RecordBatch?, Never>?

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Blocks while full. Returns false (keeping nothing) once the channel was aborted.
    func put(_ batch: RecordBatch) -> Bool {
        condition.lock()
        while items.count >= capacity && !aborted { condition.wait() }
        if aborted {
            condition.unlock()
            return false
        }
        if let waiter {
            self.waiter = nil
            condition.unlock()
            waiter.resume(returning: batch)
            return true
        }
        items.append(batch)
        condition.unlock()
        return true
    }

    /// No more batches will come.
    func close() {
        condition.lock()
        closed = true
        let waiter = self.waiter
        self.waiter = nil
        condition.unlock()
        waiter?.resume(returning: nil)
    }

    /// The next batch, or nil once closed (or aborted) and empty.
    func take() async -> RecordBatch? {
        await withCheckedContinuation { continuation in
            condition.lock()
            if !items.isEmpty {
                let batch = items.removeFirst()
                condition.signal()
                condition.unlock()
                continuation.resume(returning: batch)
                return
            }
            if closed || aborted {
                condition.unlock()
                continuation.resume(returning: nil)
                return
            }
            waiter = continuation
            condition.unlock()
        }
    }

    /// Stops the channel and returns what was queued; blocked and later `put`s return false.
    func abort() -> [RecordBatch] {
        condition.lock()
        aborted = true
        let rest = items
        items = []
        let waiter = self.waiter
        self.waiter = nil
        condition.broadcast()
        condition.unlock()
        waiter?.resume(returning: nil)
        return rest
    }
}
