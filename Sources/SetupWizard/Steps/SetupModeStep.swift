import CleverTapCore
import TerminalUI

/// Step 3: Quick Setup or Customized Setup.
public struct SetupModeStepState: Sendable, Hashable {
    /// The mode chosen (Enter or Space); saving follows it.
    public var mode: SetupMode = .quick
    /// The option ↑↓ point at; choosing is explicit, so moving never changes what is saved.
    public var highlight: SetupMode = .quick
    /// Quick Setup adds the event presets too (`Preset.events`), as `setup --quick --events` does.
    public var events = false
    /// Choosing Quick Setup would drop custom subscriptions: y replaces them, n keeps them.
    public var confirmReplace = false
    /// False while editing an existing destination whose subscriptions the user has not touched:
    /// saving then keeps them exactly as they were.
    public var changed = false

    /// Step 3 said without keys.
    public enum Intent: Sendable, Hashable {
        /// A mode chosen, Quick Setup with or without the event presets, and on to the next screen.
        case choose(SetupMode, events: Bool)
        /// "Replace the custom subscriptions?" answered.
        case replace(Bool)
    }
}

extension SetupModeStepState {
    /// Step 3's keys. ↑↓ only point; Enter or Space chooses. `replacingAsks`: choosing Quick
    /// Setup would drop custom subscriptions, so it asks first.
    mutating func update(_ key: Key, replacingAsks: Bool) -> StepResult {
        if confirmReplace {
            return answerReplace(key == .character("y") || key == .character("Y"))
        }
        switch key {
        case .up, .backTab: highlight = .quick
        case .down, .tab: highlight = .customized
        case .character("e") where highlight == .quick:
            return setEvents(!events)
        case .character(" "), .enter:
            return chooseHighlighted(replacingAsks: replacingAsks, goOn: key == .enter)
        default:
            break
        }
        return StepResult()
    }

    /// Step 3's intents (plain mode), through the same rules as the keys.
    mutating func perform(_ intent: Intent, replacingAsks: Bool) -> StepResult {
        switch intent {
        case .replace(let yes):
            guard confirmReplace else { return StepResult() }
            return answerReplace(yes)
        case .choose(let wanted, let withEvents):
            guard !confirmReplace else { return StepResult() }
            highlight = wanted
            // The events toggle only ever reports a change; choosing carries the rest.
            let toggled = wanted == .quick && withEvents != events && setEvents(withEvents).changed
            var result = chooseHighlighted(replacingAsks: replacingAsks, goOn: true)
            result.changed = result.changed || toggled
            return result
        }
    }

    private mutating func answerReplace(_ yes: Bool) -> StepResult {
        confirmReplace = false
        guard yes else { return StepResult() }
        var result = choose(.quick)
        result.next = true
        return result
    }

    /// The event presets on or off (e, with Quick Setup pointed at).
    private mutating func setEvents(_ on: Bool) -> StepResult {
        events = on
        // Only what Quick Setup would save changes; under Customized it waits for a choice.
        guard mode == .quick else { return StepResult() }
        changed = true
        return StepResult(changed: true)
    }

    /// Chooses the option pointed at (Space; Enter also goes on). Dropping custom subscriptions asks first.
    private mutating func chooseHighlighted(replacingAsks: Bool, goOn: Bool) -> StepResult {
        let wanted = highlight
        if wanted == .quick && mode == .customized && replacingAsks {
            confirmReplace = true
            return StepResult()
        }
        var result = choose(wanted)
        if goOn {
            result.next = wanted == .quick
            result.openSubscriptions = wanted == .customized
        }
        return result
    }

    private mutating func choose(_ chosen: SetupMode) -> StepResult {
        highlight = chosen
        guard mode != chosen else { return StepResult() }
        mode = chosen
        changed = true
        return StepResult(changed: true)
    }
}

extension Preset {
    /// One line for a preset, on the full screen and in plain mode: "User Upload: User Upload when …".
    var summary: String { "\(name): \(action.displayName) when \(trigger)" }
}

extension Wizard {
    /// The "events too" option in words, for the full screen and plain mode alike.
    static let eventsOptionText = "Events too (e): " + Preset.events.map(\.name).joined(separator: " and ")
        + " send track calls as CleverTap events (setup --quick --events)."

    /// True when the subscriptions Quick Setup would replace are none, or are its presets anyway.
    static func customSubscriptionsAreQuickSetup(_ state: WizardState) -> Bool {
        let current = state.customized.list.subscriptions
        if current.isEmpty { return true }
        let presets = Preset.quickSetup(events: state.setupMode.events).map { $0.makeSubscription(id: "") }
        return current.count == presets.count && zip(current, presets).allSatisfy { have, preset in
            have.action == preset.action && have.trigger == preset.trigger && have.mapping == preset.mapping && have.enabled
        }
    }

}

extension Canvas {
    mutating func setupModeStep(_ state: WizardState) {
        let mode = state.setupMode
        var row = bodyTop
        let options = [
            "Quick Setup: User Upload on identify, User Delete on the \"Delete User\" event",
            "Customized Setup: build your own subscriptions, triggers and mappings",
        ]
        let modes: [SetupMode] = [.quick, .customized]
        // (•) marks the mode chosen; the highlight only points (Enter or Space chooses).
        row = list(options, selected: mode.highlight == .quick ? 0 : 1, row: row, focused: true) { index in
            modes[index] == mode.mode ? "(•) " : "( ) "
        }
        row += 1
        if mode.confirmReplace {
            let count = state.customized.list.subscriptions.count
            row = paragraph("Quick Setup replaces this destination's \(count) subscription\(count == 1 ? "" : "s") with its presets. "
                            + "Replace them? (y = replace, n = keep them)", row: row, style: Style(.warning, bold: true))
            row += 1
        }
        if mode.highlight == .quick {
            screen.write("Subscriptions Quick Setup creates (enabled, default mappings):", column: left, row: row, style: Style(.subtle))
            row += 1
            for preset in Preset.quickSetup(events: mode.events) {
                row = paragraph("• " + preset.summary, row: row, indent: left + 2)
            }
            row += 1
            row = paragraph("[\(mode.events ? "x" : " ")] " + Wizard.eventsOptionText, row: row,
                            style: Style(mode.events ? .accent : .subtle))
        } else {
            let subscriptions = state.customized.list.subscriptions
            row = paragraph("Press Enter for the subscription list: add User Upload, Delete User or Upload Event subscriptions, "
                            + "and edit each one's trigger and field mapping with a live preview.", row: row, style: Style(.subtle))
            row += 1
            if subscriptions.isEmpty {
                screen.write("No subscriptions yet.", column: left, row: row, style: Style(.warning))
            }
            for subscription in subscriptions.prefix(max(0, height - row - 3)) {
                screen.write("\(subscription.enabled ? "[x]" : "[ ]") \(subscription.name): \(subscription.action.displayName) when \(subscription.trigger)",
                             column: left + 2, row: row, maxWidth: width - 2 * left - 2)
                row += 1
            }
        }
    }

}
