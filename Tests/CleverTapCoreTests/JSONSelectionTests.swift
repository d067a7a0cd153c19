import Testing
@testable import CleverTapCore
@testable import Sandbox  // its seeded generator, so a failure comes back on every run

/// `JSONParser.parse(_:selecting:)` against the full parse: the same value on every selected
/// path, the same error for every bad document, wherever in it the fault is.
@Suite(.timeLimit(.minutes(2))) struct JSONSelectionTests {
    static func selection(_ paths: [[String]]) -> JSONSelection {
        var selection = JSONSelection.nothing
        for path in paths { selection.insert(path: path) }
        return selection
    }

    /// `.all` too: a pipeline that reads the whole event (`@liquid`) goes through the same reader.
    static let selections: [JSONSelection] = [
        .all,
        .nothing,
        selection([["type"]]),
        selection([["type"], ["userId"], ["traits"]]),
        selection([["context", "library", "name"], ["properties", "items", "0"], ["a", "b"]]),
        selection([["é"], ["e\u{301}", "x"]]),
    ]

    static func parseBoth(_ bytes: [UInt8], _ selection: JSONSelection) -> (full: Result<JSONValue, JSONParseError>, selected: Result<JSONValue, JSONParseError>) {
        bytes.withUnsafeBufferPointer { buffer in
            let full: Result<JSONValue, JSONParseError>
            do throws(JSONParseError) { full = .success(try JSONParser.parse(buffer)) } catch { full = .failure(error) }
            let selected: Result<JSONValue, JSONParseError>
            do throws(JSONParseError) { selected = .success(try JSONParser.parse(buffer, selecting: selection)) } catch { selected = .failure(error) }
            return (full, selected)
        }
    }

    static func expectAgreement(_ bytes: [UInt8], _ selection: JSONSelection, sourceLocation: SourceLocation = #_sourceLocation) {
        let (full, selected) = parseBoth(bytes, selection)
        switch (full, selected) {
        case (.success(let value), .success(let part)):
            #expect(part == value.restricted(to: selection), "\(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        case (.failure(let error), .failure(let same)):
            #expect(same == error, sourceLocation: sourceLocation)
        default:
            Issue.record("full \(full) but selected \(selected) for \(String(decoding: bytes, as: UTF8.self))", sourceLocation: sourceLocation)
        }
    }

    @Test func restrictingKeepsSelectedMembersInOrder() throws {
        let value = try JSONParser.parse(#"{"b":{"x":1,"y":2},"a":[{"x":1}],"c":3,"d":{"x":{"z":1}}}"#)
        let selection = Self.selection([["d", "x"], ["a", "x"], ["b", "y"]])
        #expect(value.restricted(to: selection) == (try JSONParser.parse(#"{"b":{"y":2},"a":[{"x":1}],"d":{"x":{"z":1}}}"#)))
        #expect(value.restricted(to: .all) == value)
        #expect(value.restricted(to: .nothing) == .object(JSONObject()))
    }

    @Test(arguments: [
        #"{"type":"identify","userId":"u1","traits":{"name":"A","address":{"city":"B"}},"context":{"ip":"1.2.3.4","library":{"name":"js","version":"1"}}}"#,
        #"{"type":"track","event":"X","properties":{"items":[{"id":1},{"id":2}],"revenue":-12.5e-1,"big":123456789012345678901234567890},"a":{"b":[true,false,null]}}"#,
        #"{"context":{"library":"not an object"},"properties":[1,2],"a":"b"}"#,
        #"{"é":1,"e\u0301":{"x":2,"y":3},"e\u0301x":"\u00e9\ud83d\ude00","Müller":"😀"}"#,
        #"{"nested":{"a":{"b":{"c":{"d":[[[[{}]]]]}}}},"empty":{},"list":[],"s":"\"\\\/\b\f\n\r\t"}"#,
        #"  {  "type" : "identify" , "traits" : { "a" : 1 } }  "#,
        #"{}"#,
        #"[{"type":"identify"}]"#,
        #""just a string""#,
        #"{"a":{"b":1},"type":"x","wide":{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14,"k15":15,"k16":16,"k17":17,"k18":18,"k19":19,"k20":20,"k21":21,"k22":22,"k23":23,"k24":24,"k25":25,"k26":26,"k27":27,"k28":28,"k29":29,"k30":30,"k31":31,"k32":32,"k33":33}}"#,
        #"{"a\u0062":1,"type":"x"}"#,
    ])
    func buildsWhatTheFullParseBuildsOnTheSelectedPaths(_ document: String) {
        for selection in Self.selections { Self.expectAgreement(Array(document.utf8), selection) }
    }

    /// Faults inside members no selection keeps, where only the checks (not the builder) see them.
    @Test(arguments: [
        #"{"type":"t","context":{"ip":"1","ip":"2"}}"#,
        #"{"type":"t","context":{"a\u0062":1,"ab":2}}"#,
        #"{"type":"t","type":"u"}"#,
        #"{"context":{"x":tru},"type":"t"}"#,
        #"{"context":{"x":01}}"#,
        #"{"context":{"x":-}}"#,
        #"{"context":{"x":1.}}"#,
        #"{"context":{"x":1e}}"#,
        #"{"context":{"x":1e400}}"#,
        #"{"context":{"x":-1E+999}}"#,
        #"{"context":{"x":"\x"}}"#,
        #"{"context":{"x":"\u12G4"}}"#,
        #"{"context":{"x":"\ud83d"}}"#,
        #"{"context":{"x":"\ud83d\u0041"}}"#,
        #"{"context":{"x":"\ude00"}}"#,
        #"{"context":{"x":"abc}}"#,
        #"{"context":{"x":[1,]}}"#,
        #"{"context":{"x":[1 2]}}"#,
        #"{"context":{"x":1,}}"#,
        #"{"context":{x:1}}"#,
        #"{"context":{"x" 1}}"#,
        #"{"context":{"x":1}"#,
        #"{"context":{"x":1}} x"#,
        #"{"context":{"x":1}},"#,
        "{\"context\":{\"x\":\"a\tb\"}}",
        "{\"context\":{\"x\":\"a\u{1}b\"}}",
    ])
    func rejectsWhatTheFullParseRejects(_ document: String) {
        for selection in Self.selections {
            let (full, _) = Self.parseBoth(Array(document.utf8), selection)
            guard case .failure = full else { Issue.record("the full parse accepted \(document)"); return }
            Self.expectAgreement(Array(document.utf8), selection)
        }
    }

    @Test(arguments: [
        [0xC3],                // truncated 2-byte sequence
        [0xFF],                // never valid in UTF-8
        [0xC0, 0xAF],          // overlong "/"
        [0xE0, 0x80, 0xAF],    // overlong 3-byte
        [0xED, 0xA0, 0xBD],    // a UTF-16 surrogate encoded as UTF-8
        [0xF4, 0x90, 0x80, 0x80],  // past U+10FFFF
        [0xF5, 0x80, 0x80, 0x80],
        [0xE2, 0x82],          // truncated 3-byte
        [0xF0, 0x9F, 0x98],    // truncated 4-byte
        [0xE2, 0x82, 0xAC],    // valid "€", as a control
        [0xF0, 0x9F, 0x98, 0x80],  // valid "😀", as a control
    ] as [[UInt8]])
    func checksUTF8InSkippedStringsAndKeys(_ sequence: [UInt8]) {
        let inValue = Array(#"{"type":"t","context":{"x":"a"#.utf8) + sequence + Array(#"b"}}"#.utf8)
        let inKey = Array(#"{"type":"t","context":{"a"#.utf8) + sequence + Array(#"b":1}}"#.utf8)
        for selection in Self.selections {
            Self.expectAgreement(inValue, selection)
            Self.expectAgreement(inKey, selection)
        }
    }

    @Test func limitsNestingInSkippedMembers() {
        let depth = JSONParser.maximumDepth
        for extra in [-1, 0, 1] {
            let inner = String(repeating: "[", count: depth - 1 + extra) + String(repeating: "]", count: depth - 1 + extra)
            Self.expectAgreement(Array(#"{"context":\#(inner)}"#.utf8), .nothing)
            let objects = String(repeating: #"{"a":"#, count: depth - 1 + extra) + "1" + String(repeating: "}", count: depth - 1 + extra)
            Self.expectAgreement(Array(#"{"context":\#(objects)}"#.utf8), .nothing)
            Self.expectAgreement(Array(#"{"a":\#(objects)}"#.utf8), Self.selection([Array(repeating: "a", count: depth + 2)]))
        }
    }

    /// Random damage to real events (bytes dropped, changed, doubled): every result agrees.
    @Test func agreesOnDamagedEvents() throws {
        var random = SeededGenerator(seed: 12)
        let lines = try PipelineFixtures.sampleEventLines()
        let alphabet = Array(#"{}[]":,\.-+eE0123456789tfnu "#.utf8) + [0x00, 0x0A, 0xC3, 0xA9, 0xED, 0xF0]
        var checked = 0
        for line in lines {
            let bytes = Array(line.utf8)
            for _ in 0..<150 {
                var damaged = bytes
                for _ in 0...Int(random.next() % 3) {
                    let at = Int(random.next() % UInt64(damaged.count))
                    switch random.next() % 3 {
                    case 0: damaged.remove(at: at)
                    case 1: damaged[at] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                    default: damaged.insert(damaged[at], at: at)
                    }
                    if damaged.isEmpty { break }
                }
                for selection in Self.selections { Self.expectAgreement(damaged, selection) }
                checked += 1
            }
        }
        #expect(checked == lines.count * 150)
    }
}

/// What pipelines ask to be parsed, and that asking changes no outcome.
@Suite(.timeLimit(.minutes(2))) struct PipelineSelectionTests {
    static func pipeline(_ subscriptions: [(trigger: String, mapping: String)]) throws -> SubscriptionPipeline {
        let made = try subscriptions.enumerated().map { index, spec in
            Subscription(id: "s\(index)", name: "S\(index)", action: .userUpload, trigger: spec.trigger,
                         mapping: try #require(JSONParser.parse(spec.mapping).objectValue))
        }
        let pipeline = SubscriptionPipeline(subscriptions: made)
        #expect(pipeline.problems.isEmpty, "\(pipeline.problems)")
        return pipeline
    }

    static func keys(_ selection: JSONSelection) -> [String: Any]? {
        guard case .members(let members) = selection else { return nil }
        var out: [String: Any] = [:]
        for member in members { out[String(decoding: member.key, as: UTF8.self)] = keys(member.selection) ?? "all" }
        return out
    }

    @Test func quickSetupReadsFiveMembers() {
        let pipeline = SubscriptionPipeline(destination: PipelineFixtures.quickSetupDestination())
        guard case .members(let members) = pipeline.eventSelection else { Issue.record("selects everything"); return }
        #expect(members.map { String(decoding: $0.key, as: UTF8.self) } == ["type", "userId", "event", "traits", "timestamp"])
        #expect(members.allSatisfy { $0.selection == .all })
        // Person Attributes and `ts` are read by nothing but User Upload's record: captured raw.
        #expect(members.map(\.rawSlot) == [nil, nil, nil, 0, 1])
    }

    @Test func pathsOfTriggersTemplatesAndConditionsAreSelected() throws {
        let pipeline = try Self.pipeline([
            (#"traits.plan = "pro" and context.library.name = "js""#,
             #"{"identity":{"@template":"{{userId}}-{{ $.context.app.name }}"},"ts":{"@if":{"exists":{"@path":"$.sentAt"},"then":{"@path":"$.sentAt"},"else":{"@path":"$.timestamp"}}},"profileData":{"Plan":{"@path":"$.traits.plan"},"Items":{"@arrayPath":["$.properties.items",{"id":{"@path":"$.sku"}}]}}}"#),
        ])
        guard case .members(let top) = pipeline.eventSelection else { Issue.record("selects everything"); return }
        #expect(Set(top.map { String(decoding: $0.key, as: UTF8.self) }) == ["traits", "context", "userId", "sentAt", "timestamp", "properties"])
        let context = top.first { $0.key == Array("context".utf8) }?.selection
        guard case .members(let inContext)? = context else { Issue.record("context whole"); return }
        #expect(Set(inContext.map { String(decoding: $0.key, as: UTF8.self) }) == ["library", "app"])
        let items = top.first { $0.key == Array("properties".utf8) }?.selection
        #expect(items == JSONSelectionTests.selection([["items"]]))
    }

    /// A raw mark holds only while nothing else reads the value or a part of it, in either order.
    @Test func rawMarksGiveWayToOtherReads() {
        var selection = JSONSelectionTests.selection([["context", "ip"]])
        #expect(selection.insertRaw(path: ["context", "traits"], slot: 0) == 0)
        #expect(selection.insertRaw(path: ["context", "traits"], slot: 1) == 0)  // the same path shares its slot
        #expect(selection.insertRaw(path: ["traits"], slot: 1) == 1)
        guard case .members(let top) = selection, case .members(let context)? = top.first?.selection else {
            Issue.record("\(selection)"); return
        }
        #expect(context.map { $0.rawSlot } == [nil, 0])
        #expect(top.map { $0.rawSlot } == [nil, 1])

        var marked = selection
        marked.insert(path: ["traits", "email"])  // a part of it read: built whole
        #expect(marked.insertRaw(path: ["traits"], slot: 2) == nil)
        marked.insert(path: ["context"])  // an ancestor read whole
        #expect(marked == JSONSelectionTests.selection([["context"], ["traits"]]))

        var nested = selection
        #expect(nested.insertRaw(path: ["traits", "address"], slot: 2) == nil)  // inside a raw value: both built
        #expect(nested == { var s = JSONSelectionTests.selection([["context", "ip"], ["traits"]]); _ = s.insertRaw(path: ["context", "traits"], slot: 0); return s }())
        var whole = JSONSelection.all
        #expect(whole.insertRaw(path: ["traits"], slot: 0) == nil)
        #expect(whole == .all)
    }

    /// Only the capturing parse skips a raw member; every other reader builds it.
    @Test func onlyTheCapturingParseLeavesRawMembersOut() throws {
        var selection = JSONSelectionTests.selection([["type"]])
        _ = selection.insertRaw(path: ["traits"], slot: 0)
        let line = Array(#"{"type":"identify","traits": {"a":[1,{"b":2}]} ,"context":{}}"#.utf8)
        try line.withUnsafeBufferPointer { buffer in
            let whole = try JSONParser.parse(buffer)
            #expect(try JSONParser.parse(buffer, selecting: selection) == whole.restricted(to: JSONSelectionTests.selection([["type"], ["traits"]])))
            var spans = RawSpans()
            #expect(try JSONParser.parse(buffer, selecting: selection, capturing: &spans) == whole.restricted(to: JSONSelectionTests.selection([["type"]])))
            let span = try #require(spans[0])
            #expect(String(decoding: buffer[span], as: UTF8.self) == #"{"a":[1,{"b":2}]}"#)
            #expect(spans[1] == nil)
        }
        // A document the selective reader leaves to the full parse (an escaped key) has it built.
        let escaped = Array(#"{"type":"identify","traits":{"a":1},"\u0063ontext":{}}"#.utf8)
        try escaped.withUnsafeBufferPointer { buffer in
            var spans = RawSpans()
            let value = try JSONParser.parse(buffer, selecting: selection, capturing: &spans)
            #expect(spans.isEmpty)
            #expect(value == (try JSONParser.parse(buffer)).restricted(to: JSONSelectionTests.selection([["type"], ["traits"]])))
        }
    }

    @Test(arguments: [
        #"{"identity":{"@path":"$."}}"#,
        #"{"identity":{"@liquid":"{{ userId }}"}}"#,
        #"{"identity":{"@path":{"@template":"$.{{type}}"}}}"#,
    ])
    func readersWeCannotFollowSelectTheWholeEvent(_ mapping: String) throws {
        let pipeline = try Self.pipeline([(#"type = "identify""#, mapping)])
        #expect(pipeline.eventSelection == .all)
    }

    /// Every sample event, through several pipelines: the outcomes of a selected parse are those of a full one.
    @Test func outcomesAreThoseOfTheWholeEvent() throws {
        var eventsDestination = PipelineFixtures.quickSetupDestination()
        eventsDestination.subscriptions = Preset.quickSetup(events: true).enumerated().map { $0.element.makeSubscription(id: "s\($0.offset)") }
        let pipelines = [
            SubscriptionPipeline(destination: PipelineFixtures.quickSetupDestination()),
            SubscriptionPipeline(destination: eventsDestination),
            try Self.pipeline([(#"context.library.name = "analytics.js" or properties.revenue > 1"#,
                                #"{"identity":{"@template":"{{userId}}/{{context.locale}}"},"profileData":{"@merge":{"objects":[{"@path":"$.traits.address"},{"@path":"$.properties"}],"direction":"right"}}}"#)]),
        ]
        let lines = try PipelineFixtures.sampleEventLines()
        var compared = 0
        for pipeline in pipelines {
            let selection = EventDecoder.selection(reading: pipeline.eventSelection)
            #expect(selection != .all)
            for line in lines {
                let bytes = Array(line.utf8)
                let (full, part) = try bytes.withUnsafeBufferPointer { buffer in
                    (try JSONParser.parse(buffer), try JSONParser.parse(buffer, selecting: selection))
                }
                #expect(pipeline.process(part) == pipeline.process(full), "\(line)")
                // With raw parts captured, as `map` and `deliver` read: the same records, as bytes.
                let captured = try RawProfileTests.streamed(pipeline, line, capturing: true)
                #expect(captured.lines == (try RawProfileTests.streamed(pipeline, line, capturing: false).lines), "\(line)")
                compared += pipeline.process(full).count
            }
        }
        #expect(compared > lines.count)
    }
}
