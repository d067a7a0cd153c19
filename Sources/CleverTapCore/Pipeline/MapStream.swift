#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Counts from one `map` run.
public struct MapSummary: Sendable, Hashable {
    /// Lines read, blank ones included (line numbers in the output count them too).
    public var lines = 0
    /// Lines that held a JSON object.
    public var events = 0
    public var records = 0
    /// Matched events a subscription could not turn into a record.
    public var failures = 0
    /// Lines that were not a JSON object.
    public var invalidLines = 0

    public init() {}

    /// Adds another part's counts (a block mapped on another thread); `lines` is the caller's.
    mutating func add(_ part: MapSummary) {
        events += part.events
        records += part.records
        failures += part.failures
        invalidLines += part.invalidLines
    }
}

/// The streaming core of `clevertap-actions map`: NDJSON events in, one NDJSON line out per
/// produced record or failure.
///
///     {"subscription":"User Upload","action":"userUpload","record":{…}}
///     {"subscription":"User Upload","action":"userUpload","record":{…},"warnings":["ts …"]}
///     {"subscription":"User Upload","line":3,"error":"Identity (identity) is required …"}
///     {"line":7,"error":"invalid JSON: … at column 12"}
///
/// Blank lines are skipped; a bad line is reported and the run goes on. A line holding a Segment
/// batch envelope (`{"batch": [...]}`) is opened into its events, as `deliver` does.
public enum MapStream {
    /// Every shape `deliver` reads: NDJSON lines straight from the reader's buffer; the elements of
    /// a top-level array or pretty-printed values (an indented batch envelope) decoded as `deliver`
    /// decodes them, a value that is not an event giving `{"line":N,"element":I,"error":…}`
    /// (`element` for an array).
    public static func run(pipeline: SubscriptionPipeline, reader: inout InputReader, output: Int32) throws(StreamError) -> MapSummary {
        var writer = BufferedByteWriter(descriptor: output)
        var summary = MapSummary()
        let prefixes = RecordPrefixes(pipeline)
        let selection = EventDecoder.selection(reading: pipeline.eventSelection)
        var decoded: [Result<InputEvent, MalformedInput>] = []
        try reader.forEachItem(beforeWaiting: { () throws(StreamError) in try writer.flush() }, line: { (line, number) throws(StreamError) in
            summary.lines = number
            mapLine(line, number: number, pipeline: pipeline, selection: selection, prefixes: prefixes, summary: &summary,
                    into: &writer.bytes)
            try writer.flushIfNeeded()
        }, value: { (item) throws(StreamError) in
            switch item {
            case .value(let bytes, let position, let singleLine):
                summary.lines = max(summary.lines, position.line)
                decoded.removeAll(keepingCapacity: true)
                EventDecoder.decode(bytes: bytes, position: position, singleLine: singleLine, selecting: selection, into: &decoded)
                map(decoded, pipeline: pipeline, prefixes: prefixes, summary: &summary, into: &writer.bytes)
            case .malformed(let position, let message, _):
                summary.lines = max(summary.lines, position.line)
                summary.invalidLines += 1
                writeItemError(message, at: position, into: &writer.bytes)
            case .idle:
                break  // forEachItem turns it into beforeWaiting
            }
            try writer.flushIfNeeded()
        }, readFailure: StreamError.input)
        try writer.flush()
        return summary
    }

    /// Decoded events through the pipeline; what is not an event reported with its place.
    static func map(_ decoded: [Result<InputEvent, MalformedInput>], pipeline: SubscriptionPipeline,
                    prefixes: RecordPrefixes, summary: inout MapSummary, into out: inout [UInt8]) {
        for result in decoded {
            switch result {
            case .success(let event):
                summary.events += 1
                event.withRawEvent { raw in
                    map(event.value, raw: raw, line: event.position.line, pipeline: pipeline, prefixes: prefixes, summary: &summary,
                        into: &out)
                }
            case .failure(let problem):
                summary.invalidLines += 1
                writeItemError(problem.message, at: problem.position, into: &out)
            }
        }
    }

