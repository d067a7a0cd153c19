@testable import CleverTapCore
import Testing

/// Reading CleverTap's answers, including the older shapes spec §4 records.
@Suite(.timeLimit(.minutes(2))) struct ClientAnswerParsingTests {
    let redactor = Redactor(secrets: [])

    @Test(arguments: [
        ("Phone number is not valid. Skipped record number : 2", 2),
        ("Phone number is not valid.Skipped record number : 12", 12),
        ("Gender needs to be M/F. Skipped record number: 3", 3),
        ("Event Name is incorrect. ErrorCode: 509 - Event name is mandatory. Skipped record number : 1", 1),
    ])
    func skippedRecordNumber(text: String, expected: Int) {
        #expect(UploadAnswerParser.skippedRecordNumber(in: text) == expected)
    }

    @Test(arguments: ["Phone number is not valid", "Skipped record number : x", ""])
    func noPosition(text: String) {
        #expect(UploadAnswerParser.skippedRecordNumber(in: text) == nil)
    }

    @Test func oldAnswerSaysSuccessButListsRecordAsString() throws {
        // 2017: status success, processed 0, record echoed as a JSON string.
        let body = #"{"status":"success","processed":0,"unprocessed":[{"status":"fail","code":516,"error":"Phone number is not valid. Skipped record number : 1","record":"{\"identity\":\"a\"}"}]}"#
        let parsed = try UploadAnswerParser.outcomes(body: Array(body.utf8), count: 1, redactor: redactor)
        #expect(parsed.outcomes == [.rejected(RecordRejection(code: .phoneInvalid, error: "Phone number is not valid. Skipped record number : 1"))])
        #expect(CleverTapResult(outcomes: parsed.outcomes).isSuccess == false)
    }

    @Test func rejectionWithoutPositionIsKeptUnattributed() throws {
        let body = #"{"status":"fail","unprocessed":[{"{\"identity\":\"a\"}":"Email is not valid"}]}"#
        let parsed = try UploadAnswerParser.outcomes(body: Array(body.utf8), count: 2, redactor: redactor)
        #expect(parsed.outcomes == [.processed, .processed])
        #expect(parsed.unattributed.map(\.error) == ["Email is not valid"])
        #expect(!CleverTapResult(outcomes: parsed.outcomes, unattributed: parsed.unattributed).isSuccess)
    }

    @Test(arguments: ["not json", #"[1]"#, #"{"status":"fail","error":"x"}"#, #"{"unprocessed":3}"#])
    func unusableAnswersAreInvalidResponses(body: String) {
        #expect(throws: CleverTapError.self) {
            try UploadAnswerParser.outcomes(body: Array(body.utf8), count: 1, redactor: redactor)
        }
    }

    @Test(arguments: CleverTapRecordCode.documented)
    func documentedCodesRoundTrip(code: CleverTapRecordCode) {
        #expect(CleverTapRecordCode(code: code.code) == code)
        #expect(!code.explanation.isEmpty)
        if case .unknown = code { Issue.record("\(code.code) is documented") }
    }

    @Test func unknownCodeKeepsItsNumber() {
        #expect(CleverTapRecordCode(code: 599) == .unknown(599))
        #expect(CleverTapRecordCode(code: 599).description.contains("599"))
    }

    @Test(arguments: [(1, 10, 20), (2, 20, 40), (3, 40, 80), (8, 500, 1000), (20, 500, 1000)])
    func backoffGrowsWithJitterAndIsCapped(attempt: Int, lowMs: Int64, highMs: Int64) {
        let policy = RetryPolicy(maxAttempts: 30, baseDelay: .milliseconds(20), maxDelay: .seconds(1))
        var random = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            let delay = policy.delay(afterAttempt: attempt, retryAfter: nil, using: &random)
            #expect(delay >= .milliseconds(lowMs) && delay <= .milliseconds(highMs))
        }
    }

    @Test func retryAfterWinsButIsCapped() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(10), maxDelay: .seconds(5))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(2)) == .seconds(2))
        #expect(policy.delay(afterAttempt: 1, retryAfter: .seconds(600)) == .seconds(5))
        #expect(RetryPolicy.parseRetryAfter(" 7 ") == .seconds(7))
        #expect(RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
    }

    @Test(arguments: ["https://in1.api.clevertap.com", "http://127.0.0.1:8080/", "http://localhost:1"])
    func usableBaseURLs(url: String) {
        #expect(CleverTapClient.host(of: url) != nil)
    }

    @Test(arguments: ["in1.api.clevertap.com", "ftp://x", "https://", "https://user@host"])
    func unusableBaseURLsAreRejected(url: String) {
        #expect(throws: CleverTapError.self) {
            _ = try CleverTapClient(configuration: CleverTapClientConfiguration(baseURL: url, accountID: "A", passcode: Secret("p")))
        }
    }
}
