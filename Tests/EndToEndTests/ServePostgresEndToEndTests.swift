import CleverTapCore
import Foundation
import Testing

/// Two `serve` processes on one PostgreSQL queue (the cluster `.ci/run` starts; in CI a missing
/// cluster fails this test rather than skipping it).
@Suite(.serialized, .timeLimit(.minutes(5))) struct ServePostgresEndToEndTests {
    static var enabled: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["CLEVERTAP_TEST_POSTGRES"] != nil || environment["CI"] == "true"
    }

    @Test(.enabled(if: enabled))
    func twoServesOnOneQueueDeliverEveryRecordExactlyOnce() async throws {
        let home = try ServeHome()
        let queue = try await home.scratchPostgresQueue()

        let sandbox = try await home.startSandbox()
        let writeKey = try await home.setup(endpoint: sandbox.url)
        let first = try await home.startServe(endpoint: sandbox.url, queue: queue)
        let second = try await home.startServe(endpoint: sandbox.url, queue: queue)
        let users = (0..<300).map { "pg-\($0)" }
        for (index, chunk) in stride(from: 0, to: users.count, by: 50).map({ Array(users[$0..<$0 + 50]) }).enumerated() {
            let target = index.isMultiple(of: 2) ? first.url : second.url
            let answer = try await httpPost(target + "/v1/batch", body: ServeEndToEndTests.batch(chunk.map { ServeEndToEndTests.identify($0) }),
                                            headers: [basicAuth(writeKey)])
            #expect(answer.status == 200, "\(answer.body)")
        }
        let arrived = try await eventually(timeout: .seconds(60)) { try await sandboxIdentities(sandbox.url) == Set(users) }
        #expect(arrived)
        // Every record went out once: the uploads the sandbox answered carry 300 records in all.
        let (_, log) = try await httpGet(sandbox.url + "/sandbox/requests")
        let uploads = log?["requests"]?.arrayValue?.filter { $0["path"]?.stringValue == "/1/upload" && $0["status"]?.intValue == 200 } ?? []
        let records = uploads.reduce(0) { $0 + ($1["body"]?["d"]?.arrayValue?.count ?? 0) }
        #expect(records == 300)
        #expect(try await first.terminate() == 0)
        #expect(try await second.terminate() == 0)
        let status = try await home.runCapturing(["status", "--config", home.config, "--queue", queue, "--json"])
        let counts = try JSONParser.parse(status.stdout)["destinations"]?.arrayValue?.first
        #expect(counts?["delivered"]?.intValue == 300, "\(status.stdout) \(status.stderr)")
        _ = try await sandbox.terminate()
    }

    /// When the queue cannot take events the answer is 503 (the libraries retry) and nothing is
    /// acknowledged; once it can, the same request is stored and delivered.
    @Test(.enabled(if: enabled))
    func aQueueThatCannotStoreAnswers503AndAcknowledgesNothing() async throws {
        let base = try #require(ProcessInfo.processInfo.environment["CLEVERTAP_TEST_POSTGRES"],
                                "CLEVERTAP_TEST_POSTGRES is not set: .ci/run starts a PostgreSQL cluster and sets it")
        let home = try ServeHome()
        let name = "serve_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        var components = try #require(URLComponents(string: base))
        components.path = "/" + name
        let queue = try #require(components.string)
        #expect(try await home.runCapturingAny("/usr/bin/env", ["psql", base, "-q", "-c", "CREATE DATABASE \(name)"]).status == 0)
        let sandbox = try await home.startSandbox()
        let writeKey = try await home.setup(endpoint: sandbox.url)
        let serve = try await home.startServe(endpoint: sandbox.url, queue: queue)
        let body = ServeEndToEndTests.batch(["refused-1", "refused-2"].map { ServeEndToEndTests.identify($0) })

        // The queue's table goes away (as if the database refused writes).
        #expect(try await home.runCapturingAny("/usr/bin/env", ["psql", queue, "-q", "-c", "ALTER TABLE records RENAME TO records_away"]).status == 0)
        var answer = try await httpPost(serve.url + "/v1/batch", body: body, headers: [basicAuth(writeKey)])
        #expect(answer.status == 503 && answer.body.contains("nothing of it was stored"), "\(answer)")
        #expect(try await home.runCapturingAny("/usr/bin/env", ["psql", queue, "-q", "-c", "ALTER TABLE records_away RENAME TO records"]).status == 0)
        answer = try await httpPost(serve.url + "/v1/batch", body: body, headers: [basicAuth(writeKey)])
        #expect(answer.status == 200, "\(answer)")
        let arrived = try await eventually(timeout: .seconds(30)) { try await sandboxIdentities(sandbox.url) == ["refused-1", "refused-2"] }
        #expect(arrived)
        #expect(try await serve.terminate() == 0)
        _ = try await sandbox.terminate()
    }
}
