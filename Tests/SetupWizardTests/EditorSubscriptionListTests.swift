import CleverTapCore
import Testing
import TerminalUI
@testable import SetupWizard

@Suite(.timeLimit(.minutes(2))) struct EditorSubscriptionListTests {
    @Test func addingUserUploadStartsFromTheCatalogDefaults() throws {
        var editor = SubscriptionListEditor(subscriptions: [])
        let id = try editor.add(action: .userUpload, name: "  Upload VIPs ")
        let added = try #require(editor.selected)
        #expect(id == "upload-vips")
        #expect(added.id == id)
        #expect(added.name == "Upload VIPs")
        #expect(added.action == .userUpload)
        #expect(added.trigger == #"type = "identify""#)
        #expect(added.mapping == ActionKind.userUpload.definition.defaultMapping)
        #expect(added.enabled)
        #expect(added.convertTimestamps)
    }

    @Test func addingDeleteUserUsesTheDeletePresetTrigger() throws {
        var editor = SubscriptionListEditor(subscriptions: [])
        try editor.add(action: .userUpload, name: "Upload")
        try editor.add(action: .userDelete, name: "Forget users")
        #expect(editor.subscriptions.count == 2)
        #expect(editor.selectedIndex == 1)
        #expect(editor.selected?.trigger == #"event = "Delete User""#)
        #expect(editor.selected?.mapping == JSONObject(["identity": ["@path": "$.userId"]]))
    }

    @Test(arguments: ["", "   ", "\t\n"])
    func emptyNamesAreRefused(name: String) {
        var editor = SubscriptionListEditor(subscriptions: [])
        #expect(throws: SubscriptionListError.emptyName) { try editor.add(action: .userUpload, name: name) }
        #expect(editor.subscriptions.isEmpty)
    }

    @Test(arguments: ["Upload", "upload", " UPLOAD "])
    func duplicateNamesAreRefusedIgnoringCase(name: String) throws {
        var editor = SubscriptionListEditor(subscriptions: [])
        try editor.add(action: .userUpload, name: "Upload")
        #expect(throws: SubscriptionListError.duplicateName(name.trimmingWhitespace())) { try editor.add(action: .userDelete, name: name) }
        #expect(editor.subscriptions.count == 1)
    }

    @Test func overlongNamesAreRefused() {
        var editor = SubscriptionListEditor(subscriptions: [])
        let name = String(repeating: "n", count: SubscriptionListEditor.maximumNameLength + 1)
        #expect(throws: SubscriptionListError.nameTooLong(limit: 64)) { try editor.add(action: .userUpload, name: name) }
    }

    @Test func idsStayUniqueWhenNamesSlugTheSame() throws {
        var editor = SubscriptionListEditor(subscriptions: [])
        let first = try editor.add(action: .userUpload, name: "Upload!")
        let second = try editor.add(action: .userUpload, name: "Upload?")
        let third = try editor.add(action: .userUpload, name: "日本")
        #expect(first == "upload")
        #expect(second == "upload-2")
        #expect(third == "subscription")
    }

    @Test func renamingKeepsTheIdAndChecksTheName() throws {
        var editor = SubscriptionListEditor(subscriptions: Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "s\($0)") })
        try editor.rename(id: "s0", to: "Profiles")
        #expect(editor.subscriptions[0].id == "s0")
        #expect(editor.subscriptions[0].name == "Profiles")
        try editor.rename(id: "s0", to: "PROFILES")  // its own name in another case is fine
        #expect(editor.subscriptions[0].name == "PROFILES")
        #expect(throws: SubscriptionListError.duplicateName("User Delete")) { try editor.rename(id: "s0", to: "User Delete") }
        #expect(throws: SubscriptionListError.emptyName) { try editor.rename(id: "s0", to: " ") }
        #expect(throws: SubscriptionListError.unknownSubscription(id: "nope")) { try editor.rename(id: "nope", to: "X") }
        #expect(editor.subscriptions[0].name == "PROFILES")
    }

    @Test func enablingAndDisabling() throws {
        var editor = SubscriptionListEditor(subscriptions: [Preset.quickSetup[0].makeSubscription(id: "a")])
        try editor.toggleEnabled(id: "a")
        #expect(editor.subscriptions[0].enabled == false)
        try editor.setEnabled(id: "a", true)
        #expect(editor.subscriptions[0].enabled)
    }

    @Test func deletingNeedsConfirmation() throws {
        var editor = SubscriptionListEditor(subscriptions: Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "s\($0)") })
        try editor.requestDeletion(id: "s0")
        #expect(editor.subscriptions.count == 2)
        #expect(editor.pendingDeletion?.id == "s0")
        editor.cancelDeletion()
        #expect(editor.pendingDeletion == nil)
        #expect(throws: SubscriptionListError.noDeletionPending) { try editor.confirmDeletion() }
        #expect(editor.subscriptions.count == 2)

        try editor.select(id: "s1")
        try editor.requestDeletion(id: "s1")
        let removed = try editor.confirmDeletion()
        #expect(removed.id == "s1")
        #expect(editor.subscriptions.map(\.id) == ["s0"])
        #expect(editor.selectedIndex == 0)

        try editor.requestDeletion(id: "s0")
        try editor.confirmDeletion()
        #expect(editor.subscriptions.isEmpty)
        #expect(editor.selectedIndex == nil)
        #expect(editor.selected == nil)
    }

    @Test func movingTheSelectionCancelsAPendingDeletion() throws {
        var editor = SubscriptionListEditor(subscriptions: Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "s\($0)") })
        try editor.requestDeletion(id: "s0")
        editor.moveSelection(by: 5)
        #expect(editor.selectedIndex == 1)
        #expect(editor.pendingDeletion == nil)
        editor.moveSelection(by: -9)
        #expect(editor.selectedIndex == 0)
    }

    @Test func updatingStoresAnEditedSubscriptionButNotADuplicateName() throws {
        var editor = SubscriptionListEditor(subscriptions: Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "s\($0)") })
        var edited = editor.subscriptions[0]
        edited.trigger = #"type = "identify" and traits.plan = "pro""#
        try editor.update(edited)
        #expect(editor.subscriptions[0].trigger == edited.trigger)
        edited.name = "user delete"
        #expect(throws: SubscriptionListError.duplicateName("user delete")) { try editor.update(edited) }
    }

    @Test func rendersTheTableAndTheConfirmationQuestion() throws {
        var editor = SubscriptionListEditor(subscriptions: Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "s\($0)") })
        try editor.setEnabled(id: "s1", false)
        try editor.requestDeletion(id: "s1")
        var screen = Screen(size: Size(columns: 100, rows: 10))
        editor.render(into: &screen, frame: PaneFrame(column: 2, row: 1, width: 96, height: 8))
        let lines = screen.lines
        #expect(lines[1].contains("Name"))
        #expect(lines[2] == #"  [x] User Upload           User Upload  type = "identify""#)
        #expect(lines[3] == #"  [ ] User Delete           Delete User  event = "Delete User""#)
        #expect(lines[5].contains(#"Delete "User Delete"?"#))
        #expect(screen[2, 2].style.reverse)
        #expect(lines[0].isEmpty && lines[9].isEmpty)
    }

    @Test func anEmptyListSaysHowToStart() {
        var screen = Screen(size: Size(columns: 80, rows: 4))
        SubscriptionListEditor(subscriptions: []).render(into: &screen, frame: PaneFrame(size: screen.size))
        #expect(screen.text.contains("No subscriptions yet"))
    }
}
