#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the workspace file is, and which rule chose it (for `config path`).
public struct WorkspaceLocation: Sendable, Hashable {
    public enum Origin: String, Sendable, Hashable {
        /// `--config PATH`
        case flag
        /// `$CLEVERTAP_ACTIONS_CONFIG`
        case environment
        /// `$XDG_CONFIG_HOME/clevertap-actions/workspace.json`
        case xdgConfigHome
        /// `$HOME/.config/clevertap-actions/workspace.json`
        case home
    }

    public var path: String
    public var origin: Origin

    public init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }

    /// The environment variable that names the config file.
    public static let environmentVariable = "CLEVERTAP_ACTIONS_CONFIG"

    /// `--config`, else `$CLEVERTAP_ACTIONS_CONFIG`, else `$XDG_CONFIG_HOME/clevertap-actions/
    /// workspace.json` (XDG requires an absolute path; a relative one is ignored), else
    /// `~/.config/clevertap-actions/workspace.json`. Empty values count as unset.
    /// A path ending in `/` names a directory, never the file: refused here, because saving to it
    /// would create the directory and a lock file before failing.
    public static func resolve(explicit: String?, environment: [String: String]) throws(WorkspaceError) -> WorkspaceLocation {
        if let explicit, !explicit.isEmpty { return try fileLocation(explicit, origin: .flag) }
        if let path = environment[environmentVariable], !path.isEmpty { return try fileLocation(path, origin: .environment) }
        if let xdg = environment["XDG_CONFIG_HOME"], xdg.hasPrefix("/") {
            return WorkspaceLocation(path: join(xdg, "clevertap-actions/workspace.json"), origin: .xdgConfigHome)
        }
        if let home = environment["HOME"], !home.isEmpty {
            return WorkspaceLocation(path: join(home, ".config/clevertap-actions/workspace.json"), origin: .home)
        }
        throw .noLocation
    }

    private static func fileLocation(_ path: String, origin: Origin) throws(WorkspaceError) -> WorkspaceLocation {
        if path.hasSuffix("/") {
            throw .unreadable(path: path, reason: "this names a directory; expected the workspace file's path, such as \(join(path, "workspace.json"))")
        }
        return WorkspaceLocation(path: path, origin: origin)
    }

    static func join(_ directory: String, _ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }
}

/// Loads, validates and saves the workspace file.
///
/// - A missing file loads as an empty workspace (`load()`), because a first run has none; callers
///   that need one (`config show`, `config validate`) use `load(required: true)`.
/// - Saving is atomic: a temporary file in the same directory, written, fsynced and renamed over
///   the old one, then the directory fsynced. Files are 0600 and directories this store creates
///   0700 (existing directories are left alone). The previous file is kept as `<file>.bak`. If any
///   step fails, the old file is byte-for-byte unchanged and the error says which step failed.
/// - A file with a newer `version` is refused on load and never overwritten.
public struct WorkspaceStore: Sendable {
    public var path: String
    public var validator: WorkspaceValidator

    public init(path: String, validator: WorkspaceValidator = WorkspaceValidator()) {
        self.path = path
        self.validator = validator
    }

    /// `path` + `.bak`: the previous version, kept by every save.
    public var backupPath: String { path + ".bak" }

    /// The workspace in the file; an empty workspace when there is no file, unless `required`.
    public func load(required: Bool = false) throws(WorkspaceError) -> Workspace {
        if let workspace = try loadIfPresent() { return workspace }
        if required { throw .missing(path: path) }
        return Workspace()
    }

    /// The workspace in the file, or nil when the file does not exist.
    public func loadIfPresent() throws(WorkspaceError) -> Workspace? {
        let bytes: [UInt8]
        switch FileIO.read(path) {
        case .success(nil): return nil
        case .success(let contents?): bytes = contents
        case .failure(let reason): throw .unreadable(path: path, reason: reason.message)
        }
        return try decode(bytes)
    }

