import Foundation
import CleverTapCore

/// A CleverTap account the sandbox accepts: its Project ID and passcode.
public struct SandboxAccount: Sendable, Hashable {
    public var projectID: String
    public var passcode: Secret

    public init(projectID: String, passcode: Secret) {
        self.projectID = projectID
        self.passcode = passcode
    }

    /// The account a sandbox started without `--project-id` accepts. Public knowledge, not a secret:
    /// it only opens a local emulator.
    public static let demo = SandboxAccount(projectID: "TEST-SBX-123-456Z", passcode: Secret("sandbox-passcode"))
}

/// What the sandbox does to one API call instead of (or before) answering it normally.
public enum SandboxFault: Sendable, Hashable, CustomStringConvertible {
    /// Answer normally.
    case ok
    /// Answer with this HTTP status (429, 500, 503, …) and CleverTap's failure body.
    case status(Int)
    /// Hold the request without answering until `SandboxConfiguration.timeoutHold` passes (then 504)
    /// or the sandbox stops: the client's request timeout fires first.
    case timeout

    public var description: String {
        switch self {
        case .ok: return "ok"
        case .status(let code): return String(code)
        case .timeout: return "timeout"
        }
    }

    /// Parses a `--faults` list such as `429,500,timeout,ok`.
    public static func parseSequence(_ text: String) throws(SandboxConfigurationError) -> [SandboxFault] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { item throws(SandboxConfigurationError) in
            let word = item.trimmingCharacters(in: .whitespaces).lowercased()
            switch word {
            case "ok": return .ok
            case "timeout": return .timeout
            default:
                guard let code = Int(word), (400...599).contains(code) else {
                    throw .invalidFault(String(item), text)
                }
                return .status(code)
            }
        }
    }
}

/// A sandbox setting that cannot be used, with what was expected.
public enum SandboxConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    case invalidFault(String, String)
    case invalidFailureRate(Double)
    case stateFileUnreadable(path: String, detail: String)
    case stateFileInvalid(path: String, detail: String)
    case stateFileUnwritable(path: String, detail: String)
    case bindFailed(port: Int, detail: String)

    public var description: String {
        switch self {
        case .invalidFault(let item, let list):
            return "Fault \"\(item)\" in \"\(list)\" is not understood: use a comma-separated list of ok, timeout or an HTTP status 400-599 (e.g. 429,500,timeout,ok)."
        case .invalidFailureRate(let rate):
            return "Failure rate \(rate) is out of range: expected a number from 0 to 1 (0.1 fails one call in ten)."
        case .stateFileUnreadable(let path, let detail):
            return "The sandbox state file \(path) cannot be read (\(detail)). Check its permissions, or start without --state."
        case .stateFileInvalid(let path, let detail):
            return "The sandbox state file \(path) is not a sandbox state document (\(detail)). Move it away or fix it; nothing was overwritten."
        case .stateFileUnwritable(let path, let detail):
            return "The sandbox state file \(path) cannot be written (\(detail)). Create the directory or pick another path, or start without --state."
        case .bindFailed(let port, let detail):
            return "The sandbox could not listen on 127.0.0.1:\(port) (\(detail)). Pick another --port, or 0 for any free port."
        }
    }
}

/// Everything a sandbox needs to start.
public struct SandboxConfiguration: Sendable {
    /// TCP port on 127.0.0.1; 0 picks a free one (read it from the handle).
    public var port: Int
    /// Accounts the sandbox accepts.
    public var accounts: [SandboxAccount]
    /// Where profiles are kept across restarts; nil keeps them in memory only.
    public var stateFile: String?
    /// Scripted faults, one per API call in arrival order; after the list, calls are answered normally.
    public var faults: [SandboxFault]
    /// Fraction of API calls (after the script) answered 500, decided by a seeded generator.
    public var failureRate: Double
    /// Seed for `failureRate`, so a rehearsal repeats exactly.
    public var seed: UInt64
    /// Added to every API call before it is answered.
    public var latency: Duration
    /// How long a `timeout` fault holds a request before answering 504.
    public var timeoutHold: Duration
    /// Concurrent requests per account before 429 (spec §7: 15 uploads, 3 deletes).
    public var uploadConcurrencyLimit: Int
    public var deleteConcurrencyLimit: Int
    /// Event names answered with 513 (restricted system events), compared without regard to case.
    public var restrictedEventNames: Set<String>
    /// Accept nested objects in profileData (CleverTap's per-account beta); off answers 555.
    public var nestedObjects: Bool
    /// How many recent requests `GET /sandbox/requests` keeps.
    public var recentRequestLimit: Int
    /// Sent as `Retry-After` (seconds) with every 429 and 5xx answer; nil sends none (as CleverTap documents).
    public var retryAfterSeconds: Int?

    public init(port: Int = 0, accounts: [SandboxAccount] = [.demo], stateFile: String? = nil,
                faults: [SandboxFault] = [], failureRate: Double = 0, seed: UInt64 = 1,
                latency: Duration = .zero, timeoutHold: Duration = .seconds(60),
                uploadConcurrencyLimit: Int = 15, deleteConcurrencyLimit: Int = 3,
                restrictedEventNames: Set<String> = Set(EventDataRules.restrictedNames),
                nestedObjects: Bool = false, recentRequestLimit: Int = 100, retryAfterSeconds: Int? = nil)
    {
        self.retryAfterSeconds = retryAfterSeconds
        self.port = port
        self.accounts = accounts
        self.stateFile = stateFile
        self.faults = faults
        self.failureRate = failureRate
        self.seed = seed
        self.latency = latency
        self.timeoutHold = timeoutHold
        self.uploadConcurrencyLimit = uploadConcurrencyLimit
        self.deleteConcurrencyLimit = deleteConcurrencyLimit
        self.restrictedEventNames = restrictedEventNames
        self.nestedObjects = nestedObjects
        self.recentRequestLimit = recentRequestLimit
    }

    /// Rejects settings that cannot work, before anything binds.
    public func validate() throws(SandboxConfigurationError) {
        guard failureRate >= 0, failureRate <= 1 else { throw .invalidFailureRate(failureRate) }
    }
}

/// A small, fast, seedable generator (SplitMix64), so fault rates replay identically.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
