import ArgumentParser
import CleverTapCore

/// `detect-region TEXT`: what a pasted dashboard or API URL says.
struct DetectRegionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect-region",
        abstract: "Read the region (and project ID) from a CleverTap dashboard or API URL.",
        discussion: """
            Accepts what you copy from the browser: with or without https://, login pages, deep \
            links, <angle brackets> or quotes around it. Region-less hosts mean Europe (eu1). \
            Exit status 1 when the text is not a CleverTap address.
            """)

    @Argument(help: ArgumentHelp("The URL, e.g. https://in1.dashboard.clevertap.com/844-6K7-984Z/main.", valueName: "text"))
    var text: String

    @Flag(help: #"Print {"region": "in1", "projectId": "844-6K7-984Z"} (projectId null when absent) or {"error": "…"}."#)
    var json = false

    func run() async throws {
        switch DashboardURL.detect(text) {
        case .success(let detection):
            if json {
                let projectID: JSONValue = detection.projectID.map { .string($0) } ?? .null
                try Output.line("{\"region\": \(JSONValue.string(detection.region.code)), \"projectId\": \(projectID)}")
            } else {
                try Output.line("Region:     \(detection.region.displayName) (\(detection.region.code))")
                try Output.line("Project ID: \(detection.projectID ?? "not in this URL")")
                try Output.line("API:        \(detection.region.apiBaseURL)")
                if let note = detection.note { try Output.line("Note:       \(note)") }
            }
        case .failure(let error):
            if json {
                try Output.line("{\"error\": \(JSONValue.string(error.description))}")
                throw ExitCode(1)
            }
            throw Console.fail(error.description)
        }
    }
}
