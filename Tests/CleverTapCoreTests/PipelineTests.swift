import Foundation
import Testing
@testable import CleverTapCore

/// Test helpers shared by the pipeline and map tests.
enum PipelineFixtures {
    /// `Tests/Fixtures`, found from this file so the tests run from any checkout.
    static let fixtures: String = {
        var path = #filePath
        for _ in 0..<2 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/Fixtures"
    }()

    static func sampleEventLines() throws -> [String] {
        let text = try String(contentsOfFile: fixtures + "/sample-events.ndjson", encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    static func quickSetupDestination() -> Destination {
        Destination(id: "d1", name: "CleverTap", sourceID: "src", projectID: "W9R-486-4W5Z",
                    passcode: .environment(variable: "CT_PASSCODE"), endpoint: .region(Region.defaultRegion),
                    setupMode: .quick,
                    subscriptions: Preset.quickSetup.enumerated().map { $0.element.makeSubscription(id: "s\($0.offset + 1)") })
    }
}

@Suite(.timeLimit(.minutes(2))) struct PipelineTests {
    @Test func quickSetupOnSampleEvents() throws {
        let pipeline = SubscriptionPipeline(destination: PipelineFixtures.quickSetupDestination())
        #expect(pipeline.problems.isEmpty)
        #expect(pipeline.subscriptions.map(\.name) == ["User Upload", "User Delete"])

        var summary: [String] = []
        var records: [String: String] = [:]
        for (index, line) in try PipelineFixtures.sampleEventLines().enumerated() {
            for outcome in pipeline.process(try JSONParser.parse(line)) {
                switch outcome {
                case .record(let subscription, let action, let record):
                    summary.append("\(index + 1) \(subscription.name) \(action.rawValue)")
                    records["\(index + 1)"] = record.record.description
                    if !record.warnings.isEmpty { records["\(index + 1) warnings"] = record.warnings.joined(separator: "|") }
                case .failed(let subscription, let reason):
                    summary.append("\(index + 1) \(subscription.name) failed: \(reason)")
                }
            }
        }
        #expect(summary == [
            "1 User Upload userUpload",
            "2 User Upload userUpload",
            "3 User Upload failed: Identity (identity) is required but the mapping gave no value: map it to a field the event has (e.g. $.userId)",
            "4 User Upload userUpload",
            "6 User Delete userDelete",
            "11 User Upload userUpload",
            "12 User Delete userDelete",
        ])
        #expect(records["1"] == #"{"type":"profile","identity":"u-1001","ts":1795860930,"profileData":{"name":"Jack Montana","email":"jack@example.com","phone":"+14155551234","gender":"male","birthday":639878400,"createdAt":1704164645,"plan":"pro","logins":42,"newsletter":true}}"#)
        #expect(records["2"] == #"{"type":"profile","identity":"u-1002","ts":1795860960,"profileData":{"name":"Ana Müller","email":"ana@example.de","phone":"0049 30 1234567","company.name":"Acme GmbH","company.employees":120}}"#)
        #expect(records["4"] == #"{"type":"profile","identity":"u-1004","ts":1795841280,"profileData":{}}"#)
        #expect(records["6"] == #"{"identity":"u-1002"}"#)
        #expect(records["11"] == #"{"type":"profile","identity":"u-1011","profileData":{"name":"山田 太郎","email":"taro@example.jp","signup":"2025-13-45T99:99:99Z","lastSeen":1770087906,"zip":"10115","score":"1136253847"}}"#)
        #expect(records["11 warnings"] == #"ts "not a date" is not a Unix time or an ISO-8601 date-time: left out, so CleverTap uses the upload time"#)
        #expect(records["12"] == #"{"identity":"u-1011"}"#)
    }

