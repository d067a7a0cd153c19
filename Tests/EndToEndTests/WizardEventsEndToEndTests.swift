import AsyncHTTPClient
import CleverTapCore
import Foundation
import Sandbox
import Testing

/// Issues 11 and 16 in the real wizard (tmux): an Upload Event subscription added in Customized
/// Setup, saved, and "Send test track" landing in a sandbox's event list; then the menu's intake
/// lines and the Event delivery screen reading the queue a real `serve` filled.
@Suite(.serialized, .timeLimit(.minutes(5))) struct WizardEventsEndToEndTests {
    static let projectID = "844-6K7-984Z"
    static let passcode = "pc-secret-1234"

    @Test func uploadEventSubscriptionThenTestTrackReachesTheSandboxsEventList() async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration(
            accounts: [SandboxAccount(projectID: Self.projectID, passcode: Secret(Self.passcode))])).start()
        defer { Task { await sandbox.stop() } }
        let tmux = try WizardTmux()

        try await tmux.enterSourceAndCredentials(source: "Website", projectID: Self.projectID, passcode: Self.passcode,
                                                 endpoint: sandbox.baseURL)

        // Customized Setup: `e` adds an Upload Event; its editor previews the event record.
        try await tmux.waitFor("Step 3 of 4: Setup mode")
        try tmux.keys("Down", "Enter")
        try await tmux.waitFor("u/d/e add")
        try tmux.keys("e")
        try await tmux.waitFor("Name of the new Upload Event: Upload Event")
        try tmux.keys("Enter")
        try await tmux.waitFor("Added \"Upload Event\"")
        try tmux.keys("Enter")
        // The whole editor, its fields and its preview, in one capture: tmux can capture a frame
        // that ncurses is still drawing (title new, body old), so every part is waited for.
        try await tmux.waitFor(all: ["Edit \"Upload Event\" (Upload Event)", "Sample event 4/5: Product Viewed (track)",
                                     "Event Name", "\"evtName\": \"Product Viewed\""])
        try tmux.keys("C-s")
        try await tmux.waitFor("Saved \"Upload Event\"")

        try tmux.keys("n")
        try await tmux.waitFor("Ready. Press Enter to save.")
        try tmux.keys("Enter")
        try await tmux.waitFor("✓ Saved")
        let workspace = try WorkspaceStore(path: tmux.configPath).load(required: true)
        let subscription = try #require(workspace.destinations.first?.subscriptions.first)
        #expect(subscription.action == .userEvent)
        #expect(subscription.trigger == Preset.trackEvent.trigger)

        // The menu's "Send test track" through the saved destination, to the sandbox.
        try tmux.keys("m")
        try await tmux.waitFor("Send test track")
        try tmux.press("Down", times: 4)
        try tmux.keys("Enter")
        let result = try await tmux.waitFor(all: ["✓ Processed", "POST \(sandbox.baseURL)/1/upload"])
        #expect(!result.contains(Self.passcode))

        let listed = try await httpGet(sandbox.baseURL + "/sandbox/events")
        #expect(listed.status == 200)
        let events = try #require(listed.body?["events"]?.arrayValue)
        #expect(events.count == 1)
        #expect(events.first?["evtName"] == "Product Viewed")
        #expect(events.first?["evtData"]?["sku"] == "TSHIRT-BLUE-M")

        try tmux.keys("Enter", "q")
        try await tmux.waitFor("EXIT:0")
    }

    @Test func theEventDeliveryScreenReadsTheQueueServeFilled() async throws {
        let home = try ServeHome()
        let sandbox = try await home.startSandbox()
        let writeKey = try await home.setup(endpoint: sandbox.url)
        let tmux = try WizardTmux(extraEnvironment: [
            "CLEVERTAP_ACTIONS_CONFIG": home.config, "XDG_STATE_HOME": home.path + "/state",
            "CLEVERTAP_PASSCODE": SandboxCLITests.demoPasscode,
        ])
        // No serve has run yet: the default queue file does not exist.
        try await tmux.waitFor(all: ["Live events: clevertap-actions serve listens at http://127.0.0.1:8788",
                                     "write key of source \"Website\": \(writeKey)", #"analytics-python: host="http://127.0.0.1:8788""#])
        try tmux.press("Down", times: 6)
        try tmux.keys("Enter")
        try await tmux.waitFor("No queue yet")

        // serve on the default queue; an identify is delivered, an event without any id refused.
        let serve = try await home.startServe(endpoint: sandbox.url, queue: "sqlite:" + home.path + "/state/clevertap-actions/queue.sqlite")
        let batch = #"{"batch": [{"type": "identify", "userId": "u-1", "traits": {"name": "Ann"}}, {"type": "track", "event": "x"}]}"#
        let posted = try await httpPost(serve.url + "/v1/batch", body: Array(batch.utf8), headers: [basicAuth(writeKey)])
        #expect(posted.status == 200, "\(posted.body)")
        // The screen refreshes itself (every 2 s) until the delivery shows.
        try await tmux.waitFor(all: ["waiting 0 · in-flight 0 · retrying 0 · delivered 1 · dead 0", "Refused at intake: 1"], seconds: 30)
        #expect(try await serve.terminate() == 0)
        #expect(try await sandbox.terminate() == 0)
        try tmux.keys("Escape", "q")
        try await tmux.waitFor("EXIT:0")
    }
}
