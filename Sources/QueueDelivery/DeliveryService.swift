import CleverTapCore
import EventQueue
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// The delivery engine of `serve`: for every route, a few loops that claim records from the queue,
/// deliver them (`ClaimDelivery`) and write the outcomes back.
///
/// Graceful shutdown stops claiming; deliveries in flight finish and are resolved before `run`
/// returns, so a clean stop leaves no record leased.
public final class DeliveryService: Service, Sendable {
    public let queue: any EventQueue
    public let routes: [DeliveryRoute]
    public let settings: DeliverySettings
    private let logger: Logger
    private let stopping = StopFlag()
    private let onOutcome: (@Sendable ([ClaimedRecord], ClaimOutcome) -> Void)?

    /// `onOutcome` hears each claim's outcome once it is written to the queue (`deliver` counts
    /// its report from these).
    public init(queue: any EventQueue, routes: [DeliveryRoute], settings: DeliverySettings = DeliverySettings(),
                logger: Logger = Logger(label: "clevertap.serve.delivery"),
                onOutcome: (@Sendable ([ClaimedRecord], ClaimOutcome) -> Void)? = nil) {
        self.queue = queue
        self.routes = routes
        self.settings = settings
        self.logger = logger
        self.onOutcome = onOutcome
    }

    public func run() async throws {
        if routes.isEmpty {
            // Nothing to deliver to, but the intake still runs: stay until shutdown.
            try? await gracefulShutdown()
            return
        }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for route in routes {
                    for _ in 0..<settings.loopsPerDestination {
                        group.addTask { await self.loop(route) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    /// Stops claiming; what is in flight finishes.
    public func stop() { stopping.set() }

    private func loop(_ route: DeliveryRoute) async {
        let destination = route.destination
        let dimensions = [("destination", destination.name)]
        let delivered = Counter(label: "clevertap_serve_delivered_total", dimensions: dimensions)
        let retried = Counter(label: "clevertap_serve_retried_total", dimensions: dimensions)
        let dead = Counter(label: "clevertap_serve_dead_total", dimensions: dimensions)
        let latency = Metrics.Timer(label: "clevertap_serve_delivery_latency_seconds", dimensions: dimensions,
                                    preferredDisplayUnit: .seconds)
        let delivery = ClaimDelivery(route: route, settings: settings)
        while !stopping.isSet {
            let claimed: [ClaimedRecord]
            do throws(QueueError) {
                claimed = try await queue.claim(destinationID: destination.id, limit: settings.claimLimit,
                                                lease: settings.lease, now: Date())
            } catch {
                logger.error("cannot claim records for \"\(destination.name)\": \(error)")
                await pause(.seconds(1))
                continue
            }
            if claimed.isEmpty {
                await pause(settings.linger)
                continue
            }
            let stopping = self.stopping
            let outcome = await delivery.deliver(claimed, now: { Date() }, shouldStop: { stopping.isSet })
            // The queue may be briefly unavailable: keep the outcomes until they are written, or
            // the leases expire and the records are sent again (at least once, never lost).
            var written = false
            while !written {
                do throws(QueueError) {
                    try await queue.resolve(outcome.resolutions, now: Date())
                    written = true
                } catch {
                    logger.error("cannot record delivery outcomes for \"\(destination.name)\": \(error)")
                    if stopping.isSet { break }
                    await pause(.seconds(1))
                }
            }
            if written { onOutcome?(claimed, outcome) }
            let finished = Date()
            for resolution in outcome.resolutions {
                switch resolution.resolution {
                case .delivered:
                    latency.recordNanoseconds(Int64(finished.timeIntervalSince(resolution.record.enqueuedAt) * 1e9))
                case .dead(let reason):
                    logger.warning("dead: \(destination.name) message \(resolution.record.messageID): \(reason)")
                case .retry, .release:
                    break
                }
            }
            delivered.increment(by: outcome.delivered)
            retried.increment(by: outcome.retried)
            dead.increment(by: outcome.dead)
            if claimed.count < settings.claimLimit { await pause(settings.linger) }
        }
    }

    /// Sleeps up to `duration`, in short steps so a stop is noticed quickly.
    private func pause(_ duration: Duration) async {
        let clock = ContinuousClock()
        let end = clock.now + duration
        while !stopping.isSet && clock.now < end {
            try? await Task.sleep(for: min(.milliseconds(50), end - clock.now))
        }
    }
}

/// A flag set once, read from any thread.
public final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    public init() {}

    public var isSet: Bool { lock.withLock { value } }
    public func set() { lock.withLock { value = true } }
}
