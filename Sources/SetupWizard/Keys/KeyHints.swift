import TerminalUI

/// One key (or group of keys) of a screen, declared once: the footer's few words and the help
/// overlay's line come from here, and so does the README's key list (`Wizard.keyReference`),
/// so the three cannot drift apart.
public struct KeyHint: Sendable, Hashable {
    /// The keys as the user presses them: "Tab", "Ctrl-R", "↑↓".
    public var keys: String
    /// The footer's words after the keys; nil keeps the key out of the footer (help only).
    public var footer: String?
    /// The help overlay's (and README's) description.
    public var help: String

    public init(_ keys: String, footer: String?, help: String) {
        self.keys = keys
        self.footer = footer
        self.help = help
    }

    /// "Tab field" for the footer (Ctrl- shortened to ^), or nil.
    var footerText: String? {
        let short = keys.hasPrefix("Ctrl-") ? "^" + keys.dropFirst(5) : keys
        return footer.map { "\(short) \($0)" }
    }
}

/// The wizard's screens that have keys of their own.
public enum KeyScreen: String, Sendable, Hashable, CaseIterable {
    case menu, sourceList, sourceForm, credentials, setupMode, review, saved, testSend, delivery
    case subscriptionList, triggerBuilder, triggerRaw, mapping, linePrompt

    /// The heading of this screen's keys in the help overlay and the README.
    public var title: String {
        switch self {
        case .menu: return "Menu"
        case .sourceList: return "Step 1, Source: the list"
        case .sourceForm: return "Step 1, Source: a new source"
        case .credentials: return "Step 2, Credentials"
        case .setupMode: return "Step 3, Setup mode"
        case .review: return "Step 4, Review & save"
        case .saved: return "Saved"
        case .testSend: return "Test send result"
        case .delivery: return "Event delivery"
        case .subscriptionList: return "Customized Setup: subscriptions"
        case .triggerBuilder: return "Subscription editor: trigger builder"
        case .triggerRaw: return "Subscription editor: raw trigger"
        case .mapping: return "Subscription editor: mapping"
        case .linePrompt: return "A question on the bottom line"
        }
    }
}

