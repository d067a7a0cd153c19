import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct ActionsCatalogTests {
    @Test func userUploadFieldsAndDefaults() throws {
        let definition = ActionKind.userUpload.definition
        #expect(definition.fields.map(\.key) == ["identity", "ts", "profileData"])
        #expect(definition.fields.map(\.label) == ["Identity", "Created At", "Person Attributes"])
        #expect(definition.field("identity")?.required == true)
        #expect(definition.field("ts")?.required == false)
        // Person Attributes come from traits: identify events carry no properties.
        #expect(definition.defaultMapping == JSONObject(["identity": ["@path": "$.userId"], "ts": ["@path": "$.timestamp"],
                                                          "profileData": ["@path": "$.traits"]]))
    }

    @Test func deleteUserHasOnlyIdentity() {
        let definition = ActionKind.userDelete.definition
        #expect(definition.fields.map(\.key) == ["identity"])
        #expect(definition.defaultMapping == JSONObject(["identity": ["@path": "$.userId"]]))
    }

    @Test func quickSetupPresets() {
        let subscriptions = Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "sub_\($0)") }
        #expect(subscriptions.map(\.name) == ["User Upload", "User Delete"])
        #expect(subscriptions.map(\.action) == [.userUpload, .userDelete])
        #expect(subscriptions.map(\.trigger) == [#"type = "identify""#, #"event = "Delete User""#])
        #expect(subscriptions.allSatisfy { $0.enabled && $0.convertTimestamps })
        #expect(WorkspaceValidator().validate(Workspace(
            sources: [Source(id: "s", name: "S", type: .server, writeKey: "w")],
            destinations: [Destination(id: "d", name: "D", sourceID: "s", projectID: "844-6K7-984Z",
                                       passcode: .environment(variable: "P"), endpoint: .region(.defaultRegion),
                                       setupMode: .quick, subscriptions: subscriptions)])).isEmpty)
    }
}
