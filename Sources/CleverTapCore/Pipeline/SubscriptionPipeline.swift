/// Which subscription an outcome belongs to.
public struct SubscriptionRef: Sendable, Hashable, CustomStringConvertible {
    public var id: String
    public var name: String
    public var action: ActionKind

    public init(id: String, name: String, action: ActionKind) {
        self.id = id
        self.name = name
        self.action = action
    }

    public init(_ subscription: Subscription) {
        self.init(id: subscription.id, name: subscription.name, action: subscription.action)
    }

    public var description: String { name }
}

extension Array where Element == SubscriptionRef {
    /// Each subscription's index by its id (the first, should two share one): how an id a dead
    /// letter or an outcome names finds its subscription.
    public var indicesByID: [String: Int] {
        Dictionary(enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}

/// Why a matched event produced no record for a subscription.
public enum PipelineFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The mapping failed on this event (a computed `@path` that was not a string, …).
    case mapping(MappingError)
    /// The mapped fields break the action's rules (no identity, …).
    case record(RecordError)

    public var description: String {
        switch self {
        case .mapping(let error): return "mapping failed: \(error)"
        case .record(let error): return error.description
        }
    }
}

/// What one subscription made of one event.
public enum PipelineOutcome: Sendable, Hashable {
    /// The trigger matched and the mapping produced a valid record.
    case record(subscription: SubscriptionRef, action: ActionKind, record: ActionRecord)
    /// The trigger matched but no valid record could be made.
    case failed(subscription: SubscriptionRef, reason: PipelineFailure)

    public var subscription: SubscriptionRef {
        switch self {
        case .record(let subscription, _, _), .failed(let subscription, _): return subscription
        }
    }
}

/// A subscription that cannot run: its trigger or mapping is broken. Reported when the pipeline
/// is built, never per event.
public struct SubscriptionProblem: Sendable, Hashable, CustomStringConvertible {
    public var subscription: SubscriptionRef
    /// Each problem in words, e.g. `trigger: expected …` or `profileData.Email: @path expects …`.
    public var messages: [String]

    public var description: String {
        "subscription \"\(subscription.name)\": " + messages.joined(separator: "; ")
    }
}

/// Events in, CleverTap records out: every enabled subscription of a destination, with its
/// trigger parsed and mapping compiled once, applied to each event.
///
/// This is the one path `map`, `send-test`, `deliver` and the wizard's preview share, so a
/// record looks the same wherever it is produced.
public struct SubscriptionPipeline: Sendable {
    /// A class: every event visits every stage, and copying a struct of this many references
    /// cost a retain and a release of each, per stage per event.
    final class Stage: Sendable {
        let subscription: SubscriptionRef
        let trigger: Trigger
        let mapping: CompiledMapping
        let options: RecordOptions
        /// Set when Person Attributes can be written from the event's bytes (see `RawProfile`).
        let rawProfile: RawProfile?

        init(subscription: SubscriptionRef, trigger: Trigger, mapping: CompiledMapping, options: RecordOptions, rawProfile: RawProfile?) {
            self.subscription = subscription
            self.trigger = trigger
            self.mapping = mapping
            self.options = options
            self.rawProfile = rawProfile
        }

        /// This stage with another raw-profile plan.
        func with(rawProfile: RawProfile?) -> Stage {
            Stage(subscription: subscription, trigger: trigger, mapping: mapping, options: options, rawProfile: rawProfile)
        }
    }

    let stages: [Stage]
    /// Enabled subscriptions that could not be compiled; they are left out of processing.
    public let problems: [SubscriptionProblem]
    /// Running subscriptions whose trigger Segment evaluates surprisingly (`Trigger.warnings`),
    /// for the caller to show; they run as Segment would run them.
    public let warnings: [SubscriptionProblem]
    /// The subscriptions that run, in the destination's order.
    public var subscriptions: [SubscriptionRef] { stages.map(\.subscription) }
    /// The parts of an event the running triggers and mappings read: what a reader must parse
    /// (`JSONParser.parse(_:selecting:)`) for every outcome to be the one the whole event gives.
    /// Person Attributes that can be written from the event's bytes are marked raw: a reader that
    /// captures them (`parse(_:selecting:capturing:)`) passes their spans to
    /// `forEachOutcome(_:raw:only:writingInto:_:)` instead of building them.
    public let eventSelection: JSONSelection

    /// Compiles `destination`'s enabled subscriptions.
    public init(destination: Destination, nestedObjects: NestedObjectPolicy = .flatten) {
        self.init(subscriptions: destination.subscriptions, nestedObjects: nestedObjects)
    }

