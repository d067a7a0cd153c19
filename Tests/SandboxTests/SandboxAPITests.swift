import CleverTapCore
import Foundation
import Sandbox
import Testing

/// The sandbox answers as spec §9 says CleverTap does.
@Suite(.timeLimit(.minutes(5))) struct SandboxAPITests {
    static let account = SandboxAccount.demo

    @Test(arguments: [
        ([("X-CleverTap-Passcode", "sandbox-passcode")], "Missing X-CleverTap-Account-Id header"),
        ([("X-CleverTap-Account-Id", "NOP-NOP-NOPZ"), ("X-CleverTap-Passcode", "sandbox-passcode")], "Account ID is not valid"),
        ([("X-CleverTap-Account-Id", "TEST-SBX-123-456Z")], "Missing X-CleverTap-Passcode header"),
        ([("X-CleverTap-Account-Id", "TEST-SBX-123-456Z"), ("X-CleverTap-Passcode", "nope")], "Invalid Credentials"),
    ])
    func authenticationFailuresAre401(headers: [(String, String)], error: String) async throws {
        try await withRawSandbox { _, raw in
            for path in [CleverTapPath.upload, CleverTapPath.deleteProfiles] {
                let answer = try await raw.send(path, headers: headers, body: #"{"d":[]}"#)
                #expect(answer.status == 401)
                #expect(answer.contentType == "application/json;charset=utf-8")
                #expect(answer.json == ["status": "fail", "error": .string(error), "code": 401])
            }
        }
    }

    @Test(arguments: [
        ("not json", "Body is not valid JSON"),
        ("[]", "Body must be a JSON object"),
        ("{}", "Body must have a \"d\" array"),
        (#"{"d":{}}"#, "Body must have a \"d\" array"),
    ])
    func malformedUploadBodiesAre400(body: String, error: String) async throws {
        try await withRawSandbox { _, raw in
            let answer = try await raw.send(CleverTapPath.upload, body: body)
            #expect(answer.status == 400)
            #expect(answer.json?["code"] == 400)
            #expect(answer.json?["error"]?.stringValue?.hasPrefix(error) == true)
        }
    }

    @Test func moreThanThousandRecordsIs400AndEmptyIsSuccess() async throws {
        try await withRawSandbox { sandbox, raw in
            let tooMany = try await raw.upload((0..<1001).map { profile("u\($0)") })
            #expect(tooMany.status == 400)
            #expect(tooMany.json?["error"] == "\"d\" has 1001 records; at most 1000 per request")
            let empty = try await raw.upload([])
            #expect(empty.status == 200)
            #expect(empty.json == ["status": "success", "processed": 0, "unprocessed": []])
            #expect(await sandbox.profiles().isEmpty)
        }
    }

    static let longText = String(repeating: "x", count: 513)

    @Test(arguments: [
        (["type": "user", "identity": "a"], 524),
        ("just a string", 524),
        (["type": "profile", "profileData": ["Name": "x"]], 523),
        (["type": "profile", "identity": ""], 523),
        (["type": "profile", "identity": .string(String(repeating: "i", count: 121))], 523),
        (["type": "profile", "identity": "a", "ts": "1700000000"], 525),
        (["type": "profile", "identity": "a", "ts": 0], 525),
        (["type": "profile", "identity": "a", "ts": 1.5], 525),
        (["type": "profile", "identity": "a", "profileData": ["Gender": "GG"]], 514),
        (["type": "profile", "identity": "a", "profileData": ["Email": "1234"]], 515),
        (["type": "profile", "identity": "a", "profileData": ["Phone": "223"]], 516),
        (["type": "profile", "identity": "a", "profileData": ["Phone": "+0123456789"]], 516),
        (["type": "profile", "identity": "a", "profileData": ["Employed": "yes"]], 517),
        (["type": "profile", "identity": "a", "profileData": ["Education": "223"]], 518),
        (["type": "profile", "identity": "a", "profileData": ["Married": "maybe"]], 519),
        (["type": "profile", "identity": "a", "profileData": ["Age": "aa"]], 520),
        (["type": "profile", "identity": "a", "profileData": ["Address": ["City": "Pune"]]], 555),
        (["type": "profile", "identity": "a", "profileData": ["Bio": .string(longText)]], 555),
        (["type": "profile", "identity": "a", "profileData": .object(JSONObject([.init(key: String(repeating: "k", count: 121), value: 1)]))], 555),
        (["type": "event", "identity": "a"], 509),
        (["type": "event", "identity": "a", "evtName": "Order", "evtData": "x"], 512),
        (["type": "event", "identity": "a", "evtName": "Web Page Viewed"], 513),
        // First failing rule wins: type before identity, identity before ts, ts before profile checks.
        (["type": "user"], 524),
        (["type": "profile", "ts": "x"], 523),
        (["type": "profile", "identity": "a", "ts": "x", "profileData": ["Phone": "1"]], 525),
        (["type": "profile", "identity": "a", "profileData": ["Gender": "X", "Phone": "1"]], 514),
    ] as [(JSONValue, Int)])
    func invalidRecordsGetTheirCode(record: JSONValue, code: Int) async throws {
        try await withRawSandbox { sandbox, raw in
            let answer = try await raw.upload([record])
            #expect(answer.status == 200)
            let json = try #require(answer.json)
            #expect(json["status"] == "fail")
            #expect(json["processed"] == 0)
            let entry = try #require(json["unprocessed"]?.arrayValue?.first)
            #expect(entry["code"]?.intValue == Int64(code))
            #expect(entry["status"] == "fail")
            #expect(entry["error"]?.stringValue?.hasSuffix(". Skipped record number : 1") == true)
            #expect(entry["record"] == record)
            #expect(await sandbox.profiles().isEmpty)
        }
    }

    @Test(arguments: [
        ["type": "profile", "identity": 42, "ts": 1_700_000_000],
        ["type": "profile", "objectId": "__g1", "profileData": ["Phone": "+35922333232", "Age": "18", "Gender": "M"]],
        ["type": "profile", "identity": "a", "profileData": ["Education": "Graduate", "Married": "N", "Employed": "Y", "Email": "a@b.co"]],
        ["type": "profile", "identity": "a", "profileData": ["Tags": ["x", "y"], "Score": ["$incr": 1], "MSG-email": false]],
        ["type": "event", "identity": "a", "evtName": "Order Completed", "evtData": ["total": 12.5]],
    ] as [JSONValue])
    func validRecordsAreProcessed(record: JSONValue) async throws {
        try await withRawSandbox { _, raw in
            let answer = try await raw.upload([record])
            #expect(answer.json == ["status": "success", "processed": 1, "unprocessed": []])
        }
    }

    @Test func mixedBatchIsPartialWithPositions() async throws {
        try await withRawSandbox { sandbox, raw in
            let answer = try await raw.upload([profile("a"), profile("b", ["Phone": "1"]), profile("c")])
            let json = try #require(answer.json)
            #expect(json["status"] == "partial")
            #expect(json["processed"] == 2)
            #expect(json["unprocessed"]?.arrayValue?.first?["error"] == "Phone number is not valid. Skipped record number : 2")
            #expect(await sandbox.profiles().compactMap(\.identity) == ["a", "c"])
        }
    }

    @Test func onlyPostIsAllowedOnTheAPI() async throws {
        try await withRawSandbox { _, raw in
            let answer = try await raw.send(CleverTapPath.upload, method: .GET)
            #expect(answer.status == 405)
        }
    }

    @Test(arguments: [
        (#"{"identity":["a"],"guid":["b"]}"#, "Send either identity or guid, not both"),
        (#"{}"#, "Body must have identity or guid"),
        (#"{"identity":[]}"#, "identity is empty"),
        (#"{"identity":[1.5]}"#, "identity values must be non-empty strings"),
        (#"{"guid":"#, "Body is not valid JSON"),
    ])
    func invalidDeletesAre400(body: String, error: String) async throws {
        try await withRawSandbox { sandbox, raw in
            _ = try await raw.upload([profile("a"), profile("b")])
            let answer = try await raw.send(CleverTapPath.deleteProfiles, body: body)
            #expect(answer.status == 400)
            #expect(answer.json?["error"]?.stringValue?.hasPrefix(error) == true)
            #expect(await sandbox.profiles().count == 2, "a refused delete removes nothing")
        }
    }

    @Test func moreThanHundredDeletesIs400() async throws {
        try await withRawSandbox { _, raw in
            let ids = JSONValue.array((0..<101).map { .string("u\($0)") })
            let answer = try await raw.send(CleverTapPath.deleteProfiles, body: JSONValue.object(JSONObject(["identity": ids])).description)
            #expect(answer.status == 400)
        }
    }

    @Test func deleteRemovesKnownAndIgnoresUnknown() async throws {
        try await withRawSandbox { sandbox, raw in
            _ = try await raw.upload([profile("a"), profile("b")])
            let single = try await raw.send(CleverTapPath.deleteProfiles, body: #"{"identity":"a"}"#)
            #expect(single.status == 200)
            #expect(single.json == ["status": "success"])
            let unknown = try await raw.send(CleverTapPath.deleteProfiles, body: #"{"identity":["zzz"]}"#)
            #expect(unknown.json == ["status": "success"])
            #expect(await sandbox.profiles().compactMap(\.identity) == ["b"])
        }
    }

    @Test func updateOperatorsMergeIntoTheProfile() async throws {
        try await withRawSandbox { sandbox, raw in
            _ = try await raw.upload([profile("a", ["Name": "Ada", "Tags": ["x"], "Score": 5, "Gender": "F"])])
            _ = try await raw.upload([profile("a", [
                "Tags": ["$add": ["y", "x"]], "Score": ["$incr": 2], "Gender": ["$delete": 1], "City": "Pune",
            ])])
            _ = try await raw.upload([profile("a", ["Tags": ["$remove": ["x"]], "Score": ["$decr": 10]])])
            let stored = try #require(await sandbox.profile(identity: "a"))
            #expect(stored.profileData == JSONObject(["Name": "Ada", "Tags": ["y"], "Score": -3, "City": "Pune"]))
        }
    }

    @Test func concurrencyLimitsAnswer429() async throws {
        let configuration = SandboxConfiguration(faults: Array(repeating: .timeout, count: 18))
        try await withRawSandbox(configuration) { sandbox, raw in
            // 15 uploads held in flight (timeout faults), then the 16th is over the limit.
            let held = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in 0..<15 { group.addTask { _ = try? await raw.upload([profile("u\(i)")]) } }
                    for i in 0..<3 {
                        group.addTask { _ = try? await raw.send(CleverTapPath.deleteProfiles, body: #"{"identity":"d\#(i)"}"#) }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(await eventually { await sandbox.heldCount() == 18 })
            let upload = try await raw.upload([profile("late")])
            #expect(upload.status == 429)
            #expect(upload.json == ["status": "fail", "error": "Too many concurrent requests", "code": 429])
            let delete = try await raw.send(CleverTapPath.deleteProfiles, body: #"{"identity":"x"}"#)
            #expect(delete.status == 429)
            await sandbox.stop()
            _ = try? await held.value
        }
    }

    @Test func inspectionEndpointsShowProfilesAndRedactedRequests() async throws {
        try await withRawSandbox { _, raw in
            _ = try await raw.upload([profile("user 1", ["Email": "a@b.co"])])
            let list = try await raw.send("/sandbox/profiles", method: .GET)
            #expect(list.json?["count"] == 1)
            let one = try await raw.send("/sandbox/profiles/user%201", method: .GET)
            #expect(one.status == 200)
            #expect(one.json?["profileData"] == ["Email": "a@b.co"])
            let missing = try await raw.send("/sandbox/profiles/nobody", method: .GET)
            #expect(missing.status == 404)
            let requests = try await raw.send("/sandbox/requests", method: .GET)
            let first = try #require(requests.json?["requests"]?.arrayValue?.first)
            #expect(first["path"] == "/1/upload")
            #expect(first["status"] == 200)
            #expect(first["headers"]?["X-CleverTap-Passcode"] == "<redacted>")
            #expect(!requests.text.contains(SandboxAccount.demo.passcode.revealed))
        }
    }

    @Test func seededFailureRateRepeatsExactly() async throws {
        func statuses() async throws -> [Int] {
            try await withRawSandbox(SandboxConfiguration(failureRate: 0.5, seed: 7)) { _, raw in
                var statuses: [Int] = []
                for _ in 0..<20 { statuses.append(try await raw.upload([]).status) }
                return statuses
            }
        }
        let first = try await statuses()
        let second = try await statuses()
        #expect(first == second)
        #expect(Set(first) == [200, 500])
    }

    @Test func scriptedFaultsAreAnsweredInOrderThenNormal() async throws {
        let faults = try SandboxFault.parseSequence("429,503,ok,500")
        try await withRawSandbox(SandboxConfiguration(faults: faults)) { _, raw in
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await raw.upload([]).status) }
            #expect(statuses == [429, 503, 200, 500, 200])
        }
    }

    @Test func latencyDelaysTheAnswer() async throws {
        try await withRawSandbox(SandboxConfiguration(latency: .milliseconds(100))) { _, raw in
            let clock = ContinuousClock()
            let start = clock.now
            let answer = try await raw.upload([])
            #expect(answer.status == 200)
            #expect(clock.now - start >= .milliseconds(100))
        }
    }
}
