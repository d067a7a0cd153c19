import CleverTapCore
@testable import SetupWizard
import Testing
import TerminalUI

/// Issue 16 in the wizard: the menu says where the selected destination's source sends live
/// events, and the read-only Event delivery screen shows the queue's status, refreshed by an
/// injected read. Keys and read answers in, state and screen text out.
@Suite(.timeLimit(.minutes(2))) struct WizardDeliveryTests {
    /// Rows of `Workspace.sample`'s menu: Edit, Add, 3 test sends, sandbox, Event delivery, Quit.
    static let deliveryRow = 6

    static func openDelivery() -> WizardDriver {
        var driver = WizardDriver(workspace: .sample)
        WizardTestSendTests.moveTo(Self.deliveryRow, &driver)
        driver.press(.enter)
        return driver
    }

    static let snapshot = DeliverySnapshot(
        queue: "sqlite:/tmp/state/clevertap-actions/queue.sqlite",
        destinations: [
            DeliveryCounts(destinationID: "dst_existing00000001",
                           counts: [.waiting: 2, .retrying: 1, .delivered: 57, .dead: 1], oldestPendingSeconds: 95),
            DeliveryCounts(destinationID: "dst_other", counts: [.waiting: 9]),
        ],
        recentErrors: [
            DeliveryError(destinationID: "dst_existing00000001", identity: "u-7", state: .dead,
                          reason: "CleverTap refused the record: Phone is not in +country format (516)", secondsAgo: 300),
            DeliveryError(destinationID: "dst_other", identity: "u-9", state: .retrying, reason: "someone else's error", secondsAgo: 4),
        ],
        rejected: 3, duplicates: 1)

    @Test func theMenuShowsTheIntakeURLAndHowToPointALibraryAtIt() {
        let driver = WizardDriver(workspace: .sample)
        let text = driver.text
        #expect(text.contains("Event delivery (what serve's queue holds)"))
        #expect(text.contains("Live events: clevertap-actions serve listens at http://127.0.0.1:8788"))
        #expect(text.contains("write key of source \"Shop\": k"))
        #expect(text.contains(#"analytics-python: host="http://127.0.0.1:8788""#))
        #expect(text.contains(#"analytics.js: apiHost "127.0.0.1:8788/v1", protocol "http""#))
    }

    @Test func openingReadsAtOnceThenEveryTwoSeconds() {
        var driver = Self.openDelivery()
        #expect(driver.state.phase == .delivery)
        #expect(driver.effects == [.readDelivery(generation: 1, afterMilliseconds: 0)])
        #expect(driver.text.contains("Event delivery: CleverTap (Actions)"))
        #expect(driver.text.contains("Reading the queue…"))
        driver.send(.deliveryRead(generation: 1, .noQueue(path: "/tmp/state/clevertap-actions/queue.sqlite")))
        #expect(driver.effects.last == .readDelivery(generation: 1, afterMilliseconds: DeliveryScreenState.refreshMilliseconds))
        #expect(driver.text.contains("No queue yet"))
        driver.send(.deliveryRead(generation: 1, .failed("the queue at sqlite:/x refused the operation (locked)")))
        #expect(driver.text.contains("Could not read the queue: the queue at sqlite:/x refused the operation"))
    }

    @Test func countsByStateAndThisDestinationsErrorsInWords() {
        var driver = Self.openDelivery()
        driver.send(.deliveryRead(generation: 1, .read(Self.snapshot)))
        let text = driver.text
        #expect(text.contains("waiting 2 · in-flight 0 · retrying 1 · delivered 57 · dead 1"))
        #expect(text.contains("The oldest record not yet delivered has waited 95 s."))
        #expect(text.contains("Refused at intake: 3; repeated messageIds dropped: 1 (all sources)."))
        #expect(text.contains("5 min ago, dead, user u-7: CleverTap refused the record: Phone is not in"))
        #expect(!text.contains("someone else's error"), "another destination's errors are not shown")
        #expect(!text.contains("waiting 9"))
    }

    @Test func aDestinationWithNothingQueuedSaysSo() {
        var driver = Self.openDelivery()
        driver.send(.deliveryRead(generation: 1, .read(DeliverySnapshot(queue: "sqlite:/q", destinations: [], recentErrors: []))))
        #expect(driver.text.contains("Nothing for CleverTap (Actions) yet"))
        #expect(driver.text.contains("No recent errors."))
    }

    @Test func aClosedScreensLateAnswerIsDroppedAndReopeningStartsANewLoop() {
        var driver = Self.openDelivery()
        driver.press(.escape)
        #expect(driver.state.phase == .menu)
        #expect(driver.state.delivery == nil)
        let before = driver.effects.count
        driver.send(.deliveryRead(generation: 1, .read(Self.snapshot)))
        #expect(driver.effects.count == before, "no refresh is scheduled for a closed screen")
        driver.press(.enter)  // the highlight is still on Event delivery
        #expect(driver.effects.last == .readDelivery(generation: 2, afterMilliseconds: 0))
        driver.send(.deliveryRead(generation: 1, .read(Self.snapshot)))
        #expect(driver.state.delivery?.reading == nil, "the first loop's answer does not reach the new screen")
        #expect(driver.effects.last == .readDelivery(generation: 2, afterMilliseconds: 0))
    }

    @Test func theHandlerPerformsTheInjectedReadAfterTheDelay() async {
        let handler = WizardEffectHandler(services: WizardServices(
            save: { _ in throw CancellationError() }, verify: { _ in .rejected("") },
            readDelivery: { .noQueue(path: "/nowhere/queue.sqlite") }))
        let clock = ContinuousClock()
        let start = clock.now
        let answer = await handler.perform(.readDelivery(generation: 4, afterMilliseconds: 50))
        #expect(answer == .deliveryRead(generation: 4, .noQueue(path: "/nowhere/queue.sqlite")))
        #expect(clock.now - start >= .milliseconds(50))
    }

    @Test func theFooterAndHelpComeFromTheDeclaredKeys() {
        var driver = Self.openDelivery()
        #expect(Wizard.footerKeys(driver.state).hasPrefix("Enter menu"))
        driver.press(.character("?"))
        #expect(driver.text.contains("back to the menu (the screen refreshes itself every 2 s)"))
    }
}
