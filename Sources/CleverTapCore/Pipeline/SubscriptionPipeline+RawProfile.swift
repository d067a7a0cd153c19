/// A User Upload subscription whose Person Attributes are one event path (`"profileData":
/// {"@path": "$.traits"}`, as Quick Setup makes it): when a reader captured that value's bytes,
/// the record is written from them (`ActionRecordBuilder.writeUpload`) and no tree of the profile
/// is built; the identity and `ts` still come from the tree.
struct RawProfile: Sendable {
    /// Where Person Attributes are in the event.
    let path: EventPath
    /// The mapping without `profileData`: the fields read from the tree.
    let otherFields: CompiledMapping
    /// Which of `RawSpans`' slots holds the profile's bytes.
    var slot = 0

    /// The plan for a subscription, or nil when its profile is not a plain path (or its records
    /// keep nested objects, which the raw writer does not do).
    init?(action: ActionKind, mapping: CompiledMapping, options: RecordOptions) {
        guard action == .userUpload, options.nestedObjects == .flatten, case .object(let members) = mapping.root,
              let profile = members.first(where: { $0.key == "profileData" }), case .path(let path) = profile.node,
              !path.isRoot else { return nil }
        var source = JSONObject()
        for member in mapping.source.objectValue ?? JSONObject() where member.key != "profileData" {
            source.appendUnchecked(key: member.key, value: member.value)
        }
        self.path = path
        otherFields = CompiledMapping(root: .object(members.filter { $0.key != "profileData" }), source: .object(source))
    }

    /// What the stages read, their raw profiles marked where nothing else reads them; a stage
    /// whose profile cannot be raw (another read needs its tree, or the slots ran out) loses its
    /// plan. Marks taken away later (`JSONSelection.insert`) are safe: spans are then never
    /// captured and the stage takes the tree.
    static func selection(for stages: inout [SubscriptionPipeline.Stage]) -> JSONSelection {
        var selection = JSONSelection.nothing
        for stage in stages {
            stage.trigger.addReads(to: &selection)
            (stage.rawProfile?.otherFields ?? stage.mapping).addReads(to: &selection)
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
            let mapped: JSONValue?
            do throws(MappingError) {
                mapped = try plan.otherFields.apply(to: event)
            } catch {
                body(index, .outcome(.failed(subscription: stage.subscription, reason: .mapping(error))), &out)
                continue
            }
            let start = out.count
            let warnings: [String]?
            do throws(RecordError) {
                warnings = try ActionRecordBuilder.writeUpload(mapped, profile: profile, options: stage.options, into: &out)
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
