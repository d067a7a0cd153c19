import ArgumentParser
import CleverTapCore

/// `regions`: the catalog of CleverTap regions.
struct RegionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regions",
        abstract: "List CleverTap's regions with their dashboard and API hosts.")

    @Flag(help: "Print the catalog as a JSON array.")
    var json = false

    func run() async throws {
        if json {
            let entries: [JSONValue] = Region.catalog.map { region in
                ["code": .string(region.code), "name": .string(region.displayName),
                 "dashboardHost": .string(region.dashboardHost), "apiBaseURL": .string(region.apiBaseURL),
                 "alternateAPIHosts": .array(region.alternateAPIHosts.map { .string($0) }),
                 "default": .bool(region == Region.defaultRegion)]
            }
            try Output.line(JSONValue.array(entries).prettyDescription)
            return
        }
        let rows = [["CODE", "REGION", "DASHBOARD", "API"]] + Region.catalog.map { region in
            [region.code, region.displayName + (region == Region.defaultRegion ? " (default)" : ""), region.dashboardHost,
             region.apiBaseURL + (region.alternateAPIHosts.isEmpty ? "" : " (also \(region.alternateAPIHosts.joined(separator: ", ")))")]
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        for row in rows {
            try Output.line((0..<3).map { row[$0].padding(to: widths[$0]) }.joined(separator: "  ") + "  " + row[3])
        }
        try Output.line("\nOr a custom endpoint (setup --endpoint URL): https, or http on localhost/127.0.0.1/[::1] for the sandbox.")
    }
}

extension String {
    /// Pads with spaces to `width` characters.
    func padding(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
