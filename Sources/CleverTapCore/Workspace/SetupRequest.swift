/// What `setup --non-interactive` (or any script) asks for: one destination on one source,
/// without UI. Applying it to a workspace gives the new workspace or a specific error.
public struct SetupRequest: Sendable, Hashable {
    /// The source to connect; reused when one with this name exists, created otherwise.
    public var sourceName: String
    /// Type of a new source (default `.server`); must match an existing source's type if given.
    public var sourceType: SourceType?
    /// Default "CleverTap (Actions)".
    public var destinationName: String?
    public var projectID: String?
    /// A dashboard URL to read the region (and, when present, the project ID) from.
    public var dashboardURL: String?
    public var passcode: PasscodeSource
    /// Region code.
    public var region: String?
    /// Custom base URL (https, or http on loopback).
    public var endpoint: String?
    /// Quick Setup: the presets' subscriptions (`Preset.quickSetup`).
    public var quick: Bool
    /// With `quick`, the event presets too (`Preset.events`): track calls and Order Completed
    /// as CleverTap events.
    public var events: Bool
    /// Replace a destination of the same name (keeping its id) instead of refusing.
    public var replace: Bool

    // The wizard's needs, on the same path (defaults keep the command line's behaviour).

    /// The source must be new: a source of that name (ignoring case) is refused, not reused
    /// (the wizard's "Create a new source").
    public var createSource: Bool
    /// The destination to change, by id (the wizard editing one): its name and enabled flag are
    /// kept unless `destinationName` is given. Refused when the file no longer has it.
    public var destinationID: String?
    /// A new destination whose name is taken gets the first free "Name 2", "Name 3", … instead of
    /// being refused (the wizard's "Add a destination").
    public var numberIfTaken: Bool
    /// Customized Setup's subscriptions, replacing the destination's. nil (and not `quick`) keeps
    /// an existing destination's subscriptions and setup mode as they are.
    public var subscriptions: [Subscription]?
    /// The ids (and write key) for what this request creates; fresh random ones by default.
    public var identifiers: SetupIdentifiers

    public static let defaultDestinationName = "CleverTap (Actions)"

    public init(sourceName: String, sourceType: SourceType? = nil, destinationName: String? = nil, projectID: String? = nil,
                dashboardURL: String? = nil, passcode: PasscodeSource, region: String? = nil, endpoint: String? = nil,
                quick: Bool = false, replace: Bool = false, events: Bool = false, createSource: Bool = false, destinationID: String? = nil,
                numberIfTaken: Bool = false, subscriptions: [Subscription]? = nil, identifiers: SetupIdentifiers = .fresh()) {
        self.sourceName = sourceName
        self.sourceType = sourceType
        self.destinationName = destinationName
        self.projectID = projectID
        self.dashboardURL = dashboardURL
        self.passcode = passcode
        self.region = region
        self.endpoint = endpoint
        self.quick = quick
        self.replace = replace
        self.events = events
        self.createSource = createSource
        self.destinationID = destinationID
        self.numberIfTaken = numberIfTaken
        self.subscriptions = subscriptions
        self.identifiers = identifiers
    }
}

/// Identifiers for what a setup may create. Random by default (`fresh()`); the wizard draws them
/// once at launch so its `update` stays pure and its tests deterministic.
public struct SetupIdentifiers: Sendable, Hashable {
    public var sourceID: String
    public var writeKey: String
    public var destinationID: String
    /// One per Quick Setup preset, in order (the event presets' after the defaults').
    public var subscriptionIDs: [String]

    public init(sourceID: String, writeKey: String, destinationID: String, subscriptionIDs: [String]) {
        self.sourceID = sourceID
        self.writeKey = writeKey
        self.destinationID = destinationID
        self.subscriptionIDs = subscriptionIDs
    }

    /// Random identifiers from the system's CSPRNG (see `Identifiers`).
    public static func fresh() -> SetupIdentifiers {
        SetupIdentifiers(sourceID: Identifiers.sourceID(), writeKey: Identifiers.writeKey(), destinationID: Identifiers.destinationID(),
                         subscriptionIDs: Preset.quickSetup(events: true).map { _ in Identifiers.subscriptionID() })
    }