    @Test func convertTimestampsOffLeavesStringsAlone() throws {
        var destination = PipelineFixtures.quickSetupDestination()
        destination.subscriptions[0].convertTimestamps = false
        let pipeline = SubscriptionPipeline(destination: destination)
        let event = try JSONParser.parse(#"{"type":"identify","userId":"u","timestamp":1136225047,"traits":{"at":"2006-01-02T18:04:07Z"}}"#)
        guard case .record(_, _, let record)? = pipeline.process(event).first else {
            Issue.record("expected a record")
            return
        }
        #expect(record.record.description == #"{"type":"profile","identity":"u","ts":1136225047,"profileData":{"at":"2006-01-02T18:04:07Z"}}"#)
    }

    @Test func disabledSubscriptionsDoNotRun() throws {
        var destination = PipelineFixtures.quickSetupDestination()
        destination.subscriptions[0].enabled = false
        let pipeline = SubscriptionPipeline(destination: destination)
        #expect(pipeline.subscriptions.map(\.name) == ["User Delete"])
        #expect(pipeline.process(try JSONParser.parse(#"{"type":"identify","userId":"u"}"#)).isEmpty)
    }

    @Test func configurationProblemsAreReportedPerSubscription() throws {
        let good = Preset.quickSetup[1].makeSubscription(id: "ok")
        let badMapping = Subscription(id: "b1", name: "Bad mapping", action: .userUpload, trigger: #"type = "identify""#,
                                      mapping: JSONObject(["identity": ["@path": 3], "profileData": ["@liquid": "{{ a | sort }}"]]))
        let badFields = Subscription(id: "b2", name: "Bad fields", action: .userDelete, trigger: #"type = "track""#,
                                     mapping: JSONObject(["userId": ["@path": "$.userId"]]))
        let badTrigger = Subscription(id: "b3", name: "Bad trigger", action: .userDelete, trigger: "type ==",
                                      mapping: JSONObject(["identity": ["@path": "$.userId"]]))
        let pipeline = SubscriptionPipeline(subscriptions: [good, badMapping, badFields, badTrigger])
        #expect(pipeline.subscriptions.map(\.id) == ["ok"])
        #expect(pipeline.problems.map(\.subscription.id) == ["b1", "b2", "b3"])
        #expect(pipeline.problems[0].messages == [
            #"identity: @path expects a string path (like "$.traits.email") or a directive, got a number"#,
            #"profileData: @liquid: filter "sort" is disabled, line:1, col:1"#,
        ])
        #expect(pipeline.problems[1].messages == [
            "userId: not a field of Delete User; expected identity",
            #"identity: Identity is required but not mapped, e.g. {"@path":"$.userId"}"#,
        ])
        #expect(pipeline.problems[2].messages.count == 1)
        #expect(pipeline.problems[2].messages[0].hasPrefix("trigger: "))
        #expect(pipeline.problems[0].description.hasPrefix(#"subscription "Bad mapping": identity: @path"#))
    }

    @Test func mappingFailureOnOneEventIsThatEventsOutcome() throws {
        let subscription = Subscription(id: "s", name: "Computed", action: .userUpload, trigger: #"type = "identify""#,
                                        mapping: JSONObject(["identity": ["@path": ["@path": "$.traits.idField"]]]))
        let pipeline = SubscriptionPipeline(subscriptions: [subscription])
        let good = pipeline.process(try JSONParser.parse(#"{"type":"identify","traits":{"idField":"traits.email","email":"e@x"}}"#))
        #expect(good.count == 1)
        if case .record(_, _, let record)? = good.first {
            #expect(record.record.description == #"{"type":"profile","identity":"e@x","profileData":{}}"#)
        } else {
            Issue.record("expected a record, got \(good)")
        }
        let bad = pipeline.process(try JSONParser.parse(#"{"type":"identify","traits":{"idField":7}}"#))
        #expect(bad == [.failed(subscription: SubscriptionRef(subscription), reason: .mapping(
            MappingError(JSONPath([.key("identity")]), "@path: the directive inside gave number, expected a string path")))])
    }

    @Test func segmentTriggersSelectEventsAndSurprisesAreWarned() throws {
        let mapping = Preset.quickSetup[0].makeSubscription(id: "x").mapping
        let pro = Subscription(id: "p", name: "Pro users", action: .userUpload,
                               trigger: #"type = "identify" and traits.plan = "pro""#, mapping: mapping)
        let mixed = Subscription(id: "m", name: "Mixed", action: .userUpload,
                                 trigger: #"type = "track" or type = "identify" and traits.vip = true"#, mapping: mapping)
        let pipeline = SubscriptionPipeline(subscriptions: [pro, mixed])
        #expect(pipeline.problems.isEmpty)
        #expect(pipeline.warnings.map(\.subscription.id) == ["m"])
        #expect(pipeline.warnings.first?.messages.first?.hasPrefix("trigger: ") == true)
        let proEvent = try JSONParser.parse(#"{"type":"identify","userId":"u","traits":{"plan":"pro"}}"#)
        let freeEvent = try JSONParser.parse(#"{"type":"identify","userId":"u","traits":{"plan":"free"}}"#)
        let track = try JSONParser.parse(#"{"type":"track","userId":"u"}"#)
        #expect(pipeline.process(proEvent).map(\.subscription.id) == ["p"])
        #expect(pipeline.process(freeEvent).isEmpty)
        // Segment joins the whole level by the last keyword: (track and identify and vip) never holds.
        #expect(pipeline.process(track).isEmpty)
    }
}
