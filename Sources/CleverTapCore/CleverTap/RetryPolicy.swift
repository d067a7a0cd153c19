/// When and how long to wait before repeating a request that failed as a whole.
///
/// Capped exponential backoff with "equal jitter": attempt n waits a random time between half and
/// all of `min(maxDelay, baseDelay * 2^(n-1))`, so clients that failed together do not retry
/// together, and a wait never collapses to zero. A `Retry-After` the server sends wins over the
/// computed wait (capped at `maxDelay`, so one hostile header cannot stall delivery for hours).
public struct RetryPolicy: Sendable, Hashable {
    /// Total tries of one request, the first included (1 = never retry).
    public var maxAttempts: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(maxAttempts: Int = 6, baseDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(60)) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// CleverTap's guidance (spec §7): 1 s doubling to 60 s, at most 6 tries.
    public static let standard = RetryPolicy()
    /// One try only: for interactive checks where a person is waiting.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait after failed attempt `attempt` (1-based), honouring `retryAfter` when given.
    public func delay<R: RandomNumberGenerator>(afterAttempt attempt: Int, retryAfter: Duration?,
                                                using random: inout R) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), maxDelay) }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(baseDelay * (1 << exponent), maxDelay)
        let half = ceiling / 2
        let jitterNanos = Self.nanoseconds(half)
        let extra = jitterNanos > 0 ? Int64.random(in: 0...jitterNanos, using: &random) : 0
        return half + .nanoseconds(extra)
    }

    public func delay(afterAttempt attempt: Int, retryAfter: Duration?) -> Duration {
        var random = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, retryAfter: retryAfter, using: &random)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    /// Parses a `Retry-After` header in its delta-seconds form. The HTTP-date form is ignored
    /// (CleverTap documents no Retry-After at all; backoff covers it).
    public static func parseRetryAfter(_ value: String?) -> Duration? {
        guard let value = value?.trimmingPrefixAndSuffixSpaces, let seconds = Int64(value), seconds >= 0 else { return nil }
        return .seconds(seconds)
    }
}

extension String {
    var trimmingPrefixAndSuffixSpaces: String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
