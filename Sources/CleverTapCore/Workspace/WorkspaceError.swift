/// Why a workspace could not be located, loaded or saved, phrased so the user can fix it.
public enum WorkspaceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Neither `--config`, `$CLEVERTAP_ACTIONS_CONFIG`, `$XDG_CONFIG_HOME` nor `$HOME` gives a place.
    case noLocation
    /// `load(required: true)` found no file.
    case missing(path: String)
    /// The file exists but cannot be read (a directory, no permission, I/O error).
    case unreadable(path: String, reason: String)
    /// The file is not JSON; `line` and `column` are 1-based (column in bytes).
    case malformedJSON(path: String, line: Int, column: Int, message: String)
    /// Written by a newer build; refused and never rewritten.
    case newerVersion(path: String, found: Int64, supported: Int)
    /// JSON that breaks workspace rules; every issue has a JSON path.
    case invalid(path: String, issues: [WorkspaceIssue])
    /// Saving failed at `step`; the previous file is untouched.
    case saveFailed(path: String, step: String, reason: String)

    public var description: String {
        switch self {
        case .noLocation:
            return "cannot tell where the workspace lives: pass --config PATH, or set CLEVERTAP_ACTIONS_CONFIG, XDG_CONFIG_HOME or HOME"
        case .missing(let path):
            return "\(path): no workspace there yet; create one with `clevertap-actions setup`"
        case .unreadable(let path, let reason):
            return "\(path): cannot read the workspace: \(reason)"
        case .malformedJSON(let path, let line, let column, let message):
            return "\(path):\(line):\(column): malformed JSON: \(message)"
        case .newerVersion(let path, let found, let supported):
            return "\(path): workspace version \(found) was written by a newer clevertap-actions (this one understands version \(supported)); upgrade the tool. The file was left unchanged."
        case .invalid(let path, let issues):
            let count = issues.count == 1 ? "1 problem" : "\(issues.count) problems"
            return "\(path): invalid workspace (\(count)):\n" + issues.map { "  \($0)" }.joined(separator: "\n")
        case .saveFailed(let path, let step, let reason):
            return "\(path): not saved (\(step) failed: \(reason)); the previous file is unchanged"
        }
    }
}
