/// A CleverTap data-centre region: where an account's data lives and which hosts serve it.
public struct Region: Sendable, Hashable, Identifiable {
    /// Region code as CleverTap writes it (`eu1`, `in1`, …).
    public var code: String
    /// Name a person recognises ("India").
    public var displayName: String
    /// Host of the dashboard (`in1.dashboard.clevertap.com`).
    public var dashboardHost: String
    /// Host the REST API is called on (`in1.api.clevertap.com`).
    public var apiHost: String
    /// Other hosts that serve the same API (Europe answers on `eu1.api.clevertap.com` too).
    public var alternateAPIHosts: [String]

    public var id: String { code }

    /// `https://<apiHost>`, without a trailing slash; paths such as `/1/upload` are appended.
    public var apiBaseURL: String { "https://\(apiHost)" }
}

extension Region {
    /// Every region CleverTap serves, Europe (the default) first.
    public static let catalog: [Region] = [
        Region(code: "eu1", displayName: "Europe", dashboardHost: "eu1.dashboard.clevertap.com",
               apiHost: "api.clevertap.com", alternateAPIHosts: ["eu1.api.clevertap.com"]),
        Region(code: "in1", displayName: "India", dashboardHost: "in1.dashboard.clevertap.com",
               apiHost: "in1.api.clevertap.com", alternateAPIHosts: []),
        Region(code: "sg1", displayName: "Singapore", dashboardHost: "sg1.dashboard.clevertap.com",
               apiHost: "sg1.api.clevertap.com", alternateAPIHosts: []),
        Region(code: "us1", displayName: "United States", dashboardHost: "us1.dashboard.clevertap.com",
               apiHost: "us1.api.clevertap.com", alternateAPIHosts: []),
        Region(code: "aps3", displayName: "Indonesia", dashboardHost: "aps3.dashboard.clevertap.com",
               apiHost: "aps3.api.clevertap.com", alternateAPIHosts: []),
        Region(code: "mec1", displayName: "Middle East (UAE)", dashboardHost: "mec1.dashboard.clevertap.com",
               apiHost: "mec1.api.clevertap.com", alternateAPIHosts: []),
        Region(code: "sk1", displayName: "South Korea", dashboardHost: "sk1.dashboard.clevertap.com",
               apiHost: "sk1.api.clevertap.com", alternateAPIHosts: []),
    ]

    /// The default region (Europe), used when a URL or config names none.
    public static let defaultRegion: Region = catalog[0]

    /// The region with `code` (case-insensitive), or nil when CleverTap has no such region.
    public static func named(_ code: String) -> Region? {
        let lowered = code.lowercased()
        return catalog.first { $0.code == lowered }
    }
}
