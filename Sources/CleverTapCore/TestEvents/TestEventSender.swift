import Foundation

/// What `send-test` (and the wizard's "Send test event") should do.
public struct SendTestRequest: Sendable {
    public var destination: Destination
    public var action: ActionKind
    /// The event to send; nil sends `SampleEvents.event(for: action, now:)`.
    public var event: JSONValue?
    /// A base URL that replaces the destination's endpoint for this one send (e.g. the sandbox).
    public var endpointOverride: String?
    /// Build and show the request without sending it.
    public var dryRun: Bool
    /// Where `{"env": VAR}` passcodes are read from.
    public var environment: [String: String]
    /// Told of each failed attempt before it is retried (the wizard's spinner shows the count).
    public var onRetry: (@Sendable (RetryNotice) -> Void)?

    public init(destination: Destination, action: ActionKind, event: JSONValue? = nil, endpointOverride: String? = nil,
                dryRun: Bool = false, environment: [String: String] = [:], onRetry: (@Sendable (RetryNotice) -> Void)? = nil) {
        self.destination = destination
        self.action = action
        self.event = event
        self.endpointOverride = endpointOverride
        self.dryRun = dryRun
        self.environment = environment
        self.onRetry = onRetry
    }
}

/// Why a test event could not even be attempted.
public enum SendTestError: Error, Sendable, CustomStringConvertible {
    case endpoint(EndpointError)
    case passcode(destination: String, CredentialError)
    case client(CleverTapError)

    public var description: String {
        switch self {
        case .endpoint(let error): return "--endpoint: \(error)"
        case .passcode(let destination, let error): return "destination \"\(destination)\": passcode: \(error)"
        case .client(let error): return error.description
        }
    }
}

/// One subscription of the tested action and how it fared against the event.
public struct SubscriptionCheck: Sendable, Hashable {
    public var name: String
    public var trigger: String
    public var enabled: Bool
    public var matched: Bool
    /// Why it cannot run (broken trigger or mapping), when it cannot.
    public var problems: [String]
}

