/// CleverTap refused one record; the rest of its request may have been stored.
public struct RecordRejection: Sendable, Hashable, CustomStringConvertible {
    public var code: CleverTapRecordCode
    /// CleverTap's own error text (passcode scrubbed), e.g. "Phone number is not valid. Skipped record number : 2".
    public var error: String

    public init(code: CleverTapRecordCode, error: String) {
        self.code = code
        self.error = error
    }

    public var description: String { "code \(code.code): \(code.explanation) (CleverTap: \"\(error)\")" }
}

/// What happened to one record (upload) or one identity/guid (delete).
public enum RecordOutcome: Sendable, Hashable {
    /// CleverTap accepted it.
    case processed
    /// CleverTap answered the request but skipped this record; fix the data, do not retry as is.
    case rejected(RecordRejection)
    /// Its request failed as a whole, so nothing in it was stored; sending it again later is safe.
    case failed(CleverTapError)

    public var isProcessed: Bool { if case .processed = self { return true } else { return false } }
}

/// One HTTP request the client made for a call, after its retries.
public struct RequestReport: Sendable, Hashable {
    /// Positions (0-based, in the caller's input) of the records or values it carried.
    public var range: Range<Int>
    /// HTTP attempts made, the first included.
    public var attempts: Int
    /// Status of the last answer, nil when no answer came (timeout, connection failure).
    public var httpStatus: Int?
    /// Why it failed as a whole, nil when CleverTap answered 2xx.
    public var error: CleverTapError?
    /// The wait the server asked for (`Retry-After`) in the last answer of a failed request.
    public var retryAfter: Duration?

    public init(range: Range<Int>, attempts: Int, httpStatus: Int?, error: CleverTapError?, retryAfter: Duration? = nil) {
        self.range = range
        self.attempts = attempts
        self.httpStatus = httpStatus
        self.error = error
        self.retryAfter = retryAfter
    }
}

/// The interpreted answer to an upload or delete: per input position, what happened, plus the
/// requests it took. Success means every record was processed: never trust `status` alone
/// (spec §4: 2017-era answers say "success" with records skipped).
public struct CleverTapResult: Sendable, Hashable {
    /// One outcome per input record / value, in input order.
    public var outcomes: [RecordOutcome]
    /// The HTTP requests, in order (one per batch of ≤1000 records or ≤100 deletes).
    public var requests: [RequestReport]
    /// Rejections CleverTap reported without a usable record position (old answer shapes).
    public var unattributed: [RecordRejection]

    public init(outcomes: [RecordOutcome] = [], requests: [RequestReport] = [], unattributed: [RecordRejection] = []) {
        self.outcomes = outcomes
        self.requests = requests
        self.unattributed = unattributed
    }

    public var isSuccess: Bool { unattributed.isEmpty && outcomes.allSatisfy(\.isProcessed) }
    /// The longest wait a failed request's server asked for, so a later retry can honour it.
    public var retryAfter: Duration? { requests.compactMap(\.retryAfter).max() }
    public var processedCount: Int { outcomes.lazy.filter(\.isProcessed).count }
    /// HTTP attempts over all requests, retries included.
    public var attempts: Int { requests.reduce(0) { $0 + $1.attempts } }
    /// Attempts beyond the first of each request.
    public var retries: Int { attempts - requests.count }
    /// Rejected records with their input positions.
    public var rejections: [(index: Int, rejection: RecordRejection)] {
        outcomes.enumerated().compactMap { index, outcome in
            if case .rejected(let rejection) = outcome { return (index, rejection) }
            return nil
        }
    }
    /// The first whole-request failure, if any request failed.
    public var firstError: CleverTapError? { requests.lazy.compactMap(\.error).first }

    /// One line for people: "2 of 3 records processed; record 2 rejected: …".
    public var summary: String {
        var parts = ["\(processedCount) of \(outcomes.count) processed in \(requests.count) request(s), \(attempts) attempt(s)"]
        for (index, rejection) in rejections.prefix(5) {
            parts.append("record \(index + 1) rejected: \(rejection)")
        }
        if rejections.count > 5 { parts.append("… and \(rejections.count - 5) more rejected") }
        for rejection in unattributed.prefix(3) { parts.append("rejected (position unknown): \(rejection)") }
        if let error = firstError { parts.append("request failed: \(error)") }
        return parts.joined(separator: "; ")
    }
}

/// Reads CleverTap's `/1/upload` answer body (spec §4), tolerating the older shapes.
enum UploadAnswerParser {
    /// Per-record outcomes for a batch of `count` records, plus rejections without a position.
    static func outcomes(body: [UInt8], count: Int, redactor: Redactor) throws(CleverTapError)
        -> (outcomes: [RecordOutcome], unattributed: [RecordRejection])
    {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes: body) } catch {
            throw .invalidResponse(detail: "body is not JSON: \(error)")
        }
        guard let object = value.objectValue else {
            throw .invalidResponse(detail: "expected a JSON object, got \(value.kindName)")
        }
        var outcomes = Array(repeating: RecordOutcome.processed, count: count)
        var unattributed: [RecordRejection] = []
        guard let unprocessed = object["unprocessed"] else {
            if let status = object["status"]?.stringValue, status != "success" {
                let message = object["error"]?.stringValue ?? object["message"]?.stringValue
                throw .invalidResponse(detail: "status \"\(status)\" without a list of unprocessed records"
                    + (message.map { ": \(redactor.scrub($0))" } ?? ""))
            }
            return (outcomes, unattributed)
        }
        guard let entries = unprocessed.arrayValue else {
            throw .invalidResponse(detail: "\"unprocessed\" is \(unprocessed.kindName), expected an array")
        }
        for entry in entries {
            guard let entryObject = entry.objectValue else { continue }
            let rejection: RecordRejection
            if let code = entryObject["code"]?.intValue {
                let text = redactor.scrub(entryObject["error"]?.stringValue ?? "")
                rejection = RecordRejection(code: CleverTapRecordCode(code: Int(code)), error: text)
            } else if let first = entryObject.members.first, let text = first.value.stringValue {
                // Oct-2017 shape: { "<record json>": "<error>" }.
                rejection = RecordRejection(code: .unknown(0), error: redactor.scrub(text))
            } else {
                continue
            }
            if let position = skippedRecordNumber(in: rejection.error), position >= 1, position <= count,
               outcomes[position - 1].isProcessed
            {
                outcomes[position - 1] = .rejected(rejection)
            } else {
                unattributed.append(rejection)
            }
        }
        return (outcomes, unattributed)
    }

    /// The n of "Skipped record number : n" (with or without spaces around the colon).
    static func skippedRecordNumber(in text: String) -> Int? {
        guard let range = text.firstRange(of: "Skipped record number") else { return nil }
        var rest = text[range.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        return Int(digits)
    }

    /// The `error` or `message` text of a whole-request failure body, when it has one.
    static func serverMessage(body: [UInt8], redactor: Redactor) -> String? {
        guard !body.isEmpty else { return nil }
        if let value = try? JSONParser.parse(bytes: body), let object = value.objectValue {
            if let text = object["error"]?.stringValue ?? object["message"]?.stringValue { return redactor.scrub(text) }
            return nil
        }
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return redactor.scrub(text)
    }
}
