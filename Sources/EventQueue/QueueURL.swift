import Foundation

/// Where a queue lives, as `--queue` names it.
public enum QueueURL: Sendable, Hashable, CustomStringConvertible {
    /// `sqlite:PATH`: the embedded queue in one file.
    case sqlite(path: String)
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`: a queue several `serve` processes share.
    case postgres(String)

    /// Parses `--queue`; nil or empty gives the default SQLite file of that name (`serve`'s
    /// `queue.sqlite`; `deliver` keeps its own, since one SQLite queue has one delivering process).
    public static func parse(_ text: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                             defaultFile: String = "queue.sqlite") throws(QueueError) -> QueueURL
    {
        guard let text, !text.isEmpty else { return .sqlite(path: defaultSQLitePath(environment: environment, file: defaultFile)) }
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            if path.isEmpty { throw .invalidURL(text, reason: "the path after sqlite: is empty") }
            return .sqlite(path: path)
        }
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") { return .postgres(text) }
        throw .invalidURL(text, reason: "unknown scheme")
    }

    /// `$XDG_STATE_HOME/clevertap-actions/queue.sqlite`, else `~/.local/state/clevertap-actions/queue.sqlite`.
    public static func defaultSQLitePath(environment: [String: String], file: String = "queue.sqlite") -> String {
        let state: String
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") {
            state = xdg
        } else {
            state = (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        }
        return state + "/clevertap-actions/" + file
    }

    /// Opens the queue (for PostgreSQL: connects, and creates the tables when missing).
    public func open() async throws(QueueError) -> any EventQueue {
        switch self {
        case .sqlite(let path): return try await SQLiteEventQueue.open(path: path)
        case .postgres(let url): return try await PostgresEventQueue(url: url)
        }
    }

    /// The URL without a password, for messages.
    static func redacted(_ url: String) -> String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }

    public var description: String {
        switch self {
        case .sqlite(let path): return "sqlite:" + path
        case .postgres(let url): return Self.redacted(url)
        }
    }
}
