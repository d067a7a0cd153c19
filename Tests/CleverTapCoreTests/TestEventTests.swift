import CleverTapCore
import Foundation
import Sandbox
import Testing

/// The send-test use case, through the real pipeline and client, against the sandbox.
@Suite(.timeLimit(.minutes(2))) struct TestEventTests {
    static let now: Int64 = 1_795_000_000

    func destination(_ sandbox: SandboxHandle, subscriptions: [Subscription]? = nil,
                     passcode: PasscodeSource = .inline(SandboxAccount.demo.passcode)) -> Destination {
        Destination(id: "dst_test", name: "Test", sourceID: "src_test", projectID: SandboxAccount.demo.projectID,
                    passcode: passcode, endpoint: .custom(baseURL: sandbox.baseURL), setupMode: .quick,
                    subscriptions: subscriptions ?? Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "sub_\($0)") })
    }

    var sender: TestEventSender {
        TestEventSender(tuneClient: { $0.retryPolicy = fastRetries }, now: { Self.now })
    }

    @Test func identifySampleIsProcessedAndStored() async throws {
        try await withSandbox { sandbox in
            let report = try await sender.run(SendTestRequest(destination: destination(sandbox), action: .userUpload))
            #expect(report.outcome == .processed)
            #expect(report.isProcessed)
            #expect(report.isSampleEvent)
            #expect(report.matchedSubscription == "User Upload")
            let request = try #require(report.request)
            #expect(request.url == sandbox.baseURL + "/1/upload")
            #expect(request.headers.first { $0.name == "X-CleverTap-Passcode" }?.value == "<redacted>")
            #expect(request.body["d"]?.arrayValue?.first?["ts"] == .int(Self.now))
            #expect(!report.text.contains(SandboxAccount.demo.passcode.revealed))
            #expect(!report.jsonValue.description.contains(SandboxAccount.demo.passcode.revealed))
            #expect(report.text.contains("Answer: processed by CleverTap (HTTP 200, 1 attempt)"))
            let stored = try #require(await sandbox.profile(identity: SampleEvents.userID))
            #expect(stored.profileData["email"] == "test.user@example.com")
            #expect(stored.profileData["createdAt"] == 1_704_164_645, "ISO timestamps were converted on the way")
        }
    }

    /// The client settings `send-test` would use, captured through the tuning hook.
    final class SettingsBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: CleverTapClientConfiguration?
        var value: CleverTapClientConfiguration? { lock.withLock { stored } }
        func set(_ value: CleverTapClientConfiguration) { lock.withLock { stored = value } }
    }

    /// A person waits for `send-test`: even when every attempt times out, it must give up within
    /// about 20 s (it used to take 3 × 15 s plus backoff, nearly a minute).
    @Test func aPersonWaitsAtMostTwentySecondsWhenEveryAttemptTimesOut() async throws {
        let box = SettingsBox()
        let sender = TestEventSender(tuneClient: { box.set($0) }, now: { Self.now })
        let target = Destination(id: "dst_test", name: "Test", sourceID: "src_test", projectID: SandboxAccount.demo.projectID,
                                 passcode: .inline(SandboxAccount.demo.passcode), endpoint: .custom(baseURL: "http://127.0.0.1:9"),
                                 setupMode: .quick,
                                 subscriptions: Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "sub_\($0)") })
        _ = try await sender.run(SendTestRequest(destination: target, action: .userUpload, dryRun: true))
        let settings = try #require(box.value)
        let policy = settings.retryPolicy
        let seconds = { (duration: Duration) in Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18 }
        // Longest backoff after attempt n is min(base * 2^(n-1), max); Retry-After is capped at max too.
        let waits = (1..<policy.maxAttempts).map { min(seconds(policy.baseDelay) * Double(1 << ($0 - 1)), seconds(policy.maxDelay)) }
        let worstCase = Double(policy.maxAttempts) * seconds(settings.requestTimeout) + waits.reduce(0, +)
        #expect(worstCase <= 20, "worst case \(worstCase) s")
        #expect(seconds(settings.connectTimeout) <= 5)
        #expect(policy.maxAttempts >= 2, "a 429 or 500 still deserves a retry")
    }

    @Test func deleteSampleRemovesTheTestProfile() async throws {
        try await withSandbox { sandbox in
            let target = destination(sandbox)
            _ = try await sender.run(SendTestRequest(destination: target, action: .userUpload))
            #expect(await sandbox.profiles().count == 1)
            let report = try await sender.run(SendTestRequest(destination: target, action: .userDelete))
            #expect(report.isProcessed)
            #expect(report.request?.body == ["identity": [.string(SampleEvents.userID)]])
            #expect(await sandbox.profiles().isEmpty)
        }
    }

    @Test func unmatchedEventIsExplainedAndNotSent() async throws {
        try await withSandbox { sandbox in
            let page: JSONValue = ["type": "page", "userId": "u1", "name": "Home"]
            let report = try await sender.run(SendTestRequest(destination: destination(sandbox), action: .userUpload, event: page))
            #expect(report.outcome == .noMatchingSubscription)
            #expect(!report.isProcessed)
            #expect(report.request == nil)
            #expect(report.subscriptions.map(\.trigger) == [#"type = "identify""#])
            #expect(report.text.contains(#"User Upload: trigger type = "identify" does not match"#))
            #expect(report.text.contains(#"type "page""#))
            #expect(await sandbox.recentRequestsJSON()["count"] == 0)
        }
    }

    @Test func disabledSubscriptionIsNamedAsSuch() async throws {
        try await withSandbox { sandbox in
            var subscription = Preset.quickSetup[0].makeSubscription(id: "s1")
            subscription.enabled = false
            let report = try await sender.run(SendTestRequest(destination: destination(sandbox, subscriptions: [subscription]),
                                                              action: .userUpload))
            #expect(report.outcome == .noMatchingSubscription)
            #expect(report.text.contains("(disabled)"))
        }
    }

    @Test func eventWithoutIdentityIsNotSent() async throws {
        try await withSandbox { sandbox in
            let anonymous: JSONValue = ["type": "identify", "anonymousId": "a1", "traits": ["name": "X"]]
            let report = try await sender.run(SendTestRequest(destination: destination(sandbox), action: .userUpload, event: anonymous))
            guard case .recordNotBuilt(let reason) = report.outcome else {
                Issue.record("expected recordNotBuilt, got \(report.outcome)"); return
            }
            #expect(reason.contains("identity"))
            #expect(await sandbox.recentRequestsJSON()["count"] == 0)
        }
    }

    @Test func rejectedRecordIsNotProcessedWithTheReason() async throws {
        try await withSandbox { sandbox in
            var subscription = Preset.quickSetup[0].makeSubscription(id: "s1")
            subscription.mapping["profileData"] = ["Phone": ["@path": "$.traits.phone"]]
            let event: JSONValue = ["type": "identify", "userId": "u1", "traits": ["phone": "223"]]
            let report = try await sender.run(SendTestRequest(destination: destination(sandbox, subscriptions: [subscription]),
                                                              action: .userUpload, event: event))
            #expect(report.outcome == .notProcessed)
            #expect(report.result?.rejections.first?.rejection.code == .phoneInvalid)
            #expect(report.text.contains("Answer: NOT processed"))
            #expect(report.jsonValue["answer"]?["rejections"]?.arrayValue?.first?["code"] == 516)
            #expect(await sandbox.profiles().isEmpty)
        }
    }

    @Test func dryRunNeedsNoPasscodeAndSendsNothing() async throws {
        try await withSandbox { sandbox in
            let target = destination(sandbox, passcode: .environment(variable: "UNSET_TEST_PASSCODE"))
            let report = try await sender.run(SendTestRequest(destination: target, action: .userUpload, dryRun: true))
            #expect(report.outcome == .dryRun)
            #expect(report.request != nil)
            #expect(await sandbox.recentRequestsJSON()["count"] == 0)
            await #expect(throws: SendTestError.self) {
                _ = try await sender.run(SendTestRequest(destination: target, action: .userUpload))
            }
        }
    }

    @Test func endpointOverrideReplacesTheDestinationsEndpoint() async throws {
        try await withSandbox { sandbox in
            var target = destination(sandbox)
            target.endpoint = .region(Region.defaultRegion)
            let report = try await sender.run(SendTestRequest(destination: target, action: .userUpload, endpointOverride: sandbox.baseURL + "/"))
            #expect(report.isProcessed)
            #expect(report.request?.url == sandbox.baseURL + "/1/upload")
            await #expect(throws: SendTestError.self) {
                _ = try await sender.run(SendTestRequest(destination: target, action: .userUpload, endpointOverride: "http://example.com"))
            }
        }
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (1_136_225_047, "2006-01-02T18:04:07Z"),
        (951_782_400, "2000-02-29T00:00:00Z"),
        (-1, "1969-12-31T23:59:59Z"),
        (4_102_444_800, "2100-01-01T00:00:00Z"),
    ])
    func sampleTimestampsAreUTC(seconds: Int64, text: String) {
        #expect(SampleEvents.utcTimestamp(seconds) == text)
        #expect(ISO8601Timestamp.unixSeconds(text) == seconds)
    }
}
