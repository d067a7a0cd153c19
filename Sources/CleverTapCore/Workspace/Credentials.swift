/// A project ID, passcode or passcode variable that cannot be used, and why.
///
/// Messages never contain the passcode itself: they say what is wrong and what is expected.
public indirect enum CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyProjectID
    /// Longer than `ProjectID.maximumLength`: not an ID (and not repeated back in full).
    case projectIDTooLong(length: Int)
    /// The project ID holds a control character (CR, LF, tab, …) at `position` (1-based).
    case projectIDControlCharacter(position: Int)
    /// The trimmed, uppercased ID is not `XXX-XXX-XXXX`.
    case projectIDFormat(String)
    case emptyPasscode
    /// Longer than `Passcode.maximumLength`: it would make a request head the HTTP stack refuses.
    case passcodeTooLong(length: Int)
    /// The passcode holds a control character at `position` (1-based): it would break the header.
    case passcodeControlCharacter(position: Int)
    /// The passcode holds a character an HTTP header cannot carry (non-ASCII) at `position`.
    case passcodeNotASCII(position: Int)
    /// Not a valid environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
    case invalidVariableName(String)
    /// The passcode's environment variable is not set.
    case variableUnset(String)
    /// The passcode read from an environment variable is unusable.
    case variablePasscode(variable: String, problem: CredentialError)

    public var description: String {
        switch self {
        case .emptyProjectID:
            return "the project ID is empty; expected XXX-XXX-XXXX (Settings > Project in the CleverTap dashboard)"
        case .projectIDControlCharacter(let position):
            return "the project ID contains a control character (such as a line break) at position \(position); expected XXX-XXX-XXXX"
        case .projectIDFormat(let id):
            return "expected XXX-XXX-XXXX (letters and digits, e.g. 844-6K7-984Z), got \(JSONValue.string(id).description)"
        case .projectIDTooLong(let length):
            return "the project ID is \(length) characters long; expected XXX-XXX-XXXX (at most \(ProjectID.maximumLength) characters with surrounding spaces)"
        case .passcodeTooLong(let length):
            return "the passcode is \(length) characters long; the limit is \(Passcode.maximumLength) (CleverTap passcodes are much shorter: copy it again from Settings > Passcode)"
        case .emptyPasscode:
            return "the passcode is empty; copy it from Settings > Passcode in the CleverTap dashboard"
        case .passcodeControlCharacter(let position):
            return "the passcode contains a control character (such as a line break) at position \(position); it cannot be sent in an HTTP header"
        case .passcodeNotASCII(let position):
            return "the passcode contains a non-ASCII character at position \(position); it cannot be sent in an HTTP header"
        case .invalidVariableName(let name):
            return "\(JSONValue.string(name).description) is not an environment variable name; expected letters, digits and _ (not starting with a digit), e.g. CLEVERTAP_PASSCODE"
        case .variableUnset(let name):
            return "the environment variable \(name) that holds the passcode is not set"
        case .variablePasscode(let variable, let problem):
            return "in $\(variable): \(problem)"
        }
    }
}

/// CleverTap project (account) IDs: `XXX-XXX-XXXX` of letters and digits, optionally `TEST-`.
public enum ProjectID {
    /// The most characters a project ID field may hold, surrounding whitespace included: an ID is
    /// 12 (17 with `TEST-`), so anything past this is a paste of something else.
    public static let maximumLength = 64

    /// Trims surrounding whitespace and uppercases; throws unless the result is a project ID.
    ///
    /// Control characters are refused before anything else: the ID goes into the
    /// `X-CleverTap-Account-Id` header, where CR/LF would inject headers.
    public static func normalize(_ text: String) throws(CredentialError) -> String {
        // Checked first, in UTF-8 bytes (cheap): a pasted megabyte is refused without being
        // trimmed, scanned or echoed into the message.
        if text.utf8.count > maximumLength { throw .projectIDTooLong(length: text.count) }
        let trimmed = trimWhitespace(text)
        if let position = firstControlCharacter(in: trimmed) {
            throw .projectIDControlCharacter(position: position)
        }
        if trimmed.isEmpty { throw .emptyProjectID }
        let upper = trimmed.uppercased()
        guard isWellFormed(upper) else { throw .projectIDFormat(trimmed) }
        return upper
    }

    /// Whether `text` (already uppercased) matches `^(TEST-)?[A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{4}$`.
    public static func isWellFormed(_ text: String) -> Bool {
        var bytes = Array(text.utf8)
        if bytes.count == 17, bytes.starts(with: "TEST-".utf8) { bytes.removeFirst(5) }
        guard bytes.count == 12 else { return false }
        for (index, byte) in bytes.enumerated() {
            if index == 3 || index == 7 {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))) {
                return false
            }
        }
        return true
    }
}

/// CleverTap passcodes: opaque, but they travel in the `X-CleverTap-Passcode` header.
public enum Passcode {
    /// The longest passcode accepted. CleverTap's are a few dozen characters; the bound keeps the
    /// `X-CleverTap-Passcode` header far below what the HTTP stack can send (a 100 KB one crashed it).
    public static let maximumLength = 256

    /// Trims surrounding whitespace (HTTP drops it from header values anyway) and checks that
    /// what is left is non-empty printable ASCII; returns it as a `Secret`.
    public static func validate(_ text: String) throws(CredentialError) -> Secret {
        if text.utf8.count > maximumLength {
            let trimmedLength = trimWhitespace(text).count
            if trimmedLength > maximumLength { throw .passcodeTooLong(length: trimmedLength) }
        }
        let trimmed = trimWhitespace(text)
        if let position = firstControlCharacter(in: trimmed) { throw .passcodeControlCharacter(position: position) }
        if trimmed.isEmpty { throw .emptyPasscode }
        for (index, scalar) in trimmed.unicodeScalars.enumerated() where !scalar.isASCII {
            throw .passcodeNotASCII(position: index + 1)
        }
        return Secret(trimmed)
    }
}

/// Environment variable names as POSIX shells accept them.
public enum EnvironmentVariableName {
    public static func validate(_ name: String) throws(CredentialError) {
        var first = true
        for byte in name.utf8 {
            let letter = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
            let digit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            if !(letter || (digit && !first)) { throw .invalidVariableName(name) }
            first = false
        }
        if first { throw .invalidVariableName(name) }
    }
}

extension PasscodeSource {
    /// The passcode to send: the inline secret, or the named variable's value from `environment`.
    public func resolve(environment: [String: String]) throws(CredentialError) -> Secret {
        switch self {
        case .inline(let secret):
            return try Passcode.validate(secret.revealed)
        case .environment(let variable):
            try EnvironmentVariableName.validate(variable)
            guard let value = environment[variable] else { throw .variableUnset(variable) }
            do { return try Passcode.validate(value) } catch { throw .variablePasscode(variable: variable, problem: error) }
        }
    }
}

/// Trims spaces, tabs and line breaks (and other Unicode whitespace) at both ends.
func trimWhitespace(_ text: String) -> String {
    let scalars = text.unicodeScalars
    guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
    let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
    return String(scalars[start...end])
}

/// 1-based position of the first C0/C1 control character or DEL, or nil.
func firstControlCharacter(in text: String) -> Int? {
    for (index, scalar) in text.unicodeScalars.enumerated()
    where scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value <= 0x9F) || scalar.value == 0x2028 || scalar.value == 0x2029 {
        return index + 1
    }
    return nil
}