/// The interpreted outcome of a test send: the event, which subscription took it, the record,
/// the request (passcode masked) and CleverTap's answer.
public struct SendTestReport: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Sent, and CleverTap processed the record.
        case processed
        /// Sent, and CleverTap did not process it (rejected, or the request failed).
        case notProcessed
        /// Built and shown, not sent.
        case dryRun
        /// No subscription of the action matched the event: nothing was sent.
        case noMatchingSubscription
        /// A subscription matched but could not make a record (mapping or field rules).
        case recordNotBuilt(String)
    }

    public var outcome: Outcome
    public var action: ActionKind
    public var destinationName: String
    public var event: JSONValue
    /// Whether `event` is the built-in sample rather than the caller's.
    public var isSampleEvent: Bool
    /// The subscriptions of `action`, with trigger and match, for explaining a miss.
    public var subscriptions: [SubscriptionCheck]
    /// The one that produced the record.
    public var matchedSubscription: String?
    public var record: JSONValue?
    public var warnings: [String]
    public var request: CleverTapRequestPreview?
    public var result: CleverTapResult?

    /// True only when CleverTap processed the record: the exit status of `send-test`.
    public var isProcessed: Bool { outcome == .processed }

    /// The report for people, as `send-test` prints it.
    public var text: String {
        var lines: [String] = []
        lines.append("Event (\(isSampleEvent ? "sample" : "given") \(event["type"]?.stringValue ?? "?")\(event["event"]?.stringValue.map { " \"\($0)\"" } ?? "")):")
        lines.append(event.prettyDescription)
        lines.append("")
        switch outcome {
        case .noMatchingSubscription:
            lines.append("No \(action.displayName) subscription of destination \"\(destinationName)\" matches this event, so nothing was sent.")
            if subscriptions.isEmpty {
                let hint = action == .userEvent ? "setup --quick --events adds the event presets" : "setup --quick adds the presets"
                lines.append("The destination has no \(action.displayName) subscription; add one (\(hint)).")
            }
            for check in subscriptions {
                var line = "  \(check.name): trigger \(check.trigger)"
                if !check.enabled { line += " (disabled)" } else if !check.problems.isEmpty {
                    line += " (cannot run: \(check.problems.joined(separator: "; ")))"
                } else { line += " does not match" }
                lines.append(line)
            }
            lines.append("Event fields the triggers look at: type \(event["type"]?.description ?? "missing"), event \(event["event"]?.description ?? "missing").")
            return lines.joined(separator: "\n")
        case .recordNotBuilt(let reason):
            lines.append("Subscription \"\(matchedSubscription ?? "?")\" matched, but no record could be made: \(reason)")
            lines.append("Nothing was sent; fix the mapping or the event.")
            return lines.joined(separator: "\n")
        default:
            break
        }
        lines.append("Subscription: \(matchedSubscription ?? "?") (\(subscriptions.first { $0.name == matchedSubscription }?.trigger ?? ""))")
        for warning in warnings { lines.append("  warning: \(warning)") }
        if let request {
            lines.append("")
            lines.append("Request:")
            lines.append(request.description)
        }
        lines.append("")
        switch outcome {
        case .dryRun:
            lines.append("Dry run: not sent.")
        case .processed:
            lines.append("Answer: processed by CleverTap (\(answerDetail)).")
        case .notProcessed:
            lines.append("Answer: NOT processed (\(answerDetail)).")
            if let result {
                for (_, rejection) in result.rejections { lines.append("  rejected: \(rejection)") }
                for rejection in result.unattributed { lines.append("  rejected: \(rejection)") }
                if let error = result.firstError { lines.append("  \(error)") }
            }
        default:
            break
        }
        return lines.joined(separator: "\n")
    }

    /// "HTTP 200, 1 attempt": the last status and how many attempts it took.
    public var answerDetail: String {
        guard let result else { return "no answer" }
        let status = result.requests.last?.httpStatus.map { "HTTP \($0)" } ?? "no HTTP answer"
        return "\(status), \(result.attempts) attempt\(result.attempts == 1 ? "" : "s")"
    }

    /// The report as JSON, for `--json`.
    public var jsonValue: JSONValue {
        var object = JSONObject()
        let outcomeName: String
        switch outcome {
        case .processed: outcomeName = "processed"
        case .notProcessed: outcomeName = "not_processed"
        case .dryRun: outcomeName = "dry_run"
        case .noMatchingSubscription: outcomeName = "no_matching_subscription"
        case .recordNotBuilt: outcomeName = "record_not_built"
        }
        object["outcome"] = .string(outcomeName)
        object["processed"] = .bool(isProcessed)
        object["destination"] = .string(destinationName)
        object["action"] = .string(action.rawValue)
        object["sampleEvent"] = .bool(isSampleEvent)
        object["event"] = event
        object["subscriptions"] = .array(subscriptions.map { check in
            ["name": .string(check.name), "trigger": .string(check.trigger), "enabled": .bool(check.enabled),
             "matched": .bool(check.matched), "problems": .array(check.problems.map { .string($0) })]
        })
        if let matchedSubscription { object["subscription"] = .string(matchedSubscription) }
        if case .recordNotBuilt(let reason) = outcome { object["reason"] = .string(reason) }
        if let record { object["record"] = record }
        object["warnings"] = .array(warnings.map { .string($0) })
        if let request { object["request"] = request.jsonValue }
        if let result {
            var answer = JSONObject()
            answer["httpStatus"] = result.requests.last?.httpStatus.map { .int(Int64($0)) } ?? .null
            answer["attempts"] = .int(Int64(result.attempts))
            answer["rejections"] = .array((result.rejections.map(\.rejection) + result.unattributed).map { rejection in
                ["code": .int(Int64(rejection.code.code)), "meaning": .string(rejection.code.explanation), "error": .string(rejection.error)]
            })
            if let error = result.firstError { answer["error"] = .string(error.description) }
            object["answer"] = .object(answer)
        }
        return .object(object)
    }
}

/// Sends one test event through a destination exactly as delivery would: the matching
/// subscription's trigger and mapping (with timestamp conversion), the record rules, then the
/// CleverTap client. The core of `send-test` and of the wizard's "Send test event".
public struct TestEventSender: Sendable {
    /// Adjusts the client settings (timeouts, retries, logger) before sending.
    public var tuneClient: @Sendable (inout CleverTapClientConfiguration) -> Void
    /// The current time in Unix seconds, for the sample event.
    public var now: @Sendable () -> Int64

