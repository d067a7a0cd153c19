import CleverTapCore
import SetupWizard
import TerminalUI

/// Drives the pure wizard the way the terminal would: one message at a time.
struct WizardDriver {
    var state: WizardState
    /// Every effect `update` returned, in order.
    var effects: [WizardEffect] = []
    var size = Size(columns: 80, rows: 24)

    static let identifiers = FreshIdentifiers(sourceID: "src_test000000000001", writeKey: "WRITEKEYwritekey0123456789abcdef",
                                              destinationID: "dst_test000000000001",
                                              subscriptionIDs: ["sub_test000000000001", "sub_test000000000002"])

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
        press(.enter, .enter)
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
