/// A User Upload subscription whose Person Attributes are one event path (`"profileData":
/// {"@path": "$.traits"}`, as Quick Setup makes it): when a reader captured that value's bytes,
/// the record is written from them (`ActionRecordBuilder.writeUpload`) and no tree of the profile
/// is built; the identity and `ts` still come from the tree.
struct RawProfile: Sendable {
    /// A mapped field other than the profile, and what the record makes of it.
    struct Field: Sendable {
        enum Role: Sendable { case identity, timestamp, unused }
        let node: MappingNode
        let role: Role
    }

    /// Where Person Attributes are in the event.
    let path: EventPath
    /// The mapping's other fields, in its order, read from the tree: resolved one by one, with no
    /// object built of them, and the first failing directive is the one the whole mapping reports.
    let otherFields: [Field]
    /// Which of `RawSpans`' slots holds the profile's bytes.
    var slot = 0

    /// The plan for a subscription, or nil when its profile is not a plain path (or its records
    /// keep nested objects, which the raw writer does not do).
    init?(action: ActionKind, mapping: CompiledMapping, options: RecordOptions) {
        guard action == .userUpload, options.nestedObjects == .flatten, case .object(let members) = mapping.root,
              let profile = members.first(where: { $0.key == "profileData" }), case .path(let path) = profile.node,
              !path.isRoot else { return nil }
        self.path = path
        otherFields = members.filter { $0.key != "profileData" }.map { member in
            Field(node: member.node, role: member.key == "identity" ? .identity : member.key == "ts" ? .timestamp : .unused)
        }
    }

    /// Identity and `ts` as the mapping gives them for `event`.
    @inline(__always)
    func fields(of event: JSONValue) throws(MappingError) -> (identity: JSONValue?, ts: JSONValue?) {
        var identity: JSONValue?
        var ts: JSONValue?
        for field in otherFields {
            let value = try field.node.resolve(event)
            switch field.role {
            case .identity: identity = value
            case .timestamp: ts = value
            case .unused: break
            }
        }
        return (identity, ts)
    }

    /// What the stages read, their raw profiles marked where nothing else reads them; a stage
    /// whose profile cannot be raw (another read needs its tree, or the slots ran out) loses its
    /// plan. Marks taken away later (`JSONSelection.insert`) are safe: spans are then never
    /// captured and the stage takes the tree.
    static func selection(for stages: inout [SubscriptionPipeline.Stage]) -> JSONSelection {
        var selection = JSONSelection.nothing
        for stage in stages {
            stage.trigger.addReads(to: &selection)
            if let plan = stage.rawProfile {
                for field in plan.otherFields { field.node.addReads(to: &selection) }
            } else {
                stage.mapping.addReads(to: &selection)
            }
        }
        var slotsUsed = 0
        for index in stages.indices {
            guard var plan = stages[index].rawProfile else { continue }
            let keys = plan.path.segments.lazy.map(\.key)
            guard slotsUsed < RawSpans.capacity, let slot = selection.insertRaw(path: keys, slot: slotsUsed) else {
                selection.insert(path: keys)  // no-op when `insertRaw` inserted it
                stages[index] = stages[index].with(rawProfile: nil)
                continue
            }
            plan.slot = slot
            stages[index] = stages[index].with(rawProfile: plan)
            if slot == slotsUsed { slotsUsed += 1 }
        }
        return selection
    }
}

/// What one subscription made of one event, for a writer that streams records as JSON.
public enum PipelineOutput {
    /// A record written straight from the event's bytes into the caller's buffer, at `bytes`: the
    /// very bytes `JSONWriter` writes of the record the tree gives; `warnings` as the tree gives them.
    case written(bytes: Range<Int>, warnings: [String])
    /// A record as a tree, or why none was made: `forEachOutcome(_:only:_:)`'s outcome.
    case outcome(PipelineOutcome)
}

extension SubscriptionPipeline {
    /// `forEachOutcome(_:only:_:)` for an event whose raw parts a reader captured: `event` was
    /// parsed with `parse(_:selecting:capturing:)` from `raw.bytes` (nil when it was not, e.g. an
    /// item of a batch envelope). A User Upload whose profile was captured is written to `out` and
    /// given as `.written`; a failure leaves `out` as it was. `body` gets `out` to write to as well.
    @inline(__always)
    public func forEachOutcome(_ event: JSONValue, raw: RawEvent?, only: String? = nil, writingInto out: inout [UInt8],
                               _ body: (Int, PipelineOutput, inout [UInt8]) -> Void) {
        for index in stages.indices {
            let stage = stages[index]
            if let only, stage.subscription.id != only { continue }
            guard stage.trigger.matches(event) else { continue }
            guard let plan = stage.rawProfile, let raw, let profile = raw.value(inSlot: plan.slot) else {
                body(index, .outcome(outcome(of: stage, for: event)), &out)
                continue
            }
            let fields: (identity: JSONValue?, ts: JSONValue?)
            do throws(MappingError) {
                fields = try plan.fields(of: event)
            } catch {
                body(index, .outcome(.failed(subscription: stage.subscription, reason: .mapping(error))), &out)
                continue
            }
            let start = out.count
            let warnings: [String]?
            do throws(RecordError) {
                warnings = try ActionRecordBuilder.writeUpload(identity: fields.identity, ts: fields.ts, profile: profile,
                                                               options: stage.options, into: &out)
            } catch {
                body(index, .outcome(.failed(subscription: stage.subscription, reason: .record(error))), &out)
                continue
            }
            if let warnings {
                body(index, .written(bytes: start..<out.count, warnings: warnings), &out)
            } else {
                // A profile the tree must build: the event whole, once, for this subscription.
                body(index, .outcome(outcome(of: stage, for: Self.wholeEvent(raw.bytes))), &out)
            }
        }
    }

    /// The event as the full parse builds it. The selective parse that captured its spans accepted
    /// it, and it accepts exactly what the full parse accepts.
    private static func wholeEvent(_ bytes: UnsafeBufferPointer<UInt8>) -> JSONValue {
        do throws(JSONParseError) {
            return try JSONParser.parse(bytes)
        } catch {
            preconditionFailure("the selective parse accepted a document the full parse rejects: \(error)")
        }
    }
}
