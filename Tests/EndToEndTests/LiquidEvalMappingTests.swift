import CleverTapCore
import Foundation
import Testing

/// `eval-mapping` through the built binary answers `@liquid` mappings as Segment does: every row
/// of the liquid parity fixture (tags, filters, refusals, limits) plus `@liquid` nested in
/// other directives, in one NDJSON run.
@Suite(.timeLimit(.minutes(3))) struct LiquidEvalMappingTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = packageRoot.appendingPathComponent(".build/debug/clevertap-actions").path
    static let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")

    /// Runs `eval-mapping` on `input` through the one child-process helper (deadline, SIGKILL).
    static func evalMapping(_ input: String) async throws -> ProcessRun {
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build the binary first: \(binary)")
        return try await ChildProcess.run(binary, ["eval-mapping", "-"],
                                          environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"], stdin: input)
    }

    @Test func answersEveryLiquidFixtureRowAsSegment() async throws {
        let defaultEvent = try JSONParser.parse(String(contentsOfFile: Self.fixtures.appendingPathComponent("liquid-event.json").path, encoding: .utf8))
        let rows = try String(contentsOfFile: Self.fixtures.appendingPathComponent("liquid-cases.ndjson").path, encoding: .utf8)
            .split(separator: "\n").map { try JSONParser.parse(String($0)) }
        try #require(rows.count > 200)
        var requests: [String] = []
        var expected: [String] = []
        for row in rows {
            let template = try #require(row["template"])
            let request: JSONValue = ["mapping": ["x": ["@liquid": template]], "event": row["event"] ?? defaultEvent]
            requests.append(request.description)
            if let output = row["output"] {
                expected.append((["output": ["x": output]] as JSONValue).description)
            } else {
                let message = try #require(row["error"]?.stringValue)
                expected.append((["error": .string("x: @liquid: " + message)] as JSONValue).description)
            }
        }
        let run = try await Self.evalMapping(requests.joined(separator: "\n") + "\n")
        #expect(run.status == 1, "some rows are refusals, so the run reports errors")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        try #require(lines.count == expected.count, "\(lines.count) answers for \(expected.count) requests")
        for (index, (line, want)) in zip(lines, expected).enumerated() {
            #expect(line == want, "row \(index + 1): \(rows[index]["name"]?.stringValue ?? "")")
        }
    }

    @Test func answersLiquidNestedInOtherDirectives() async throws {
        let input = """
            {"mapping":{"n":{"@if":{"exists":{"@path":"$.traits.name"},"then":{"@liquid":"{{ traits.name | upcase }}"}}}},"event":{"traits":{"name":"Ada"}}}
            {"mapping":{"@arrayPath":["$.items",{"label":{"@liquid":"{{ sku }}#{{ n | plus: 1 }}"}}]},"event":{"items":[{"sku":"S-1","n":1}]}}
            {"mapping":{"@path":{"@liquid":"$.a.{{ k }}"}},"event":{"k":"b","a":{"b":7}}}
            {"mapping":{"@template":{"@liquid":"{{ t }}"}},"event":{"t":"Hi {{n}}","n":"Ada"}}
            {"mapping":{"x":{"@liquid":"{% for i in (1..3) %}{{ i }}{% endfor %}"}}}
            {"mapping":{"x":{"@liquid":12}}}
            """
        let run = try await Self.evalMapping(input)
        #expect(run.status == 1)
        #expect(run.stdout.split(separator: "\n").map(String.init) == [
            #"{"output":{"n":"ADA"}}"#,
            #"{"output":[{"label":"S-1#2"}]}"#,
            #"{"output":7}"#,
            #"{"output":"Hi Ada"}"#,
            #"{"error":"x: @liquid: tag \"for\" is disabled, line:1, col:1"}"#,
            #"{"error":"x: @liquid expects a string (a Liquid template like \"{{ traits.name | upcase }}\"), got a number"}"#,
        ])
    }
}
