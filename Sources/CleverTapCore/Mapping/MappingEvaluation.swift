/// The logic of `clevertap-actions eval-mapping`: one NDJSON request line in, one answer out.
///
///     {"mapping": {...}, "event": {...}}  ->  {"output": <value>}  |  {"absent": true}  |  {"error": "..."}
///     {"mapping": {...}}                  ->  {"valid": true}      |  {"error": "..."}
///
/// A line that is not such a request gets `{"error": "line N: ..."}` and the run goes on.
public enum MappingEvaluation {
    /// The answer to one request line.
    public static func answer(line: UnsafeBufferPointer<UInt8>, number: Int) -> JSONValue {
        let request: JSONValue
        do throws(JSONParseError) {
            request = try JSONParser.parse(line)
        } catch {
            return failure("line \(number): invalid JSON: \(error.message) at column \(error.lineAndColumn(in: line).column)")
        }
        return answer(request: request, number: number)
    }

    /// The answer to one parsed request.
    public static func answer(request: JSONValue, number: Int) -> JSONValue {
        guard case .object(let object) = request, let mapping = object["mapping"] else {
            return failure(#"line \#(number): expected an object {"mapping": ..., "event": ...}"#)
        }
        let unknown = object.keys.filter { $0 != "mapping" && $0 != "event" }
        if !unknown.isEmpty {
            return failure("line \(number): unknown key\(unknown.count > 1 ? "s" : "") \(unknown.map { "\"\($0)\"" }.joined(separator: ", ")); expected \"mapping\" and \"event\"")
        }
        let compiled: CompiledMapping
        do throws(MappingError) {
            compiled = try CompiledMapping(mapping)
        } catch {
            return failure(error.description)
        }
        guard let event = object["event"] else { return ["valid": true] }
        guard case .object = event else {
            return failure("line \(number): \"event\" must be a JSON object, got \(event.kindWithArticle)")
        }
        do throws(MappingError) {
            if let output = try compiled.apply(to: event) { return .object(JSONObject([JSONObject.Member(key: "output", value: output)])) }
            return ["absent": true]
        } catch {
            return failure(error.description)
        }
    }

    static func failure(_ message: String) -> JSONValue {
        .object(JSONObject([JSONObject.Member(key: "error", value: .string(message))]))
    }

    /// Answers every line of `input` on `output`; blank lines are skipped. Returns how many
    /// answers were errors.
    public static func run(reader: inout InputReader, output: Int32) throws(StreamError) -> Int {
        try RequestLines.answer(reader: &reader, output: output) { line, number in answer(line: line, number: number) }
    }
}

/// The loop of the `eval-*` verbs: one JSON request in, one answer line out, in order, through
/// the same reader and writer as `map` (answers are flushed whenever the reader is about to wait,
/// so typed lines are answered at once). Requests come one per line, or as the elements of a
/// top-level array or pretty-printed values, as events do for `map` and `deliver`. Blank lines
/// get no answer; what is not a value gets `{"error":"line N: …"}`.
public enum RequestLines {
    /// Returns how many answers were errors (`{"error": ...}`).
    public static func answer(reader: inout InputReader, output: Int32,
                              _ answer: (UnsafeBufferPointer<UInt8>, Int) -> JSONValue) throws(StreamError) -> Int {
        var writer = BufferedByteWriter(descriptor: output, flushThreshold: 1 << 16)
        var errors = 0
        func write(_ result: JSONValue, into writer: inout BufferedByteWriter) throws(StreamError) {
            if result["error"] != nil { errors += 1 }
            JSONWriter.write(result, into: &writer.bytes)
            writer.bytes.append(0x0A)
            try writer.flushIfNeeded()
        }
        try reader.forEachItem(beforeWaiting: { () throws(StreamError) in try writer.flush() }, line: { (line, number) throws(StreamError) in
            if MapStream.isBlank(line) { return }
            try write(answer(line, number), into: &writer)
        }, value: { (item) throws(StreamError) in
            switch item {
            case .value(let bytes, let position, _):
                try write(bytes.withUnsafeBufferPointer { answer($0, position.line) }, into: &writer)
            case .malformed(let position, let message, _):
                try write(MappingEvaluation.failure("line \(position.line): \(message)"), into: &writer)
            case .idle:
                break  // forEachItem turns it into beforeWaiting
            }
        }, readFailure: StreamError.input)
        try writer.flush()
        return errors
    }
}
