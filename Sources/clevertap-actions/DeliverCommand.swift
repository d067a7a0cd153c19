import ArgumentParser
import CleverTapCore
import EventQueue
import Foundation
import QueueDelivery

/// `deliver`: stream event files through the destination's subscriptions to CleverTap.
struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Send event files through the destination's subscriptions to CleverTap, batched and resumable; nothing is lost.",
        discussion: """
            Reads Segment-format events as NDJSON, a JSON array, or batch envelopes ({"batch": [...]}), \
            and dead-letter files written by an earlier run. The events go through a durable queue \
            (--queue; by default $XDG_STATE_HOME/clevertap-actions/deliver.sqlite) and are sent by the \
            workers `serve` uses: per-user order kept, records batched (1000 profiles and events per \
            upload, 100 identities per delete), at most 15 uploads and 3 deletes in flight, failures \
            retried with backoff and Retry-After until --give-up-after. Each chunk of a file is \
            committed with how far it goes, so after a kill, a signal or a full disk the same command \
            continues where it stopped instead of sending everything again ($incr and $add apply once).

            Every record that is not processed is written with its event and reason to the dead-letter \
            file, which `deliver` accepts again as input once fixed; if that file cannot be created \
            nothing is sent, and if a write to it fails the report names every record that has no \
            record anywhere. Ctrl-C or SIGTERM stops reading and finishes what is in flight, then prints \
            the report; a second signal stops waiting. What is left stays queued: the same command \
            sends it. --dry-run sends nothing and needs no queue.

            Exit status: 0 all processed; 1 something was dead-lettered or lost, the run was \
            interrupted, or output could not be written; 2 usage or configuration error (including a \
            dead-letter file that cannot be created).
            """
    )

    @OptionGroup var options: ConfigOptions

    @Option(help: ArgumentHelp("Destination to deliver to, by name or id (default: the only one).", valueName: "name"))
    var destination: String?

    @Argument(help: ArgumentHelp("Event files; `-` (or nothing, when input is piped) reads standard input.", valueName: "file"))
    var files: [String] = []

    @Option(name: .customLong("dead-letter"), help: ArgumentHelp(
        "Dead-letter file (appended to, created 0600). Default: <input>.dead-letter.ndjson beside each input; ./stdin.dead-letter.ndjson for standard input.",
        valueName: "path"))
    var deadLetter: String?

    @Option(help: ArgumentHelp("Lower the requests in flight (at most 15 uploads and 3 deletes).", valueName: "n"))
    var concurrency: Int?

    @Option(name: .customLong("batch-size"), help: ArgumentHelp(
        "Records per request, at most 1000 (uploads) and 100 (deletes); 1 sends one request per record.", valueName: "n"))
    var batchSize: Int?

    @Option(name: .customLong("flush-interval"), help: ArgumentHelp(
        "Seconds the workers wait after a partial batch for the next one to fill (slow streams; default 0.05, at most 60).", valueName: "seconds"))
    var flushInterval: Double?

    @Option(help: ArgumentHelp(
        "The queue: sqlite:PATH or postgres://USER@HOST:PORT/DB (default $XDG_STATE_HOME/clevertap-actions/deliver.sqlite).",
        valueName: "url"))
    var queue: String?

    @Option(name: .customLong("give-up-after"), help: ArgumentHelp(
        "Seconds after which a record that still fails (CleverTap down, rate limited) is dead-lettered (default 900).",
        valueName: "seconds"))
    var giveUpAfter: Double?

    @Flag(name: .customLong("dry-run"), help: "Send nothing; write the requests that would be sent as NDJSON.")
    var dryRun = false

    @Option(help: ArgumentHelp("With --dry-run: write the requests to this file (created 0600) instead of standard output.",
                               valueName: "path"))
    var output: String?

    @Option(help: ArgumentHelp("With --dry-run: threads parsing and routing a file's events at once (default: the machine's cores; output order is kept).",
                               valueName: "n"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Send to this base URL instead of the destination's endpoint (e.g. the sandbox).", valueName: "url"))
    var endpoint: String?

    @Flag(help: "Print the final report as JSON.")
    var json = false

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1, got \(concurrency)") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size must be at least 1, got \(batchSize)") }
        if let flushInterval, !(flushInterval > 0 && flushInterval <= 60) {
            throw ValidationError("--flush-interval must be a number of seconds above 0 and at most 60, got \(flushInterval)")
        }
        if let giveUpAfter, !(giveUpAfter > 0) { throw ValidationError("--give-up-after must be a positive number of seconds") }
        if dryRun && queue != nil { throw ValidationError("--queue sends through a queue; --dry-run sends nothing and needs none: use one of them") }
        if dryRun && giveUpAfter != nil { throw ValidationError("--give-up-after applies to a delivery; --dry-run sends nothing") }
        if dryRun && concurrency != nil {
            throw ValidationError("--concurrency applies to a delivery; --dry-run writes one request at a time, in input order")
        }
        if output != nil && !dryRun { throw ValidationError("--output only applies with --dry-run") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if jobs != nil && !dryRun { throw ValidationError("--jobs only applies with --dry-run (a delivery's pace is CleverTap's)") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("standard input (-) can be read only once") }
    }

    func run() async throws {
        let inputs = files.isEmpty ? ["-"] : files
        if files.isEmpty && isatty(STDIN_FILENO) != 0 {
            throw Console.usage("no input: name event files, or pipe events into standard input (`-`)", command: "deliver")
        }
        for input in inputs where input != "-" {
            do throws(InputError) { close(try InputReader.open(input)) } catch {
                throw Console.usage(error.description, command: "deliver")
            }
        }

        // Configuration: workspace, destination, subscriptions, credentials.
        let workspace: Workspace
        do {
            workspace = try options.store().load(required: true)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        let destination: Destination
        do throws(DestinationChoice.Failure) {
            destination = try DestinationChoice.pick(self.destination, in: workspace)
        } catch {
            throw Console.usage(error.description, command: "deliver")
        }
        if !destination.enabled {
            Console.error("destination \"\(destination.name)\" is disabled; enable it in the workspace before delivering to it")
            throw ExitCode(2)
        }
        let router = PipelineRouter(destination: destination)
        for problem in router.pipeline.problems { Console.note("warning: \(problem); it is skipped") }
        if router.subscriptions.isEmpty {
            Console.error("destination \"\(destination.name)\" has no enabled subscription that can run; nothing to deliver")
            throw ExitCode(2)
        }

        let deadLetters = DeadLetterFiles(explicitPath: deadLetter)
        for input in inputs where input != "-" {
            let target = deadLetters.path(forInput: input)
            if Self.samePath(target, input) {
                throw Console.usage("the dead-letter file \(target) is also an input; pass --dead-letter with another path", command: "deliver")
            }
        }

        // Dead letters are the run's promise that nothing is lost: if their files cannot be
        // created, nothing is read or sent.
        do throws(DeadLetterWriteError) { try deadLetters.prepare(inputs: inputs) } catch {
            Console.error("\(error); nothing was read or sent. Pass --dead-letter with a path that can be written.")
            throw ExitCode(2)
        }
        // Past `ulimit -f` a write must fail (and be reported), not kill the process.
        signal(SIGXFSZ, SIG_IGN)

        guard dryRun else { return try await runQueued(destination: destination, inputs: inputs, deadLetters: deadLetters) }
        let limits = BatchLimits(batchSize: batchSize, flushInterval: .milliseconds(Int64(((flushInterval ?? 1) * 1000).rounded())))
        let engineOptions = DeliveryOptions(limits: limits, workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
        let sink: LineSink
        do throws(OutputError) { sink = try output.map { path throws(OutputError) in try LineSink.file(path) } ?? .standardOutput() } catch {
            throw Console.usage(error.description, command: "deliver")
        }
        let report = await Self.runEngine(DeliveryEngine(router: router, transport: DryRunTransport(sink: sink),
                                                         options: engineOptions, deadLetters: deadLetters), inputs: inputs)
        var requestsLost = false
        if let failure = sink.flush() {
            Console.error("could not write the requests to \(output ?? "standard output"): \(failure)")
            requestsLost = true
        }
        let text = json ? report.jsonValue.prettyDescription : report.text
        // The requests are the output; the report goes beside them.
        if output == nil { Console.note(text) } else { try Output.line(text) }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
        if requestsLost { throw ExitCode(1) }
    }

    /// The CleverTap client for `destination` (or `--endpoint`), as `tune` adjusts it.
    func client(for destination: Destination, tune: (inout CleverTapClientConfiguration) -> Void) throws(ExitCode) -> CleverTapClient {
        let passcode: Secret
        do throws(CredentialError) {
            passcode = try destination.passcode.resolve(environment: ProcessInfo.processInfo.environment)
        } catch {
            Console.error("destination \"\(destination.name)\": \(error)")
            throw ExitCode(2)
        }
        var base = destination.endpoint.baseURL
        if let endpoint {
            do throws(EndpointError) { base = try CustomEndpoint.validate(endpoint) } catch {
                throw Console.usage("--endpoint: \(error)", command: "deliver")
            }
        }
        var configuration = CleverTapClientConfiguration(baseURL: base, accountID: destination.projectID, passcode: passcode)
        tune(&configuration)
        do throws(CleverTapError) { return try CleverTapClient(configuration: configuration) } catch {
            throw Console.usage(error.description, command: "deliver")
        }
    }

    /// Runs the engine with Ctrl-C/SIGTERM handling and, on a terminal, a progress line on standard error.
    static func runEngine(_ engine: DeliveryEngine, inputs: [String]) async -> DeliveryReport {
        await underSignals(
            stopping: "stopping: reading ended; writing the requests for what was read",
            aborting: "stopping: the requests for what was read are being written"
        ) { control, counters, progress in
            await engine.run(inputs: inputs, control: control, counters: counters, onProgress: progress)
        }
    }

    /// Runs a delivery under the signal handling every delivery has: Ctrl-C, SIGTERM (timeout,
    /// systemd, containers, CI) and SIGHUP escalate `control` and say so in `stopping` and
    /// `aborting`; on a terminal a progress line on standard error, cleared at the end.
    static func underSignals(stopping: String, aborting: String,
                             _ run: (DeliveryControl, DeliveryCounters, (@Sendable (Duration) -> Void)?) async -> DeliveryReport) async -> DeliveryReport {
        let control = DeliveryControl()
        let counters = DeliveryCounters()
        let signals = TerminationSignals.listen { _ in
            switch control.interrupt() {
            case .stopping: Console.write("\r\u{1B}[K\(stopping)\n")
            case .aborting: Console.write("\r\u{1B}[K\(aborting)\n")
            case .running: break
            }
        }
        defer { signals.cancel() }
        let onTerminal = isatty(STDERR_FILENO) != 0
        let progress: (@Sendable (Duration) -> Void)? = onTerminal ? { @Sendable elapsed in
            Console.write("\r\u{1B}[K" + counters.progressLine(elapsed: elapsed))
        } : nil
        let report = await run(control, counters, progress)
        if onTerminal { Console.write("\r\u{1B}[K") }
        return report
    }

    static func samePath(_ a: String, _ b: String) -> Bool {
        let left = URL(fileURLWithPath: a).standardizedFileURL.resolvingSymlinksInPath().path
        let right = URL(fileURLWithPath: b).standardizedFileURL.resolvingSymlinksInPath().path
        return left == right
    }
}
