/// The document the wizard writes and everything else consumes: sources of events and the
/// CleverTap destinations connected to them. Stored as versioned JSON (see `WorkspaceStore`).
public struct Workspace: Sendable, Hashable {
    /// The config format version this build reads and writes.
    public static let currentVersion = 1

    public var version: Int
    public var sources: [Source]
    public var destinations: [Destination]

    public init(version: Int = Workspace.currentVersion, sources: [Source] = [], destinations: [Destination] = []) {
        self.version = version
        self.sources = sources
        self.destinations = destinations
    }
}

/// Where events come from (a website, an app, a server).
public struct Source: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var type: SourceType
    /// Key a client uses to send events to this source; generated with a CSPRNG.
    public var writeKey: String

    public init(id: String, name: String, type: SourceType, writeKey: String) {
        self.id = id
        self.name = name
        self.type = type
        self.writeKey = writeKey
    }
}

/// The kinds of source Segment offers that matter here.
public enum SourceType: String, Sendable, Hashable, CaseIterable {
    case javascript, ios, android, server, http

    public var displayName: String {
        switch self {
        case .javascript: return "Website (JavaScript)"
        case .ios: return "iOS app"
        case .android: return "Android app"
        case .server: return "Server"
        case .http: return "HTTP API"
        }
    }
}

/// How the wizard set a destination up: the presets, or subscriptions built one by one.
public enum SetupMode: String, Sendable, Hashable, CaseIterable {
    case quick, customized
}

/// The CleverTap actions: Segment's two (User Upload, Delete User) plus our own Upload Event.
public enum ActionKind: String, Sendable, Hashable, CaseIterable {
    /// Create or update a profile (`POST /1/upload`, record type `profile`).
    case userUpload
    /// Delete a profile (`POST /1/delete/profiles.json`).
    case userDelete
    /// Record an event, e.g. `Charged` (`POST /1/upload`, record type `event`). Not in Segment's
    /// CleverTap (Actions) destination; RudderStack's CleverTap destination sends the same records.
    case userEvent

    public var displayName: String {
        switch self {
        case .userUpload: return "User Upload"
        case .userDelete: return "Delete User"
        case .userEvent: return "Upload Event"
        }
    }

    /// The API call this action's records go out in.
    public var endpoint: CleverTapEndpoint {
        switch self {
        case .userUpload, .userEvent: return .upload
        case .userDelete: return .deleteProfiles
        }
    }
}

/// The two CleverTap calls records are batched into. Profile and event records share
/// `/1/upload`: CleverTap takes both kinds mixed in one `d` array (spec §3; its Node client and
/// RudderStack batch them together), so one upload batch may carry both.
public enum CleverTapEndpoint: String, Sendable, Hashable, CaseIterable {
    /// `POST /1/upload`: profiles and events, at most 1000 records per request.
    case upload
    /// `POST /1/delete/profiles.json`: at most 100 identities per request.
    case deleteProfiles

    /// The request path (`CleverTapPath`).
    public var path: String {
        switch self {
        case .upload: return CleverTapPath.upload
        case .deleteProfiles: return CleverTapPath.deleteProfiles
        }
    }
}

/// A secret that never shows itself: `description`, `debugDescription` and string
/// interpolation print a mask, so it cannot leak into logs, errors or dumps by accident.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret text. Read it only to put it on the wire.
    public let revealed: String

    public init(_ value: String) { revealed = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// `••••` plus the last two characters: enough for a person to tell passcodes apart.
    public var masked: String {
        let tail = revealed.count > 6 ? String(revealed.suffix(2)) : ""
        return "••••" + tail
    }
}

/// Where a destination's passcode comes from.
public enum PasscodeSource: Sendable, Hashable {
    /// Stored in the config file itself (the file is written 0600).
    case inline(Secret)
    /// Read from an environment variable at run time, so the config can be committed.
    case environment(variable: String)
}

/// Where a destination's API calls go.
public enum Endpoint: Sendable, Hashable {
    /// One of CleverTap's regions (`Region.catalog`).
    case region(Region)
    /// Any base URL: https, or http on a loopback host (the sandbox).
    case custom(baseURL: String)

    /// Base URL without trailing slash; API paths are appended to it.
    public var baseURL: String {
        switch self {
        case .region(let region): return region.apiBaseURL
        case .custom(let url): return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
    }
}

/// One CleverTap (Actions) instance, connected to one source.
public struct Destination: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    /// `Source.id` of the source whose events this destination receives.
    public var sourceID: String
    /// CleverTap Project (account) ID, `XXX-XXX-XXXX`.
    public var projectID: String
    public var passcode: PasscodeSource
    public var endpoint: Endpoint
    public var setupMode: SetupMode
    public var enabled: Bool
    public var subscriptions: [Subscription]

    public init(id: String, name: String, sourceID: String, projectID: String, passcode: PasscodeSource,
                endpoint: Endpoint, setupMode: SetupMode, enabled: Bool = true, subscriptions: [Subscription] = []) {
        self.id = id
        self.name = name
        self.sourceID = sourceID
        self.projectID = projectID
        self.passcode = passcode
        self.endpoint = endpoint
        self.setupMode = setupMode
        self.enabled = enabled
        self.subscriptions = subscriptions
    }
}

/// A trigger plus a mapping: which events an action takes and what record it makes of them.
public struct Subscription: Sendable, Hashable, Identifiable {
    public var id: String
    public var name: String
    public var action: ActionKind
    /// Trigger in Segment's subscription language, e.g. `type = "identify"`.
    public var trigger: String
    /// Segment mapping-kit object: action field key -> value or directive.
    public var mapping: JSONObject
    public var enabled: Bool
    /// Turn ISO-8601 strings in `ts` and Person Attributes into Unix seconds.
    public var convertTimestamps: Bool

    public init(id: String, name: String, action: ActionKind, trigger: String, mapping: JSONObject,
                enabled: Bool = true, convertTimestamps: Bool = true) {
        self.id = id
        self.name = name
        self.action = action
        self.trigger = trigger
        self.mapping = mapping
        self.enabled = enabled
        self.convertTimestamps = convertTimestamps
    }
}
