/// A User Upload subscription whose Person Attributes are one event path (`"profileData":
/// {"@path": "$.traits"}`, as Quick Setup makes it): when a reader captured that value's bytes,
/// the record is written from them (`ActionRecordBuilder.writeUpload`) and no tree of the profile
/// is built. A `ts` read by a plain path is captured too (a date-time string is a heap string in
/// the tree, made only to be converted); the identity comes from the tree.
struct RawProfile: Sendable {
    /// A mapped field other than the profile, and what the record makes of it.
    struct Field: Sendable {
        enum Role: Sendable { case identity, timestamp, unused }
        let node: MappingNode
        let role: Role
        /// The slot holding the field's bytes, for a `ts` whose path is captured.
        var slot: Int?

        /// The path of a `ts` that could be captured.
        var capturablePath: EventPath? {
            guard role == .timestamp, case .path(let path) = node, !path.isRoot else { return nil }
            return path
        }
    }

    /// Where Person Attributes are in the event.
    let path: EventPath
    /// The mapping's other fields, in its order: resolved one by one, with no object built of
    /// them, and the first failing directive is the one the whole mapping reports.
    var otherFields: [Field]
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

    /// Identity and `ts` as the mapping gives them for `event`, `ts` as its bytes when captured.
    @inline(__always)
    func fields(of event: JSONValue, raw: RawEvent) throws(MappingError) -> (identity: JSONValue?, ts: MappedField) {
        var identity: JSONValue?
        var ts = MappedField.value(nil)
        for field in otherFields {
            if let slot = field.slot, let bytes = raw.value(inSlot: slot) {
                ts = .json(bytes)  // a plain path: nothing to resolve, nothing that can fail
                continue
            }
            let value = try field.node.resolve(event)
            switch field.role {
            case .identity: identity = value
            case .timestamp: ts = .value(value)
            case .unused: break
            }
        }
        return (identity, ts)
    }

    /// What the stages read, their raw profiles (and `ts` paths) marked where nothing else reads
    /// them; a stage whose profile cannot be raw (another read needs its tree, or the slots ran
    /// out) loses its plan. Marks taken away later (`JSONSelection.insert`) are safe: spans are
    /// then never captured and the stage takes the tree.
    static func selection(for stages: inout [SubscriptionPipeline.Stage]) -> JSONSelection {
        var selection = JSONSelection.nothing
        for stage in stages {
            stage.trigger.addReads(to: &selection)
            if let plan = stage.rawProfile {
                for field in plan.otherFields where field.capturablePath == nil { field.node.addReads(to: &selection) }
            } else {
                stage.mapping.addReads(to: &selection)
            }
        }
        var slotsUsed = 0
        /// `path` marked raw, or inserted whole: the slot it is captured in, or nil.
        func capture(_ path: EventPath) -> Int? {
            let keys = path.segments.lazy.map(\.key)
            guard slotsUsed < RawSpans.capacity, let slot = selection.insertRaw(path: keys, slot: slotsUsed) else {
                selection.insert(path: keys)  // no-op when `insertRaw` inserted it
                return nil
            }
            if slot == slotsUsed { slotsUsed += 1 }
            return slot
        }
        for index in stages.indices {
            guard var plan = stages[index].rawProfile else { continue }
            guard let slot = capture(plan.path) else {
                stages[index].mapping.addReads(to: &selection)  // the `ts` path left out above
                stages[index] = stages[index].with(rawProfile: nil)
                continue
            }
            plan.slot = slot
            for field in plan.otherFields.indices {
                if let path = plan.otherFields[field].capturablePath { plan.otherFields[field].slot = capture(path) }
            }
            stages[index] = stages[index].with(rawProfile: plan)
        }
        return selection
    }
}

/// What one subscription made of one event, for a writer that streams records as JSON.
public enum PipelineOutput {
    /// A record written straight into the caller's buffer, at `bytes`, from the event's captured
    /// bytes where it could be: the very bytes `JSONWriter` writes of the record the tree gives;
    /// `warnings` as the tree gives them.
    case written(bytes: Range<Int>, warnings: [String])
    /// A record as a tree, or why none was made: `forEachOutcome(_:only:_:)`'s outcome.
    case outcome(PipelineOutcome)
}

extension SubscriptionPipeline {
    /// `forEachOutcome(_:only:_:)` for an event whose raw parts a reader captured: `event` was
    /// parsed with `parse(_:selecting:capturing:)` from `raw.bytes` (nil when it was not, e.g. an
    /// item of a batch envelope). A User Upload with a raw-profile plan is written to `out` and
    /// given as `.written` (its captured fields read from their bytes, the others from the tree);
    /// a failure leaves `out` as it was. `body` gets `out` to write to as well.
    @inline(__always)
    public func forEachOutcome(_ event: JSONValue, raw: RawEvent?, only: String? = nil, writingInto out: inout [UInt8],
                               _ body: (Int, PipelineOutput, inout [UInt8]) -> Void) {
        forEachMatchingStage(event, only: only) { index, stage in
            guard let plan = stage.rawProfile, let raw else {
                body(index, .outcome(outcome(of: stage, for: event)), &out)
                return
            }
            body(index, written(by: stage, plan: plan, event: event, raw: raw, into: &out), &out)
        }
    }

    /// `stage`'s User Upload written to `out` by its raw-profile plan, or why none was made.
    @inline(__always)
    private func written(by stage: Stage, plan: RawProfile, event: JSONValue, raw: RawEvent, into out: inout [UInt8]) -> PipelineOutput {
        let fields: (identity: JSONValue?, ts: MappedField)
        do throws(MappingError) {
            fields = try plan.fields(of: event, raw: raw)
        } catch {
            return .outcome(.failed(subscription: stage.subscription, reason: .mapping(error)))
        }
        // Not captured: the event has no profile there, or it is in the tree.
        let profile = raw.value(inSlot: plan.slot).map(MappedField.json) ?? .value(plan.path.lookup(in: event))
        let start = out.count
        do throws(RecordError) {
            let warnings = try ActionRecordBuilder.writeUpload(identity: fields.identity, ts: fields.ts, profile: profile,
                                                               options: stage.options, into: &out)
            return .written(bytes: start..<out.count, warnings: warnings)
        } catch {
            return .outcome(.failed(subscription: stage.subscription, reason: .record(error)))
        }
    }
}
