#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An input that could not be opened or read, for every verb that reads events or requests: the
/// input as the user named it and the reason in words they can act on.
public struct InputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path as given, or `stdin`.
    public var source: String
    /// `it does not exist`, `it is a directory, not a file`, `read failed: …`
    public var reason: String

    public init(source: String, reason: String) {
        self.source = source
        self.reason = reason
    }

    public var description: String { "cannot read \(source): \(reason)" }

    /// Opening `source` failed with `code`.
    static func cannotOpen(_ source: String, code: Int32) -> InputError {
        InputError(source: source, reason: words(for: code))
    }

    /// Reading `source` failed with `code` after it was opened.
    static func readFailed(_ source: String, code: Int32) -> InputError {
        InputError(source: source, reason: "read failed: \(String(cString: strerror(code)))")
    }

    /// What the user reads for the errors people actually meet; the system's words otherwise.
    static func words(for code: Int32) -> String {
        switch code {
        case ENOENT: return "it does not exist"
        case EACCES, EPERM: return "permission denied"
        case ENOTDIR: return "a part of the path is not a directory"
        case EISDIR: return "it is a directory, not a file"
        default: return String(cString: strerror(code))
        }
    }
}

/// Output that could not be written: a file named on the command line, or standard output.
public struct OutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path as given, or `standard output`.
    public var target: String
    public var reason: String

    public init(target: String, reason: String) {
        self.target = target
        self.reason = reason
    }

    public var description: String { "\(target): \(reason)" }
}

/// Why a streaming verb (`map`, `eval-trigger`, `eval-mapping`) stopped: its input could not be
/// read, or its output could not be written.
public enum StreamError: Error, Sendable, Hashable, CustomStringConvertible {
    case input(InputError)
    case output(OutputError)

    public var description: String {
        switch self {
        case .input(let error): return error.description
        case .output(let error): return error.description
        }
    }
}
