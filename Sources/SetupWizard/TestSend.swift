import CleverTapCore

/// Where a test send goes: the destination's own endpoint, or a sandbox started in this process
/// (for a user without a CleverTap account, or offline).
public enum TestSendTarget: Sendable, Hashable {
    case configured
    case localSandbox
}

/// What `WizardEffect.sendTest` asks for: one test event through one saved destination.
public struct TestSendRequest: Sendable, Hashable {
    public var destination: Destination
    public var kind: TestEventKind
    public var target: TestSendTarget

    public init(destination: Destination, kind: TestEventKind, target: TestSendTarget) {
        self.destination = destination
        self.kind = kind
        self.target = target
    }
}

/// A finished test send, ready to show: the request as sent (passcode redacted) and the answer
/// interpreted in words. Made from the core's `SendTestReport` or from why nothing was sent.
public struct TestSendSummary: Sendable, Hashable {
    /// CleverTap's (or the transport's) answer, interpreted.
    public enum Answer: Sendable, Hashable {
        /// CleverTap processed the record; the detail says how (HTTP status, attempts).
        case processed(String)
        /// CleverTap answered but did not process the record: each record's error in words.
        case rejected([String])
        /// No usable answer: the request failed (connection, timeout, HTTP error, …).
        case transportError(String)
        /// Nothing was sent: no subscription matched, the record could not be built, or the
        /// destination could not be used (passcode variable unset, sandbox did not start).
        case notSent(String)
    }

    public var kind: TestEventKind
    public var destinationName: String
    public var target: TestSendTarget
    /// The request, headers with the passcode redacted; nil when nothing was built.
    public var request: CleverTapRequestPreview?
    public var answer: Answer
    /// The subscription that produced the record.
    public var subscription: String?
    /// Record warnings and notes (e.g. the local sandbox's base URL, or what it now holds).
    public var notes: [String]

    public init(kind: TestEventKind, destinationName: String, target: TestSendTarget, request: CleverTapRequestPreview?,
                answer: Answer, subscription: String? = nil, notes: [String] = []) {
        self.kind = kind
        self.destinationName = destinationName
        self.target = target
        self.request = request
        self.answer = answer
        self.subscription = subscription
        self.notes = notes
    }

    /// Interprets the core's report.
    public init(report: SendTestReport, kind: TestEventKind, target: TestSendTarget) {
        let answer: Answer
        switch report.outcome {
        case .processed:
            answer = .processed(report.answerDetail)
        case .notProcessed:
            let result = report.result
            let rejections = (result?.rejections.map(\.rejection) ?? []) + (result?.unattributed ?? [])
            if !rejections.isEmpty {
                answer = .rejected(rejections.map(\.description))
            } else if let error = result?.firstError {
                answer = .transportError(error.description)
            } else {
                answer = .transportError("no answer (\(report.answerDetail))")
            }
        case .dryRun:
            answer = .notSent("Dry run: the request was built but not sent.")
        case .noMatchingSubscription:
            let names = report.subscriptions.map { "\($0.name) (\($0.trigger))\($0.enabled ? "" : ", disabled")" }
            answer = .notSent(names.isEmpty
                ? "The destination has no \(report.action.displayName) subscription; add one in Customized Setup."
                : "No \(report.action.displayName) subscription matches the sample \(kind.displayName) event: "
                    + names.joined(separator: "; ") + ".")
        case .recordNotBuilt(let reason):
            answer = .notSent("Subscription \"\(report.matchedSubscription ?? "?")\" matched, but no record could be made: \(reason)")
        }
        self.init(kind: kind, destinationName: report.destinationName, target: target, request: report.request,
                  answer: answer, subscription: report.matchedSubscription, notes: report.warnings.map { "warning: \($0)" })
    }

    /// True only when CleverTap (or the sandbox) processed the record.
    public var isProcessed: Bool {
        if case .processed = answer { return true }
        return false
    }

    /// The answer in one headline and its detail lines.
    public var answerLines: (headline: String, details: [String]) {
        switch answer {
        case .processed(let detail): return ("✓ Processed (\(detail))", [])
        case .rejected(let errors): return ("✗ Not processed: rejected", errors)
        case .transportError(let error): return ("✗ Not processed: the request failed", [error])
        case .notSent(let reason): return ("✗ Nothing was sent", [reason])
        }
    }
}

extension TestSendSummary {
    /// One line of a finished send, before a front styles or wraps it.
    public struct Line: Sendable, Hashable {
        public enum Role: Sendable, Hashable { case headline, problem, aside, blank, title, request, text }
        public var text: String
        public var role: Role
        /// Kept in front of every wrapped piece (details, headers, the JSON body's nesting).
        public var indent: String

        public init(_ text: String, _ role: Role, indent: String = "") {
            self.text = text
            self.role = role
            self.indent = indent
        }
    }

    /// The finished send as lines, for the full screen and plain mode alike: the answer first
    /// (what the user came for), then the request with the passcode redacted.
    public var resultLines: [Line] {
        let (headline, details) = answerLines
        var lines = [Line(headline, .headline)] + details.map { Line($0, .problem, indent: "  ") }
        if let subscription { lines.append(Line("Subscription: \(subscription)", .aside)) }
        lines += notes.map { Line($0, .aside) }
        if let request {
            lines += [Line("", .blank), Line("Request", .title), Line("\(request.method) \(request.url)", .request)]
            lines += request.headers.map { Line("\($0.name): \($0.value)", .text, indent: "  ") }
            lines.append(Line("", .blank))
            lines += request.prettyBody.split(separator: "\n", omittingEmptySubsequences: false).map { Line(String($0), .text, indent: "  ") }
        }
        return lines
    }
}

/// The test-send screen: running (spinner) or finished (summary), and how far it is scrolled.
public struct TestSendState: Sendable, Hashable {
    public var request: TestSendRequest
    public var summary: TestSendSummary?
    /// The last failed attempt while the send is still under way.
    public var retry: RetryNotice?
    public var scroll = 0

    public init(request: TestSendRequest) { self.request = request }

    public var isRunning: Bool { summary == nil }

    /// What the spinner says: the send, and once an attempt failed, which and why.
    public var progressLines: [String] {
        var lines = ["Sending the sample \(request.kind.displayName) event…"]
        if let retry {
            lines.append("Attempt \(retry.failedAttempt) of \(retry.maxAttempts) failed: \(retry.reason)")
            lines.append("Trying attempt \(retry.failedAttempt + 1) of \(retry.maxAttempts)… (Esc cancels)")
        }
        return lines
    }
}
