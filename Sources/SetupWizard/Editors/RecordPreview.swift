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
/// it. Recomputed from the mapping editor's state on every change (it is a pure function of it).
///
/// Until the mapping engine (branch `mapping`) is on main, the record is evaluated here for the
/// forms the editor represents (paths, templates, literals, key by key); custom mappings are
/// listed as not previewed. After the merge the record comes from the core's pipeline and the
/// checks below stay.
struct RecordPreview: Sendable, Hashable {
    /// The record, or nil when nothing could be built.
    private(set) var record: JSONValue?
    private(set) var problems: [PreviewProblem] = []

    /// False while any blocking problem remains: the wizard refuses to save.
    var canSave: Bool { !problems.contains { $0.severity == .blocking } }

    init(editor: MappingEditor) {
        self.init(action: editor.action, rows: editor.rows, convertTimestamps: editor.convertTimestamps, sample: editor.sample)
    }

    init(subscription: Subscription, sample: JSONValue) {
        self.init(editor: MappingEditor(subscription: subscription, sample: sample))
    }

    private init(action: ActionKind, rows: [MappingEditor.Row], convertTimestamps: Bool, sample: JSONValue) {
        var record = JSONObject()
        if action == .userUpload { record["type"] = "profile" }
        for row in rows {
            let field = row.field
            guard row.mapping.isMapped else {
                if field.required {
                    problems.append(PreviewProblem(severity: .blocking, message: "\(field.label) is required and not mapped: choose an event path such as $.userId."))
                }
                continue
            }
            guard let value = evaluate(row.mapping, label: field.label, sample: sample) else {
                if field.required {
                    problems.append(PreviewProblem(severity: .warning, message: "\(field.label) is mapped to \(row.mapping.summary), which this sample event does not have: CleverTap would reject its record."))
                }
                continue
            }
            switch field.key {
            case "identity": record["identity"] = checkIdentity(value)
            case "ts": record["ts"] = checkTimestamp(value, convert: convertTimestamps)
            case "profileData": record["profileData"] = checkProfile(value, convert: convertTimestamps)
            default: record[field.key] = value
            }
        }
        self.record = .object(record)
    }

    // MARK: Evaluation of the editor's forms

    private mutating func evaluate(_ mapping: FieldMapping, label: String, sample: JSONValue) -> JSONValue? {
        switch mapping {
        case .unmapped: return nil
        case .value(let value): return evaluate(value, label: label, sample: sample)
        case .keyByKey(let attributes):
            var object = JSONObject()
            for attribute in attributes {
                if let value = evaluate(attribute.value, label: "\(label).\(attribute.key)", sample: sample) { object[attribute.key] = value }
            }
            return .object(object)
        }
    }

    private mutating func evaluate(_ value: MappingValue, label: String, sample: JSONValue) -> JSONValue? {
        switch value {
        case .path(let path): return EventPaths.resolve(path, in: sample)
        case .literal(let literal): return literal
        case .template(let template): return .string(Self.render(template, sample: sample))
        case .custom:
            problems.append(PreviewProblem(severity: .warning, message: "\(label) uses a custom mapping that this preview cannot evaluate yet; it is kept as written."))
            return nil
        }
    }

    /// `{{traits.first_name}}` replaced by the event's value (missing values become empty text,
    /// as in mapping-kit; strings are inserted without quotes, other values as JSON).
    static func render(_ template: String, sample: JSONValue) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            out += rest[..<open.lowerBound]
            let path = rest[open.upperBound..<close.lowerBound].trimmingWhitespace
            switch EventPaths.resolve("$." + path, in: sample) {
            case .some(.string(let s)): out += s
            case .none, .some(.null): break
            case .some(let other): out += other.description
            }
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    // MARK: Field rules (spec §3, §8)

    private mutating func checkIdentity(_ value: JSONValue) -> JSONValue? {
        let text: String
        switch value {
        case .string(let s): text = s
        case .int(let i): text = String(i)
        case .double(let d) where d.rounded() == d: text = String(Int64(d))
        default:
            problems.append(PreviewProblem(severity: .warning, message: "Identity must be text or a number, but the sample has \(value.kindName) \(value.description)."))
            return nil
        }
        if text.isEmpty {
            problems.append(PreviewProblem(severity: .warning, message: "Identity is empty in the sample event: CleverTap needs a non-empty identity."))
        } else if text.utf8.count > 120 {
            problems.append(PreviewProblem(severity: .warning, message: "Identity is \(text.utf8.count) bytes; CleverTap accepts at most 120."))
        }
        return .string(text)
    }