    /// Parses, decodes and validates file contents; errors name this store's path.
    public func decode(_ file: [UInt8]) throws(WorkspaceError) -> Workspace {
        // Some Windows editors start UTF-8 files with a byte order mark; RFC 8259 lets a reader
        // ignore it, and positions are then where the editor shows them.
        let bytes = file.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(file.dropFirst(3)) : file
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes: bytes)
        } catch {
            let (line, column) = error.lineAndColumn(in: bytes)
            throw .malformedJSON(path: path, line: line, column: column, message: error.message)
        }
        let workspace: Workspace
        do {
            workspace = try WorkspaceCodec.decode(value)
        } catch {
            switch error {
            case .newerVersion(let found, let supported): throw .newerVersion(path: path, found: found, supported: supported)
            case .invalid(let shape):
                // Every problem in one run: the rule problems of the readable parts too.
                let all = (try? WorkspaceCodec.problems(in: value, validator: validator)) ?? shape
                throw .invalid(path: path, issues: all)
            }
        }
        let issues = validator.validate(workspace)
        if !issues.isEmpty { throw .invalid(path: path, issues: issues) }
        return workspace
    }

    /// `path` + `.lock`: the advisory lock `update` holds while it reads, changes and writes.
    public var lockPath: String { path + ".lock" }

    /// Loads the workspace, lets `change` edit it, and saves the result, holding an exclusive
    /// advisory lock (`flock` on `<file>.lock`) throughout, so two processes updating at once
    /// (a wizard and a script, parallel CI jobs) cannot lose each other's changes.
    ///
    /// Throws `WorkspaceError` for the store's own failures, or whatever `change` throws (then
    /// nothing is written).
    public func update<T>(_ change: (inout Workspace) throws -> T) throws -> T {
        let directory = FileIO.directory(of: path)
        if case .failure(let reason) = FileIO.makeDirectories(directory, mode: 0o700) {
            throw WorkspaceError.saveFailed(path: path, step: "creating the directory \(directory)", reason: reason.message)
        }
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if lock < 0 { throw WorkspaceError.saveFailed(path: path, step: "opening the lock file \(lockPath)", reason: FileIO.Failure.errno().message) }
        defer { close(lock) }
        while flock(lock, LOCK_EX) != 0 {
            if posixErrno() != EINTR {
                throw WorkspaceError.saveFailed(path: path, step: "locking \(lockPath)", reason: FileIO.Failure.errno().message)
            }
        }
        defer { flock(lock, LOCK_UN) }
        var workspace = try load()
        let result = try change(&workspace)
        try save(workspace)
        return result
    }

    /// Validates and atomically writes `workspace`, keeping the previous file as `.bak`.
    public func save(_ workspace: Workspace) throws(WorkspaceError) {
        let issues = validator.validate(workspace)
        if !issues.isEmpty { throw .invalid(path: path, issues: issues) }

        let previous: [UInt8]?
        switch FileIO.read(path) {
        case .success(let contents): previous = contents
        case .failure(let reason): throw .saveFailed(path: path, step: "reading the current file", reason: reason.message)
        }
        if let previous, case .int(let found)? = (try? JSONParser.parse(bytes: previous))?["version"],
           found > Int64(Workspace.currentVersion)
        {
            throw .newerVersion(path: path, found: found, supported: Workspace.currentVersion)
        }

        // A symlinked workspace (dotfiles repositories do this) is written through to its target,
        // so the link stays a link and the two never diverge; the backup sits beside the target.
        let target = FileIO.resolvingSymlinks(path)
        let directory = FileIO.directory(of: target)
        if case .failure(let reason) = FileIO.makeDirectories(directory, mode: 0o700) {
            throw .saveFailed(path: path, step: "creating the directory \(directory)", reason: reason.message)
        }
        // Never wider than 0600, but a stricter mode someone chose (0400) is kept.
        let mode = FileIO.mode(of: target).map { ($0 & 0o600) | 0o400 } ?? 0o600
        if let previous, case .failure(let failure) = FileIO.writeAtomically(previous, to: target + ".bak", mode: mode) {
            throw .saveFailed(path: path, step: "keeping the previous version as \(target).bak (\(failure.step))", reason: failure.message)
        }
        let text = WorkspaceCodec.encodedText(workspace)
        if case .failure(let failure) = FileIO.writeAtomically(Array(text.utf8), to: target, mode: mode) {
            throw .saveFailed(path: path, step: failure.step, reason: failure.message)
        }
    }
}

