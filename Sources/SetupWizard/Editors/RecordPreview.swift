import CleverTapCore
import TerminalUI

/// One thing wrong with the record a subscription would send, in words.
struct PreviewProblem: Sendable, Hashable {
    enum Severity: Sendable, Hashable {
        /// The subscription cannot be saved (a required field is unmapped).
        case blocking
        /// It can be saved, but CleverTap would reject or mis-store this sample's record.
        case warning
    }

    var severity: Severity
    var message: String
}

/// The CleverTap record a subscription would send for the sample event, and what is wrong with
/// it. Recomputed from the mapping editor's state on every change (a pure function of it).
///
/// The record comes from the core's own mapping engine and record builder (`CompiledMapping`,
/// `ActionRecordBuilder`), the steps `SubscriptionPipeline` runs after a trigger matched, so the
/// preview shows exactly what `send-test` and `deliver` would send. On top it checks CleverTap's
/// rules for reserved profile keys, which the server would enforce per record.
struct RecordPreview: Sendable, Hashable {
    /// The record, or nil when none could be built for this sample.
    private(set) var record: JSONValue?
    private(set) var problems: [PreviewProblem] = []
    /// What the core did to values on the way, in words (Event Data's nested values sent as JSON
    /// text); not problems, so "No problems found." can stand beside them.
    private(set) var notes: [String] = []

    /// False while any blocking problem remains: the wizard refuses to save.
    var canSave: Bool { !problems.contains { $0.severity == .blocking } }

    init(editor: MappingEditor) {
        self.init(action: editor.action, rows: editor.rows, unknownKeys: editor.unknownFieldKeys, mapping: editor.mapping,
                  convertTimestamps: editor.convertTimestamps, sample: editor.sample)
    }

    init(subscription: Subscription, sample: JSONValue) {
        self.init(editor: MappingEditor(subscription: subscription, sample: sample))
    }

    /// Adds a remark that is not about the record itself (e.g. the trigger does not match).
    mutating func note(_ message: String) {
        problems.append(PreviewProblem(severity: .warning, message: message))
    }

    private init(action: ActionKind, rows: [MappingEditor.Row], unknownKeys: [String], mapping: JSONObject,
                 convertTimestamps: Bool, sample: JSONValue) {
        let definition = action.definition
        // The core's rule and words: Upload Event's Identity is excused while Object ID is mapped.
        let unmapped = rows.filter { $0.field.isRequired(in: mapping) && !$0.mapping.isMapped }.map(\.field)
        for field in unmapped {
            problems.append(PreviewProblem(severity: .blocking, message: field.unmappedMessage(in: definition) + "."))
        }
        for key in unknownKeys {
            problems.append(PreviewProblem(severity: .blocking, message: "The mapping has a field \"\(key)\" that \(action.displayName) does not take (it takes \(definition.fields.map(\.key).joined(separator: ", "))); remove it."))
        }
        let compiled: CompiledMapping
        do {
            compiled = try CompiledMapping(mapping)
        } catch {
            for issue in error.issues {
                problems.append(PreviewProblem(severity: .blocking, message: "Mapping problem at \(issue.location): \(issue.message)."))
            }
            return
        }
        let mapped: JSONValue?
        do {
            mapped = try compiled.apply(to: sample)
        } catch {
            problems.append(PreviewProblem(severity: .warning, message: "On this sample event the mapping fails: \(error)."))
            return
        }
        let built: ActionRecord
        do {
            built = try ActionRecordBuilder.build(action, from: mapped, options: RecordOptions(convertTimestamps: convertTimestamps))
        } catch {
            // An unmapped Identity is already reported above, as the reason saving is refused.
            if !([.missingIdentity, .missingIdentityOrObjectID].contains(error) && unmapped.contains { $0.key == "identity" }) {
                problems.append(PreviewProblem(severity: .warning, message: "CleverTap would get no record for this sample: \(error)."))
            }
            return
        }
        record = built.record
        if action == .userEvent {
            notes = Self.eventDataNotes(mapped: mapped?["evtData"], sent: built.record["evtData"])
        }
        for warning in built.warnings {
            problems.append(PreviewProblem(severity: .warning, message: Self.sentence(warning)))
        }
        if let profile = built.record["profileData"]?.objectValue {
            for member in profile {
                if let problem = Self.profileProblem(key: member.key, value: member.value) {
                    problems.append(PreviewProblem(severity: .warning, message: problem))
                }
            }
        }
    }

    /// Which Event Data values the core sent as JSON text, by comparing what the mapping gave
    /// with the record it built, then the rule in the core's words.
    static func eventDataNotes(mapped: JSONValue?, sent: JSONValue?) -> [String] {
        guard let given = mapped?.objectValue, let record = sent?.objectValue else { return [] }
        let stringified = given.compactMap { member -> String? in
            let kind: String
            switch member.value { case .object: kind = "an object"; case .array: kind = "an array"; default: return nil }
            guard case .string? = record[member.key] else { return nil }
            return "\"\(member.key)\" (\(kind))"
        }
        guard !stringified.isEmpty else { return [] }
        return ["Sent as JSON text: " + stringified.joined(separator: ", ") + ". " + EventDataRules.nestedValuesNote(.flatten)]
    }