    private mutating func checkTimestamp(_ value: JSONValue, convert: Bool) -> JSONValue? {
        switch value {
        case .int(let seconds) where seconds > 0: return .int(seconds)
        case .double(let d) where d.rounded() == d && d > 0: return .int(Int64(d))
        case .string(let s):
            if !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let seconds = Int64(s) { return .int(seconds) }
            if convert, let seconds = InterimTimestamp.unixSeconds(fromISO8601: s) { return .int(seconds) }
            let hint = InterimTimestamp.unixSeconds(fromISO8601: s) != nil ? " Turn Convert Timestamps on to send it as Unix seconds." : ""
            problems.append(PreviewProblem(severity: .warning, message: "ts must be an integer of Unix seconds, but the sample gives \"\(s)\"; it would be left out.\(hint)"))
            return nil
        default:
            problems.append(PreviewProblem(severity: .warning, message: "ts must be an integer of Unix seconds, but the sample gives \(value.kindName) \(value.description); it would be left out."))
            return nil
        }
    }

    private mutating func checkProfile(_ value: JSONValue, convert: Bool) -> JSONValue? {
        guard case .object(var profile) = value else {
            problems.append(PreviewProblem(severity: .warning, message: "Person Attributes must be an object, but the sample gives \(value.kindName) \(value.description)."))
            return nil
        }
        for member in profile {
            var attribute = member.value
            if convert, case .string(let s) = attribute, let seconds = InterimTimestamp.unixSeconds(fromISO8601: s) {
                attribute = .int(seconds)
                profile[member.key] = attribute
            }
            if let problem = Self.profileProblem(key: member.key, value: attribute) {
                problems.append(PreviewProblem(severity: .warning, message: problem))
            }
        }
        return .object(profile)
    }

    /// CleverTap's per-key rules for reserved profile keys (spec §3.1, sandbox rule §9.4) and
    /// its refusal of nested objects (§3.2), in words; nil when the value is fine.
    static func profileProblem(key: String, value: JSONValue) -> String? {
        let nested: String?
        switch value {
        case .object: nested = "an object"
        case .array(let items) where items.contains(where: { $0.objectValue != nil }): nested = "a list of objects"
        default: nested = nil
        }
        if let nested {
            return "Person Attributes \(key) is \(nested); CleverTap does not accept nested objects by default, so it will not be sent as is."
        }
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
    func render(into screen: inout Screen, frame: PaneFrame) {
        var out = PaneWriter(frame: frame)
        out.line("Preview: record sent for the sample event", style: Style(.title, bold: true), in: &screen)
        let problemLines = problems.reduce(0) { $0 + PaneWriter.wrap("! " + $1.message, width: frame.width, continuationIndent: 2).count }
        for line in (record?.prettyDescription ?? "(no record)").split(separator: "\n", omittingEmptySubsequences: false)
        where out.remainingRows > problemLines {
            out.line(String(line), indent: 2, in: &screen)
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

/// Strict ISO-8601 to Unix seconds for the preview (spec §8): `YYYY-MM-DD`, optional `Thh:mm`,
/// `:ss`, `.fraction` (truncated), `Z` / `±hh:mm` / `±hhmm`; zone-less is UTC; impossible
/// calendar dates are not dates. Replaced by the core's Timestamps after the mapping merge.
enum InterimTimestamp {
    static func unixSeconds(fromISO8601 text: String) -> Int64? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ count: Int) -> Int? {
            guard i + count <= b.count else { return nil }
            var value = 0
            for k in i..<(i + count) {
                guard b[k] >= 48, b[k] <= 57 else { return nil }
                value = value * 10 + Int(b[k] - 48)
            }
            i += count
            return value
        }
        func take(_ c: Character) -> Bool {
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard let year = digits(4), take("-"), let month = digits(2), take("-"), let day = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        var hour = 0, minute = 0, second = 0, offset = 0
        if take("T") {
            guard let h = digits(2), take(":"), let m = digits(2), h < 24, m < 60 else { return nil }
            hour = h; minute = m
            if take(":") {
                guard let s = digits(2), s < 60 else { return nil }
                second = s
                if take(".") {
                    let start = i
                    while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
                    guard (1...9).contains(i - start) else { return nil }
                }
            }
            if take("Z") {
            } else if i < b.count, b[i] == 43 || b[i] == 45 {
                let sign = b[i] == 43 ? 1 : -1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = take(":")
                guard let om = digits(2), oh < 24, om < 60 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
            }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offset)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
