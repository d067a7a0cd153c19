import Foundation
import Testing
@testable import CleverTapCore

/// One row of `Tests/Fixtures/liquid-cases.ndjson`: a template, the event, and what Segment's
/// mapping-kit liquid engine (liquidjs 10.27 with Segment's disabled tags and filters and
/// limits) gave for it. The expectations were produced by running that engine itself (see
/// scripts/liquid-oracle), not written by hand.
struct LiquidFixtureCase: Sendable, CustomTestStringConvertible {
    let name: String
    let template: String
    let event: JSONValue
    /// Segment's output, or nil when it failed.
    let output: String?
    /// Segment's error message, when it failed.
    let error: String?

    var testDescription: String { name }
}

enum LiquidFixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let casesPath = directory.appendingPathComponent("liquid-cases.ndjson").path
    static let eventPath = directory.appendingPathComponent("liquid-event.json").path

    static let event: JSONValue = (try? JSONParser.parse(String(contentsOfFile: eventPath, encoding: .utf8))) ?? .null

    static let cases: [LiquidFixtureCase] = {
        guard let text = try? String(contentsOfFile: casesPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let row = try? JSONParser.parse(String(line)), case .string(let name)? = row["name"],
                  case .string(let template)? = row["template"] else { return nil }
            return LiquidFixtureCase(name: name, template: template, event: row["event"] ?? event,
                                     output: row["output"]?.stringValue, error: row["error"]?.stringValue)
        }
    }()

    /// The answer our mapping engine gives for `{"x": {"@liquid": template}}`: the output, or
    /// the error with its `x: @liquid: ` prefix removed.
    static func answer(_ template: String, event: JSONValue) -> (output: String?, error: String?) {
        let mapping: JSONValue = ["x": ["@liquid": .string(template)]]
        do {
            let compiled = try CompiledMapping(mapping)
            let result = try compiled.apply(to: event)
            return (result?["x"]?.stringValue, nil)
        } catch {
            let prefix = "x: @liquid: "
            let text = error.description
            return (nil, text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text)
        }
    }
}

@Suite(.timeLimit(.minutes(2))) struct LiquidParityTests {
    @Test func fixtureLoads() {
        #expect(LiquidFixtures.cases.count > 200)
        #expect(LiquidFixtures.event["traits"] != nil)
    }

    /// Every allowed tag and filter, output rendering, whitespace control, truthiness,
    /// operators, and the refusals (disabled tags and filters, syntax errors, memory limit):
    /// the same output or the same error text, line and column as Segment.
    @Test(arguments: LiquidFixtures.cases)
    func sameAnswerAsSegment(_ row: LiquidFixtureCase) {
        let answer = LiquidFixtures.answer(row.template, event: row.event)
        #expect(answer.output == row.output)
        #expect(answer.error == row.error)
    }

    /// Every filter this engine runs has at least one fixture row using it, and so does every
    /// allowed tag: the parity table above covers them all.
    @Test func fixtureCoversEveryFilterAndTag() {
        let templates = LiquidFixtures.cases.map(\.template).joined(separator: "\n")
        for filter in LiquidFilter.Name.allCases {
            #expect(templates.contains("| \(filter.rawValue)"), "no fixture row uses the filter \(filter.rawValue)")
        }
        for tag in LiquidParser.allowedTags {
            #expect(templates.contains("{% \(tag)") || templates.contains("\n\(tag) "), "no fixture row uses the tag \(tag)")
        }
        for filter in LiquidFilter.disabled { #expect(templates.contains("| \(filter) }}")) }
        for tag in LiquidParser.disabledTags { #expect(templates.contains("{% \(tag) ")) }
    }
}