    /// The id of the `index`th preset's subscription.
    func subscriptionID(_ index: Int) -> String {
        index < subscriptionIDs.count ? subscriptionIDs[index] : Identifiers.subscriptionID()
    }
}

/// The naming rules every front shares with `WorkspaceValidator`: names are compared trimmed and
/// ignoring case, because two a person cannot tell apart in a list are a trap.
public enum WorkspaceNames {
    /// True when `a` and `b` name the same thing.
    public static func same(_ a: String, _ b: String) -> Bool {
        trimWhitespace(a).lowercased() == trimWhitespace(b).lowercased()
    }

    /// `base`, or "base 2", "base 3", … : the first not in `taken`.
    public static func free(_ base: String, taken: [String]) -> String {
        func isTaken(_ name: String) -> Bool { taken.contains { same($0, name) } }
        if !isTaken(base) { return base }
        var number = 2
        while isTaken("\(base) \(number)") { number += 1 }
        return "\(base) \(number)"
    }
}

extension Workspace {
    /// The source named `name` (trimmed, ignoring case), if any.
    public func source(named name: String) -> Source? {
        sources.first { WorkspaceNames.same($0.name, name) }
    }

    /// The name a new destination gets when none is given: the default, numbered when taken.
    public var freeDestinationName: String {
        WorkspaceNames.free(SetupRequest.defaultDestinationName, taken: destinations.map(\.name))
    }
}

extension String {
    /// Without whitespace (spaces, tabs, line breaks, other Unicode spaces) at either end.
    public func trimmingWhitespace() -> String { trimWhitespace(self) }
}

/// Why a setup request cannot be applied.
public enum SetupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request is incomplete or contradictory (a usage error: exit status 2).
    case usage(String)
    /// A value is wrong (exit status 1).
    case invalid(String)

    public var description: String {
        switch self {
        case .usage(let message), .invalid(let message): return message
        }
    }
}

/// The result of applying a `SetupRequest`.
public struct SetupOutcome: Sendable, Hashable {
    public var workspace: Workspace
    public var source: Source
    public var destination: Destination
    public var createdSource: Bool
    public var replacedDestination: Bool
    /// E.g. that a region-less dashboard host was read as Europe.
    public var notes: [String]
}

