import Testing
@testable import CleverTapCore
@testable import Sandbox  // its seeded generator, so a failure comes back on every run

/// Person Attributes written from the event's bytes (`RawProfileWriter`) against the tree: the
/// same record bytes, the same warnings, the same failures, for every profile; and the raw path
/// really taken for the plain ones.
@Suite(.timeLimit(.minutes(2))) struct RawProfileTests {
    /// What one event gives, each outcome as the line `map` would write of it, and how many
    /// records were written straight from the bytes.
    struct Streamed: Equatable {
        var lines: [String] = []
        var written = 0
    }

    /// The event's outcomes through `forEachOutcome(_:raw:…)`: parsed with the pipeline's
    /// selection, capturing raw parts when `capturing`, else fully parsed and given no spans.
    static func streamed(_ pipeline: SubscriptionPipeline, _ line: String, capturing: Bool) throws -> Streamed {
        let bytes = Array(line.utf8)
        let selection = EventDecoder.selection(reading: pipeline.eventSelection)
        var result = Streamed()
        try bytes.withUnsafeBufferPointer { buffer in
            var spans = RawSpans()
            let event = capturing ? try EventDecoder.parse(buffer, selecting: selection, capturing: &spans) : try JSONParser.parse(buffer)
            var out: [UInt8] = []
            pipeline.forEachOutcome(event, raw: capturing ? RawEvent(bytes: buffer, spans: spans) : nil, writingInto: &out) { index, output, out in
                switch output {
                case .written(let range, let warnings):
                    result.written += 1
                    result.lines.append("\(index) " + String(decoding: out[range], as: UTF8.self) + " \(warnings)")
                case .outcome(.record(_, _, let record)):
                    result.lines.append("\(index) \(record.record) \(record.warnings)")
                case .outcome(.failed(_, let reason)):
                    result.lines.append("\(index) failed: \(reason)")
                }
            }
        }
        return result
    }

    static let quickSetup = SubscriptionPipeline(destination: PipelineFixtures.quickSetupDestination())

    static func identify(traits: String) -> String {
        #"{"type":"identify","userId":"u-1","timestamp":"2026-11-28T10:00:00.000Z","traits":"# + traits + "}"
    }

    /// Profiles the bytes write (true) or leave to the tree (false), by the tree's rules.
    static let profiles: [(traits: String, raw: Bool)] = [
        (#"{"name":"A","email":"a@example.com","logins":3,"vip":true,"nick":null}"#, true),
        (#"{"createdAt":"2025-01-02T03:04:05Z","birthday":"1990-05-17","phone":"+14155550000","id":"1136225047"}"#, true),
        (#"{"bad":"2025-02-30","noZone":"2025-01-02T03:04","fraction":"2025-01-02T03:04:05.123456789+05:30","short":"2025-1-2"}"#, true),
        (#"{"address":{"city":"Berlin","geo":{"lat":52,"lng":13}},"plan":"free"}"#, true),
        (#" { "a" : 1 , "b" : [ 1 , "x" , true , null ] , "c" : { } , "d" : [ ] } "#, true),
        (#"{"tags":["2025-01-02T03:04:05Z","b"],"n":-12,"zero":0}"#, true),
        (#"{"Müller":"😀","é":{"e\u0301":1}}"#, false),  // an escaped key: the selective parse gives up
        (#"{"Müller":"😀","é":{"ü":"ß"}}"#, true),
        ("{}", true),
        ("null", true),
        (#""a string""#, false),
        ("[1,2]", false),
        ("42", false),
        (#"{"quote":"say \"hi\""}"#, false),
        (#"{"price":12.50}"#, false),
        (#"{"big":1e3}"#, false),
        (#"{"minusZero":-0}"#, false),
        (#"{"nineteen":1234567890123456789}"#, false),
        (#"{"huge":123456789012345678901234567890}"#, false),
        (#"{"items":[{"sku":"a"}],"grid":[[1,2]]}"#, false),
        (#"{"score":{"$incr":1}}"#, false),
        (#"{"dollars":{"$notAnOperator":1}}"#, false),
        (#"{"a.b":1,"a":{"b":2}}"#, false),
        (#"{"a":{"b":2},"a.b":1}"#, false),
        (nested(levels: RawProfileWriter.maximumDepth), true),
        (nested(levels: RawProfileWriter.maximumDepth + 1), false),
    ]

    /// `{"k0":{"k1":…{"leaf":1}…}}`, `levels` objects deep below the profile.
    static func nested(levels: Int) -> String {
        (0..<levels).reversed().reduce(#"{"leaf":1}"#) { inner, level in #"{"k\#(level)":"# + inner + "}" }
    }

    /// Whether `RawProfileWriter` writes `traits` itself (true) or leaves it to the tree.
    static func writtenFromBytes(_ traits: String) -> Bool {
        var out: [UInt8] = [1, 2, 3]
        let written = Array(traits.utf8).withUnsafeBufferPointer { RawProfileWriter.write($0, convertTimestamps: true, into: &out) }
        if !written { #expect(out == [1, 2, 3], "a declined profile leaves the buffer as it was") }
        return written
    }

    @Test(arguments: profiles.indices)
    func aProfileFromItsBytesIsTheTreesProfile(_ index: Int) throws {
        let (traits, raw) = Self.profiles[index]
        let line = Self.identify(traits: traits)
        let fromBytes = try Self.streamed(Self.quickSetup, line, capturing: true)
        let fromTree = try Self.streamed(Self.quickSetup, line, capturing: false)
        #expect(fromBytes.lines == fromTree.lines, "\(traits)")
        #expect(Self.writtenFromBytes(traits) == raw, "\(traits)")
        #expect(fromTree.written == 0)
    }

    @Test func manyKeysAreWrittenFlatButCheckedByTheTreeOnceNested() throws {
        let flat = "{" + (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",") + "}"
        let nested = "{" + (0..<40).map { #""k\#($0)":{"v":\#($0)}"# }.joined(separator: ",") + "}"
        for (traits, raw) in [(flat, true), (nested, false)] {
            let line = Self.identify(traits: traits)
            let fromBytes = try Self.streamed(Self.quickSetup, line, capturing: true)
            #expect(fromBytes.lines == (try Self.streamed(Self.quickSetup, line, capturing: false).lines))
            #expect(Self.writtenFromBytes(traits) == raw)
        }
    }

    /// Identity and `ts` still come from the tree, with their rules and warnings; a failure leaves
    /// nothing in the buffer.
    @Test(arguments: [
        #"{"type":"identify","traits":{"a":1}}"#,
        #"{"type":"identify","userId":42,"timestamp":1136225047,"traits":{"a":1}}"#,
        #"{"type":"identify","userId":"u","timestamp":"yesterday","traits":{"a":1}}"#,
        #"{"type":"identify","userId":"u","timestamp":"2026-11-28T10:00:00Z"}"#,
        #"{"type":"identify","userId":"u","traits":"not an object"}"#,
        #"{"type":"identify","userId":{"id":1},"traits":{"a":1}}"#,
        #"{"type":"track","event":"Delete User","userId":"u","traits":{"a":1}}"#,
    ])
    func otherFieldsKeepTheirRules(_ line: String) throws {
        #expect(try Self.streamed(Self.quickSetup, line, capturing: true).lines == Self.streamed(Self.quickSetup, line, capturing: false).lines)
    }

    /// A captured `ts` gives the tree's seconds and warnings, with Convert Timestamps on and off.
    @Test(arguments: [
        #""2026-11-28T10:00:00.000Z""#, #""2019-02-01""#, #""1136225047""#, #""1136225047.9""#, #""2026-02-30T10:00:00Z""#,
        #""1136225047000""#, #""0""#, #""yesterday""#, #""2026-11-28T10:00:00\u005a""#, #""""#, "1136225047", "1.5e9",
        "-5", "null", "true", #"{"at":1}"#, "[1]",
    ])
    func aCapturedTimestampIsTheTreesTimestamp(_ ts: String) throws {
        let line = #"{"type":"identify","userId":"u","timestamp":"# + ts + #","traits":{"a":1}}"#
        let mapping = #"{"identity":{"@path":"$.userId"},"ts":{"@path":"$.timestamp"},"profileData":{"@path":"$.traits"}}"#
        for convert in [true, false] {
            let subscription = Subscription(id: "s", name: "S", action: .userUpload, trigger: #"type = "identify""#,
                                            mapping: try #require(JSONParser.parse(mapping).objectValue), convertTimestamps: convert)
            let pipeline = SubscriptionPipeline(subscriptions: [subscription])
            let captured = try Self.streamed(pipeline, line, capturing: true)
            #expect(captured == Streamed(lines: try Self.streamed(pipeline, line, capturing: false).lines, written: 1),
                    "\(ts), convert \(convert)")
        }
    }

    /// Quick Setup captures `traits` and `timestamp`; an identity read from the timestamp keeps it
    /// in the tree, and the record is the same.
    @Test func timestampAndProfileAreCapturedWhenNothingElseReadsThem() throws {
        func slots(_ pipeline: SubscriptionPipeline) -> [String: Int?] {
            guard case .members(let members) = pipeline.eventSelection else { return [:] }
            return Dictionary(uniqueKeysWithValues: members.map { (String(decoding: $0.key, as: UTF8.self), $0.rawSlot) })
        }
        #expect(slots(Self.quickSetup) == ["type": nil, "userId": nil, "event": nil, "traits": 0, "timestamp": 1])
        let mapping = #"{"identity":{"@path":"$.timestamp"},"ts":{"@path":"$.timestamp"},"profileData":{"@path":"$.traits"}}"#
        let pipeline = try PipelineSelectionTests.pipeline([(#"type = "identify""#, mapping)])
        #expect(slots(pipeline) == ["type": nil, "timestamp": nil, "traits": 0])
        for line in [#"{"type":"identify","userId":"u","timestamp":"2026-11-28T10:00:00Z","traits":{"a":"2025-01-02"}}"#,
                     #"{"type":"identify","userId":"u","timestamp":"2026-11-28T10:00:00Z"}"#] {
            #expect(try Self.streamed(pipeline, line, capturing: true)
                    == Streamed(lines: try Self.streamed(pipeline, line, capturing: false).lines, written: 1))
        }
    }

    /// Random profiles, plain and not, through several pipelines sharing or not sharing the path.
    @Test func randomProfilesAgree() throws {
        let pipelines = [
            Self.quickSetup,
            try PipelineSelectionTests.pipeline([(#"type = "identify""#, #"{"identity":{"@path":"$.userId"},"profileData":{"@path":"$.traits"}}"#),
                                             (#"type = "track""#, #"{"identity":{"@path":"$.userId"},"profileData":{"@path":"$.context.traits"}}"#),
                                             (#"type = "identify""#, #"{"identity":{"@path":"$.traits.email"},"profileData":{"@path":"$.traits"}}"#)]),
            try PipelineSelectionTests.pipeline([(#"type = "identify""#, #"{"identity":{"@path":"$.userId"},"profileData":{"@path":"$.traits"}}"#),
                                             (#"type = "identify""#, #"{"identity":{"@path":"$.userId"},"profileData":{"@path":"$.traits.address"}}"#)]),
        ]
        var random = SeededGenerator(seed: 2026)
        var streamed = 0
        var fromBytes = 0
        for round in 0..<400 {
            let traits = Self.randomObject(depth: 0, using: &random)
            let type = round % 3 == 0 ? "track" : "identify"
            let line = #"{"type":"\#(type)","userId":"u\#(round)","context":{"traits":\#(traits)},"traits":\#(traits)}"#
            for pipeline in pipelines {
                let captured = try Self.streamed(pipeline, line, capturing: true)
                #expect(captured.lines == (try Self.streamed(pipeline, line, capturing: false).lines), "\(line)")
                streamed += captured.written
            }
            if Self.writtenFromBytes(traits) { fromBytes += 1 }
        }
        // Streamed: the first pipeline's identify profiles and the second's track profiles; never a
        // path another read builds (the identity's `traits.email`, a profile path inside another).
        #expect(streamed > 300, "\(streamed) records streamed")
        #expect(fromBytes > 50, "\(fromBytes) profiles written from their bytes")
    }

    static func randomObject(depth: Int, using random: inout SeededGenerator) -> String {
        let count = Int.random(in: 0...6, using: &random)
        let keys = ["a", "b", "a.b", "email", "created_at", "plan", "é", "$add", "x y"]
        var members: [String] = []
        for _ in 0..<count {
            let key = keys.randomElement(using: &random)!
            if members.contains(where: { $0.hasPrefix("\"\(key)\":") }) { continue }
            members.append("\"\(key)\":" + randomValue(depth: depth + 1, using: &random))
        }
        return "{" + members.joined(separator: Bool.random(using: &random) ? "," : " , ") + "}"
    }

    static func randomValue(depth: Int, using random: inout SeededGenerator) -> String {
        let scalars = [#""text""#, #""2025-01-02T03:04:05Z""#, #""2019-02-01""#, #""a\"b""#, "12", "-7", "1.5", "0", "true",
                       "false", "null", #""user@example.com""#, #""+14155550000""#, "1e2"]
        switch Int.random(in: 0..<10, using: &random) {
        case 0 where depth < 4: return randomObject(depth: depth, using: &random)
        case 1 where depth < 4:
            let elements = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                Int.random(in: 0..<5, using: &random) == 0 ? randomObject(depth: depth + 1, using: &random)
                                                             : scalars.randomElement(using: &random)! }
            return "[" + elements.joined(separator: ",") + "]"
        default: return scalars.randomElement(using: &random)!
        }
    }
}
