import CleverTapCore
import Testing
@testable import SetupWizard

/// The mapping editor takes `@liquid` through the core's compiler: a live preview of the value,
/// and Segment's refusals in words as problems.
@Suite(.timeLimit(.minutes(2))) struct EditorLiquidTests {
    static var upload: Subscription { Preset.quickSetup[0].makeSubscription(id: "up") }

    @Test func liquidIsKeptAsACustomMapping() {
        let json: JSONValue = ["@liquid": "{{ userId | prepend: 'u:' }}"]
        let mapping = FieldMapping(json: json, type: .string)
        #expect(mapping == .value(.custom(json)))
        #expect(mapping.json == json)
    }

    @Test func liquidIsPreviewedByTheEngine() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: EditorFixtures.identify)
        try editor.setRaw(#"{"@liquid": "{{ userId | prepend: 'u:' }}"}"#, for: "identity")
        try editor.setRaw(#"{"Name": {"@liquid": "{% if traits.plan == 'pro' %}{{ traits.first_name | upcase }}{% else %}-{% endif %}"}}"#, for: "profileData")
        let preview = RecordPreview(editor: editor)
        #expect(preview.problems.isEmpty)
        #expect(preview.canSave)
        #expect(preview.record?["identity"] == "u:u-1001")
        #expect(preview.record?["profileData"] == ["Name": "JACK"])
    }

    @Test(arguments: [
        (#"{"@liquid": "{% for t in traits %}{{ t }}{% endfor %}"}"#, #"Mapping problem at identity: @liquid: tag "for" is disabled, line:1, col:1."#),
        (#"{"@liquid": "{{ traits.tags | sort }}"}"#, #"Mapping problem at identity: @liquid: filter "sort" is disabled, line:1, col:1."#),
        (#"{"@liquid": "{{ userId"}"#, #"Mapping problem at identity: @liquid: output "{{ userId" not closed, line:1, col:1."#),
        (#"{"@liquid": 5}"#, #"Mapping problem at identity: @liquid expects a string (a Liquid template like "{{ traits.name | upcase }}"), got a number."#),
    ])
    func refusedTemplatesBlockSavingWithSegmentsWords(raw: String, message: String) throws {
        var editor = MappingEditor(subscription: Self.upload, sample: EditorFixtures.identify)
        try editor.setRaw(raw, for: "identity")
        let preview = RecordPreview(editor: editor)
        #expect(preview.canSave == false)
        #expect(preview.problems.map(\.message) == [message])
    }

    @Test func aTemplateThatFailsOnTheSampleIsAWarning() throws {
        var editor = MappingEditor(subscription: Self.upload, sample: EditorFixtures.identify)
        try editor.setRaw(#"{"@liquid": "{{ userId | append }}"}"#, for: "identity")
        let preview = RecordPreview(editor: editor)
        #expect(preview.canSave)
        #expect(preview.problems.map(\.message) == ["On this sample event the mapping fails: identity: @liquid: append expect 2 arguments, line:1, col:1."])
    }
}
