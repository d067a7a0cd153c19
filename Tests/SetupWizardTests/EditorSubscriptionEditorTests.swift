import CleverTapCore
import Testing
import TerminalUI
@testable import SetupWizard

@Suite(.timeLimit(.minutes(2))) struct EditorSubscriptionEditorTests {
    static var upload: Subscription { Preset.quickSetup[0].makeSubscription(id: "up") }
    static var delete: Subscription { Preset.quickSetup[1].makeSubscription(id: "del") }

    @Test func startsOnASampleTheTriggerMatches() {
        #expect(SubscriptionEditor(subscription: Self.upload, samples: EditorFixtures.picker).samples.current.name == "Identify")
        #expect(SubscriptionEditor(subscription: Self.delete, samples: EditorFixtures.picker).samples.current.name == "Delete User (track)")
        let editor = SubscriptionEditor(subscription: Self.delete, samples: EditorFixtures.picker)
        #expect(editor.trigger.status == .valid(sampleMatches: true, warnings: []))
        #expect(editor.preview.record == ["identity": "u-1002"])
        #expect(editor.hasChanges == false)
    }

    @Test func switchingTheSampleUpdatesTriggerVerdictAndPreview() {
        var editor = SubscriptionEditor(subscription: Self.upload, samples: EditorFixtures.picker)
        editor.nextSample()
        #expect(editor.samples.current.name == "Identify (context.traits only)")
        #expect(editor.preview.record?["identity"] == "u-1004")
        #expect(editor.preview.record?["profileData"] == [:])  // $.traits is absent from this sample
        editor.nextSample()
        #expect(editor.trigger.status == .valid(sampleMatches: false, warnings: []))
        #expect(editor.mapping.sample == editor.samples.current.event)
    }

    @Test func anEditedSampleFeedsEverything() {
        var editor = SubscriptionEditor(subscription: Self.upload, samples: EditorFixtures.picker)
        let accepted = editor.acceptEditedSample(#"{"type": "identify", "userId": 77, "traits": {"Email": "x@y.zz"}}"#)
        #expect(accepted)
        #expect(editor.preview.record?["identity"] == "77")
        let refused = editor.acceptEditedSample("{")
        #expect(refused == false)
        #expect(editor.preview.record?["identity"] == "77")
    }

    @Test func savingBuildsTheSubscriptionFromBothEditors() throws {
        var editor = SubscriptionEditor(subscription: Self.upload, samples: EditorFixtures.picker)
        editor.editTrigger { $0.addCondition(TriggerCondition(.trait("plan"), .equals, .string("pro"))) }
        try editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in
            try mapping.switchToKeyByKey("profileData")
            mapping.convertTimestamps = false
        }
        #expect(editor.hasChanges)
        let saved = try editor.save()
        #expect(saved.id == "up")
        #expect(saved.trigger == #"type = "identify" and traits.plan = "pro""#)
        #expect(saved.mapping["profileData"]?["Email"] == ["@path": "$.traits.email"])
        #expect(saved.convertTimestamps == false)
    }

    @Test func savingIsRefusedWithARequiredFieldUnmappedOrABadTrigger() throws {
        var editor = SubscriptionEditor(subscription: Self.upload, samples: EditorFixtures.picker)
        try editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in try mapping.setMapping(.unmapped, for: "identity") }
        #expect(throws: SubscriptionSaveError.requiredFieldsUnmapped(["Identity"])) { try editor.save() }

        try editor.editMapping { (mapping: inout MappingEditor) throws(MappingInputError) in try mapping.setInput("$.userId", for: "identity") }
        editor.editTrigger { $0.switchToRaw(); $0.setRawText(#"type = "identify" and"#) }
        #expect {
            try editor.save()
        } throws: { error in
            guard case .invalidTrigger(_, let position) = error as? SubscriptionSaveError else { return false }
            return position == 21
        }
        editor.editTrigger { $0.setRawText("  ") }
        #expect(throws: SubscriptionSaveError.emptyTrigger) { try editor.save() }
        editor.editTrigger { $0.setRawText(#"type = "identify""#) }
        #expect(try editor.save().trigger == #"type = "identify""#)
    }

    @Test func rendersSampleTriggerMappingAndPreviewTogether() {
        let editor = SubscriptionEditor(subscription: Self.upload, samples: EditorFixtures.picker)
        var screen = Screen(size: Size(columns: 140, rows: 30))
        editor.render(into: &screen, frame: PaneFrame(size: screen.size))
        let text = screen.text
        #expect(screen.lines[0] == "Sample event 1/3: Identify")
        #expect(text.contains("Trigger (builder): ALL of these conditions"))
        #expect(text.contains("Field mapping: User Upload"))
        #expect(text.contains("Preview: record sent for the sample event"))
        #expect(text.contains(#""identity": "u-1001""#))
        #expect(screen.lines[2].hasPrefix("▶ Trigger (builder)"))
        #expect(screen.lines[2].contains("Preview: record"))
    }
}