    /// The core's warnings are clauses (`ts "x" is …: left out, …`); shown as sentences.
    private static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
    }

    // MARK: Field rules (spec §3, §8)

    /// CleverTap's per-key rules for reserved profile keys (spec §3.1, sandbox rule §9.4), in
    /// words; nil when the value is fine.
    static func profileProblem(key: String, value: JSONValue) -> String? {
        let text = value.stringValue
        switch key {
        case "Phone":
            guard let text, isE164(text) else { return "Phone \(value.description) is not in +country format (e.g. +14155551234): CleverTap rejects it (516)." }
        case "Email":
            guard let text, isEmail(text) else { return "Email \(value.description) is not an email address: CleverTap rejects it (515)." }
        case "Gender":
            guard text == "M" || text == "F" else { return "Gender \(value.description) must be M or F: CleverTap rejects it (514). Map it with a literal or an @case mapping." }
        case "Employed", "Married":
            guard text == "Y" || text == "N" else { return "\(key) \(value.description) must be Y or N: CleverTap rejects it (\(key == "Employed" ? 517 : 519))." }
        case "Education":
            guard let text, ["School", "College", "Graduate"].contains(text) else { return "Education \(value.description) must be School, College or Graduate: CleverTap rejects it (518)." }
        case "Age":
            let isNumber = value.doubleValue != nil || (text.map { !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } } ?? false)
            guard isNumber else { return "Age \(value.description) is not a number: CleverTap rejects it (520)." }
        case "DOB":
            guard let text, text.hasPrefix("$D_") else { return "DOB \(value.description) is stored as a plain value, not a date: CleverTap reads dates as \"$D_<Unix seconds>\"." }
        default: break
        }
        return nil
    }

    /// `^\+[1-9][0-9]{6,14}$`
    static func isE164(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, bytes.count <= 16, bytes[0] == UInt8(ascii: "+"),
              bytes[1] >= UInt8(ascii: "1"), bytes[1] <= UInt8(ascii: "9") else { return false }
        return bytes.dropFirst(2).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// One `@`, something before it, a dot inside the domain with text on both sides, no spaces.
    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !text.contains(where: \.isWhitespace) else { return false }
        let domain = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && domain.allSatisfy { !$0.isEmpty }
    }

    // MARK: View

    /// The record as pretty JSON, then each problem on its own line.
    /// The pretty record as lines for a pane `width` cells wide. When it does not fit (the
    /// wizard's 80-column layout), nesting is indented by one cell instead of two and a member
    /// too long for a line puts its value on the next one, so values are seen, not cut.
    static func previewLines(_ pretty: String, width: Int) -> [String] {
        let lines = pretty.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.contains(where: { DisplayWidth.of($0) > width }) else { return lines }
        var result: [String] = []
        for line in lines {
            let depth = line.prefix { $0 == " " }.count / 2
            let body = String(line.drop { $0 == " " })
            let pad = String(repeating: " ", count: depth)
            if DisplayWidth.of(pad + body) > width, let colon = body.range(of: "\": ") {
                result.append(pad + body[..<body.index(after: colon.lowerBound)] + ":")
                result.append(pad + "  " + body[colon.upperBound...])
            } else {
                result.append(pad + body)
            }
        }
        return result
    }

    func render(into screen: inout Screen, frame: PaneFrame) {
        var out = PaneWriter(frame: frame)
        let title = "Preview: record sent for the sample event"
        out.line(DisplayWidth.of(title) <= frame.width ? title : "Preview (record)", style: Style(.title, bold: true), in: &screen)
        // Rows kept for the verdict below the record: the problems, or "No problems found."
        let problemLines = (problems.isEmpty ? 1
            : problems.reduce(0) { $0 + PaneWriter.wrap("! " + $1.message, width: frame.width, continuationIndent: 2).count })
            + notes.reduce(0) { $0 + PaneWriter.wrap("i " + $1, width: frame.width, continuationIndent: 2).count }
        for line in Self.previewLines(record?.prettyDescription ?? "(no record)", width: frame.width - 2)
        where out.remainingRows > problemLines {
            out.line(line, indent: 2, in: &screen)
        }
        for note in notes {
            out.wrapped("i " + note, style: Style(.subtle), in: &screen)
        }
        if problems.isEmpty {
            out.line("No problems found.", style: Style(.success), in: &screen)
        }
        for problem in problems {
            out.wrapped((problem.severity == .blocking ? "✗ " : "! ") + problem.message,
                        style: Style(problem.severity == .blocking ? .error : .warning), in: &screen)
        }
    }
}
