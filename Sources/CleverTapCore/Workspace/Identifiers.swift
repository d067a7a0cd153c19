/// Random identifiers for sources, destinations and subscriptions, and source write keys.
///
/// Drawn from `SystemRandomNumberGenerator`, which reads the kernel's CSPRNG (getrandom on
/// Linux, arc4random on Apple platforms): write keys authorise sending events, so they must
/// not be guessable.
public enum Identifiers {
    /// Lowercase letters and digits: safe in URLs, file names and shells, readable aloud.
    static let alphabet: [Character] = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    /// Letters of both cases and digits, as Segment write keys use.
    static let writeKeyAlphabet: [Character] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    /// `src_` + 16 random characters (about 82 bits).
    public static func sourceID() -> String { "src_" + random(16, from: alphabet) }
    /// `dst_` + 16 random characters.
    public static func destinationID() -> String { "dst_" + random(16, from: alphabet) }
    /// `sub_` + 16 random characters.
    public static func subscriptionID() -> String { "sub_" + random(16, from: alphabet) }
    /// 32 random letters and digits (about 190 bits), the shape of a Segment write key.
    public static func writeKey() -> String { random(32, from: writeKeyAlphabet) }

    static func random(_ count: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        // randomElement(using:) draws uniformly (no modulo bias).
        return String((0..<count).map { _ in alphabet.randomElement(using: &generator)! })
    }

    /// Whether `id` is a usable identifier in a config: 1–64 of letters, digits, `_` and `-`.
    public static func isValidID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 64 else { return false }
        return id.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }
}
