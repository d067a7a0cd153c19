import CleverTapCore
import Foundation
import Sandbox
import Testing

/// Event records (`type: "event"`) as the sandbox judges them: spec §9.4's 509/512/513 and the
/// limits of spec §5, each with its code; accepted events are listed by `GET /sandbox/events`.
@Suite(.timeLimit(.minutes(2))) struct SandboxEventTests {
    static func event(_ name: JSONValue = "Product Viewed", _ data: JSONValue = [:]) -> JSONValue {
        ["type": "event", "identity": "u1", "ts": 1_700_000_000, "evtName": name, "evtData": data]
    }

    static func data(_ count: Int) -> JSONValue {
        .object(JSONObject((0..<count).map { JSONObject.Member(key: "p\($0)", value: .int(Int64($0))) }))
    }

    static func items(_ count: Int) -> JSONValue {
        .array((0..<count).map { ["sku": .string("S-\($0)"), "price": 1.5] })
    }

    // Limits are written out here, not read from the code under test.
    @Test(arguments: [
        // 509: no name
        (["type": "event", "identity": "u1"], 509),
        (event(""), 509),
        (event(12), 509),
        // 512: malformed
        (event("Order", "x"), 512),
        (event(.string(String(repeating: "n", count: 513))), 512),
        (event("Charged", ["Items": "two shirts"]), 512),
        (event("Charged", ["Items": [["sku": "S-1"], "S-2"]]), 512),
        // 513: restricted system events, in any case
        (event("App Launched"), 513),
        (event("notification viewed"), 513),
        (event("Web Page Viewed"), 513),
        (event("UTM Visited"), 513),
        // 522: too many
        (event("Order", data(101)), 522),
        (event("Charged", ["Items": items(51)]), 522),
        // 555: keys over 120 characters, values over 512 bytes, nesting without the beta
        (event("Order", .object(JSONObject([.init(key: String(repeating: "k", count: 121), value: 1)]))), 555),
        (event("Order", ["note": .string(String(repeating: "x", count: 513))]), 555),
        (event("Order", ["note": .string(String(repeating: "é", count: 257))]), 555),
        (event("Order", ["address": ["city": "Pune"]]), 555),
        (event("Order", ["Items": [["sku": "S-1"]]]), 555),
        (event("Charged", ["Items": [["sku": .string(String(repeating: "x", count: 513))]]]), 555),
        // Rules in order: identity before the event checks, ts before the name.
        (["type": "event", "evtName": "Order"], 523),
        (["type": "event", "identity": "u1", "ts": "soon"], 525),
    ] as [(JSONValue, Int)])
    func invalidEventsGetTheirCode(record: JSONValue, code: Int) async throws {
        try await withRawSandbox { sandbox, raw in
            let answer = try await raw.upload([record])
            #expect(answer.status == 200)
            let json = try #require(answer.json)
            #expect(json["status"] == "fail")
            let entry = try #require(json["unprocessed"]?.arrayValue?.first)
            #expect(entry["code"]?.intValue == Int64(code), "\(entry)")
            #expect(entry["error"]?.stringValue?.hasSuffix(". Skipped record number : 1") == true)
            #expect(entry["record"] == record)
            #expect(await sandbox.events().isEmpty)
        }
    }

    @Test(arguments: [
        event("Order", data(100)),
        event(.string(String(repeating: "n", count: 512))),
        event("Order", .object(JSONObject([.init(key: String(repeating: "é", count: 120), value: 1)]))),
        event("Order", ["note": .string(String(repeating: "x", count: 512))]),
        event("Charged", ["Amount": 59.97, "Charged ID": "o-1", "Items": items(50)]),
        event("Charged", ["Items": []]),
        ["type": "event", "objectId": "__anon-1", "evtName": "Signed In"],
    ] as [JSONValue])
    func eventsWithinTheLimitsAreStored(record: JSONValue) async throws {
        try await withRawSandbox { sandbox, raw in
            let answer = try await raw.upload([record])
            #expect(answer.json == ["status": "success", "processed": 1, "unprocessed": []])
            let stored = await sandbox.events()
            #expect(stored.count == 1)
            #expect(stored.first?["evtName"] == record["evtName"])
        }
    }

    @Test func profilesAndEventsShareOneUploadAndEventsAreListedInOrder() async throws {
        try await withRawSandbox { sandbox, raw in
            let answer = try await raw.upload([
                profile("u1"),
                Self.event("Product Viewed", ["sku": "S-1"]),
                Self.event("App Launched"),
                Self.event("Charged", ["Amount": 10, "Items": [["sku": "S-1", "quantity": 2]]]),
            ])
            let json = try #require(answer.json)
            #expect(json["status"] == "partial")
            #expect(json["processed"] == 3)
            #expect(json["unprocessed"]?.arrayValue?.first?["error"]
                    == "Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event. Skipped record number : 3")
            #expect(await sandbox.profiles().compactMap(\.identity) == ["u1"])

            let listed = try await raw.send("/sandbox/events", method: .GET)
            #expect(listed.status == 200)
            #expect(listed.json?["count"] == 2)
            let events = try #require(listed.json?["events"]?.arrayValue)
            #expect(events.map { $0["evtName"] } == ["Product Viewed", "Charged"])
            #expect(events.allSatisfy { $0["accountId"] == .string(SandboxAccount.demo.projectID) })
            #expect(events[1]["evtData"]?["Items"] == [["sku": "S-1", "quantity": 2]])
        }
    }

    @Test func theRestrictedListIsConfigurable() async throws {
        try await withRawSandbox(SandboxConfiguration(restrictedEventNames: ["Secret Event"])) { sandbox, raw in
            let answer = try await raw.upload([Self.event("Secret Event"), Self.event("App Launched")])
            #expect(answer.json?["unprocessed"]?.arrayValue?.map { $0["code"] } == [513])
            #expect(await sandbox.events().map { $0["evtName"] } == ["App Launched"])
        }
    }
}
