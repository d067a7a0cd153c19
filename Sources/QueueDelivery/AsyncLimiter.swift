/// At most `limit` holders at once; waiters are served in arrival order. Used for CleverTap's
/// per-account limits (15 uploads, 3 deletes in flight), shared by every worker of the account.
public actor AsyncLimiter {
    public let limit: Int
    private var held = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a free slot and takes it.
    public func acquire() async {
        if held < limit {
            held += 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    /// Gives a slot back (to the first waiter, if any).
    public func release() {
        if waiters.isEmpty {
            held -= 1
        } else {
            waiters.removeFirst().resume()
        }
    }

    /// Runs `body` holding a slot.
    public func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await acquire()
        let result = await body()
        release()
        return result
    }
}