extension Wizard {
    /// The keys of `screen`, in footer order.
    public static func keyHints(_ screen: KeyScreen) -> [KeyHint] {
        switch screen {
        case .menu:
            return [
                KeyHint("↑↓", footer: "choose", help: "move; Tab and Shift-Tab too"),
                KeyHint("Enter", footer: "open", help: "open, add a destination, send a test, Event delivery, quit"),
                KeyHint("Space", footer: "tick", help: "tick \"Send to the local sandbox\""),
                KeyHint("Esc", footer: nil, help: "quit (asks first when something is unsaved)"),
            ]
        case .sourceList:
            return [
                KeyHint("↑↓", footer: "choose", help: "choose a source or \"Create a new source\""),
                KeyHint("Enter", footer: "next", help: "use it and go to step 2"),
                KeyHint("Esc", footer: "back", help: "back to the menu (asks before dropping what you entered)"),
            ]
        case .sourceForm:
            return [
                KeyHint("Tab", footer: "field", help: "next field; Shift-Tab the previous one; ↑↓ choose the type"),
                KeyHint("Enter", footer: "next", help: "create the source (written on save) and go to step 2"),
                KeyHint("Esc", footer: "back", help: "back to the list of sources"),
            ]
        case .credentials:
            return [
                KeyHint("Tab", footer: "field", help: "next field (wraps); Shift-Tab the previous; ↑↓ move too"),
                KeyHint("←→", footer: nil, help: "in the region list: the other column; Home/End the first/last"),
                KeyHint("Enter", footer: "next", help: "next step; on [ Verify credentials ] ask CleverTap"),
                KeyHint("Ctrl-R", footer: "reveal", help: "show or hide the passcode"),
                KeyHint("Paste", footer: nil, help: "a dashboard URL fills the region and the Project ID"),
                KeyHint("Esc", footer: "back", help: "back one step (what you entered is kept)"),
            ]
        case .setupMode:
            return [
                KeyHint("↑↓", footer: "move", help: "point at Quick Setup or Customized Setup"),
                KeyHint("Space", footer: "choose", help: "choose it (replacing custom subscriptions asks)"),
                KeyHint("Enter", footer: "choose+next", help: "choose it and go on (Customized: the subscription list)"),
                KeyHint("e", footer: nil, help: "Quick Setup: the event presets too (Track Event, Order Completed → Charged), on or off"),
                KeyHint("Esc", footer: "back", help: "back one step"),
            ]
        case .review:
            return [
                KeyHint("Enter", footer: "save", help: "save the workspace (atomically, with a .bak)"),
                KeyHint("1-3", footer: "edit a step", help: "jump to a step to change it"),
                KeyHint("Esc", footer: "back", help: "back one step"),
            ]
        case .saved:
            return [
                KeyHint("Enter", footer: "finish", help: "leave the wizard; the command is printed again"),
                KeyHint("m", footer: "menu", help: "back to the menu"),
            ]
        case .testSend:
            return [
                KeyHint("↑↓", footer: "scroll", help: "scroll the result; PgUp/PgDn and Home too"),
                KeyHint("r", footer: "again", help: "send the test again"),
                KeyHint("Enter", footer: "menu", help: "back to the menu; Esc too, and Esc cancels a send under way"),
            ]
        case .delivery:
            return [
                KeyHint("Enter", footer: "menu", help: "back to the menu (the screen refreshes itself every 2 s); Esc too"),
            ]
        case .subscriptionList:
            return [
                KeyHint("↑↓", footer: nil, help: "choose a subscription"),
                KeyHint(addSubscriptionKeys.map { String($0.key) }.joined(separator: "/"), footer: "add",
                        help: "add a " + addSubscriptionKeys.map(\.action.displayName).joined(separator: " / ") + " (named)"),
                KeyHint("r", footer: nil, help: "rename the subscription"),
                KeyHint("Space", footer: "on/off", help: "enable or disable it"),
                KeyHint("x", footer: "delete", help: "delete it (asks y/n)"),
                KeyHint("Enter", footer: "edit", help: "open its trigger and mapping editor"),
                KeyHint("n", footer: "next", help: "go on to Review; Tab too"),
                KeyHint("Esc", footer: nil, help: "back to Setup mode"),
            ]
        case .triggerBuilder:
            return [
                KeyHint("↑↓", footer: nil, help: "choose a condition"),
                KeyHint("a", footer: "add", help: "add a condition: field op value, e.g. traits.plan != \"free\""),
                KeyHint("Enter", footer: "edit", help: "edit the chosen condition"),
                KeyHint("x", footer: "del", help: "remove the chosen condition"),
                KeyHint("j", footer: "all/any", help: "ALL or ANY of the conditions"),
            ] + editorHints(rawToggleInFooter: true)
        case .triggerRaw:
            return [
                KeyHint("Ctrl-A/E/K/U/W", footer: nil, help: "edit the trigger text like readline"),
            ] + editorHints(rawToggleInFooter: true)
        case .mapping:
            return [
                KeyHint("↑↓", footer: nil, help: "choose a field (* required)"),
                KeyHint("Enter", footer: "type", help: "type a $.path, a {{template}} or literal text"),
                KeyHint("s", footer: "suggest", help: "next suggestion (the action's, then the sample's paths)"),
                KeyHint("k/a/x", footer: "keys", help: "Person Attributes key by key / add Key=value / remove (x unmaps elsewhere); Event Data too"),
                KeyHint("t", footer: "ts", help: "Convert Timestamps on or off"),
            ] + editorHints(rawToggleInFooter: false)
        case .linePrompt:
            return [
                KeyHint("Enter", footer: "accept", help: "accept the answer"),
                KeyHint("Esc", footer: "cancel", help: "drop the question"),
                KeyHint("Ctrl-A/E/K/U/W", footer: "edit", help: "start / end / kill to end / kill to start / kill word"),
            ]
        }
    }

