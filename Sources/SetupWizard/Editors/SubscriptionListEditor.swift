import CleverTapCore
import TerminalUI

/// Why a change to the subscription list was refused; each message says what to do instead.
enum SubscriptionListError: Error, Sendable, Equatable, CustomStringConvertible {
    case emptyName
    case nameTooLong(limit: Int)
    case duplicateName(String)
    case unknownSubscription(id: String)
    case noDeletionPending

    var description: String {
        switch self {
        case .emptyName: return "A subscription needs a name; type at least one character."
        case .nameTooLong(let limit): return "Subscription names are at most \(limit) characters; shorten it."
        case .duplicateName(let name): return "A subscription named \"\(name)\" already exists; choose another name."
        case .unknownSubscription(let id): return "No subscription with id \"\(id)\" in this destination."
        case .noDeletionPending: return "Nothing is waiting to be deleted; choose a subscription and press delete first."
        }
    }
}

/// The destination's subscriptions as an editable list: add, rename, enable/disable, delete
/// (two steps: request, then confirm) and select one for editing its trigger and mapping.
///
/// Names are trimmed, never empty, and unique ignoring case (two subscriptions a person cannot
/// tell apart in a list are a trap). Ids are stable: renaming keeps the id.
struct SubscriptionListEditor: Sendable, Hashable {
    static let maximumNameLength = 64

    private(set) var subscriptions: [Subscription]
    /// Index of the highlighted row; nil only when the list is empty.
    private(set) var selectedIndex: Int?
    /// Id of the subscription the user asked to delete, waiting for confirmation.
    private(set) var pendingDeletionID: String?

    init(subscriptions: [Subscription]) {
        self.subscriptions = subscriptions
        selectedIndex = subscriptions.isEmpty ? nil : 0
    }

    var selected: Subscription? { selectedIndex.map { subscriptions[$0] } }
    var pendingDeletion: Subscription? { pendingDeletionID.flatMap { id in subscriptions.first { $0.id == id } } }

    // MARK: Selection

    /// Moves the highlight by `offset` rows, stopping at the ends.
    mutating func moveSelection(by offset: Int) {
        guard let index = selectedIndex else { return }
        selectedIndex = min(max(0, index + offset), subscriptions.count - 1)
        pendingDeletionID = nil
    }

    mutating func select(id: String) throws(SubscriptionListError) {
        selectedIndex = try index(of: id)
        pendingDeletionID = nil
    }

    // MARK: Changes

    /// Adds a subscription for `action` named `name`, with the action catalog's defaults:
    /// the matching preset's trigger (Upload Event: Track Event's), the action's default mapping,
    /// enabled, and Convert Timestamps on. Selects it and returns its id.
    @discardableResult
    mutating func add(action: ActionKind, name: String) throws(SubscriptionListError) -> String {
        let cleanName = try validatedName(name, excluding: nil)
        let trigger = Preset.quickSetup(events: true).first { $0.action == action }?.trigger ?? ""
        let subscription = Subscription(id: uniqueID(for: cleanName), name: cleanName, action: action,
                                        trigger: trigger, mapping: action.definition.defaultMapping,
                                        enabled: true, convertTimestamps: true)
        subscriptions.append(subscription)
        selectedIndex = subscriptions.count - 1
        pendingDeletionID = nil
        return subscription.id
    }

    mutating func rename(id: String, to name: String) throws(SubscriptionListError) {
        let index = try index(of: id)
        subscriptions[index].name = try validatedName(name, excluding: id)
    }

    mutating func setEnabled(id: String, _ enabled: Bool) throws(SubscriptionListError) {
        subscriptions[try index(of: id)].enabled = enabled
    }

    mutating func toggleEnabled(id: String) throws(SubscriptionListError) {
        let index = try index(of: id)
        subscriptions[index].enabled.toggle()
    }

    /// First step of deleting: remembers which subscription; nothing is removed yet.
    mutating func requestDeletion(id: String) throws(SubscriptionListError) {
        _ = try index(of: id)
        pendingDeletionID = id
    }

    mutating func cancelDeletion() { pendingDeletionID = nil }

