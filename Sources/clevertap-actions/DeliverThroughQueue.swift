import ArgumentParser
import CleverTapCore
import EventQueue
import Foundation
import QueueDelivery

extension DeliverCommand {
    /// Every delivery but a dry run: opens the queue (`--queue`, else `deliver.sqlite` in the state
    /// folder), names each input for its progress, runs a `QueuedDelivery` under the signal
    /// handlers and prints its report.
    func runQueued(destination: Destination, inputs: [String], deadLetters: DeadLetterFiles) async throws {
        var named: [FileIntake.Input] = []
        for path in inputs {
            do throws(InputError) {
                let input = try FileIntake.input(path: path, destinationID: destination.id)
                // The same file named twice is read once.
                if !named.contains(where: { $0.key == input.key }) { named.append(input) }
            } catch {
                throw Console.usage(error.description, command: "deliver")
            }
        }
        let eventQueue: any EventQueue
        do throws(QueueError) {
            eventQueue = try await QueueURL.parse(queue, defaultFile: "deliver.sqlite").open()
        } catch {
            throw Console.usage(error.description, command: "deliver")
        }
        do throws(QueueError) { try await eventQueue.takeOver(now: Date()) } catch {
            await eventQueue.close()
            throw Console.fail("\(error.description) (another deliver or serve is using it; pass --queue to use another)")
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
        let settings = DeliverySettings(
            linger: .milliseconds(Int64(((flushInterval ?? 0.05) * 1000).rounded())),
            backoff: RetryPolicy(maxAttempts: 1000, baseDelay: .seconds(1), maxDelay: .seconds(60)),
            giveUpAfter: .milliseconds(Int64((giveUpAfter ?? 900) * 1000)), batchSize: batchSize)
        let route = DeliveryRoute.make(destinations: [destination], concurrency: DeliveryConcurrency(limit: concurrency)) { _ in client }[0]
        let delivery = QueuedDelivery(destination: destination, inputs: named, queue: eventQueue, route: route,
                                      settings: settings, deadLetters: deadLetters)

        let report = await Self.underSignals(
            stopping: "stopping: reading ended, finishing the requests in flight; the rest stays queued for the next run (interrupt again to stop waiting)",
            aborting: "no longer waiting for the requests in flight: their records stay queued for the next run"
        ) { control, counters, progress in
            await delivery.run(control: control, counters: counters, onProgress: progress)
        }
        try? await client.shutdown()
        await eventQueue.close()
        try Output.line(json ? report.jsonValue.prettyDescription : report.text)
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }
}
