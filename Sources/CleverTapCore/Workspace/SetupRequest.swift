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
    /// Replace a destination of the same name (keeping its id) instead of refusing.
    public var replace: Bool

    public static let defaultDestinationName = "CleverTap (Actions)"

    public init(sourceName: String, sourceType: SourceType? = nil, destinationName: String? = nil, projectID: String? = nil,
                dashboardURL: String? = nil, passcode: PasscodeSource, region: String? = nil, endpoint: String? = nil,
                quick: Bool = false, replace: Bool = false) {
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
    }
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
        if let existing = workspace.sources.first(where: { $0.name.lowercased() == sourceName.lowercased() }) {
            if let type = request.sourceType, type != existing.type {
                throw .invalid("the source \"\(existing.name)\" exists with type \(existing.type.rawValue), not \(type.rawValue); drop --source-type or pick another --source-name")
            }
            source = existing
        } else {
            source = Source(id: Identifiers.sourceID(), name: sourceName, type: request.sourceType ?? .server, writeKey: Identifiers.writeKey())
            workspace.sources.append(source)
            createdSource = true
        }

        let name = trimWhitespace(request.destinationName ?? SetupRequest.defaultDestinationName)
        if name.isEmpty { throw .invalid("--destination-name: expected a name, got an empty string") }
        let existingIndex = workspace.destinations.firstIndex { $0.name.lowercased() == name.lowercased() }
        if existingIndex != nil && !request.replace {
            throw .invalid("a destination named \"\(name)\" already exists; pass --replace to overwrite it or choose another --destination-name")
        }
        let previous = existingIndex.map { workspace.destinations[$0] }
        let subscriptions = request.quick
            ? Preset.quickSetup.map { $0.makeSubscription(id: Identifiers.subscriptionID()) }
            : previous?.subscriptions ?? []
        let destination = Destination(
            id: previous?.id ?? Identifiers.destinationID(), name: name, sourceID: source.id, projectID: projectID,
            passcode: request.passcode, endpoint: endpoint,
            setupMode: request.quick ? .quick : (previous?.setupMode ?? .customized),
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