    /// Second step: removes the subscription the user asked about. Returns it (for an undo
    /// message). The highlight stays on the same row, or the new last row.
    @discardableResult
    mutating func confirmDeletion() throws(SubscriptionListError) -> Subscription {
        guard let id = pendingDeletionID else { throw .noDeletionPending }
        pendingDeletionID = nil
        let index = try index(of: id)
        let removed = subscriptions.remove(at: index)
        selectedIndex = subscriptions.isEmpty ? nil : min(selectedIndex ?? 0, subscriptions.count - 1)
        return removed
    }

    /// Stores a subscription edited elsewhere (trigger or mapping editor), matched by id.
    /// The name is checked again so that an edit cannot smuggle in a duplicate.
    mutating func update(_ subscription: Subscription) throws(SubscriptionListError) {
        let index = try index(of: subscription.id)
        var updated = subscription
        updated.name = try validatedName(subscription.name, excluding: subscription.id)
        subscriptions[index] = updated
    }

    // MARK: Rules

    /// The trimmed name, or why it cannot be used.
    func validatedName(_ name: String, excluding id: String?) throws(SubscriptionListError) -> String {
        let trimmed = name.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .emptyName }
        guard trimmed.count <= Self.maximumNameLength else { throw .nameTooLong(limit: Self.maximumNameLength) }
        let folded = trimmed.lowercased()
        if subscriptions.contains(where: { $0.id != id && $0.name.trimmingWhitespace().lowercased() == folded }) {
            throw .duplicateName(trimmed)
        }
        return trimmed
    }

    /// A readable id from the name ("Upload VIPs" -> "upload-vips"), suffixed to be unique.
    private func uniqueID(for name: String) -> String {
        var slug = ""
        for character in name.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                slug.append(character)
            } else if !slug.isEmpty && slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.last == "-" { slug.removeLast() }
        if slug.isEmpty { slug = "subscription" }
        let taken = Set(subscriptions.map(\.id))
        if !taken.contains(slug) { return slug }
        var n = 2
        while taken.contains("\(slug)-\(n)") { n += 1 }
        return "\(slug)-\(n)"
    }

    private func index(of id: String) throws(SubscriptionListError) -> Int {
        guard let index = subscriptions.firstIndex(where: { $0.id == id }) else { throw .unknownSubscription(id: id) }
        return index
    }

    // MARK: View

    /// The list as a table (enabled mark, name, action, trigger) with the highlighted row, and
    /// the confirmation question when a deletion is pending.
    func render(into screen: inout Screen, frame: PaneFrame) {
        var out = PaneWriter(frame: frame)
        let nameWidth = 22, actionWidth = 13
        out.line("    " + "Name".padded(to: nameWidth) + "Action".padded(to: actionWidth) + "Trigger",
                 style: Style(.subtle, bold: true), in: &screen)
        if subscriptions.isEmpty {
            out.line("No subscriptions yet. Add one: " + Wizard.addSubscriptionKeys.map(\.action.displayName).joined(separator: ", ") + ".",
                     style: Style(.subtle), in: &screen)
        }
        for (index, subscription) in subscriptions.enumerated() {
            let mark = subscription.enabled ? "[x] " : "[ ] "
            let text = mark + subscription.name.padded(to: nameWidth) + subscription.action.displayName.padded(to: actionWidth)
                + subscription.trigger
            let style = index == selectedIndex ? Style(.selected, reverse: true) : (subscription.enabled ? .normal : Style(.subtle))
            out.line(text, style: style, in: &screen)
        }
        if let pending = pendingDeletion {
            out.skip()
            out.wrapped("Delete \"\(pending.name)\"? Its trigger and mapping are removed. (y = delete, n = keep)",
                        style: Style(.warning, bold: true), in: &screen)
        }
    }
}

extension String {
    /// Padded with spaces to `width` display cells (always at least one trailing space), or cut
    /// short with "…" when it does not fit, so table columns line up.
    func padded(to width: Int) -> String {
        let total = DisplayWidth.of(self)
        if total <= width - 1 { return self + String(repeating: " ", count: width - total) }
        var result = ""
        var used = 0
        for character in self {
            let w = DisplayWidth.of(character)
            if used + w > width - 2 { break }
            result.append(character)
            used += w
        }
        return result + "…" + String(repeating: " ", count: max(1, width - used - 1))
    }
}
