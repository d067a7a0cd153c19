import Foundation

/// Why editing in `$EDITOR` did not produce text.
public enum ExternalEditorError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotWriteTemporaryFile(String)
    case cannotStart(command: String, reason: String)
    case failed(command: String, status: Int32)
    case cannotReadBack(String)

    public var description: String {
        switch self {
        case .cannotWriteTemporaryFile(let reason): return "Could not write the sample to a temporary file: \(reason)."
        case .cannotStart(let command, let reason): return "Could not start the editor \"\(command)\": \(reason). Set VISUAL or EDITOR to an editor on your PATH."
        case .failed(let command, let status): return "The editor \"\(command)\" exited with status \(status); the sample was not changed."
        case .cannotReadBack(let reason): return "Could not read the edited sample back: \(reason)."
        }
    }
}

/// Runs the user's editor on a text, Unix style: `$VISUAL`, else `$EDITOR`, else `vi`, run through
/// `/bin/sh` so commands with arguments (`code --wait`) work. The text sits in a private (0700)
/// temporary directory that is removed afterwards. The caller suspends and restores the terminal
/// around `edit`; the editor inherits the terminal.
public struct ExternalEditor: Sendable {
    public var command: String

    public init(environment: [String: String]) {
        let chosen = [environment["VISUAL"], environment["EDITOR"]].compactMap { $0?.trimmingCharacters(in: .whitespacesAndNewlines) }.first { !$0.isEmpty }
        command = chosen ?? "vi"
    }

    /// Writes `text` to `<name>`, runs the editor on it and returns the file's new contents.
    public func edit(_ text: String, fileName: String = "sample-event.json") throws(ExternalEditorError) -> String {
        let files = FileManager.default
        let directory = files.temporaryDirectory.appendingPathComponent("clevertap-actions-\(UUID().uuidString)")
        let file = directory.appendingPathComponent(fileName)
        do {
            try files.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            try Data(text.utf8).write(to: file)
        } catch {
            throw .cannotWriteTemporaryFile(error.localizedDescription)
        }
        defer { try? files.removeItem(at: directory) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // "$1" keeps a path with spaces in one argument; the command itself is shell text by convention.
        process.arguments = ["-c", command + " \"$1\"", "sh", file.path]
        do {
            try process.run()
        } catch {
            throw .cannotStart(command: command, reason: error.localizedDescription)
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            // 127 is the shell's "command not found".
            if process.terminationStatus == 127 { throw .cannotStart(command: command, reason: "command not found") }
            throw .failed(command: command, status: process.terminationStatus)
        }
        do {
            return String(decoding: try Data(contentsOf: file), as: UTF8.self)
        } catch {
            throw .cannotReadBack(error.localizedDescription)
        }
    }
}
