import CleverTapCore
import Sandbox
import SetupWizard
import Synchronization
import Testing
import TerminalUI

/// The menu's test sends: the effect asked for, the spinner, the result screen, and the real
/// effect handler against an in-process sandbox.
@Suite(.timeLimit(.minutes(2))) struct WizardTestSendTests {
    /// Rows of `Workspace.sample`'s menu: Edit, Add, Send identify, Send delete, Send track, sandbox, Quit.
    static let identifyRow = 2, deleteRow = 3, trackRow = 4, sandboxRow = 5

    static func moveTo(_ row: Int, _ driver: inout WizardDriver) {
        driver.press(.home)
        for _ in 0..<row { driver.press(.down) }
    }

    static let sampleRequest = CleverTapRequestPreview(
        url: "https://us1.api.clevertap.com/1/upload",
        headers: [.init(name: "X-CleverTap-Account-Id", value: "W9R-486-4W5Z"),
                  .init(name: "X-CleverTap-Passcode", value: Redactor.mask),
                  .init(name: "Content-Type", value: "application/json; charset=utf-8")],
        body: ["d": [["identity": "clevertap-actions-test-user", "type": "profile", "ts": 1_700_000_000,
                      "profileData": ["Name": "Test User"]]]])

    @Test func theMenuOffersTheTestSendsAndTheSandboxChoice() {
        let driver = WizardDriver(workspace: .sample)
        let text = driver.text
        #expect(text.contains("Send test identify"))
        #expect(text.contains("Send test delete"))
        #expect(text.contains("Send test track"))
        #expect(text.contains("[ ] Send to the local sandbox"))
        #expect(Wizard.menuEntries(driver.state)[Self.identifyRow] == .sendTest(.identify))
    }

    @Test func anEmptyWorkspaceHasNoTestSends() {
        var state = WizardState(workspace: Workspace(), configPath: "/tmp/w.json", identifiers: WizardDriver.identifiers)
        state.phase = .menu
        #expect(!Wizard.menuEntries(state).contains(.sendTest(.identify)))
    }

    @Test(arguments: [(TestEventKind.identify, false), (.delete, false), (.track, false), (.identify, true), (.delete, true), (.track, true)])
    func choosingATestSendAsksForItAndShowsASpinner(kind: TestEventKind, sandbox: Bool) throws {
        var driver = WizardDriver(workspace: .sample)
        if sandbox {
            Self.moveTo(Self.sandboxRow, &driver)
            driver.press(.character(" "))
            #expect(driver.text.contains("[x] Send to the local sandbox"))
        }
        Self.moveTo([.identify: Self.identifyRow, .delete: Self.deleteRow, .track: Self.trackRow][kind]!, &driver)
        driver.press(.enter)
        let expected = TestSendRequest(destination: Workspace.sample.destinations[0], kind: kind,
                                       target: sandbox ? .localSandbox : .configured)
        #expect(driver.effects == [.sendTest(expected)])
        #expect(driver.state.phase == .testSend)
        #expect(driver.state.isBusy)
        #expect(driver.text.contains("Sending the sample \(kind.displayName) event…"))
        #expect(driver.text.contains(sandbox ? "To the local sandbox" : "To https://us1.api.clevertap.com"))
        let frame = driver.state.spinnerFrame
        driver.send(.tick)
        #expect(driver.state.spinnerFrame == frame + 1)
        driver.press(.enter)  // keys wait while sending
        #expect(driver.state.phase == .testSend)
    }

    @Test func aFailedAttemptShowsUnderTheSpinnerWithItsCountAndReason() {
        var driver = WizardDriver(workspace: .sample)
        Self.moveTo(Self.identifyRow, &driver)
        driver.press(.enter)
        #expect(!driver.text.contains("Attempt"))
        driver.send(.testSendRetrying(RetryNotice(failedAttempt: 1, maxAttempts: 3,
                                                  reason: "CleverTap answered HTTP 503", delay: .milliseconds(500))))
        let text = driver.text
        #expect(text.contains("Attempt 1 of 3 failed: CleverTap answered HTTP 503"))
        #expect(text.contains("Trying attempt 2 of 3… (Esc cancels)"))
        #expect(driver.state.isBusy)
        // A late notice after the answer changes nothing.
        driver.send(.testSendFinished(TestSendSummary(kind: .identify, destinationName: "d", target: .configured, request: nil,
                                                      answer: .processed("HTTP 200, 2 attempts"))))
        driver.send(.testSendRetrying(RetryNotice(failedAttempt: 2, maxAttempts: 3, reason: "late", delay: .zero)))
        #expect(!driver.text.contains("late"))
        #expect(driver.text.contains("✓ Processed (HTTP 200, 2 attempts)"))
    }

    @Test func aProcessedAnswerShowsTheRequestWithTheRedactedPasscode() {
        var driver = WizardDriver(workspace: .sample)
        Self.moveTo(Self.identifyRow, &driver)
        driver.press(.enter)
        driver.send(.testSendFinished(TestSendSummary(
            kind: .identify, destinationName: "CleverTap (Actions)", target: .configured, request: Self.sampleRequest,
            answer: .processed("HTTP 200, 1 attempt"), subscription: "Identify Calls")))
        #expect(!driver.state.isBusy)
        let text = driver.text
        #expect(text.contains("✓ Processed (HTTP 200, 1 attempt)"))
        #expect(text.contains("POST https://us1.api.clevertap.com/1/upload"))
        #expect(text.contains("X-CleverTap-Passcode: \(Redactor.mask)"))
        #expect(!text.contains("oldpasscode123"))
        #expect(text.contains("\n          \"identity\": \"clevertap-actions-test-user\""), "the body keeps its nesting")
        #expect(text.contains("r again"))
        driver.press(.enter)
        #expect(driver.state.phase == .menu)
    }

    @Test func sendAgainAsksForTheSameRequest() {
        var driver = WizardDriver(workspace: .sample)
        Self.moveTo(Self.deleteRow, &driver)
        driver.press(.enter)
        driver.send(.testSendFinished(TestSendSummary(kind: .delete, destinationName: "d", target: .configured, request: nil,
                                                      answer: .transportError("connection refused"))))
        driver.press(.character("r"))
        #expect(driver.effects.count == 2)
        #expect(driver.effects[0] == driver.effects[1])
        #expect(driver.state.testSend?.isRunning == true)
    }

    @Test(arguments: [
        (TestSendSummary.Answer.rejected(["code 509: Identity is missing (CleverTap: \"identity missing\")"]),
         ["✗ Not processed: rejected", "code 509: Identity is missing"]),
        (.transportError("Connection refused by 127.0.0.1:9"), ["✗ Not processed: the request failed", "Connection refused by 127.0.0.1:9"]),
        (.notSent("No User Upload subscription matches the sample identify event."),
         ["✗ Nothing was sent", "No User Upload subscription matches"]),
    ])
    func failuresAreShownInWords(answer: TestSendSummary.Answer, expected: [String]) {
        var driver = WizardDriver(workspace: .sample)
        Self.moveTo(Self.identifyRow, &driver)
        driver.press(.enter)
        driver.send(.testSendFinished(TestSendSummary(kind: .identify, destinationName: "d", target: .configured,
                                                      request: nil, answer: answer)))
        for phrase in expected { #expect(driver.text.contains(phrase)) }
    }

    @Test func aLongResultScrollsWithinTheScreen() {
        var driver = WizardDriver(workspace: .sample)
        Self.moveTo(Self.identifyRow, &driver)
        driver.press(.enter)
        var long = Self.sampleRequest
        long.body = ["d": [["identity": "u", "profileData": .object(JSONObject((1...30).map { .init(key: "key\($0)", value: .int(Int64($0))) }))]]]
        driver.send(.testSendFinished(TestSendSummary(kind: .identify, destinationName: "d", target: .configured, request: long,
                                                      answer: .processed("HTTP 200, 1 attempt"))))
        #expect(driver.text.contains("more lines"))
        #expect(!driver.text.contains("\"key30\""))
        driver.press(.pageDown, .pageDown, .pageDown, .pageDown)
        #expect(driver.text.contains("\"key30\""))
        #expect(!driver.text.contains("more lines"))
        driver.press(.home)
        #expect(driver.text.contains("✓ Processed"))
    }

    // MARK: - The real effect handler

    static func handler() -> WizardEffectHandler {
        WizardEffectHandler(
            services: WizardServices(save: { _ in throw CancellationError() }, verify: { _ in .rejected("unused") },
                                     sandbox: ReusableSandbox()),
            sender: TestEventSender(tuneClient: { $0.requestTimeout = .seconds(10) }, now: { 1_700_000_000 }))
    }

    static func send(_ handler: WizardEffectHandler, _ request: TestSendRequest) async -> TestSendSummary {
        guard case .testSendFinished(let summary)? = await handler.perform(.sendTest(request)) else {
            return TestSendSummary(kind: request.kind, destinationName: "", target: request.target, request: nil,
                                   answer: .notSent("the handler gave no test-send answer"))
        }
        return summary
    }

    @Test func theLocalSandboxTakesTheIdentifyAndTheDelete() async throws {
        let handler = Self.handler()
        let destination = Workspace.sample.destinations[0]
        let identify = await handler.perform(.sendTest(TestSendRequest(destination: destination, kind: .identify, target: .localSandbox)))
        guard case .testSendFinished(let summary)? = identify else {
            Issue.record("expected a test-send answer, got \(String(describing: identify))")
            return
        }
        #expect(summary.isProcessed, "\(summary.answer)")
        let request = try #require(summary.request)
        #expect(request.url.hasPrefix("http://127.0.0.1:"))
        #expect(request.headers.contains { $0.name == "X-CleverTap-Passcode" && $0.value == Redactor.mask })
        #expect(summary.notes.contains("The sandbox now holds profile \"\(SampleEvents.userID)\"."))
        let delete = await handler.perform(.sendTest(TestSendRequest(destination: destination, kind: .delete, target: .localSandbox)))
        guard case .testSendFinished(let deleted)? = delete else {
            Issue.record("expected a test-send answer")
            return
        }
        #expect(deleted.isProcessed, "\(deleted.answer)")
        #expect(deleted.request?.url.hasSuffix("/1/delete/profiles.json") == true)
        await handler.shutdown()
    }

    @Test func aRetriedAttemptIsReportedWhileTheSendRuns() async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration(
            accounts: [SandboxAccount(projectID: "W9R-486-4W5Z", passcode: Secret("rightpasscode1"))],
            faults: [.status(503)])).start()
        defer { Task { await sandbox.stop() } }
        var destination = Workspace.sample.destinations[0]
        destination.endpoint = .custom(baseURL: sandbox.baseURL)
        destination.passcode = .inline(Secret("rightpasscode1"))
        let progress = Mutex<[WizardMessage]>([])
        let answer = await Self.handler().perform(.sendTest(TestSendRequest(destination: destination, kind: .identify, target: .configured))) {
            message in progress.withLock { $0.append(message) }
        }
        guard case .testSendFinished(let summary)? = answer else {
            Issue.record("expected a test-send answer, got \(String(describing: answer))")
            return
        }
        #expect(summary.isProcessed, "\(summary.answer)")
        #expect(summary.answerLines.headline.contains("2 attempts"))
        let notices = progress.withLock { $0 }
        #expect(notices.count == 1)
        guard case .testSendRetrying(let notice)? = notices.first else {
            Issue.record("expected a retry notice, got \(notices)")
            return
        }
        #expect(notice.failedAttempt == 1)
        #expect(notice.maxAttempts == TestEventSender.interactiveRetryPolicy.maxAttempts)
        #expect(notice.reason.contains("503"))
    }

    @Test func theConfiguredEndpointGetsTheSendAndAWrongPasscodeIsRejectedInWords() async throws {
        let sandbox = try await SandboxServer(configuration: SandboxConfiguration(
            accounts: [SandboxAccount(projectID: "W9R-486-4W5Z", passcode: Secret("rightpasscode1"))])).start()
        defer { Task { await sandbox.stop() } }
        var destination = Workspace.sample.destinations[0]
        destination.endpoint = .custom(baseURL: sandbox.baseURL)
        let handler = Self.handler()
        let wrong = await Self.send(handler, TestSendRequest(destination: destination, kind: .identify, target: .configured))
        #expect(!wrong.isProcessed)
        #expect(wrong.answerLines.headline.hasPrefix("✗"))
        #expect(await sandbox.profiles().isEmpty)
        destination.passcode = .inline(Secret("rightpasscode1"))
        let right = await Self.send(handler, TestSendRequest(destination: destination, kind: .identify, target: .configured))
        #expect(right.isProcessed, "\(right.answer)")
        let profile = try #require(await sandbox.profile(identity: SampleEvents.userID))
        #expect(profile.accountID == "W9R-486-4W5Z")
        #expect(profile.ts == 1_700_000_000)
    }
}

/// The Sandbox module's session server as the wizard's local sandbox (as the executable wires it).
extension ReusableSandbox: WizardSandbox {
    public func baseURL(accepting projectID: String, passcode: Secret) async throws -> String {
        try await handle(accepting: SandboxAccount(projectID: projectID, passcode: passcode)).baseURL
    }
}
