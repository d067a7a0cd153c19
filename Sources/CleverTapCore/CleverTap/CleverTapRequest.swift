/// A request as the client would send it, for showing to people: URL, headers with the passcode
/// masked, and the body. Safe to print, log or store.
public struct CleverTapRequestPreview: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var url: String
    /// Header names and values; the passcode value is `Redactor.mask`.
    public var headers: [Header]
    public var body: JSONValue

    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String = "POST", url: String, headers: [Header], body: JSONValue) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }

    /// The body as indented JSON.
    public var prettyBody: String { body.prettyDescription }

    /// `POST url`, the headers one per line, a blank line, the pretty body.
    public var description: String {
        var lines = ["\(method) \(url)"]
        for header in headers { lines.append("\(header.name): \(header.value)") }
        lines.append("")
        lines.append(prettyBody)
        return lines.joined(separator: "\n")
    }

    /// As a JSON value, for `--json` output.
    public var jsonValue: JSONValue {
        var headerObject = JSONObject()
        for header in headers { headerObject[header.name] = .string(header.value) }
        return ["method": .string(method), "url": .string(url), "headers": .object(headerObject), "body": body]
    }
}

/// The API paths the client calls (spec §3, §6).
public enum CleverTapPath {
    public static let upload = "/1/upload"
    public static let deleteProfiles = "/1/delete/profiles.json"
}

/// Which identifier a delete names profiles by; one request never carries both (CleverTap answers 400).
public enum DeleteKey: String, Sendable, Hashable {
    /// Your own user IDs.
    case identity
    /// CleverTap IDs (`objectId` elsewhere).
    case guid
}
