/// How many requests the queue's delivery workers may have in flight at once, per account.
public struct DeliveryConcurrency: Sendable, Hashable {
    /// CleverTap's per-account limit for `POST /1/upload`.
    public static let maximumUploads = 15
    /// CleverTap's per-account limit for deletes.
    public static let maximumDeletes = 3

    public var uploads: Int
    public var deletes: Int

    /// `limit`, when given, lowers both (never raises them above CleverTap's limits).
    public init(limit: Int? = nil) {
        uploads = max(1, min(limit ?? Self.maximumUploads, Self.maximumUploads))
        deletes = max(1, min(limit ?? Self.maximumDeletes, Self.maximumDeletes))
    }
}
