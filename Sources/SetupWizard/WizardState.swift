import CleverTapCore
import TerminalUI

/// The steps of setting up one destination, in order.
public enum WizardStep: Int, Sendable, Hashable, CaseIterable, Comparable {
    case source, credentials, setupMode, review

    public var title: String {
        switch self {
        case .source: return "Source"
        case .credentials: return "Credentials"
        case .setupMode: return "Setup mode"
        case .review: return "Review & save"
        }
    }

    /// The line under the title, the same on the full screen and in plain mode.
    public var explanation: String {
        switch self {
        case .source: return "Where your events come from. The destination receives this source's events."
        case .credentials: return "Paste a CleverTap dashboard URL to fill in the region and Project ID."
        case .setupMode: return "Quick Setup adds the standard subscriptions; Customized lets you build them."
        case .review: return "Everything below is written to the workspace file when you save."
        }
    }

    public static func < (lhs: WizardStep, rhs: WizardStep) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Which screen the wizard shows.
public enum WizardPhase: Sendable, Hashable {
    /// An existing workspace: pick a destination to edit, add one, or quit.
    case menu
    /// One step of setting up a destination.
    case step(WizardStep)
    /// Saved: the path and the equivalent command line are shown.
    case saved
    /// A test send from the menu: spinner, then the request and the answer.
    case testSend
    /// Customized Setup: the subscription list, or one subscription's editor.
    case subscriptions
    /// The read-only Event delivery screen: the queue's counts and errors for one destination.
    case delivery
}

/// A modal layer over the current screen.
public enum WizardOverlay: Sendable, Hashable {
    case help
    case confirmQuit
    /// Esc would leave a destination with unsaved edits for the menu: keep editing or discard.
    case confirmLeave
}

/// How the wizard ended, for the launcher to report after the terminal is restored.
public enum WizardOutcome: Sendable, Hashable {
    /// Nothing was written this run; `discardedChanges` when the user dropped what they entered.
    case quitWithoutSaving(discardedChanges: Bool)
    /// The workspace was written this run (the last save's path and command); changes made after
    /// that save and then dropped are `discardedLaterChanges`.
    case saved(path: String, command: String, discardedLaterChanges: Bool = false)
    /// A signal (SIGTERM, SIGHUP, SIGINT from outside) ended the run; nothing was saved.
    case interrupted(signal: Int32)
}

// MARK: - Per-step state

// MARK: - Whole wizard

/// Everything the wizard knows. A value: `update` changes it, `view` draws it.
public struct WizardState: Sendable, Hashable {
    /// The workspace as loaded (or empty), refreshed from the file after each save. Saving sends a
    /// `SetupRequest`, applied to the file as it is then, never this copy written back.
    public var workspace: Workspace
    /// Where the workspace is saved, shown on the review and saved screens.
    public var configPath: String
    public var identifiers: SetupIdentifiers

    public var phase: WizardPhase
    public var overlay: WizardOverlay?
    /// Menu: selected row.
    public var menuSelection = 0
    /// Menu: the destination test sends go through (the last one highlighted).
    public var testDestinationIndex = 0
    /// Menu: "Send to the local sandbox" is ticked.
    public var testToLocalSandbox = false
    /// The test send being made or shown.
    public var testSend: TestSendState?
    /// The Event delivery screen, while open; the last generation used (see `DeliveryScreenState`).
    public var delivery: DeliveryScreenState?
    public var lastDeliveryGeneration = 0
    /// Customized Setup's subscription list and editor.
    var customized = CustomizedSetupState()
    /// When the built-in sample events happen (Unix seconds); the launcher sets the real time.
    public var sampleTime: Int64 = 1_700_000_000
    /// The destination being edited (nil: a new one).
    public var editingDestinationID: String?
    /// Steps the user has passed with Next, so Review can point at unvisited ones.
    public var source = SourceStepState()
    public var credentials = CredentialsStepState()
    public var setupMode = SetupModeStepState()
    /// Review: problems that block saving, and the save's own failure.
    public var saving = false
    public var saveError: String?
    /// The furthest step reached; number keys jump back to any step up to it.
    public var furthestStep: WizardStep = .source
    /// Editing a destination whose passcode comes from an environment variable: kept unless
    /// the user types a passcode.
    public var passcodeVariable: String?
    /// After saving: where, and the equivalent non-interactive command line.
    public var savedPath: String?
    public var savedCommand: String?
    /// A source this run created and saved: its write key is shown on the saved screen.
    public var savedNewSource: Source?
    /// Something was written during this run (the exit message says so even after a later quit).
    public var savedThisRun = false
    /// Anything entered since the last save.
    public var hasUnsavedChanges = false
    public var outcome: WizardOutcome?
    /// The terminal's size, from resize messages; below `Wizard.minimumSize` keys are ignored
    /// (the screen only asks for a larger terminal, so nothing may happen unseen).
    public var screenSize: Size?
    /// Advances on `.tick` while something runs, to animate the spinner.
    public var spinnerFrame = 0

    public init(workspace: Workspace, configPath: String, identifiers: SetupIdentifiers) {
        self.workspace = workspace
        self.configPath = configPath
        self.identifiers = identifiers
        phase = workspace.destinations.isEmpty ? .step(.source) : .menu
        if workspace.sources.isEmpty { source.creating = true; source.focus = .name }
    }

    /// True while an effect is running and the spinner should turn.
    public var isBusy: Bool { saving || credentials.verification == .running || testSend?.isRunning == true }

    /// The source the destination will be connected to, if one is chosen or created.
    public var chosenSource: Source? {
        if source.creating { return source.created }
        return source.selection < workspace.sources.count ? workspace.sources[source.selection] : nil
    }
}