    /// `{"line":N,"error":…}`, with `"element":I` for an array element; a batch item's error says
    /// which item.
    static func writeItemError(_ message: String, at position: InputPosition, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"line":"#.utf8)
        JSONWriter.writeInteger(Int64(position.line), into: &out)
        if let element = position.arrayIndex {
            out.append(contentsOf: #","element":"#.utf8)
            JSONWriter.writeInteger(Int64(element), into: &out)
        }
        out.append(contentsOf: #","error":"#.utf8)
        JSONWriter.writeString(position.batchIndex.map { "batch item \($0): \(message)" } ?? message, into: &out)
        out.append(contentsOf: "}\n".utf8)
    }

    /// One input line: skipped when blank, reported when it is not an event, opened when it is a
    /// batch envelope, otherwise one event through the pipeline.
    @inline(__always)
    static func mapLine(_ line: UnsafeBufferPointer<UInt8>, number: Int, pipeline: SubscriptionPipeline, selection: JSONSelection,
                        prefixes: RecordPrefixes, summary: inout MapSummary, into out: inout [UInt8]) {
        if isBlank(line) { return }
        let event: JSONValue
        var spans = RawSpans()
        do throws(JSONParseError) {
            event = try EventDecoder.parse(line, selecting: selection, capturing: &spans)
        } catch {
            summary.invalidLines += 1
            let column = error.lineAndColumn(in: line).column
            writeItemError("invalid JSON: \(error.message) at column \(column)", at: InputPosition(source: "", line: number), into: &out)
            return
        }
        guard case .object(let object) = event else {
            summary.invalidLines += 1
            writeItemError("an event must be a JSON object, got \(event.kindWithArticle)", at: InputPosition(source: "", line: number),
                           into: &out)
            return
        }
        if EventDecoder.batchItems(object) != nil {
            // A Segment batch envelope, opened as `deliver` opens it (one rule: EventDecoder).
            var decoded: [Result<InputEvent, MalformedInput>] = []
            EventDecoder.decode(value: event, position: InputPosition(source: "", line: number), source: .value(event), into: &decoded)
            map(decoded, pipeline: pipeline, prefixes: prefixes, summary: &summary, into: &out)
            return
        }
        summary.events += 1
        map(event, raw: RawEvent(bytes: line, spans: spans), line: number, pipeline: pipeline, prefixes: prefixes,
            summary: &summary, into: &out)
    }

    /// One event through the pipeline: a line per record or failure.
    @inline(__always)
    static func map(_ event: JSONValue, raw: RawEvent?, line: Int, pipeline: SubscriptionPipeline, prefixes: RecordPrefixes,
                    summary: inout MapSummary, into out: inout [UInt8]) {
        pipeline.forEachOutcome(event, raw: raw, writingInto: &out) { index, output, out in
            switch output {
            case .written(let bytes, let warnings):
                // The record went straight to the output; its line's prefix goes before it.
                summary.records += 1
                out.insert(contentsOf: prefixes.prefixes[index], at: bytes.lowerBound)
                finishRecord(warnings: warnings, into: &out)
            case .outcome(.record(_, _, let record)):
                summary.records += 1
                out.append(contentsOf: prefixes.prefixes[index])
                JSONWriter.write(record.record, into: &out)
                finishRecord(warnings: record.warnings, into: &out)
            case .outcome(.failed(let subscription, let reason)):
                summary.failures += 1
                writeFailure(subscription: subscription, line: line, reason: reason.description, into: &out)
            }
        }
    }

    @inline(__always)
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in line where byte != 0x20 && byte != 0x09 && byte != 0x0D { return false }
        return true
    }

    /// What follows a record's JSON on its line: its warnings, if any, and the end of the line.
    static func finishRecord(warnings: [String], into out: inout [UInt8]) {
        if !warnings.isEmpty {
            out.append(contentsOf: #","warnings":"#.utf8)
            JSONWriter.write(.array(warnings.map { .string($0) }), into: &out)
        }
        out.append(contentsOf: "}\n".utf8)
    }

    static func writeFailure(subscription: SubscriptionRef, line: Int, reason: String, into out: inout [UInt8]) {
        out.append(contentsOf: #"{"subscription":"#.utf8)
        JSONWriter.writeString(subscription.name, into: &out)
        out.append(contentsOf: #","line":"#.utf8)
        JSONWriter.writeInteger(Int64(line), into: &out)
        out.append(contentsOf: #","error":"#.utf8)
        JSONWriter.writeString(reason, into: &out)
        out.append(contentsOf: "}\n".utf8)
    }
}

/// Each subscription's `{"subscription":…,"action":…,"record":` written once per run, not per
/// record.
struct RecordPrefixes: Sendable {
    let prefixes: [[UInt8]]

    init(_ pipeline: SubscriptionPipeline) {
        prefixes = pipeline.subscriptions.map { subscription in
            var out = Array(#"{"subscription":"#.utf8)
            JSONWriter.writeString(subscription.name, into: &out)
            out.append(contentsOf: #","action":"#.utf8)
            JSONWriter.writeString(subscription.action.rawValue, into: &out)
            out.append(contentsOf: #","record":"#.utf8)
            return out
        }
    }
}
