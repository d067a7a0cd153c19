import CleverTapCore
import TerminalUI

/// One destination's counts by state, and how long its oldest pending record has waited (an age
/// taken when the launcher read the queue, so the wizard needs no clock).
public struct DeliveryCounts: Sendable, Hashable {
    public var destinationID: String
    public var counts: [RecordState: Int]
    public var oldestPendingSeconds: Int?

    public init(destinationID: String, counts: [RecordState: Int], oldestPendingSeconds: Int? = nil) {
        self.destinationID = destinationID
        self.counts = counts
        self.oldestPendingSeconds = oldestPendingSeconds
    }

    public subscript(state: RecordState) -> Int { counts[state] ?? 0 }
}

/// The last error on one record (a retry's or a dead record's reason, in words).
public struct DeliveryError: Sendable, Hashable {
    public var destinationID: String
    public var identity: String
    public var state: RecordState
    public var reason: String
    public var secondsAgo: Int

    public init(destinationID: String, identity: String, state: RecordState, reason: String, secondsAgo: Int) {
        self.destinationID = destinationID
        self.identity = identity
        self.state = state
        self.reason = reason
        self.secondsAgo = secondsAgo
    }
}

/// The queue's status as the launcher read it (EventQueue's `status(now:)`, what the `status`
/// verb prints), in the wizard's own terms so SetupWizard needs no queue module.
public struct DeliverySnapshot: Sendable, Hashable {
    /// Where the queue is, for the screen (`sqlite:/…`, a redacted postgres URL).
    public var queue: String
    public var destinations: [DeliveryCounts]
    /// Newest first, all destinations.
    public var recentErrors: [DeliveryError]
    /// Events the intake refused, and repeated messageIds dropped (all sources).
    public var rejected: Int
    public var duplicates: Int

    public init(queue: String, destinations: [DeliveryCounts], recentErrors: [DeliveryError], rejected: Int = 0, duplicates: Int = 0) {
        self.queue = queue
        self.destinations = destinations
        self.recentErrors = recentErrors
        self.rejected = rejected
        self.duplicates = duplicates
    }
}

/// What one read of the queue found.
public enum DeliveryReading: Sendable, Hashable {
    /// The default queue file does not exist: `serve` has never run here.
    case noQueue(path: String)
    case failed(String)
    case read(DeliverySnapshot)
}

/// The read-only Event delivery screen (like Segment's Event Delivery tab) for one destination.
/// Each answer schedules the next read 2 s later; `generation` tells a closed screen's late
/// answers from the open one's, so reopening never runs two refresh loops.
public struct DeliveryScreenState: Sendable, Hashable {
    /// Between reads while the screen is open.
    public static let refreshMilliseconds = 2000

    public var destinationID: String
    public var generation: Int
    /// nil until the first read answers.
    public var reading: DeliveryReading?

    /// The counts and errors of this screen's destination, in words, one entry per line.
    func lines(destinationName: String) -> [(text: String, style: Style)] {
        switch reading {
        case nil:
            return [("Reading the queue…", Style(.subtle))]
        case .noQueue(let path)?:
            return [("No queue yet: nothing was received here (\(path) does not exist).", Style(.warning)),
                    ("Start `clevertap-actions serve`, point a library at it (the menu shows how), and events appear here.", .normal)]
        case .failed(let reason)?:
            return [("Could not read the queue: \(reason)", Style(.error))]
        case .read(let snapshot)?:
            let counts = snapshot.destinations.first { $0.destinationID == destinationID }
            var lines: [(String, Style)] = [("Queue: \(snapshot.queue)", Style(.subtle))]
            if let counts, counts.counts.values.contains(where: { $0 > 0 }) {
                lines.append((RecordState.allCases.map { "\($0.rawValue) \(counts[$0])" }.joined(separator: " · "), Style(.title, bold: true)))
                if let age = counts.oldestPendingSeconds {
                    lines.append(("The oldest record not yet delivered has waited \(Self.duration(age)).", .normal))
                }
            } else {
                lines.append(("Nothing for \(destinationName) yet: no event of its source has been received.", Style(.subtle)))
            }
            lines.append(("Refused at intake: \(snapshot.rejected); repeated messageIds dropped: \(snapshot.duplicates) (all sources).", Style(.subtle)))
            let errors = snapshot.recentErrors.filter { $0.destinationID == destinationID }
            lines.append(("", .normal))
            if errors.isEmpty {
                lines.append(("No recent errors.", Style(.success)))
            } else {
                lines.append(("Recent errors, newest first:", Style(.title, bold: true)))
                for error in errors {
                    lines.append(("\(Self.duration(error.secondsAgo)) ago, \(error.state.rawValue), user \(error.identity): \(error.reason)",
                                  Style(error.state == .dead ? .error : .warning)))
                }
            }
            return lines
        }
    }

