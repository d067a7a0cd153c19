import CleverTapCore
import Foundation
import Sandbox
import Testing

/// Upload Event end to end with the real binary: `setup --non-interactive --quick --events`
/// against a `sandbox` child process, `map` over generated events (each track one event record,
/// each "Order Completed" a `Charged` with `Items`), `deliver` into the sandbox's event list, and
/// `send-test track`.
@Suite(.serialized, .timeLimit(.minutes(3))) final class EventsEndToEndTests {
    static let binary = SandboxCLITests.binary

    let directory: String
    var config: String { directory + "/workspace.json" }

    init() throws {
        directory = NSTemporaryDirectory() + "events-e2e-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    var environment: [String: String] {
        ["PATH": "/usr/bin:/bin", "HOME": directory, "LANG": "C.UTF-8", "SBX_PASSCODE": SandboxAccount.demo.passcode.revealed]
    }

    /// Runs the binary to completion (killed, and the test failed, past `ChildProcess`'s deadline).
    func run(_ arguments: [String]) async throws -> ProcessRun {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        return try await ChildProcess.run(Self.binary, arguments, environment: environment)
    }

    /// A `sandbox` child process and its base URL (its first line of output). Stop it with
    /// `stop()`; if the test throws first, dropping the `ChildProcess` kills it.
    func startSandbox() async throws -> (child: ChildProcess, baseURL: String) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the binary first: \(Self.binary)")
        let child = try ChildProcess(Self.binary, ["sandbox", "--port", "0"], environment: environment,
                                     stderrPath: directory + "/sandbox.err")
        let url = try await child.firstLine()
        try #require(url.hasPrefix("http://127.0.0.1:"), "the sandbox printed no URL: \(child.standardError())")
        return (child, url)
    }

    func setUp(endpoint: String, events: Bool = true, replace: Bool = false) async throws {
        let setup = try await run(["setup", "--non-interactive", "--config", config, "--source-name", "Website",
                                   "--project-id", SandboxAccount.demo.projectID, "--passcode-env", "SBX_PASSCODE",
                                   "--endpoint", endpoint, "--quick"] + (events ? ["--events"] : []) + (replace ? ["--replace"] : []))
        try #require(setup.status == 0, "setup failed: \(setup.stderr)")
    }

    // MARK: Generated events

    struct Generated {
        var lines: [String] = []
        var identifies = 0
        var deletes = 0
        /// evtName of each plain track, in order.
        var tracks: [String] = []
        /// (order id, revenue, product count) of each "Order Completed", in order.
        var orders: [(id: String, revenue: Double, products: Int)] = []
    }

    /// A deterministic mix: identifies, plain tracks, "Order Completed" with 1–3 products,
    /// "Delete User", and a page call that no preset takes.
    static func generate(_ count: Int) -> Generated {
        var generated = Generated()
        for i in 0..<count {
            let stamp = "2026-11-28T10:\(String(format: "%02d", i % 60)):00Z"
            switch i % 10 {
            case 0, 1, 2, 3:
                generated.identifies += 1
                generated.lines.append(#"{"type":"identify","userId":"user-\#(i)","timestamp":"\#(stamp)","traits":{"name":"User \#(i)","plan":"pro"}}"#)
            case 4, 5, 6:
                let name = ["Product Viewed", "Signed In", "Cart Viewed"][i % 3]
                generated.tracks.append(name)
                generated.lines.append(#"{"type":"track","event":"\#(name)","userId":"user-\#(i)","timestamp":"\#(stamp)","properties":{"sku":"S-\#(i)","price":12.5,"variant":{"size":"M"}}}"#)
            case 7, 8:
                let products = 1 + i % 3
                let items = (0..<products).map { #"{"product_id":"p-\#($0)","sku":"S-\#($0)","price":10,"quantity":\#($0 + 1)}"# }
                let revenue = Double(10 * products) + 0.5
                generated.orders.append(("o-\(i)", revenue, products))
                generated.lines.append(#"{"type":"track","event":"Order Completed","userId":"user-\#(i)","timestamp":"\#(stamp)","properties":{"order_id":"o-\#(i)","revenue":\#(revenue),"currency":"EUR","products":[\#(items.joined(separator: ","))]}}"#)
            default:
                if i % 20 == 9 {
                    generated.deletes += 1
                    generated.lines.append(#"{"type":"track","event":"Delete User","userId":"user-\#(i)","properties":{}}"#)
                } else {
                    generated.lines.append(#"{"type":"page","name":"Pricing","userId":"user-\#(i)","properties":{"url":"https://example.com"}}"#)
                }
            }
        }
        return generated
    }

    func write(_ generated: Generated) throws -> String {
        let path = directory + "/events.ndjson"
        try Data((generated.lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    // MARK: Tests

    @Test func quickSetupWithEventsMapsTracksAndOrdersAndDeliversThemIntoTheSandbox() async throws {
        let sandbox = try await startSandbox()
        try await setUp(endpoint: sandbox.baseURL)
        let generated = Self.generate(300)
        let input = try write(generated)

        // map: one record per track, a Charged with Items per order.
        let map = try await run(["map", "--config", config, input])
        #expect(map.status == 0, "map failed: \(map.stderr)")
        let mapped = try map.stdout.split(separator: "\n").map { try JSONParser.parse(String($0)) }
        let trackRecords = mapped.filter { $0["subscription"] == "Track Event" }.compactMap { $0["record"] }
        let chargedRecords = mapped.filter { $0["subscription"] == "Order Completed → Charged" }.compactMap { $0["record"] }
        #expect(trackRecords.map { $0["evtName"]?.stringValue ?? "" } == generated.tracks)
        #expect(trackRecords.allSatisfy { $0["type"] == "event" && $0["evtData"]?["variant"] == #"{"size":"M"}"# })
        #expect(chargedRecords.count == generated.orders.count)
        for (record, order) in zip(chargedRecords, generated.orders) {
            #expect(record["evtName"] == "Charged")
            #expect(record["evtData"]?["Charged ID"] == .string(order.id))
            #expect(record["evtData"]?["Amount"]?.doubleValue == order.revenue)
            #expect(record["evtData"]?["Items"]?.arrayValue?.count == order.products)
            #expect(record["evtData"]?["products"] == nil, "the products go as Items only")
        }
        #expect(mapped.filter { $0["subscription"] == "User Upload" }.count == generated.identifies)
        #expect(mapped.filter { $0["subscription"] == "User Delete" }.count == generated.deletes)

        // deliver: the events land in the sandbox's event list, sharing uploads with profiles.
        let deliver = try await run(["deliver", "--config", config, input])
        #expect(deliver.status == 0, "deliver failed: \(deliver.stdout) \(deliver.stderr)")
        let listed = try await httpGet(sandbox.baseURL + "/sandbox/events")
        #expect(listed.status == 200)
        let events = try #require(listed.body?["events"]?.arrayValue)
        #expect(events.count == generated.tracks.count + generated.orders.count)
        let charged = events.filter { $0["evtName"] == "Charged" }
        #expect(charged.map { $0["evtData"]?["Items"]?.arrayValue?.count ?? -1 } == generated.orders.map(\.products))
        #expect(events.filter { $0["evtName"] != "Charged" }.map { $0["evtName"]?.stringValue ?? "" } == generated.tracks)

        let log = try await httpGet(sandbox.baseURL + "/sandbox/requests")
        let uploads = log.body?["requests"]?.arrayValue?.filter { $0["path"] == "/1/upload" } ?? []
        #expect(uploads.count == 1, "300 events fit one upload of profiles and events together")
        let types = Set(uploads.first?["body"]?["d"]?.arrayValue?.compactMap { $0["type"]?.stringValue } ?? [])
        #expect(types == ["profile", "event"])
        #expect(try await sandbox.child.stop() == 0)
    }

    @Test func sendTestTrackLandsOneEventAndExplainsAMissingSubscription() async throws {
        let sandbox = try await startSandbox()

        // Without --events there is no Upload Event subscription: nothing is sent, and we say how to add one.
        try await setUp(endpoint: sandbox.baseURL, events: false)
        let missing = try await run(["send-test", "track", "--config", config])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("The destination has no Upload Event subscription; add one (setup --quick --events adds the event presets)."))

        try await setUp(endpoint: sandbox.baseURL, events: true, replace: true)
        let sent = try await run(["send-test", "track", "--config", config, "--json"])
        #expect(sent.status == 0, "send-test track failed: \(sent.stdout) \(sent.stderr)")
        let report = try JSONParser.parse(sent.stdout)
        #expect(report["subscription"] == "Track Event")
        #expect(report["record"]?["evtName"] == "Product Viewed")
        let listed = try await httpGet(sandbox.baseURL + "/sandbox/events")
        #expect(listed.body?["events"]?.arrayValue?.map { $0["evtName"] } == ["Product Viewed"])
        #expect(listed.body?["events"]?.arrayValue?.first?["identity"] == .string(SampleEvents.userID))
        #expect(try await sandbox.child.stop() == 0)
    }
}