    /// What it was compiled from, so a thread can have its own compiled copy (`compiledAgain`).
    private let source: [Subscription]
    private let nestedObjects: NestedObjectPolicy

    /// The same pipeline compiled anew: nothing of it shared with this one. Threads that map at
    /// once each take their own, since reference counts of shared compiled mappings and strings
    /// would otherwise bounce between the cores' caches on every event.
    public func compiledAgain() -> SubscriptionPipeline {
        SubscriptionPipeline(subscriptions: source, nestedObjects: nestedObjects)
    }

    /// Compiles the enabled ones of `subscriptions`.
    public init(subscriptions: [Subscription], nestedObjects: NestedObjectPolicy = .flatten) {
        source = subscriptions
        self.nestedObjects = nestedObjects
        var stages: [Stage] = []
        var problems: [SubscriptionProblem] = []
        var warnings: [SubscriptionProblem] = []
        for subscription in subscriptions where subscription.enabled {
            let ref = SubscriptionRef(subscription)
            var messages: [String] = []
            var trigger: Trigger?
            do throws(TriggerParseError) {
                trigger = try Trigger.parse(subscription.trigger)
            } catch {
                messages.append("trigger: \(error)")
            }
            messages += subscription.action.definition.fieldIssues(in: subscription.mapping).map(\.description)
            var mapping: CompiledMapping?
            do throws(MappingError) {
                mapping = try CompiledMapping(subscription.mapping)
            } catch {
                messages += error.issues.map(\.description)
            }
            if let trigger, let mapping, messages.isEmpty {
                if !trigger.warnings.isEmpty {
                    warnings.append(SubscriptionProblem(subscription: ref, messages: trigger.warnings.map { "trigger: \($0)" }))
                }
                let options = RecordOptions(convertTimestamps: subscription.convertTimestamps, nestedObjects: nestedObjects)
                stages.append(Stage(subscription: ref, trigger: trigger, mapping: mapping, options: options,
                                    rawProfile: RawProfile(action: subscription.action, mapping: mapping, options: options)))
            } else {
                problems.append(SubscriptionProblem(subscription: ref, messages: messages))
            }
        }
        eventSelection = RawProfile.selection(for: &stages)
        self.stages = stages
        self.problems = problems
        self.warnings = warnings
    }

    /// Calls `body` with the outcome of every running subscription whose trigger matches `event`,
    /// in order, and that subscription's index in `subscriptions`. With `only` (a subscription
    /// id), just that subscription is tried: an event fed back from a dead letter is retried for
    /// the subscription that failed it, and no other makes a record twice.
    @inline(__always)
    public func forEachOutcome(_ event: JSONValue, only: String? = nil, _ body: (Int, PipelineOutcome) -> Void) {
        forEachMatchingStage(event, only: only) { index, stage in body(index, outcome(of: stage, for: event)) }
    }

    /// Every running stage (just `only`'s, when given) whose trigger matches `event`, in order,
    /// with its index: the one rule both ways of running the pipeline take.
    @inline(__always)
    func forEachMatchingStage(_ event: JSONValue, only: String?, _ body: (Int, Stage) -> Void) {
        for index in stages.indices {
            let stage = stages[index]
            if let only, stage.subscription.id != only { continue }
            if stage.trigger.matches(event) { body(index, stage) }
        }
    }

    /// What `stage`, whose trigger matched, makes of `event`.
    @inline(__always)
    func outcome(of stage: Stage, for event: JSONValue) -> PipelineOutcome {
        let mapped: JSONValue?
        do throws(MappingError) {
            mapped = try stage.mapping.apply(to: event)
        } catch {
            return .failed(subscription: stage.subscription, reason: .mapping(error))
        }
        do throws(RecordError) {
            let record = try ActionRecordBuilder.build(stage.subscription.action, from: mapped, options: stage.options)
            return .record(subscription: stage.subscription, action: stage.subscription.action, record: record)
        } catch {
            return .failed(subscription: stage.subscription, reason: .record(error))
        }
    }

    /// The outcomes of every running subscription whose trigger matches `event`, in order;
    /// appended to `outcomes` so a streaming caller can reuse one array.
    public func process(_ event: JSONValue, only: String? = nil, into outcomes: inout [PipelineOutcome]) {
        forEachOutcome(event, only: only) { outcomes.append($1) }
    }

    /// The outcomes for `event` (empty when no trigger matched).
    public func process(_ event: JSONValue) -> [PipelineOutcome] {
        var outcomes: [PipelineOutcome] = []
        process(event, into: &outcomes)
        return outcomes
    }
}
