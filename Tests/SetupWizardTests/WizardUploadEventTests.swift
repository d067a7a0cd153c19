import CleverTapCore
@testable import SetupWizard
import Testing
import TerminalUI

/// Issue 11 in the wizard: Upload Event subscriptions in Customized Setup (fields, the core's
/// Identity-or-Object-ID rule, suggestions, Event Data key by key, the preview), Quick Setup's
/// "events too", keys in, state and screen text out.
@Suite(.timeLimit(.minutes(2))) struct WizardUploadEventTests {
    /// One Upload Event subscription, open in the editor on its mapping pane.
    static func inEventEditor() -> WizardDriver {
        var driver = WizardCustomizedSetupTests.atSubscriptions()
        driver.press(.character("e"), .enter, .enter, .tab)
        return driver
    }

    static func mapping(_ driver: WizardDriver) throws -> MappingEditor {
        try #require(driver.state.customized.editor?.mapping)
    }

    @Test func eAddsAnUploadEventWithTheTrackEventTriggerAndTheDefaultMapping() throws {
        var driver = WizardCustomizedSetupTests.atSubscriptions()
        #expect(driver.text.contains("Add one: User Upload, Delete User, Upload Event."))
        #expect(driver.text.contains("u/d/e add"))
        driver.press(.character("e"))
        #expect(driver.text.contains("Name of the new Upload Event: Upload Event"))
        driver.press(.enter)
        let subscription = try #require(driver.state.customized.list.subscriptions.first)
        #expect(subscription.action == .userEvent)
        #expect(subscription.trigger == Preset.trackEvent.trigger)
        #expect(subscription.mapping == ActionKind.userEvent.definition.defaultMapping)
        #expect(driver.text.contains("Upload Event"))
        // The help overlay says the same as the footer: one declaration.
        driver.press(.character("?"))
        #expect(driver.text.contains("add a User Upload / Delete User / Upload Event (named)"))
    }

    @Test func theEditorKnowsTheFiveFieldsAndPreviewsTheEventRecord() throws {
        let driver = Self.inEventEditor()
        let editor = try #require(driver.state.customized.editor)
        #expect(editor.mapping.rows.map(\.field.label) == ["Identity", "Object ID", "Event Name", "Event Data", "Timestamp"])
        #expect(editor.samples.current.name == "Product Viewed (track)", "the first sample the Track Event trigger takes")
        let record = try #require(editor.preview.record)
        #expect(record["type"] == "event")
        #expect(record["evtName"] == "Product Viewed")
        #expect(record["identity"] == .string(SampleEvents.userID))
        #expect(record["evtData"]?["sku"] == "TSHIRT-BLUE-M")
        #expect(MappingEditor.convertTimestampsHelp(.userEvent)
            == "Convert Timestamps: ISO-8601 dates in Event Data and Timestamp are sent as Unix seconds.")
        #expect(driver.text.contains("Convert Timestamps: ISO-8601 dates in Event Data"))
    }

    @Test func identityIsRequiredUnlessObjectIDIsMappedByTheCoresRule() throws {
        var driver = Self.inEventEditor()
        try WizardCustomizedSetupTests.focusField("identity", &driver)
        driver.press(.character("x"))
        let missing = try Self.mapping(driver).unmappedRequiredFields.map(\.key)
        #expect(missing == ["identity"])
        let rule = ActionKind.userEvent.definition.field("identity")!.unmappedMessage(in: ActionKind.userEvent.definition)
        #expect(rule.hasPrefix("Identity is required unless Object ID is mapped"))
        #expect(driver.state.customized.editor?.preview.problems.first?.message == rule + ".")
        driver.press(.ctrl("s"))
        #expect(driver.state.customized.message?.text == "Not saved: Identity or Object ID is required: map it to an event path, a template or a literal before saving.")
        // Object ID's first suggestion is the anonymous id; with it, saving is allowed.
        try WizardCustomizedSetupTests.focusField("objectId", &driver)
        driver.press(.character("s"))
        #expect(try Self.mapping(driver).row("objectId")?.mapping == .value(.path("$.anonymousId")))
        #expect(try Self.mapping(driver).unmappedRequiredFields.isEmpty)
        driver.press(.ctrl("s"))
        #expect(driver.state.customized.editor == nil)
        #expect(driver.state.customized.list.subscriptions.first?.mapping["identity"] == nil)
    }

    @Test func eventNameSuggestionsComeFromTheCoreCatalogCharagedIncluded() throws {
        var driver = Self.inEventEditor()
        try WizardCustomizedSetupTests.focusField("evtName", &driver)
        var seen: [FieldMapping] = []
        for _ in 0..<3 {
            driver.press(.character("s"))
            seen.append(try #require(try Self.mapping(driver).row("evtName")?.mapping))
        }
        #expect(seen == [.value(.path("$.event")), .value(.path("$.name")), .value(.literal("Charged"))])
        #expect(driver.state.customized.editor?.preview.record?["evtName"] == "Charged")
    }

    @Test func eventDataKeyByKeyOffersTheChargedKeys() throws {
        var driver = Self.inEventEditor()
        driver.press(.ctrl("n"))  // Order Completed (track)
        #expect(driver.state.customized.editor?.samples.current.name == "Order Completed (track)")
        try WizardCustomizedSetupTests.focusField("evtData", &driver)
        driver.press(.enter, .ctrl("u"), .enter)  // unmapped, then built key by key
        for (offered, path) in [("Amount=", "$.properties.revenue"), ("Charged ID=", "$.properties.order_id")] {
            driver.press(.character("a"))
            #expect(driver.text.contains("Attribute Key=value: \(offered)"))
            driver.type(path)
            driver.press(.enter)
        }
        driver.press(.character("a"))
        #expect(driver.text.contains("Attribute Key=value: Payment Mode="), "the core's Charged keys, in its order")
        driver.press(.ctrl("u"))
        driver.type("Items=$.properties.products")
        driver.press(.enter)
        #expect(try Self.mapping(driver).unusedKnownKeys == ["Payment Mode"])
        #expect(try Self.mapping(driver).attributeSuggestions(for: "Amount").first?.path == "$.properties.revenue")
        try WizardCustomizedSetupTests.focusField("evtName", &driver)
        driver.press(.enter, .ctrl("u"))
        driver.type("Charged")
        driver.press(.enter)
        let record = try #require(driver.state.customized.editor?.preview.record)
        #expect(record["evtName"] == "Charged")
        #expect(record["evtData"]?["Amount"] == 59.97)
        guard case .array(let items)? = record["evtData"]?["Items"] else {
            Issue.record("Items is not an array on Charged: \(record)")
            return
        }
        #expect(items.count == 2)
        #expect(driver.state.customized.editor?.preview.notes == [], "Items on Charged stays an array; nothing stringified")
    }

    @Test func thePreviewSaysWhichEventDataValuesAreSentAsJSONText() throws {
        var subscription = Preset.trackEvent.makeSubscription(id: "s")
        subscription.trigger = #"event = "Order Completed""#
        let preview = RecordPreview(subscription: subscription, sample: SampleEvents.orderCompleted(now: 1_700_000_000))
        #expect(preview.record?["evtData"]?["products"]?.stringValue?.hasPrefix("[{") == true)
        #expect(preview.notes == [#"Sent as JSON text: "products" (an array). "# + EventDataRules.nestedValuesNote(.flatten)])
        var screen = Screen(size: Size(columns: 60, rows: 40))
        preview.render(into: &screen, frame: PaneFrame(column: 0, row: 0, width: 60, height: 40))
        #expect(screen.text.contains("Sent as JSON text"))
    }

    @Test func quickSetupAddsTheEventPresetsThroughTheCoresSetupRequest() throws {
        var driver = WizardDriver()
        driver.createSourceAndContinue()
        driver.fillCredentialsAndContinue()
        #expect(driver.text.contains("[ ] Events too (e)"))
        driver.press(.character("e"))
        #expect(driver.state.setupMode.events)
        #expect(driver.text.contains("[x] Events too (e)"))
        #expect(driver.text.contains("• Order Completed → Charged"))
        driver.press(.enter)  // Quick Setup chosen: on to Review
        driver.press(.enter)  // save
        let request = try #require(driver.saveRequest)
        #expect(request.quick && request.events)
        let saved = try driver.savedWorkspace().destinations[0].subscriptions
        let presets = Preset.quickSetup + Preset.events
        #expect(saved.map(\.name) == presets.map(\.name))
        #expect(saved.map(\.trigger) == presets.map(\.trigger))
        #expect(saved.map(\.mapping) == presets.map { $0.mapping ?? $0.action.definition.defaultMapping })
        #expect(saved.map(\.id) == WizardDriver.identifiers.subscriptionIDs, "ids drawn at launch: update stays deterministic")
    }

    @Test func editingAQuickSetupWithEventsKeepsTheOptionTicked() throws {
        var workspace = Workspace.sample
        workspace.destinations[0].subscriptions += Preset.events.enumerated().map { $1.makeSubscription(id: "sub_event000000000\($0)") }
        var driver = WizardDriver(workspace: workspace)
        driver.press(.enter)  // edit the destination
        #expect(driver.state.setupMode.events)
        driver.press(.character("3"))
        driver.press(.character("e"))  // untick: Quick Setup without the event presets
        #expect(driver.state.setupMode.changed)
        driver.press(.enter, .enter)
        let saved = try driver.savedWorkspace().destinations[0].subscriptions
        #expect(saved.map(\.action) == [.userUpload, .userDelete])
    }
}