extension Workspace {
    /// This workspace with the requested destination added (or replaced), validated.
    public func applying(_ request: SetupRequest, validator: WorkspaceValidator = WorkspaceValidator()) throws(SetupError) -> SetupOutcome {
        if request.events && !request.quick {
            throw .usage("--events adds the event presets to Quick Setup; pass --quick too")
        }
        var notes: [String] = []
        var detection: DashboardDetection?
        if let url = request.dashboardURL {
            switch DashboardURL.detect(url) {
            case .success(let found):
                detection = found
                if let note = found.note { notes.append(note) }
            case .failure(let error):
                throw .invalid("--dashboard-url: \(error)")
            }
        }

        let endpoint: Endpoint
        switch (request.region, request.endpoint, detection) {
        case (.some, .some, _):
            throw .usage("--region and --endpoint both given; choose one")
        case (let code?, nil, _):
            guard let region = Region.named(trimWhitespace(code)) else {
                throw .invalid("--region: unknown region \"\(code)\"; expected one of \(Region.catalog.map(\.code).joined(separator: ", "))")
            }
            if let detected = detection?.region, detected != region {
                throw .invalid("the dashboard URL is in \(detected.displayName) (\(detected.code)) but --region says \(region.code); drop one")
            }
            endpoint = .region(region)
        case (nil, let url?, _):
            do { endpoint = .custom(baseURL: try CustomEndpoint.validate(url)) } catch { throw .invalid("--endpoint: \(error)") }
        case (nil, nil, let detected?):
            endpoint = .region(detected.region)
        case (nil, nil, nil):
            throw .usage("say where the destination sends: --region CODE, --dashboard-url URL or --endpoint URL")
        }

        let projectID: String
        if let given = request.projectID {
            do { projectID = try ProjectID.normalize(given) } catch { throw .invalid("--project-id: \(error)") }
            if let fromURL = detection?.projectID, fromURL != projectID {
                throw .invalid("the dashboard URL names project \(fromURL) but --project-id says \(projectID); drop one")
            }
        } else if let fromURL = detection?.projectID {
            projectID = fromURL
        } else {
            throw .usage(request.dashboardURL == nil
                ? "no project ID: pass --project-id ID or --dashboard-url with the project in its path"
                : "the dashboard URL has no project ID in its path; pass --project-id ID")
        }

        var workspace = self
        let sourceName = trimWhitespace(request.sourceName)
        if sourceName.isEmpty { throw .invalid("--source-name: expected a name, got an empty string") }
        let source: Source
        var createdSource = false
        if let existing = workspace.source(named: sourceName) {
            if request.createSource {
                throw .invalid("a source named \"\(existing.name)\" already exists; pick it or choose another name")
            }
            if let type = request.sourceType, type != existing.type {
                throw .invalid("the source \"\(existing.name)\" exists with type \(existing.type.rawValue), not \(type.rawValue); drop --source-type or pick another --source-name")
            }
            source = existing
        } else {
            source = Source(id: request.identifiers.sourceID, name: sourceName, type: request.sourceType ?? .server,
                            writeKey: request.identifiers.writeKey)
            workspace.sources.append(source)
            createdSource = true
        }

        let existingIndex: Int?
        let name: String
        if let id = request.destinationID {
            guard let index = workspace.destinations.firstIndex(where: { $0.id == id }) else {
                throw .invalid("the destination being edited (\(id)) is no longer in the workspace file; it was removed after this setup began")
            }
            existingIndex = index
            name = trimWhitespace(request.destinationName ?? workspace.destinations[index].name)
            if let other = workspace.destinations.first(where: { $0.id != id && WorkspaceNames.same($0.name, name) }) {
                throw .invalid("a destination named \"\(other.name)\" already exists; choose another name")
            }
        } else {
            let wanted = trimWhitespace(request.destinationName ?? SetupRequest.defaultDestinationName)
            let taken = workspace.destinations.firstIndex { WorkspaceNames.same($0.name, wanted) }
            if taken != nil && request.numberIfTaken {
                existingIndex = nil
                name = WorkspaceNames.free(wanted, taken: workspace.destinations.map(\.name))
            } else {
                if taken != nil && !request.replace {
                    throw .invalid("a destination named \"\(wanted)\" already exists; pass --replace to overwrite it or choose another --destination-name")
                }
                existingIndex = taken
                name = wanted
            }
        }
        if name.isEmpty { throw .invalid("--destination-name: expected a name, got an empty string") }
        let previous = existingIndex.map { workspace.destinations[$0] }
        let subscriptions: [Subscription]
        let setupMode: SetupMode
        if request.quick {
            let presets = Preset.quickSetup(events: request.events)
            subscriptions = presets.enumerated().map { $1.makeSubscription(id: request.identifiers.subscriptionID($0)) }
            setupMode = .quick
        } else if let chosen = request.subscriptions {
            subscriptions = chosen
            setupMode = .customized
        } else {
            subscriptions = previous?.subscriptions ?? []
            setupMode = previous?.setupMode ?? .customized
        }
        let destination = Destination(
            id: previous?.id ?? request.identifiers.destinationID, name: name, sourceID: source.id, projectID: projectID,
            passcode: request.passcode, endpoint: endpoint, setupMode: setupMode,
            enabled: previous?.enabled ?? true, subscriptions: subscriptions)
        if let existingIndex { workspace.destinations[existingIndex] = destination } else { workspace.destinations.append(destination) }

        let issues = validator.validate(workspace)
        if !issues.isEmpty {
            throw .invalid("the resulting workspace would be invalid:\n" + issues.map { "  \($0)" }.joined(separator: "\n"))
        }
        return SetupOutcome(workspace: workspace, source: source, destination: destination, createdSource: createdSource,
                            replacedDestination: existingIndex != nil, notes: notes)
    }
}
