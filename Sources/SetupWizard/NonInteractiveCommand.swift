import CleverTapCore

/// The `setup --non-interactive` command line that reproduces what the wizard saved, so the same
/// setup can be scripted. The passcode never appears: the command reads it from an environment
/// variable (the CLI refuses passcodes as arguments).
public enum NonInteractiveCommand {
    /// Variable the printed command reads the passcode from, unless the destination names one.
    public static let defaultPasscodeVariable = "CLEVERTAP_PASSCODE"

    /// The command for `destination` fed by `source`, saved at `configPath`.
    public static func make(source: Source, destination: Destination, configPath: String) -> String {
        var words = ["clevertap-actions", "setup", "--non-interactive", "--config", configPath,
                     "--source-name", source.name, "--source-type", source.type.rawValue,
                     "--project-id", destination.projectID]
        switch destination.passcode {
        case .environment(let variable): words += ["--passcode-env", variable]
        case .inline: words += ["--passcode-env", defaultPasscodeVariable]
        }
        switch destination.endpoint {
        case .region(let region): words += ["--region", region.code]
        case .custom(let url): words += ["--endpoint", url]
        }
        if destination.name != SetupRequest.defaultDestinationName { words += ["--destination-name", destination.name] }
        if destination.setupMode == .quick { words.append("--quick") }
        // Running it again replaces the destination rather than refusing a duplicate name.
        words.append("--replace")
        return words.map(shellQuoted).joined(separator: " ")
    }

    /// POSIX shell quoting: plain words stay bare, anything else goes in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let plain = !word.isEmpty && word.unicodeScalars.allSatisfy { scalar in
            (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
                || "-_./:=@,+".unicodeScalars.contains(scalar)
        }
        if plain { return word }
        return "'" + word.replacingSingleQuotes() + "'"
    }
}

extension String {
    fileprivate func replacingSingleQuotes() -> String {
        var result = ""
        for character in self {
            if character == "'" { result += #"'\''"# } else { result.append(character) }
        }
        return result
    }
}
