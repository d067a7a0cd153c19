import Foundation
import Testing
@testable import CleverTapCore

/// The standard validator (what every CLI verb loads the workspace with) reports broken mappings
/// with their JSON path, as `config validate` prints them.
@Suite(.timeLimit(.minutes(2))) struct MappingWorkspaceCheckTests {
    static let valid = #""mapping": {"identity": {"@path": "$.userId"}}"#

    @Test(arguments: [
        (#""mapping": {"identity": {"@path": "nope"}, "profileData": {"@path": 5}}"#,
         [#"destinations[0].subscriptions[0].mapping.profileData: @path expects a string path (like "$.traits.email") or a directive, got a number"#]),
        (#""mapping": {"identity": {"@path": "$.userId"}, "bogus": 1}"#,
         ["destinations[0].subscriptions[0].mapping.bogus: not a field of User Upload; expected identity, ts or profileData"]),
        (#""mapping": {"profileData": {"@path": "$.traits"}}"#,
         [#"destinations[0].subscriptions[0].mapping.identity: Identity is required but not mapped, e.g. {"@path":"$.userId"}"#]),
        (#""mapping": {"identity": {"@path": "$.userId"}, "profileData": {"First Name": {"@nope": 1}}}"#,
         [#"destinations[0].subscriptions[0].mapping.profileData["First Name"]: unknown directive @nope (known: @path, @template, @literal, @if, @arrayPath, @case, @replace, @json, @flatten, @merge, @transform, @excludeWhenNull, @liquid)"#]),
    ])
    func brokenMappingsAreReportedOnLoad(mapping: String, expected: [String]) throws {
        let directory = try TemporaryDirectory()
        let broken = WorkspaceFixture.text.replacingOccurrences(of: Self.valid, with: mapping)
        try #require(broken != WorkspaceFixture.text)
        try directory.write(broken, to: "workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"), validator: .standard)
        do {
            _ = try store.load()
            Issue.record("a broken mapping was accepted")
        } catch {
            guard case .invalid(_, let issues) = error else { Issue.record("unexpected \(error)"); return }
            #expect(issues.map(\.description) == expected)
        }
    }

    @Test func validMappingsStillLoad() throws {
        let directory = try TemporaryDirectory()
        try directory.write(WorkspaceFixture.text, to: "workspace.json")
        let store = WorkspaceStore(path: directory.file("workspace.json"), validator: .standard)
        #expect(try store.load().destinations.count == 1)
        #expect(WorkspaceValidator.standard.validate(Workspace(sources: WorkspaceFixture.workspace.sources, destinations: [
            { var d = WorkspaceFixture.workspace.destinations[0]; d.subscriptions = Preset.quickSetup.map { $0.makeSubscription(id: "q_\($0.action.rawValue)") }; return d }(),
        ])).isEmpty)
    }
}
