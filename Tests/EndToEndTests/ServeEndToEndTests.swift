import CleverTapCore
import Foundation
import Testing

/// `serve` as a user runs it: the real binary, a real `sandbox` process, real HTTP, a real queue
/// file, and the real Segment library for Python pointed at it.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ServeEndToEndTests {
    static func identify(_ user: String, traits: String = "") -> String {
        #"{"type":"identify","userId":"\#(user)","traits":{"email":"\#(user)@example.com"\#(traits)}}"#
    }

    static func batch(_ events: [String]) -> [UInt8] { Array(#"{"batch":[\#(events.joined(separator: ","))]}"#.utf8) }

    /// The pinned library `.ci/run` installs (`segment-analytics-python==2.4.0`).
    static let pythonSender = #"""
        import sys
        from segment.analytics.client import Client
        errors = []
        def on_error(error, items):
            errors.append(repr(error))
        key, host, users, deletes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        client = Client(write_key=key, host=host, on_error=on_error, gzip=True, max_retries=3, timeout=10,
                        upload_interval=0.1, upload_size=25)
        for i in range(users):
            client.identify("py-user-%d" % i, {"email": "py%d@example.com" % i, "name": "Py %d" % i})
        for i in range(deletes):
            client.track("py-user-%d" % i, "Delete User")
        client.flush()
        client.join()
        if errors:
            print("\n".join(errors), file=sys.stderr)
            sys.exit(1)
        print("sent %d identifies and %d deletes" % (users, deletes))
        """#

    @Test func segmentsPythonLibraryIdentifiesAndDeletesThroughServe() async throws {
        let home = try ServeHome()
        let sandbox = try await home.startSandbox()
        let writeKey = try await home.setup(endpoint: sandbox.url)
        let serve = try await home.startServe(endpoint: sandbox.url)
        #expect(serve.stderr.contains("queue \(home.queue)"))
        let script = home.path + "/send.py"
        try Self.pythonSender.write(toFile: script, atomically: true, encoding: .utf8)
        let python = try await ChildProcess.run("/usr/bin/env", ["python3", script, writeKey, serve.url, "60", "20"],
                                                environment: home.environment)
        #expect(python.status == 0, "analytics-python failed (pip install segment-analytics-python==2.4.0; .ci/run does): \(python.stderr)")
        let expected = Set((20..<60).map { "py-user-\($0)" })
        let arrived = try await eventually(timeout: .seconds(60)) { try await sandboxIdentities(sandbox.url) == expected }
        let profiles = try await sandboxIdentities(sandbox.url)
        #expect(arrived, "profiles: \(profiles.sorted())")
        let status = try await home.status()
        let destination = status["destinations"]?.arrayValue?.first
        #expect(destination?["delivered"]?.intValue == 80)
        #expect(destination?["dead"]?.intValue == 0)
        #expect(try await serve.terminate() == 0)
        #expect(serve.stderr.contains("serve stopped; the queue is closed"))
        _ = try await sandbox.terminate()
    }

    @Test func everyAcknowledgedEventArrivesAfterAKill9MidStream() async throws {
        let home = try ServeHome()
        let sandbox = try await home.startSandbox()
        let writeKey = try await home.setup(endpoint: sandbox.url)
        let serve = try await home.startServe(endpoint: sandbox.url)
        let url = serve.url + "/v1/batch"
        // Send batches until the server dies; a batch counts only if it was answered 200.
        let sender = Task { () -> [String] in
            var acknowledged: [String] = []
            // Bounded, so the stream is over within seconds on any machine (and other suites keep
            // their cores); the kill lands while it still runs.
            for round in 0..<120 {
                let users = (0..<50).map { "kill-\(round)-\($0)" }
                guard let answer = try? await httpPost(url, body: Self.batch(users.map { Self.identify($0) }), headers: [basicAuth(writeKey)]) else {
                    break
                }
                if answer.status == 200 { acknowledged += users }
            }
            return acknowledged
        }
        _ = try await eventually(timeout: .seconds(30)) { try await sandboxIdentities(sandbox.url).count >= 100 }
        try await serve.kill9()
        let acknowledged = await sender.value
        #expect(acknowledged.count >= 100)
        let restarted = try await home.startServe(endpoint: sandbox.url)
        let all = Set(acknowledged)
        let arrived = try await eventually(timeout: .seconds(90)) { try await sandboxIdentities(sandbox.url).isSuperset(of: all) }
        let missing = all.subtracting(try await sandboxIdentities(sandbox.url))
        #expect(arrived, "\(missing.count) acknowledged events never arrived, e.g. \(missing.sorted().prefix(5))")
        #expect(try await restarted.terminate() == 0)
        _ = try await sandbox.terminate()
    }

    @Test func nothingIsLostWhileCleverTapIsDownAndDeliveryResumes() async throws {
        let home = try ServeHome()
        let port = try freePort()
        let endpoint = "http://127.0.0.1:\(port)"
        let writeKey = try await home.setup(endpoint: endpoint)
        let serve = try await home.startServe(endpoint: endpoint)
        let users = (0..<30).map { "down-\($0)" }
        let answer = try await httpPost(serve.url + "/v1/batch", body: Self.batch(users.map { Self.identify($0) }),
                                        headers: [basicAuth(writeKey)])
        #expect(answer.status == 200, "\(answer.body)")
        // Nobody listens: the records wait for their retries, none is dropped or dead.
        let retrying = try await eventually(timeout: .seconds(20)) {
            let destination = try await home.status()["destinations"]?.arrayValue?.first
            return (destination?["retrying"]?.intValue ?? 0) > 0
        }
        #expect(retrying)
        try await Task.sleep(for: .seconds(2))
        let during = try await home.status()
        let counts = during["destinations"]?.arrayValue?.first
        let pending = ["waiting", "in-flight", "retrying"].reduce(Int64(0)) { $0 + (counts?[$1]?.intValue ?? 0) }
        #expect(pending == 30)
        #expect(counts?["dead"]?.intValue == 0)
        #expect(during["recentErrors"]?.arrayValue?.first?["reason"]?.stringValue?.contains("Could not talk to 127.0.0.1") == true)
        let sandbox = try await home.startSandbox(port: port)
        let arrived = try await eventually(timeout: .seconds(60)) { try await sandboxIdentities(sandbox.url) == Set(users) }
        #expect(arrived)
        #expect(try await serve.terminate() == 0)
        _ = try await sandbox.terminate()
    }

    @Test func theIntakeAnswersAsSegmentsAPIDoesAndDeadRecordsCanBeReplayed() async throws {
        let home = try ServeHome()
        let sandbox = try await home.startSandbox()
        let writeKey = try await home.setup(endpoint: sandbox.url)
        let serve = try await home.startServe(endpoint: sandbox.url)
        let base = serve.url
        let auth = basicAuth(writeKey)

        var answer = try await httpPost(base + "/v1/identify", body: Array(Self.identify("u1").utf8))
        #expect(answer.status == 401 && answer.body.contains("no write key"), "\(answer)")
        answer = try await httpPost(base + "/v1/identify", body: Array(Self.identify("u1").utf8), headers: [basicAuth("nope")])
        #expect(answer.status == 401 && answer.body.contains("unknown write key"), "\(answer)")
        let huge = String(repeating: "x", count: 40 * 1024)
        answer = try await httpPost(base + "/v1/batch", body: Self.batch((0..<14).map { Self.identify("big-\($0)", traits: #","bio":"\#(huge)""#) }),
                                    headers: [auth])
        #expect(answer.status == 413 && answer.body.contains("500 KB per batch"), "\(answer)")
        // analytics.js: text/plain, write key in the body, one-letter path.
        answer = try await httpPost(base + "/v1/i", body: Array(#"{"writeKey":"\#(writeKey)","userId":"js-1","traits":{"email":"js@example.com"}}"#.utf8),
                                    headers: [("Content-Type", "text/plain")])
        #expect(answer.status == 200, "\(answer)")
        // One bad event does not fail its batch; a 600-byte value makes CleverTap refuse the record (code 555).
        let long = String(repeating: "y", count: 600)
        answer = try await httpPost(base + "/v1/import", body: Self.batch([
            Self.identify("ok-1"), #"{"type":"identify","traits":{"email":"nobody@example.com"}}"#,
            Self.identify("refused-1", traits: #","bio":"\#(long)""#),
        ]), headers: [auth])
        #expect(answer.status == 200 && answer.body.contains(#""accepted":2"#) && answer.body.contains("no userId or anonymousId"), "\(answer)")
        // The same messageId twice: counted, not stored.
        let repeated = Array(#"{"userId":"dup-1","messageId":"same-id","traits":{"email":"d@example.com"}}"#.utf8)
        _ = try await httpPost(base + "/v1/identify", body: repeated, headers: [auth])
        answer = try await httpPost(base + "/v1/identify", body: repeated, headers: [auth])
        #expect(answer.status == 200 && answer.body.contains(#""duplicates":1"#), "\(answer)")

        let dead = try await eventually(timeout: .seconds(30)) {
            try await home.status()["destinations"]?.arrayValue?.first?["dead"]?.intValue == 1
        }
        #expect(dead)
        let status = try await home.status()
        #expect(status["recentErrors"]?.arrayValue?.first?["reason"]?.stringValue?.contains("code 555") == true, "\(status)")
        #expect(status["rejected"]?.intValue == 1)
        #expect(status["duplicates"]?.intValue == 1)
        #expect(try await sandboxIdentities(sandbox.url) == ["js-1", "ok-1", "dup-1"])

        let text = try await home.runCapturing(["status", "--config", home.config, "--queue", home.queue])
        #expect(text.stdout.contains("dead 1") && text.stdout.contains("code 555"), "\(text.stdout)")
        let replay = try await home.runCapturing(["replay", "--config", home.config, "--queue", home.queue, "--since", "1h"])
        #expect(replay.stdout.contains("1 dead record(s) back to waiting"), "\(replay)")

        let (health, _) = try await httpGet(base + "/health")
        let (ready, _) = try await httpGet(base + "/ready")
        #expect(health == 200 && ready == 200)
        let metrics = try await httpGetText(base + "/metrics")
        #expect(metrics.contains("clevertap_serve_accepted_total"), "\(metrics.prefix(2000))")
        #expect(metrics.contains("clevertap_serve_delivered_total"))
        #expect(metrics.contains(#"clevertap_serve_queued{destination="#))
        #expect(try await serve.terminate() == 0)
        _ = try await sandbox.terminate()
    }
}
