import ArgumentParser
import CleverTapCore
import EventQueue
import Foundation
import Hummingbird
import Intake
import Logging
import Metrics
import Prometheus
import QueueDelivery
import ServiceLifecycle

/// `serve`: a Segment-compatible intake that stores events durably and delivers them to CleverTap.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Accept events from Segment libraries over HTTP, queue them durably, deliver them to CleverTap.",
        discussion: """
            Serves Segment's HTTP Tracking API (POST /v1/identify, track, page, screen, group, alias, \
            batch, import, and analytics.js's /v1/i, t, p, s, g, a, b) with each source's write key, \
            plus GET /health, /ready and /metrics. An answer 200 means the events are committed to the \
            queue; workers then send them through each enabled destination's subscriptions, keeping \
            each user's order, retrying failures with backoff.

            Prints its base URL as the first line of standard output once it accepts requests. \
            SIGINT/SIGTERM/SIGHUP: stop accepting, finish what is in flight, exit 0.

            Example:
              clevertap-actions serve --listen 127.0.0.1:8788
              analytics-python: analytics.host = "http://127.0.0.1:8788"
            """)

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("Address to listen on, HOST:PORT (port 0 picks a free one).", valueName: "host:port"))
    var listen: String = IntakeDefaults.listen

    @Option(help: ArgumentHelp("The queue: sqlite:PATH or postgres://USER@HOST:PORT/DB (default $XDG_STATE_HOME/clevertap-actions/queue.sqlite).", valueName: "url"))
    var queue: String?

    @Option(help: ArgumentHelp("Send every destination's records to this base URL instead of its endpoint (e.g. the sandbox).",
                               valueName: "url"))
    var endpoint: String?

    @Option(name: .customLong("give-up-after"), help: ArgumentHelp(
        "Seconds after which a record that still fails goes dead.", valueName: "seconds"))
    var giveUpAfter: Double = 4 * 3600

    @Option(name: .customLong("retry-max-delay"), help: ArgumentHelp(
        "Longest wait between delivery attempts of a record, in seconds (backoff doubles from 1 s).", valueName: "seconds"))
    var retryMaxDelay: Double = 300

    func validate() throws {
        guard ServeAddress(listen) != nil else {
            throw ValidationError("--listen \"\(listen)\": expected HOST:PORT, e.g. 127.0.0.1:8788 (port 0-65535)")
        }
        if !(giveUpAfter > 0) { throw ValidationError("--give-up-after must be a positive number of seconds") }
        if !(retryMaxDelay > 0) { throw ValidationError("--retry-max-delay must be a positive number of seconds") }
    }

    func run() async throws {
        let workspace: Workspace
        do { workspace = try options.store().load(required: true) } catch {
            throw Console.fail(error.description)
        }
        let queueURL: QueueURL
        let eventQueue: any EventQueue
        do throws(QueueError) {
            queueURL = try QueueURL.parse(queue)
            eventQueue = try await queueURL.open()
        } catch {
            throw Console.fail(error.description)
        }
        do throws(QueueError) { try await eventQueue.takeOver(now: Date()) } catch {
            await eventQueue.close()
            throw Console.fail(error.description)
        }
        let destinations = workspace.destinations.filter(\.enabled)
        let routes: [DeliveryRoute]
        do {
            routes = try DeliveryRoute.make(destinations: destinations) { destination in
                try Self.client(for: destination, endpoint: endpoint)
            }
        } catch {
            await eventQueue.close()
            throw Console.fail("\(error)")
        }

        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        var logger = Logger(label: "clevertap.serve", factory: { label in StreamLogHandler.standardError(label: label) })
        logger.logLevel = Logger.Level.warning

        let settings = DeliverySettings(
            backoff: RetryPolicy(maxAttempts: 1000, baseDelay: .seconds(1), maxDelay: .milliseconds(Int64(retryMaxDelay * 1000))),
            giveUpAfter: .milliseconds(Int64(giveUpAfter * 1000)))
        let delivery = DeliveryService(queue: eventQueue, routes: routes, settings: settings, logger: logger)
        let intake = SegmentIntake(sources: IntakeSources(workspace: workspace))
        let names = Dictionary(workspace.destinations.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let routesHTTP = IntakeRoutes(intake: intake, queue: eventQueue, registry: registry, destinationNames: names)
        let address = ServeAddress(listen)!
        let banner = Self.banner(workspace: workspace, routes: routes, queue: queueURL)
        let app = Application(
            router: routesHTTP.router(),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: "clevertap-actions"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                let base = "http://\(address.host):\(port)"
                for line in banner { Console.note(line) }
                Console.note("Segment libraries: host=\(base) (analytics-python), apiHost (analytics.js), or POST \(base)/v1/batch")
                // Last, unbuffered: whoever read the URL finds the server accepting.
                if let reason = Output.writeAll(STDOUT_FILENO, Array((base + "\n").utf8)) {
                    Console.error("could not print the URL to standard output (\(reason)); serving at \(base)")
                }
            },
            logger: logger)
        let group = ServiceGroup(configuration: .init(services: [delivery, app], gracefulShutdownSignals: [], logger: logger))
        // The process-wide termination signals (SIGINT, SIGTERM, SIGHUP) become the group's graceful
        // shutdown; listening starts before the URL is announced, so whoever reads it may stop us at once.
        let signals = TerminationSignals.listen { _ in Task { await group.triggerGracefulShutdown() } }
        defer { signals.cancel() }
        do {
            try await group.run()
        } catch {
            Console.error("serve stopped: \(error)")
            for route in routes { try? await route.client.shutdown() }
            await eventQueue.close()
            throw ExitCode(1)
        }
        for route in routes { try? await route.client.shutdown() }
        await eventQueue.close()
        Console.note("serve stopped; the queue is closed")
    }

    static func client(for destination: Destination, endpoint: String?) throws -> CleverTapClient {
        let passcode: Secret
        do throws(CredentialError) {
            passcode = try destination.passcode.resolve(environment: ProcessInfo.processInfo.environment)
        } catch {
            throw ServeSetupError("destination \"\(destination.name)\": \(error)")
        }
        // The client retries quickly a few times (honouring Retry-After); the queue's backoff takes
        // over after that, so a long outage never holds a worker.
        let configuration = CleverTapClientConfiguration(
            baseURL: endpoint ?? destination.endpoint.baseURL, accountID: destination.projectID, passcode: passcode,
            connectTimeout: .seconds(5), requestTimeout: .seconds(30),
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(500), maxDelay: .seconds(30)))
        do throws(CleverTapError) { return try CleverTapClient(configuration: configuration) } catch {
            throw ServeSetupError("destination \"\(destination.name)\": \(error)")
        }
    }

    static func banner(workspace: Workspace, routes: [DeliveryRoute], queue: QueueURL) -> [String] {
        var lines = ["clevertap-actions serve: queue \(queue)"]
        for source in workspace.sources {
            let live = routes.filter { $0.destination.sourceID == source.id }.map { "\"\($0.destination.name)\"" }
            lines.append("  source \"\(source.name)\" -> " + (live.isEmpty ? "no enabled destination (its events are acknowledged, nothing is delivered)" : live.joined(separator: ", ")))
        }
        for route in routes {
            for problem in route.pipeline.problems { lines.append("  warning: \(route.destination.name): \(problem); it is skipped") }
        }
        return lines
    }
}

struct ServeSetupError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `HOST:PORT` as `--listen` takes it.
struct ServeAddress {
    let host: String
    let port: Int

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        let host = String(text[..<colon])
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}
