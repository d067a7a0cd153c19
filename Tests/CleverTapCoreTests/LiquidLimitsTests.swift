import Testing
@testable import CleverTapCore

/// One `@liquid` template whose answer here is ours, not Segment's: a refusal Segment does not
/// make (or makes only on some events), or one of our own limits.
struct LiquidChoiceCase: Sendable, CustomTestStringConvertible {
    let name: String
    let template: String
    /// The error after `x: @liquid: `, or the output when `isOutput`.
    let expected: String
    var isOutput = false
    /// What Segment does instead, for the reader.
    let segment: String

    var testDescription: String { name }
}

@Suite(.timeLimit(.minutes(2))) struct LiquidLimitsTests {
    static let choices: [LiquidChoiceCase] = [
        LiquidChoiceCase(name: "unknown filter refused", template: "{{ traits.first | upcse }}",
                         expected: #"unknown filter "upcse", line:1, col:1"#, segment: "passes the value through: ada"),
        LiquidChoiceCase(name: "disabled filter refused even where it would not run", template: "{% if false %}{{ traits.tags | sort }}{% endif %}",
                         expected: #"filter "sort" is disabled, line:1, col:15"#, segment: "renders \"\" (it refuses only when the filter runs)"),
        LiquidChoiceCase(name: "date not supported", template: "{{ timestamp | date: '%Y' }}",
                         expected: #"filter "date" is not supported by this tool yet, line:1, col:1"#, segment: "formats the date in the host's time zone"),
        LiquidChoiceCase(name: "date_to_xmlschema not supported", template: "{{ timestamp | date_to_xmlschema }}",
                         expected: #"filter "date_to_xmlschema" is not supported by this tool yet, line:1, col:1"#, segment: "formats the date"),
        LiquidChoiceCase(name: "sample not supported", template: "{{ traits.tags | sample }}",
                         expected: #"filter "sample" is not supported by this tool yet, line:1, col:1"#, segment: "a random element"),
        LiquidChoiceCase(name: "range cap", template: "{{ (1..2000000) | size }}",
                         expected: "range limit exceeded: a range may hold at most 1000000 numbers here, line:1, col:1", segment: "2000000"),
        LiquidChoiceCase(name: "output cap", template: "{% assign a = 'xxxxxxxxxx' %}" + String(repeating: "{% assign a = a | append: a %}", count: 17) + "{{ a }}",
                         expected: "output limit exceeded: a @liquid value renders at most 1000000 characters, line:1, col:540", segment: "a 1310720-character string"),
        LiquidChoiceCase(name: "output cap counts captures", template: "{% capture a %}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx{% endcapture %}" + String(repeating: "{% capture a %}{{a}}{{a}}{% endcapture %}", count: 15),
                         expected: "output limit exceeded: a @liquid value renders at most 1000000 characters, line:1, col:639", segment: "renders \"\" after building a 3276800-character variable"),
        LiquidChoiceCase(name: "1000 UTF-16 units are allowed", template: String(repeating: "é", count: 1000),
                         expected: String(repeating: "é", count: 1000), isOutput: true, segment: "the same"),
        LiquidChoiceCase(name: "characters outside the BMP count twice", template: String(repeating: "😀", count: 501),
                         expected: "liquid template values are limited to 1000 characters", segment: "the same (JavaScript counts UTF-16 units)"),
    ]

    /// Rendered with a render-time budget no busy test machine can exhaust: the rows that build
    /// large strings must fail on their own limit, never on the clock.
    @Test(arguments: choices)
    func ourAnswer(_ row: LiquidChoiceCase) {
        var answer: (output: String?, error: String?)
        do {
            let template = try LiquidTemplate(row.template, limits: LiquidLimits(renderTime: .seconds(60)))
            answer = (try template.render(LiquidFixtures.event), nil)
        } catch {
            answer = (nil, error.message)
        }
        if row.isOutput {
            #expect(answer.output == row.expected)
        } else {
            #expect(answer.error == row.expected)
        }
    }

    /// The argument must be a template string; mapping-kit's validation says the same in its words.
    @Test(arguments: [
        (#"{"x":{"@liquid":12}}"#, #"x: @liquid expects a string (a Liquid template like "{{ traits.name | upcase }}"), got a number"#),
        (#"{"x":{"@liquid":{"@path":"$.t"}}}"#, #"x: @liquid expects a string (a Liquid template like "{{ traits.name | upcase }}"), got a directive"#),
        (#"{"x":{"@liquid":null}}"#, #"x: @liquid expects a string (a Liquid template like "{{ traits.name | upcase }}"), got a null"#),
        (#"{"x":{"@liquid":"{% case a %}{% endcase %}","_metadata":{}}}"#, #"x: @liquid: tag "case" is disabled, line:1, col:1"#),
        (#"{"a":{"@liquid":"{% for x in y %}"},"b":{"@liquid":"{{ a | map: 'b' }}"}}"#,
         #"a: @liquid: tag "for" is disabled, line:1, col:1; b: @liquid: filter "map" is disabled, line:1, col:1"#),
    ])
    func refusedWhenCompiled(mapping: String, expected: String) throws {
        let issues = CompiledMapping.validate(try MappingFixtures.parse(mapping))
        #expect(issues.map(\.description).joined(separator: "; ") == expected)
    }

    /// The render-time limit, with a budget no render can meet.
    @Test func renderTimeLimit() throws {
        let template = try LiquidTemplate("{{ traits.first }}", limits: LiquidLimits(renderTime: .zero))
        #expect(throws: LiquidTemplateError(message: "template render limit exceeded")) {
            try template.render(LiquidFixtures.event)
        }
    }

    /// liquidjs's memory accounting, with a small budget: `upcase` charges its input's length.
    @Test func memoryLimit() throws {
        let template = try LiquidTemplate("ok\n {{ traits.name | upcase }}", limits: LiquidLimits(memory: 11))
        #expect(throws: LiquidTemplateError(message: "memory alloc limit exceeded, line:2, col:2")) {
            try template.render(LiquidFixtures.event)
        }
        let roomy = try LiquidTemplate("{{ traits.name | upcase }}", limits: LiquidLimits(memory: 12))
        #expect(try roomy.render(LiquidFixtures.event) == "ADA LOVELACE")
    }

    /// A render error fails the event with the mapping location, as any run-time mapping error.
    @Test func renderErrorNamesTheField() throws {
        let compiled = try CompiledMapping(MappingFixtures.parse(#"{"profileData":{"Name":{"@liquid":"{{ traits.name | append }}"}}}"#))
        #expect(throws: MappingError(JSONPath.root.key("profileData").key("Name"), "@liquid: append expect 2 arguments, line:1, col:1")) {
            try compiled.apply(to: LiquidFixtures.event)
        }
    }

    /// Hostile templates stay bounded: deep nesting parses, doubling stops at the memory limit.
    @Test func hostileTemplatesEnd() {
        let nested = String(repeating: "{% if a %}", count: 90) + "x" + String(repeating: "{% endif %}", count: 9)
        #expect(LiquidFixtures.answer(nested, event: LiquidFixtures.event).error?.hasPrefix("tag {% if a %} not closed") == true)
    }

    /// Tripling a string stops at the memory budget (a smaller one than Segment's, so the test
    /// does not spend its time building a 100 MB string). liquidjs with the same budget stops at
    /// the same column.
    @Test func doublingStopsAtTheMemoryLimit() throws {
        let doubling = "{% assign a = 'xxxxxxxxxx' %}" + String(repeating: "{% assign a = a | append: a | append: a %}", count: 22)
        let template = try LiquidTemplate(doubling, limits: LiquidLimits(memory: 1_000_000))
        #expect(throws: LiquidTemplateError(message: "memory alloc limit exceeded, line:1, col:408")) {
            try template.render(LiquidFixtures.event)
        }
    }
}
