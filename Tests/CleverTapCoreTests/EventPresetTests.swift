import Foundation
import Testing
@testable import CleverTapCore

/// Upload Event in the catalog, its presets, and the presets run through the pipeline on the
/// sample events, as `map` and `deliver` run them.
@Suite(.timeLimit(.minutes(2))) struct EventPresetTests {
    @Test func uploadEventFieldsAndDefaults() {
        let definition = ActionKind.userEvent.definition
        #expect(ActionKind.userEvent.displayName == "Upload Event")
        #expect(ActionKind.userEvent.endpoint == .upload)
        #expect(definition.fields.map(\.key) == ["identity", "objectId", "evtName", "evtData", "ts"])
        #expect(definition.fields.map(\.label) == ["Identity", "Object ID", "Event Name", "Event Data", "Timestamp"])
        #expect(definition.fields.map(\.type) == [.string, .string, .string, .object, .datetime])
        #expect(definition.defaultMapping == JSONObject(["identity": ["@path": "$.userId"], "evtName": ["@path": "$.event"],
                                                          "evtData": ["@path": "$.properties"], "ts": ["@path": "$.timestamp"]]))
        #expect(definition.field("evtName")?.suggestions.contains("Charged") == true)
        #expect(definition.field("evtData")?.knownKeys.map(\.key) == ["Amount", "Charged ID", "Payment Mode", "Items"])
    }

    @Test(arguments: [
        (#"{"evtName":{"@path":"$.event"}}"#, [#"identity: Identity is required unless Object ID is mapped; map one of them, e.g. {"@path":"$.userId"}"#]),
        (#"{"objectId":{"@path":"$.anonymousId"},"evtName":"Signed In"}"#, []),
        (#"{"identity":{"@path":"$.userId"}}"#, [#"evtName: Event Name is required but not mapped, e.g. {"@path":"$.event"}"#]),
        (#"{"identity":"u","evtName":"E","profileData":{}}"#, [#"profileData: not a field of Upload Event; expected identity, objectId, evtName, evtData or ts"#]),
    ] as [(String, [String])])
    func identityIsRequiredUnlessObjectIDIsMapped(mapping: String, issues: [String]) throws {
        let object = try #require(try JSONParser.parse(mapping).objectValue)
        #expect(ActionKind.userEvent.definition.fieldIssues(in: object).map(\.description) == issues)
    }

    @Test func theDefaultPresetsStayTheTwoAndTheEventPresetsAreValid() {
        #expect(Preset.quickSetup.map(\.name) == ["User Upload", "User Delete"])
        #expect(Preset.events.map(\.name) == ["Track Event", "Order Completed → Charged"])
        #expect(Preset.events.map(\.trigger) == [#"type = "track" and event != "Delete User" and event != "Order Completed""#,
                                                  #"event = "Order Completed""#])
        let subscriptions = (Preset.quickSetup + Preset.events).enumerated().map { $1.makeSubscription(id: "sub_\($0)") }
        #expect(subscriptions[2].mapping == ActionKind.userEvent.definition.defaultMapping)
        #expect(WorkspaceValidator.standard.validate(Self.workspace(subscriptions)).isEmpty)
    }

    @Test func setupAddsTheEventPresetsOnlyWhenAsked() throws {
        let plain = try Workspace().applying(SetupRequest(sourceName: "S", projectID: "844-6K7-984Z",
                                                          passcode: .environment(variable: "P"), region: "in1", quick: true))
        #expect(plain.destination.subscriptions.map(\.action) == [.userUpload, .userDelete])
        let events = try Workspace().applying(SetupRequest(sourceName: "S", projectID: "844-6K7-984Z",
                                                           passcode: .environment(variable: "P"), region: "in1", quick: true, events: true))
        #expect(events.destination.subscriptions.map(\.action) == [.userUpload, .userDelete, .userEvent, .userEvent])
        #expect(throws: SetupError.usage("--events adds the event presets to Quick Setup; pass --quick too")) {
            try Workspace().applying(SetupRequest(sourceName: "S", projectID: "844-6K7-984Z",
                                                  passcode: .environment(variable: "P"), region: "in1", events: true))
        }
    }

    @Test func theWorkspaceCodecReadsAndWritesUploadEvent() throws {
        let workspace = Self.workspace(Preset.events.enumerated().map { $1.makeSubscription(id: "ev_\($0)") })
        let text = WorkspaceCodec.encodedText(workspace)
        #expect(text.contains(#""action": "userEvent""#))
        #expect(try WorkspaceCodec.decode(try JSONParser.parse(text)) == workspace)
    }

    @Test func quickSetupWithEventsOnTheSampleEvents() throws {
        let subscriptions = (Preset.quickSetup + Preset.events).enumerated().map { $1.makeSubscription(id: "s\($0 + 1)") }
        var destination = PipelineFixtures.quickSetupDestination()
        destination.subscriptions = subscriptions
        let pipeline = SubscriptionPipeline(destination: destination)
        #expect(pipeline.problems.isEmpty)

        var summary: [String] = []
        var records: [Int: String] = [:]
        for (index, line) in try PipelineFixtures.sampleEventLines().enumerated() {
            for outcome in pipeline.process(try JSONParser.parse(line)) {
                switch outcome {
                case .record(let subscription, _, let record):
                    summary.append("\(index + 1) \(subscription.name)")
                    if subscription.action == .userEvent { records[index + 1] = record.record.description }
                case .failed(let subscription, let reason):
                    summary.append("\(index + 1) \(subscription.name) failed: \(reason)")
                }
            }
        }
        // Page, screen, group and alias calls and "Delete User" never become events.
        #expect(summary.filter { !$0.contains("User Upload") } == [
            "5 Order Completed → Charged", "6 User Delete", "12 User Delete", "13 Order Completed → Charged", "14 Track Event",
        ])
        // Amount from revenue, every other property kept, the products as Items.
        #expect(records[5] == #"{"type":"event","identity":"u-1001","ts":1795861200,"evtName":"Charged","evtData":{"currency":"EUR","Amount":99.5,"Charged ID":"o-55","Items":[{"sku":"S-1","price":49.75,"quantity":2}]}}"#)
        // Amount from total when there is no revenue.
        #expect(records[13] == #"{"type":"event","identity":"u-1004","ts":1795861680,"evtName":"Charged","evtData":{"checkout_id":"c-77","shipping":4.5,"currency":"INR","coupon":"DIWALI","Amount":64.5,"Charged ID":"o-77","Items":[{"product_id":"p-1","sku":"SAREE-RED","name":"Silk Saree","price":40,"quantity":1,"category":"Apparel"},{"product_id":"p-2","sku":"MUG-01","name":"Chai Mug","price":10,"quantity":2}]}}"#)
        // A nested property goes as JSON text.
        #expect(records[14] == #"{"type":"event","identity":"u-1001","ts":1795861740,"evtName":"Product Viewed","evtData":{"product_id":"p-2","sku":"MUG-01","name":"Chai Mug","price":10,"variant":"{\"color\":\"white\",\"size\":\"M\"}"}}"#)
    }

    @Test func theSampleTrackAndOrderMatchTheirPresets() throws {
        let pipeline = SubscriptionPipeline(subscriptions: Preset.events.enumerated().map { $1.makeSubscription(id: "e\($0)") })
        let track = pipeline.process(SampleEvents.event(for: .userEvent, now: 1_700_000_000))
        #expect(track.map(\.subscription.name) == ["Track Event"])
        guard case .record(_, _, let viewed)? = track.first else { Issue.record("no record: \(track)"); return }
        #expect(viewed.record["evtName"] == "Product Viewed")
        #expect(viewed.record["ts"] == 1_700_000_000)

        let order = pipeline.process(SampleEvents.orderCompleted(now: 1_700_000_000))
        guard case .record(let subscription, _, let charged)? = order.first else { Issue.record("no record: \(order)"); return }
        #expect(subscription.name == "Order Completed → Charged")
        #expect(charged.record["evtName"] == "Charged")
        #expect(charged.record["evtData"]?["Amount"] == 59.97)
        #expect(charged.record["evtData"]?["Items"]?.arrayValue?.count == 2)
        #expect(TestEventKind.track.action == .userEvent)
    }

    static func workspace(_ subscriptions: [Subscription]) -> Workspace {
        Workspace(sources: [Source(id: "s", name: "S", type: .server, writeKey: "w")],
                  destinations: [Destination(id: "d", name: "D", sourceID: "s", projectID: "844-6K7-984Z",
                                             passcode: .environment(variable: "P"), endpoint: .region(.defaultRegion),
                                             setupMode: .quick, subscriptions: subscriptions)])
    }
}
