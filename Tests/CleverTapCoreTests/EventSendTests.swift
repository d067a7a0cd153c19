import CleverTapCore
import Foundation
import Sandbox
import Testing

/// `send-test track` and an "Order Completed" through the event presets, over real loopback HTTP
/// into an in-process sandbox.
@Suite(.timeLimit(.minutes(2))) struct EventSendTests {
    static let now: Int64 = 1_795_000_000

    func destination(_ sandbox: SandboxHandle) -> Destination {
        Destination(id: "dst_test", name: "Test", sourceID: "src_test", projectID: SandboxAccount.demo.projectID,
                    passcode: .inline(SandboxAccount.demo.passcode), endpoint: .custom(baseURL: sandbox.baseURL), setupMode: .quick,
                    subscriptions: (Preset.quickSetup + Preset.events).enumerated().map { $1.makeSubscription(id: "sub_\($0)") })
    }

    var sender: TestEventSender { TestEventSender(tuneClient: { $0.retryPolicy = fastRetries }, now: { Self.now }) }

    @Test func theSampleTrackIsStoredAsAnEvent() async throws {
        try await withSandbox { sandbox in
            let report = try await sender.run(SendTestRequest(destination: destination(sandbox), action: TestEventKind.track.action))
            #expect(report.outcome == .processed)
            #expect(report.matchedSubscription == "Track Event")
            #expect(report.request?.url == sandbox.baseURL + "/1/upload")
            let events = await sandbox.events()
            #expect(events.count == 1)
            #expect(events.first?["evtName"] == "Product Viewed")
            #expect(events.first?["ts"] == .int(Self.now))
            #expect(await sandbox.profiles().isEmpty, "an event alone creates no profile in the sandbox")
        }
    }

    @Test func anOrderBecomesChargedWithItems() async throws {
        try await withSandbox { sandbox in
            let report = try await sender.run(SendTestRequest(destination: destination(sandbox), action: .userEvent,
                                                              event: SampleEvents.orderCompleted(now: Self.now)))
            #expect(report.outcome == .processed)
            #expect(report.matchedSubscription == "Order Completed → Charged")
            let stored = try #require(await sandbox.events().first)
            #expect(stored["evtName"] == "Charged")
            #expect(stored["evtData"]?["Amount"] == 59.97)
            #expect(stored["evtData"]?["coupon"] == "WELCOME10")
            #expect(stored["evtData"]?["Items"]?.arrayValue?.map { $0["sku"] } == ["TSHIRT-BLUE-M", "MUG-WHITE"])
        }
    }

    @Test func aReservedNameIsRefusedBeforeAnythingIsSent() async throws {
        try await withSandbox { sandbox in
            let event: JSONValue = ["type": "track", "event": "Notification Clicked", "userId": "u1", "properties": [:]]
            let report = try await sender.run(SendTestRequest(destination: destination(sandbox), action: .userEvent, event: event))
            #expect(report.outcome == .recordNotBuilt(RecordError.restrictedEventName("Notification Clicked").description))
            #expect(report.request == nil)
            #expect(await sandbox.recentRequestsJSON()["count"] == 0)
        }
    }
}