    /// A person is waiting at a terminal, so the client is impatient: a one-record request answers
    /// in well under a second, and the worst case (every attempt timing out) stays under 20 s:
    /// 3 × 6 s plus waits of at most 0.5 s and 1 s. A refused or unroutable connection is not
    /// retried and gives up after at most 5 s. (Delivery keeps the patient defaults: 30 s, 6 tries.)
    public static let interactiveConnectTimeout: Duration = .seconds(5)
    public static let interactiveRequestTimeout: Duration = .seconds(6)
    public static let interactiveRetryPolicy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(500), maxDelay: .seconds(2))

    public init(tuneClient: @escaping @Sendable (inout CleverTapClientConfiguration) -> Void = { _ in },
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.tuneClient = tuneClient
        self.now = now
    }

    public func run(_ request: SendTestRequest) async throws(SendTestError) -> SendTestReport {
        let destination = request.destination
        let event = request.event ?? SampleEvents.event(for: request.action, now: now())
        let ofAction = destination.subscriptions.filter { $0.action == request.action }
        let pipeline = SubscriptionPipeline(subscriptions: ofAction)
        let outcomes = pipeline.process(event)
        let matchedIDs = Set(outcomes.map(\.subscription.id))
        let checks = ofAction.map { subscription in
            SubscriptionCheck(name: subscription.name, trigger: subscription.trigger, enabled: subscription.enabled,
                              matched: matchedIDs.contains(subscription.id),
                              problems: pipeline.problems.first { $0.subscription.id == subscription.id }?.messages ?? [])
        }
        var report = SendTestReport(outcome: .noMatchingSubscription, action: request.action, destinationName: destination.name,
                                    event: event, isSampleEvent: request.event == nil, subscriptions: checks,
                                    matchedSubscription: nil, record: nil, warnings: [], request: nil, result: nil)
        guard let first = outcomes.first else { return report }
        report.matchedSubscription = first.subscription.name
        let record: ActionRecord
        switch first {
        case .failed(_, let reason):
            report.outcome = .recordNotBuilt(reason.description)
            return report
        case .record(_, _, let built):
            record = built
        }
        report.record = record.record
        report.warnings = record.warnings

        var baseURL = destination.endpoint.baseURL
        if let override = request.endpointOverride {
            do { baseURL = try CustomEndpoint.validate(override) } catch { throw .endpoint(error) }
        }
        // A dry run shows the request without needing the passcode (it is masked anyway).
        var passcode = Secret("")
        if !request.dryRun {
            do { passcode = try destination.passcode.resolve(environment: request.environment) } catch {
                throw .passcode(destination: destination.name, error)
            }
        }
        var settings = CleverTapClientConfiguration(baseURL: baseURL, accountID: destination.projectID, passcode: passcode,
                                                    connectTimeout: Self.interactiveConnectTimeout,
                                                    requestTimeout: Self.interactiveRequestTimeout,
                                                    retryPolicy: Self.interactiveRetryPolicy)
        settings.onRetry = request.onRetry
        tuneClient(&settings)

        let body: JSONValue
        let identity = record.record["identity"]?.stringValue ?? ""
        switch request.action.endpoint {
        case .upload: body = ["d": [record.record]]
        case .deleteProfiles: body = .object(JSONObject([JSONObject.Member(key: DeleteKey.identity.rawValue, value: [.string(identity)])]))
        }
        let path = request.action.endpoint.path
        report.request = CleverTapClient.preview(configuration: settings, path: path, body: body)
        if request.dryRun {
            report.outcome = .dryRun
            return report
        }
        let client: CleverTapClient
        do { client = try CleverTapClient(configuration: settings) } catch { throw .client(error) }
        let result: CleverTapResult
        switch request.action.endpoint {
        case .upload: result = await client.upload([record.record])
        case .deleteProfiles: result = await client.deleteProfiles(identities: [identity])
        }
        try? await client.shutdown()
        report.result = result
        report.outcome = result.isSuccess ? .processed : .notProcessed
        return report
    }
}
