import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct WorkspaceSetupRequestTests {
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

/// The wizard's needs on the same path as `setup --non-interactive`: one set of rules.
@Suite(.timeLimit(.minutes(2))) struct WorkspaceSetupRequestWizardTests {
    static let ids = SetupIdentifiers(sourceID: "src_fixed", writeKey: "KEYkey0123456789KEYkey0123456789", destinationID: "dst_fixed",
                                      subscriptionIDs: ["sub_a", "sub_b"])

    static func base() throws -> Workspace {
        try Workspace().applying(SetupRequest(sourceName: "Shop", projectID: "844-6K7-984Z", passcode: .environment(variable: "P"),
                                              region: "in1", quick: true)).workspace
    }

    @Test func addingANumbersTheDefaultNameInsteadOfRefusing() throws {
        let outcome = try Self.base().applying(SetupRequest(sourceName: "shop", projectID: "886-894-RK5Z", passcode: .environment(variable: "P"),
                                                            region: "eu1", quick: true, numberIfTaken: true, identifiers: Self.ids))
        #expect(outcome.workspace.destinations.map(\.name) == ["CleverTap (Actions)", "CleverTap (Actions) 2"])
        #expect(outcome.destination.id == "dst_fixed")
        #expect(outcome.destination.subscriptions.map(\.id) == ["sub_a", "sub_b"])
        #expect(!outcome.createdSource, "source names match ignoring case, as the validator compares them")
    }

    @Test func aNewSourceWhoseNameIsTakenIgnoringCaseIsRefused() throws {
        #expect(throws: SetupError.invalid(#"a source named "Shop" already exists; pick it or choose another name"#)) {
            try Self.base().applying(SetupRequest(sourceName: " shop ", projectID: "886-894-RK5Z", passcode: .environment(variable: "P"),
                                                  region: "eu1", createSource: true, numberIfTaken: true))
        }
        let created = try Self.base().applying(SetupRequest(sourceName: "Website", sourceType: .javascript, projectID: "886-894-RK5Z",
                                                            passcode: .environment(variable: "P"), region: "eu1", createSource: true,
                                                            numberIfTaken: true, identifiers: Self.ids))
        #expect(created.source == Source(id: "src_fixed", name: "Website", type: .javascript, writeKey: Self.ids.writeKey))
    }

    @Test func editingByIDKeepsNameAndSubscriptionsUnlessGiven() throws {
        let base = try Self.base()
        let id = base.destinations[0].id
        let kept = try base.applying(SetupRequest(sourceName: "Shop", projectID: "886-894-RK5Z", passcode: .environment(variable: "Q"),
                                                  region: "eu1", destinationID: id))
        #expect(kept.workspace.destinations.count == 1)
        #expect(kept.destination.name == "CleverTap (Actions)")
        #expect(kept.destination.subscriptions == base.destinations[0].subscriptions)
        #expect(kept.destination.setupMode == .quick)
        let custom = [Subscription(id: "mine", name: "Mine", action: .userDelete, trigger: #"event = "Gone""#,
                                   mapping: ActionKind.userDelete.definition.defaultMapping)]
        let replaced = try base.applying(SetupRequest(sourceName: "Shop", projectID: "886-894-RK5Z", passcode: .environment(variable: "Q"),
                                                      region: "eu1", destinationID: id, subscriptions: custom))
        #expect(replaced.destination.subscriptions == custom)
        #expect(replaced.destination.setupMode == .customized)
        #expect(throws: SetupError.invalid("the destination being edited (dst_gone) is no longer in the workspace file; it was removed after this setup began")) {
            try base.applying(SetupRequest(sourceName: "Shop", projectID: "886-894-RK5Z", passcode: .environment(variable: "Q"),
                                           region: "eu1", destinationID: "dst_gone"))
        }
    }

    @Test func freeNamesAndSameNamesFollowTheValidatorsRule() {
        #expect(WorkspaceNames.same(" Shop", "shop "))
        #expect(WorkspaceNames.free("A", taken: ["a", "A 2"]) == "A 3")
        #expect("\t x \n".trimmingWhitespace() == "x")
    }
}
