import CleverTapCore
import EventQueue
import Foundation
import QueueDelivery
import Sandbox
import Testing

/// The delivery workers against a real queue file and a real sandbox over loopback HTTP.
@Suite(.timeLimit(.minutes(2))) struct QueueDeliveryTests {
    /// `presets` as subscriptions `sub-1`, `sub-2`, … of a destination at `sandbox`.
    static func destination(_ sandbox: SandboxHandle, presets: [Preset] = Preset.quickSetup) -> Destination {
        Destination(id: "dst-1", name: "Sandbox", sourceID: "src-1", projectID: SandboxAccount.demo.projectID,
                    passcode: .inline(SandboxAccount.demo.passcode), endpoint: .custom(baseURL: sandbox.baseURL), setupMode: .quick,
                    subscriptions: presets.enumerated().map { $0.element.makeSubscription(id: "sub-\($0.offset + 1)") })
    }

    static func event(_ json: String, _ identity: String, _ messageID: String) -> IncomingEvent {
        IncomingEvent(messageID: messageID, identity: identity, payload: Array(json.utf8))
    }

    /// Runs the workers until nothing is pending (or `deadline` passes), then stops them.
    static func deliverAll(_ queue: any EventQueue, _ routes: [DeliveryRoute], deadline: Duration = .seconds(30),
                           longestWait: Duration = .milliseconds(200)) async throws -> QueueStatus {
        let service = DeliveryService(queue: queue, routes: routes, settings: DeliverySettings(
            loopsPerDestination: 2, linger: .milliseconds(20),
            backoff: RetryPolicy(maxAttempts: 100, baseDelay: .milliseconds(50), maxDelay: longestWait)))
        let running = Task { try await service.run() }
        let clock = ContinuousClock()
        let end = clock.now + deadline
        var status = try await queue.status(now: Date())
        while clock.now < end {
            status = try await queue.status(now: Date())
            let pending = status.destinations.reduce(0) { $0 + $1[.waiting] + $1[.inFlight] + $1[.retrying] }
            if pending == 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        service.stop()
        try await running.value
        return status
    }

    @Test func identifyThenDeleteDeletesTheProfileAndARejectedRecordGoesDeadWithCleverTapsCode() async throws {
        let directory = NSTemporaryDirectory() + "serve-delivery-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // The first upload is refused with 503: it must be retried, not lost.
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration(faults: [.status(503)])).start()
        let queue = try SQLiteEventQueue(path: directory + "/queue.sqlite")
        let long = String(repeating: "y", count: 600)
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "src-1", destinationIDs: ["dst-1"], events: [
            Self.event(#"{"type":"identify","userId":"u1","traits":{"email":"u1@example.com"}}"#, "u1", "m1"),
            Self.event(#"{"type":"track","event":"Delete User","userId":"u1"}"#, "u1", "m2"),
            Self.event(#"{"type":"identify","userId":"u2","traits":{"bio":"\#(long)"}}"#, "u2", "m3"),
            Self.event(#"{"type":"identify","userId":"u3","traits":{"email":"u3@example.com"}}"#, "u3", "m4"),
            Self.event(#"{"type":"page","userId":"u4","name":"Home"}"#, "u4", "m5"),
        ]), now: Date())
        let client = try CleverTapClient(configuration: CleverTapClientConfiguration(
            baseURL: sandbox.baseURL, accountID: SandboxAccount.demo.projectID, passcode: SandboxAccount.demo.passcode,
            connectTimeout: .seconds(2), requestTimeout: .seconds(5), retryPolicy: .none))
        let routes = DeliveryRoute.make(destinations: [Self.destination(sandbox)]) { _ in client }
        let status = try await Self.deliverAll(queue, routes)
        let counts = status.counts(for: "dst-1")
        #expect(counts[.delivered] == 4)
        #expect(counts[.dead] == 1)
        #expect(status.recentErrors.first?.messageID == "m3")
        #expect(status.recentErrors.first?.reason.contains("code 555") == true)
        #expect(await sandbox.profile(identity: "u1") == nil)
        #expect(await sandbox.profile(identity: "u3") != nil)
        let uploads = (await sandbox.recentRequestsJSON())["requests"]?.arrayValue?.filter { $0["path"]?.stringValue == "/1/upload" } ?? []
        #expect(uploads.count >= 2, "the 503 upload was retried")
        try await client.shutdown()
        await queue.close()
        await sandbox.stop()
    }

    /// A 503 that says `Retry-After: 30` is not tried again after the queue's 50 ms backoff: the
    /// server's wait wins (the client made its own attempt count, then the queue holds the record).
    @Test func aRetryAfterFromTheServerSetsTheQueuesNextAttempt() async throws {
        let directory = NSTemporaryDirectory() + "serve-delivery-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration(faults: [.status(503)], retryAfterSeconds: 30)).start()
        let queue = try SQLiteEventQueue(path: directory + "/queue.sqlite")
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "src-1", destinationIDs: ["dst-1"], events: [
            Self.event(#"{"type":"identify","userId":"u1","traits":{"email":"u1@example.com"}}"#, "u1", "m1"),
        ]), now: Date())
        let client = try CleverTapClient(configuration: CleverTapClientConfiguration(
            baseURL: sandbox.baseURL, accountID: SandboxAccount.demo.projectID, passcode: SandboxAccount.demo.passcode,
            connectTimeout: .seconds(2), requestTimeout: .seconds(5), retryPolicy: .none))
        let routes = DeliveryRoute.make(destinations: [Self.destination(sandbox)]) { _ in client }
        // The backoff alone would try again after 50 ms; it allows waits up to a minute.
        let service = DeliveryService(queue: queue, routes: routes, settings: DeliverySettings(
            loopsPerDestination: 1, linger: .milliseconds(20),
            backoff: RetryPolicy(maxAttempts: 100, baseDelay: .milliseconds(50), maxDelay: .seconds(60))))
        let running = Task { try await service.run() }
        let clock = ContinuousClock()
        let end = clock.now + .seconds(30)
        while try await queue.status(now: Date()).counts(for: "dst-1")[.retrying] == 0 && clock.now < end {
            try await Task.sleep(for: .milliseconds(20))
        }
        // Twenty backoffs later it still waits for the server's 30 s.
        try await Task.sleep(for: .seconds(1))
        service.stop()
        try await running.value
        let status = try await queue.status(now: Date())
        let counts = status.counts(for: "dst-1")
        #expect(counts[.retrying] == 1, "\(status)")
        #expect(counts[.delivered] == 0)
        #expect(status.recentErrors.first?.reason.contains("503") == true)
        #expect(await sandbox.profile(identity: "u1") == nil)
        try await client.shutdown()
        await queue.close()
        await sandbox.stop()
    }

    @Test func aRecordThatKeepsFailingGoesDeadAfterTheConfiguredAge() async throws {
        let directory = NSTemporaryDirectory() + "serve-delivery-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let queue = try SQLiteEventQueue(path: directory + "/queue.sqlite")
        // Enqueued an hour ago; the sandbox answers 500 to everything.
        _ = try await queue.enqueue(EnqueueRequest(sourceID: "src-1", destinationIDs: ["dst-1"], events: [
            Self.event(#"{"type":"identify","userId":"u1","traits":{"email":"u1@example.com"}}"#, "u1", "m1"),
        ]), now: Date() - 3600)
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration(failureRate: 1)).start()
        let client = try CleverTapClient(configuration: CleverTapClientConfiguration(
            baseURL: sandbox.baseURL, accountID: SandboxAccount.demo.projectID, passcode: SandboxAccount.demo.passcode,
            retryPolicy: .none))
        let routes = DeliveryRoute.make(destinations: [Self.destination(sandbox)]) { _ in client }
        let service = DeliveryService(queue: queue, routes: routes, settings: DeliverySettings(giveUpAfter: .seconds(60)))
        let running = Task { try await service.run() }
        var status = try await queue.status(now: Date())
        for _ in 0..<200 where status.counts(for: "dst-1")[.dead] == 0 {
            try await Task.sleep(for: .milliseconds(50))
            status = try await queue.status(now: Date())
        }
        service.stop()
        try await running.value
        #expect(status.counts(for: "dst-1")[.dead] == 1)
        let reason = status.recentErrors.first?.reason ?? ""
        // Over the hour since it was enqueued: how far over depends on how busy the machine is
        // (the whole suite at once took ten seconds to get here), not on the rule.
        let seconds = reason.split(separator: " ").dropFirst(6).first.flatMap { Int($0) } ?? 0
        #expect(reason.hasPrefix("gave up after 1 attempt(s) over ") && (3600..<3660).contains(seconds), "\(reason)")
        #expect(reason.contains("last: CleverTap answered HTTP 500"), "\(reason)")
        try await client.shutdown()
        await queue.close()
        await sandbox.stop()
    }
}