    /// "42 s", "3 min", "2 h".
    static func duration(_ seconds: Int) -> String {
        if seconds < 120 { return "\(max(0, seconds)) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        return "\(seconds / 3600) h"
    }
}

extension Wizard {
    /// Opens the Event delivery screen for the destination last highlighted in the menu.
    static func openDelivery(_ state: inout WizardState) -> [WizardEffect] {
        let destinations = state.workspace.destinations
        guard !destinations.isEmpty else { return [] }
        let destination = destinations[min(state.testDestinationIndex, destinations.count - 1)]
        let generation = (state.delivery?.generation ?? state.lastDeliveryGeneration) + 1
        state.lastDeliveryGeneration = generation
        state.delivery = DeliveryScreenState(destinationID: destination.id, generation: generation)
        state.phase = .delivery
        return [.readDelivery(generation: generation, afterMilliseconds: 0)]
    }

    /// An answer for the open screen is shown and the next read scheduled; others are dropped.
    static func deliveryRead(_ generation: Int, _ reading: DeliveryReading, _ state: inout WizardState) -> [WizardEffect] {
        guard state.phase == .delivery, state.delivery?.generation == generation else { return [] }
        state.delivery?.reading = reading
        return [.readDelivery(generation: generation, afterMilliseconds: DeliveryScreenState.refreshMilliseconds)]
    }

    static func handleDelivery(_ key: Key, _ state: inout WizardState) -> [WizardEffect] {
        switch key {
        case .enter, .escape, .character("m"):
            state.delivery = nil
            state.phase = .menu
        default: break
        }
        return []
    }

    /// For the menu: where the selected destination's source sends events, and how a library is
    /// pointed there (`serve`'s default address, the source's write key).
    static func intakeLines(_ state: WizardState) -> [String] {
        let destinations = state.workspace.destinations
        guard !destinations.isEmpty else { return [] }
        let destination = destinations[min(state.testDestinationIndex, destinations.count - 1)]
        guard let source = state.workspace.sources.first(where: { $0.id == destination.sourceID }) else { return [] }
        return [
            "Live events: clevertap-actions serve listens at \(IntakeDefaults.baseURL)",
            "  write key of source \"\(source.name)\": \(source.writeKey)",
            "  analytics-python: " + IntakeDefaults.pythonSetting,
            "  analytics.js: " + IntakeDefaults.analyticsJSSetting,
        ]
    }
}

extension Canvas {
    mutating func delivery(_ state: WizardState) {
        screen.cursor = nil
        guard let delivery = state.delivery else { return }
        let name = state.workspace.destinations.first { $0.id == delivery.destinationID }?.name ?? delivery.destinationID
        screen.write("Event delivery: \(name)", column: left, row: 3, style: Style(.title, bold: true), maxWidth: width - 2 * left)
        screen.write("Read-only: serve's queue for this destination, re-read every 2 s.", column: left, row: 4,
                     style: Style(.subtle), maxWidth: width - 2 * left)
        let lines = delivery.lines(destinationName: name).flatMap { entry in
            entry.text.isEmpty ? [("", entry.style)] : Screen.wrap(entry.text, width: width - 2 * left).map { ($0, entry.style) }
        }
        let room = height - 3 - bodyTop
        // Nothing is cut silently: when the errors do not fit, the last row says where the rest are.
        let shown = lines.count <= room ? lines[...] : lines.prefix(max(0, room - 1))
        var row = bodyTop
        for (line, style) in shown {
            screen.write(line, column: left, row: row, style: style)
            row += 1
        }
        if shown.count < lines.count {
            screen.write("… \(lines.count - shown.count) more lines: `clevertap-actions status` prints them all.", column: left, row: row,
                         style: Style(.subtle), maxWidth: width - 2 * left)
        }
    }
}
