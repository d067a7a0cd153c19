import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct TriggerPrintTests {
    /// Input and its canonical form: Segment's generate-fql layout, levels joined as evaluated.
    @Test(arguments: [
        (#"type="track""#, #"type = "track""#),
        ("  event   !=\t\"a\"  ", #"event != "a""#),
        (#"properties.total>=100"#, #"properties.total >= 100"#),
        (#"properties.price = 12.50"#, #"properties.price = 12.5"#),
        (#"properties.n = 007"#, #"properties.n = 7"#),
        (#"properties.n = +3"#, #"properties.n = 3"#),
        (#"properties.n < -0.50"#, #"properties.n < -0.5"#),
        (#"properties.n = -0"#, #"properties.n = 0"#),
        (#"(type = "track")"#, #"type = "track""#),
        (#"type = "a" and event = "b" or event = "c""#, #"type = "a" or event = "b" or event = "c""#),
        (#"(type = "a" or type = "b") and event = "c""#, #"(type = "a" or type = "b") and event = "c""#),
        (#"!contains( event ,"x" )"#, #"!contains(event, "x")"#),
        (#"contains(properties.n, 5.0)"#, #"contains(properties.n, 5)"#),
        (#"match(traits.email,"*@x.com")"#, #"match(traits.email, "*@x.com")"#),
        (#"properties.product\ 1.price = 9"#, #"properties.product\ 1.price = 9"#),
        (#"properties.a\.b = 1"#, #"properties.a.b = 1"#),
        (#"properties.items[0].sku = "x""#, #"properties.items.0.sku = "x""#),
        (#"properties.pr\énom = "x""#, #"properties.pr\énom = "x""#),
        (#"properties.prénom = "x""#, #"properties.pr\énom = "x""#),
        (#"event = "say \"hi\"""#, #"event = "say \"hi\"""#),
        (#"event = "C:\dir""#, #"event = "C:\\dir""#),
        (#"properties.x != null and traits.y = true"#, #"properties.x != null and traits.y = true"#),
        (#"(contains(event, "a") or event = "b") and type = "t""#, #"contains(event, "a") and event = "b" and type = "t""#),
    ])
    func printsCanonically(_ input: String, _ canonical: String) throws {
        let trigger = try Trigger.parse(input)
        #expect(trigger.description == canonical)
        #expect(try Trigger.parse(canonical) == trigger)
    }

    @Test func equalityIgnoresHowTheTextWasWritten() throws {
        let written = try Trigger.parse(#"type = "a" and event = "b" or event = "c""#)
        let canonical = try Trigger.parse(#"type = "a" or event = "b" or event = "c""#)
        #expect(written == canonical)
        #expect(written.hashValue == canonical.hashValue)
        #expect(written.warnings.count == 1)
        #expect(canonical.warnings.isEmpty)
        #expect(try Trigger.parse(#"type = "a""#) != Trigger.parse(#"type = "b""#))
    }

    @Test func exposesTheParsedTree() throws {
        let trigger = try Trigger.parse(#"type = "identify" and (traits.plan = "pro" or !match(userId, "test-*"))"#)
        #expect(trigger.expression == .group(.and, [
            .comparison(TriggerField(root: .type), .equal, .string("identify")),
            .group(.or, [
                .comparison(TriggerField(root: .traits, path: ["plan"]), .equal, .string("pro")),
                .match(TriggerField(root: .userId), pattern: "test-*", negated: true),
            ]),
        ]))
    }
}