/// The few POSIX file operations the store needs, with errno turned into words.
enum FileIO {
    struct Failure: Error {
        var step: String
        var message: String
        init(step: String = "", _ message: String) {
            self.step = step
            self.message = message
        }
        static func errno(_ step: String = "", _ code: Int32 = posixErrno()) -> Failure {
            Failure(step: step, String(cString: strerror(code)))
        }
    }

    /// The file's bytes; nil when it does not exist.
    static func read(_ path: String) -> Result<[UInt8]?, Failure> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = posixErrno()
            return code == ENOENT ? .success(nil) : .failure(.errno("opening", code))
        }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) != 0 { return .failure(.errno("inspecting")) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return .failure(Failure("it is a directory, not a file")) }
        if (info.st_mode & S_IFMT) != S_IFREG { return .failure(Failure("it is not a regular file")) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if posixErrno() == EINTR { continue }
                return .failure(.errno("reading"))
            }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return .success(bytes)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = String(path[..<slash])
        return directory.isEmpty ? "/" : directory
    }

    /// Creates `directory` and missing parents with `mode`; existing ones are left as they are.
    static func makeDirectories(_ directory: String, mode: mode_t) -> Result<Void, Failure> {
        var info = stat()
        if stat(directory, &info) == 0 {
            return (info.st_mode & S_IFMT) == S_IFDIR ? .success(()) : .failure(Failure("\(directory) exists and is not a directory"))
        }
        let parent = FileIO.directory(of: directory)
        if parent != directory, case .failure(let failure) = makeDirectories(parent, mode: mode) { return .failure(failure) }
        if mkdir(directory, mode) != 0 && posixErrno() != EEXIST { return .failure(.errno()) }
        // mkdir's mode is filtered by the umask; set it exactly.
        _ = chmod(directory, mode)
        return .success(())
    }

    /// `path` with every symbolic link resolved (a link's relative target is relative to the link's
    /// directory); `path` itself when it is no link or cannot be resolved (then it is created).
    static func resolvingSymlinks(_ path: String) -> String {
        var current = path
        for _ in 0..<40 {  // the kernel's own limit on links followed (ELOOP)
            var info = stat()
            guard lstat(current, &info) == 0, (info.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let count = readlink(current, &buffer, buffer.count - 1)
            guard count > 0 else { return current }
            let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : directory(of: current) + "/" + target
        }
        return current
    }

    /// The permission bits of the file at `path`, or nil when it does not exist.
    static func mode(of path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Writes `bytes` to a new temporary file (with `mode`, at most 0600) beside `target`, fsyncs
    /// it, renames it over `target` and fsyncs the directory. On failure the temporary file is
    /// removed and `target` is untouched.
    static func writeAtomically(_ bytes: [UInt8], to target: String, mode: mode_t = 0o600) -> Result<Void, Failure> {
        let directory = directory(of: target)
        let name = target.split(separator: "/").last.map(String.init) ?? target
        let temporary = "\(directory)/.\(name).tmp-\(Identifiers.random(12, from: Identifiers.alphabet))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 { return .failure(.errno("creating a temporary file in \(directory)")) }
        var closed = false
        func fail(_ step: String) -> Result<Void, Failure> {
            let failure = Failure.errno(step)
            if !closed { close(fd) }
            unlink(temporary)
            return .failure(failure)
        }
        // The mode is set once the bytes are in: a 0400 file could not be written otherwise.
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { posixWrite(fd, $0.baseAddress! + written, $0.count - written) }
            if count < 0 {
                if posixErrno() == EINTR { continue }
                return fail("writing")
            }
            written += count
        }
        if fchmod(fd, mode & 0o600) != 0 { return fail("setting permissions") }
        if fsync(fd) != 0 { return fail("flushing to disk") }
        closed = true
        if close(fd) != 0 { return fail("closing") }
        if rename(temporary, target) != 0 { return fail("renaming into place") }
        let directoryFD = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryFD >= 0 {
            // Makes the rename itself durable; some file systems refuse fsync on directories.
            _ = fsync(directoryFD)
            close(directoryFD)
        }
        return .success(())
    }
}

// Thin wrappers so the C library calls read clearly next to the store's own `read`.
@inline(__always) func posixErrno() -> Int32 { errno }
@inline(__always) func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }
@inline(__always) func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
