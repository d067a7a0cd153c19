import CleverTapCore

/// One destination the workers deliver to: its compiled subscriptions, its client and the
/// limiters of its CleverTap account (shared with other destinations of the same account).
public struct DeliveryRoute: Sendable {
    public let destination: Destination
    public let pipeline: SubscriptionPipeline
    public let client: CleverTapClient
    public let uploads: AsyncLimiter
    public let deletes: AsyncLimiter

    public init(destination: Destination, pipeline: SubscriptionPipeline, client: CleverTapClient,
                uploads: AsyncLimiter, deletes: AsyncLimiter) {
        self.destination = destination
        self.pipeline = pipeline
        self.client = client
        self.uploads = uploads
        self.deletes = deletes
    }

    /// Routes for `destinations`, with one pair of limiters per account (base URL + Project ID):
    /// CleverTap's 15/3 concurrency is per account, whatever the number of destinations.
    /// `concurrency` lowers the limits (`deliver --concurrency`).
    public static func make(destinations: [Destination], concurrency: DeliveryConcurrency = DeliveryConcurrency(),
                            client: (Destination) throws -> CleverTapClient) rethrows -> [DeliveryRoute] {
        var limiters: [String: (AsyncLimiter, AsyncLimiter)] = [:]
        return try destinations.map { destination in
            let account = destination.endpoint.baseURL + "|" + destination.projectID
            let pair = limiters[account] ?? (AsyncLimiter(limit: concurrency.uploads), AsyncLimiter(limit: concurrency.deletes))
            limiters[account] = pair
            return DeliveryRoute(destination: destination, pipeline: SubscriptionPipeline(destination: destination),
                                 client: try client(destination), uploads: pair.0, deletes: pair.1)
        }
    }
}

/// How the workers pace themselves and when they give up.
public struct DeliverySettings: Sendable {
    /// Records claimed at once per worker loop (one full upload).
    public var claimLimit: Int
    /// Claim loops per destination, so several claims are in flight while others are answered.
    public var loopsPerDestination: Int
    /// How long a claim holds its records; past it another worker may take them.
    public var lease: Duration
    /// After a claim that was not full, wait this long so the next one fills (the linger).
    public var linger: Duration
    /// Backoff between delivery attempts of a record (on top of the client's own quick retries).
    public var backoff: RetryPolicy
    /// A record still failing this long after it arrived goes dead.
    public var giveUpAfter: Duration
    /// Records per request, when lower than CleverTap's 1000 per upload and 100 per delete
    /// (`deliver --batch-size`).
    public var batchSize: Int?

    /// Records per upload and per delete request.
    public var uploadBatch: Int { min(batchSize ?? BatchLimits.maximumUpload, BatchLimits.maximumUpload) }
    public var deleteBatch: Int { min(batchSize ?? BatchLimits.maximumDelete, BatchLimits.maximumDelete) }

    public init(claimLimit: Int = BatchLimits.maximumUpload, loopsPerDestination: Int = 4, lease: Duration = .seconds(120),
                linger: Duration = .milliseconds(100), backoff: RetryPolicy = RetryPolicy(maxAttempts: 1000, baseDelay: .seconds(1), maxDelay: .seconds(300)),
                giveUpAfter: Duration = .seconds(4 * 3600), batchSize: Int? = nil) {
        self.claimLimit = max(1, claimLimit)
        self.loopsPerDestination = max(1, loopsPerDestination)
        self.lease = lease
        self.linger = linger
        self.backoff = backoff
        self.giveUpAfter = giveUpAfter
        self.batchSize = batchSize.map { max(1, $0) }
    }
}
