import CleverTapCore
import SetupWizard
import TerminalUI

/// Drives the pure wizard the way the terminal would: one message at a time.
struct WizardDriver {
    var state: WizardState
    /// Every effect `update` returned, in order.
    var effects: [WizardEffect] = []
    var size = Size(columns: 80, rows: 24)

    static let identifiers = SetupIdentifiers(sourceID: "src_test000000000001", writeKey: "WRITEKEYwritekey0123456789abcdef",
                                              destinationID: "dst_test000000000001",
                                              subscriptionIDs: ["sub_test000000000001", "sub_test000000000002",
                                                                "sub_test000000000003", "sub_test000000000004"])

    init(workspace: Workspace = Workspace(), configPath: String = "/tmp/home/.config/clevertap-actions/workspace.json") {
        state = WizardState(workspace: workspace, configPath: configPath, identifiers: Self.identifiers)
    }

    mutating func send(_ message: WizardMessage) {
        effects += Wizard.update(&state, message)
    }

    mutating func press(_ keys: Key...) {
        for key in keys { send(.key(key)) }
    }

    mutating func type(_ text: String) {
        for character in text { send(.key(.character(character))) }
    }

    var screen: Screen { Wizard.view(state, size: size) }
    var text: String { screen.text }

    /// A new source "Website", created and past step 1.
    mutating func createSourceAndContinue(_ name: String = "Website") {
        type(name)
        press(.enter)
    }

    /// The request of the last save effect.
    var saveRequest: SetupRequest? {
        guard case .save(let request)? = effects.last(where: { if case .save = $0 { return true } else { return false } }) else { return nil }
        return request
    }

    /// The workspace the last save would write onto `file` (the workspace as loaded by default).
    func savedWorkspace(onto file: Workspace? = nil) throws -> Workspace {
        guard let request = saveRequest else { throw DriverError.noSave(effects) }
        return try (file ?? state.workspace).applying(request).workspace
    }

    /// Answers the last save effect as the store would: applied to the loaded workspace.
    mutating func completeSave(path: String? = nil) throws {
        guard let request = saveRequest else { throw DriverError.noSave(effects) }
        send(.saved(path: path ?? state.configPath, outcome: try state.workspace.applying(request)))
    }

    struct DriverError: Error, CustomStringConvertible {
        var effects: [WizardEffect]
        static func noSave(_ effects: [WizardEffect]) -> DriverError { DriverError(effects: effects) }
        var description: String { "expected a save effect, got \(effects)" }
    }

    /// Credentials filled from a pasted India dashboard URL and a passcode, then Next.
    mutating func fillCredentialsAndContinue(passcode: String = "dca1d7eb0a1b2c3d") {
        press(.paste("https://in1.dashboard.clevertap.com/844-6K7-984Z/main"))
        press(.tab, .tab)
        type(passcode)
        press(.enter)
    }
}

extension Workspace {
    /// A saved workspace with one source and one Quick Setup destination.
    static var sample: Workspace {
        let source = Source(id: "src_existing00000001", name: "Shop", type: .server, writeKey: "k")
        let destination = Destination(
            id: "dst_existing00000001", name: "CleverTap (Actions)", sourceID: source.id, projectID: "W9R-486-4W5Z",
            passcode: .inline(Secret("oldpasscode123")), endpoint: .region(Region.named("us1")!), setupMode: .quick,
            subscriptions: Preset.quickSetup.enumerated().map { $1.makeSubscription(id: "sub_existing0000000\($0)") })
        return Workspace(sources: [source], destinations: [destination])
    }
}
