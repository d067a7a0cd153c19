import Testing
@testable import CleverTapCore

@Suite struct WorkspaceSetupRequestTests {
    static let url = "https://in1.dashboard.clevertap.com/844-6K7-984Z/main"

    @Test func quickSetupFromADashboardURL() throws {
        let outcome = try Workspace().applying(SetupRequest(sourceName: "Website", sourceType: .javascript, dashboardURL: Self.url,
                                                            passcode: .environment(variable: "CT_PASS"), quick: true))
        let destination = outcome.destination
        #expect(destination.projectID == "844-6K7-984Z")
        #expect(destination.endpoint == .region(Region.named("in1")!))
        #expect(destination.setupMode == .quick)
        #expect(destination.subscriptions.map(\.trigger) == Preset.quickSetup.map(\.trigger))
        #expect(destination.sourceID == outcome.source.id)
        #expect(outcome.createdSource)
        #expect(outcome.workspace.sources == [outcome.source])
        #expect(outcome.source.writeKey.count == 32)
    }

    @Test func existingSourceIsReusedAndNamesMustBeUnique() throws {
        let first = try Workspace().applying(SetupRequest(sourceName: "Server", projectID: "844-6K7-984Z",
                                                          passcode: .environment(variable: "P"), region: "us1"))
        #expect(first.destination.subscriptions.isEmpty)
        #expect(first.destination.setupMode == .customized)
        let again = SetupRequest(sourceName: "server", projectID: "886-894-RK5Z", passcode: .environment(variable: "P"), region: "eu1", quick: true)
        #expect(throws: SetupError.invalid(#"a destination named "CleverTap (Actions)" already exists; pass --replace to overwrite it or choose another --destination-name"#)) {
            try first.workspace.applying(again)
        }
        var replacing = again
        replacing.replace = true
        let second = try first.workspace.applying(replacing)
        #expect(second.workspace.sources.count == 1)
        #expect(!second.createdSource && second.replacedDestination)
        #expect(second.workspace.destinations.count == 1)
        #expect(second.destination.id == first.destination.id)
        #expect(second.destination.projectID == "886-894-RK5Z")
        var named = again
        named.destinationName = "EU copy"
        #expect(try first.workspace.applying(named).workspace.destinations.count == 2)
    }

    @Test(arguments: [
        (SetupRequest(sourceName: "S", passcode: .environment(variable: "P"), region: "in1"),
         SetupError.usage("no project ID: pass --project-id ID or --dashboard-url with the project in its path")),
        (SetupRequest(sourceName: "S", projectID: "844-6K7-984Z", passcode: .environment(variable: "P")),
         .usage("say where the destination sends: --region CODE, --dashboard-url URL or --endpoint URL")),
        (SetupRequest(sourceName: "S", projectID: "844-6K7-984Z", passcode: .environment(variable: "P"), region: "in1", endpoint: "https://x.example"),
         .usage("--region and --endpoint both given; choose one")),
        (SetupRequest(sourceName: "S", dashboardURL: url, passcode: .environment(variable: "P"), region: "us1"),
         .invalid("the dashboard URL is in India (in1) but --region says us1; drop one")),
        (SetupRequest(sourceName: "S", projectID: "886-894-RK5Z", dashboardURL: url, passcode: .environment(variable: "P")),
         .invalid("the dashboard URL names project 844-6K7-984Z but --project-id says 886-894-RK5Z; drop one")),
        (SetupRequest(sourceName: "S", projectID: "nope", passcode: .environment(variable: "P"), region: "in1"),
         .invalid(#"--project-id: expected XXX-XXX-XXXX (letters and digits, e.g. 844-6K7-984Z), got "nope""#)),
        (SetupRequest(sourceName: "S", projectID: "844-6K7-984Z", passcode: .environment(variable: "P"), region: "zz1"),
         .invalid("--region: unknown region \"zz1\"; expected one of eu1, in1, sg1, us1, aps3, mec1, sk1")),
        (SetupRequest(sourceName: "S", dashboardURL: "https://evil.example/844-6K7-984Z", passcode: .environment(variable: "P")),
         .invalid("--dashboard-url: evil.example is not a CleverTap host; expected a CleverTap dashboard address such as https://in1.dashboard.clevertap.com/844-6K7-984Z/main")),
        // Named after the option, not "the resulting workspace would be invalid: destinations[0].name".
        (SetupRequest(sourceName: "S", destinationName: "  ", projectID: "844-6K7-984Z", passcode: .environment(variable: "P"), region: "in1"),
         .invalid("--destination-name: expected a name, got an empty string")),
    ])
    func contradictionsAndGapsAreSpecific(_ request: SetupRequest, _ expected: SetupError) {
        #expect(throws: expected) { try Workspace().applying(request) }
    }

    @Test func sandboxEndpointAndInvalidPasscodeReachTheValidator() throws {
        let sandbox = try Workspace().applying(SetupRequest(sourceName: "S", projectID: "844-6K7-984Z", passcode: .inline(Secret("pw")),
                                                            endpoint: "http://127.0.0.1:4010/"))
        #expect(sandbox.destination.endpoint == .custom(baseURL: "http://127.0.0.1:4010"))
        do {
            _ = try Workspace().applying(SetupRequest(sourceName: "S", projectID: "844-6K7-984Z", passcode: .inline(Secret("")), region: "eu1"))
            Issue.record("an empty passcode was accepted")
        } catch {
            #expect(error.description.contains("destinations[0].passcode: the passcode is empty"))
        }
    }
}