    /// Keys shared by the editor's panes (Ctrl-T is footer-worthy only while the trigger has focus).
    static func editorHints(rawToggleInFooter: Bool) -> [KeyHint] { [
        KeyHint("Tab", footer: "pane", help: "the other pane (trigger or mapping); Shift-Tab too"),
        KeyHint("Ctrl-T", footer: rawToggleInFooter ? "raw" : nil, help: "trigger: builder <-> raw text (the full trigger language)"),
        KeyHint("Ctrl-N/P", footer: nil, help: "next / previous sample event; PgDn/PgUp too"),
        KeyHint("Ctrl-O", footer: nil, help: "edit the sample event in $VISUAL, $EDITOR or vi"),
        KeyHint("Ctrl-S", footer: "save", help: "save the subscription (F2 too; refused while a required field is unmapped)"),
        KeyHint("Esc", footer: nil, help: "close the editor (asks before dropping changes)"),
    ] }

    /// Keys that work on every screen.
    static let globalHints = [
        KeyHint("?", footer: "help", help: "this help (F1 inside text fields)"),
        KeyHint("q", footer: "quit", help: "quit (Ctrl-C inside text fields); asks first when something is unsaved"),
    ]

    /// The screen whose keys apply now; nil under an overlay or a yes/no question.
    static func keyScreen(_ state: WizardState) -> KeyScreen? {
        switch state.phase {
        case .menu: return .menu
        case .saved: return .saved
        case .testSend: return .testSend
        case .delivery: return .delivery
        case .step(.source): return state.source.creating ? .sourceForm : .sourceList
        case .step(.credentials): return .credentials
        case .step(.setupMode): return .setupMode
        case .step(.review): return .review
        case .subscriptions:
            let custom = state.customized
            if custom.prompt != nil { return .linePrompt }
            guard let editor = custom.editor else { return .subscriptionList }
            switch (editor.focus, editor.trigger.mode) {
            case (.mapping, _): return .mapping
            case (.trigger, .builder): return .triggerBuilder
            case (.trigger, .raw): return .triggerRaw
            }
        }
    }

    /// The footer: the screen's declared keys, then help and quit as they work here (F1 and
    /// Ctrl-C while a text field takes letters).
    static func footer(for screen: KeyScreen, editingText: Bool) -> String {
        var parts = keyHints(screen).compactMap(\.footerText)
        if screen != .linePrompt {
            parts.append(editingText ? "F1 help" : "? help")
        }
        // In the subscription editor Esc closes the editor; quitting stays in the help.
        if ![.linePrompt, .triggerBuilder, .triggerRaw, .mapping].contains(screen) {
            parts.append(editingText ? "^C quit" : "q quit")
        }
        return parts.joined(separator: " · ")
    }

    /// The help overlay's lines for `screen`: its keys, then the global ones.
    static func helpLines(_ screen: KeyScreen) -> [String] {
        (keyHints(screen) + globalHints).map { hint in
            hint.keys + String(repeating: " ", count: max(1, 16 - DisplayWidth.of(hint.keys))) + hint.help
        }
    }

    /// Every screen's keys as Markdown, as the README lists them (a test keeps them equal).
    public static var keyReference: String {
        var lines: [String] = []
        for screen in KeyScreen.allCases {
            lines.append("- *\(screen.title)*: " + keyHints(screen).map { "`\($0.keys)` \($0.help)" }.joined(separator: "; ") + ".")
        }
        lines.append("- *Everywhere*: " + globalHints.map { "`\($0.keys)` \($0.help)" }.joined(separator: "; ") + ".")
        return lines.joined(separator: "\n")
    }
}
