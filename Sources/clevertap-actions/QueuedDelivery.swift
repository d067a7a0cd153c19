import ArgumentParser
import CleverTapCore
import EventQueue
import Foundation
import Logging
import QueueDelivery

/// `deliver --queue`: the files go into the queue, chunk by chunk with their progress (FileIntake),
/// and `serve`'s delivery workers (DeliveryService) send them: one way of delivering from a queue,
/// per-user order and Retry-After included. Records that go dead are taken out of the queue into
/// the dead-letter files. A run stopped at any point (signal, `kill -9`, full disk) is continued by
/// running the same command again: committed chunks are not read again, queued records are sent.
struct QueuedDelivery {
    let destination: Destination
    let inputs: [FileIntake.Input]
    let queue: any EventQueue
    let route: DeliveryRoute
    let settings: DeliverySettings
    let deadLetters: DeadLetterFiles

    /// What the run did, for the report.
    struct Report {
        var queue: String
        var inputs: [(path: String, summary: FileIntake.Summary)] = []
        /// Records of these inputs queued before this run (an earlier run's) and sent now.
        var carriedOver = 0
        var delivered = 0
        var deadLettered = 0
        var stillQueued = 0
        var interrupted = false
        var failure: String?
        var deadLetterPaths: [String] = []
        var lost: [LostRecord] = []

        var malformed: Int { inputs.reduce(0) { $0 + $1.summary.malformed } }
        /// A signal stopped the run before everything was read and sent (one that came after is moot).
        var leftWork: Bool { stillQueued > 0 || inputs.contains { $0.summary.stoppedEarly } }
        var exitStatus: Int32 {
            failure == nil && !(interrupted && leftWork) && deadLettered == 0 && stillQueued == 0 && malformed == 0 && lost.isEmpty ? 0 : 1
        }
    }

