/// The version of clevertap-actions, said once: `--version` prints it, and anything that needs to
/// name the build (a User-Agent, a report) reads it from here.
public enum ToolVersion {
    public static let current = "0.1.0"
}