    func run(onProgress: (@Sendable (String) -> Void)?) async -> Report {
        var report = Report(queue: queue.location)
        // The same escalation as a plain deliver; here any signal means "stop claiming, finish
        // what is in flight": what is left stays queued, so there is nothing to abandon.
        let control = DeliveryControl()
        let signals = TerminationSignals.listen { _ in
            if control.interrupt() == .stopping {
                FileHandle.standardError.write(Data("\r\u{1B}[Kstopping: reading ended, finishing the requests in flight; the rest stays queued for the next run\n".utf8))
            }
        }
        defer { signals.cancel() }
        let stopping: @Sendable () -> Bool = { control.currentPhase != .running }

        let sources = Set(inputs.map(\.sourceID))
        report.carriedOver = await pending(sources)
        let service = DeliveryService(queue: queue, routes: [route], settings: settings,
                                      logger: Logger(label: "clevertap.deliver", factory: { _ in SwiftLogNoOpLogHandler() }))
        let workers = Task { try? await service.run() }

        var queuedNow = 0
        for input in inputs where !stopping() && report.failure == nil {
            let intake = FileIntake(queue: queue, destinationID: destination.id)
            do throws(FileIntakeError) {
                let summary = try await intake.run(input, deadLetters: deadLetters.writer(forInput: input.path), shouldStop: stopping)
                report.inputs.append((input.path, summary))
                queuedNow += summary.queued
            } catch {
                report.failure = error.description
            }
        }
        // Until every record of these inputs is delivered or dead (or a signal): dead ones leave
        // the queue for the dead-letter files as they come.
        let clock = ContinuousClock()
        let started = clock.now
        while !stopping() && report.failure == nil {
            await takeDead(&report)
            let left = await pending(sources)
            onProgress?("queued \(queuedNow + report.carriedOver), dead-lettered \(report.deadLettered), "
                        + "\(left) to go (\(Int((clock.now - started).components.seconds)) s)")
            if left == 0 { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        service.stop()
        await workers.value
        await takeDead(&report)
        report.stillQueued = await pending(sources)
        report.delivered = max(0, report.carriedOver + queuedNow - report.deadLettered - report.stillQueued)
        report.interrupted = stopping()
        let closed = deadLetters.closeAll()
        report.deadLetterPaths = closed.paths
        report.lost = closed.lost
        if let error = closed.error { report.failure = report.failure ?? error }
        return report
    }

    private func pending(_ sources: Set<String>) async -> Int {
        var total = 0
        for source in sources { total += (try? await queue.pendingCount(sourceID: source)) ?? 0 }
        return total
    }

    /// Moves the dead records of the inputs into their dead-letter files. A record whose line
    /// cannot be written is kept by the writer as lost, and the report names it.
    private func takeDead(_ report: inout Report) async {
        for input in inputs {
            let writer = deadLetters.writer(forInput: input.path)
            while true {
                let dead: [DeadRecord]
                do { dead = try await queue.takeDead(sourceID: input.sourceID, limit: 500) } catch {
                    report.failure = report.failure ?? error.description
                    return
                }
                if dead.isEmpty { break }
                for record in dead {
                    let entry = DeadLetterEntry(failure: RecordFailure(kind: Self.kind(of: record.reason), reason: record.reason),
                                                subscription: nil, position: FileIntake.position(messageID: record.messageID, path: input.path),
                                                event: .raw(record.payload))
                    try? writer.write(entry)
                    report.deadLettered += 1
                }
                try? writer.flush()
            }
        }
    }

    /// The dead-letter kind of a queue record's reason (as ClaimDelivery words them).
    static func kind(of reason: String) -> RecordFailure.Kind {
        if reason.hasPrefix("subscription ") { return .mappingError }
        if reason.hasPrefix("CleverTap code") { return .rejected }
        return .undeliverable
    }
}

extension DeliverCommand {
    /// `deliver --queue URL`: opens the queue, names each file for its progress, runs a
    /// `QueuedDelivery` and prints its report.
    func runThroughQueue(_ url: String, destination: Destination, inputs: [String], deadLetters: DeadLetterFiles) async throws {
        var named: [FileIntake.Input] = []
        for path in inputs {
            do throws(EventInputError) {
                let input = try FileIntake.input(path: path, destinationID: destination.id)
                // The same file named twice is read once.
                if !named.contains(where: { $0.key == input.key }) { named.append(input) }
            } catch {
                throw Console.usage(error.description, command: "deliver")
            }
        }
        let eventQueue: any EventQueue
        do throws(QueueError) {
            eventQueue = try await QueueURL.parse(url).open()
        } catch {
            throw Console.usage(error.description, command: "deliver")
        }
        do throws(QueueError) { try await eventQueue.takeOver(now: Date()) } catch {
            await eventQueue.close()
            throw Console.fail(error.description)
        }
        // The client retries quickly a few times (honouring Retry-After); the queue's backoff and
        // --give-up-after take over from there, as in serve.
        let client: CleverTapClient
        do throws(ExitCode) {
            client = try self.client(for: destination) { configuration in
                configuration.connectTimeout = .seconds(5)
                configuration.retryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(500), maxDelay: .seconds(30))
            }
        } catch {
            await eventQueue.close()
            throw error
        }
        let giveUp = giveUpAfter ?? 900
        let settings = DeliverySettings(
            linger: .milliseconds(50),
            backoff: RetryPolicy(maxAttempts: 1000, baseDelay: .seconds(1), maxDelay: .seconds(60)),
            giveUpAfter: .milliseconds(Int64(giveUp * 1000)))
        let route = DeliveryRoute.make(destinations: [destination]) { _ in client }[0]
        let delivery = QueuedDelivery(destination: destination, inputs: named, queue: eventQueue, route: route,
                                      settings: settings, deadLetters: deadLetters)
        let onTerminal = isatty(STDERR_FILENO) != 0
        let progress: (@Sendable (String) -> Void)? = onTerminal ? { @Sendable line in
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
        } : nil
        let report = await delivery.run(onProgress: progress)
        if onTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        try? await client.shutdown()
        await eventQueue.close()
        try Output.line(json ? report.jsonValue.prettyDescription : report.text)
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}

extension QueuedDelivery.Report {
    var text: String {
        var lines = ["Delivered through the queue \(queue)"]
        for (path, summary) in inputs {
            var line = "  \(path): \(summary.read) read"
            if summary.skipped > 0 { line += ", \(summary.skipped) skipped (queued by an earlier run)" }
            if summary.restarted { line += " (the file changed since an earlier run: read from the start)" }
            if summary.malformed > 0 { line += ", \(summary.malformed) not events (dead-lettered)" }
            if summary.stoppedEarly { line += ", stopped before the end" }
            lines.append(line)
        }
        var records = "  records: \(delivered) delivered"
        if carriedOver > 0 { records += " (\(carriedOver) queued by an earlier run)" }
        records += ", \(deadLettered) dead-lettered, \(stillQueued) still queued"
        lines.append(records)
        for path in deadLetterPaths { lines.append("  dead letters: \(path)") }
        if leftWork {
            lines.append("  interrupted: run the same command again to continue (nothing already queued is read or sent twice)")
        }
        for record in lost { lines.append("  lost (no record anywhere): \(record)") }
        if let failure { lines.append("  stopped: \(failure)") }
        return lines.joined(separator: "\n")
    }

    var jsonValue: JSONValue {
        var object = JSONObject()
        object["queue"] = .string(queue)
        object["inputs"] = .array(inputs.map { path, summary in
            var input = JSONObject()
            input["file"] = .string(path)
            input["read"] = .int(Int64(summary.read))
            input["skipped"] = .int(Int64(summary.skipped))
            input["restarted"] = .bool(summary.restarted)
            input["malformed"] = .int(Int64(summary.malformed))
            input["queued"] = .int(Int64(summary.queued))
            return .object(input)
        })
        object["carriedOver"] = .int(Int64(carriedOver))
        object["delivered"] = .int(Int64(delivered))
        object["deadLettered"] = .int(Int64(deadLettered))
        object["stillQueued"] = .int(Int64(stillQueued))
        object["interrupted"] = .bool(interrupted)
        object["deadLetterFiles"] = .array(deadLetterPaths.map { .string($0) })
        object["lost"] = .array(lost.map { .string($0.description) })
        if let failure { object["failure"] = .string(failure) }
        object["exitStatus"] = .int(Int64(exitStatus))
        return .object(object)
    }
}
