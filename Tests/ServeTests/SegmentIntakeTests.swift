import CleverTapCore
import EventQueue
import Foundation
import Intake
import Testing

enum IntakeFixtures {
    static let workspace = Workspace(
        sources: [Source(id: "src-1", name: "Website", type: .javascript, writeKey: "wk-website"),
                  Source(id: "src-2", name: "Server", type: .server, writeKey: "wk-server")],
        destinations: [
            Destination(id: "dst-1", name: "CleverTap", sourceID: "src-1", projectID: "TEST-123-456Z", passcode: .inline(Secret("p")),
                        endpoint: .custom(baseURL: "http://127.0.0.1:1"), setupMode: .quick),
            Destination(id: "dst-off", name: "Off", sourceID: "src-1", projectID: "TEST-123-456Z", passcode: .inline(Secret("p")),
                        endpoint: .custom(baseURL: "http://127.0.0.1:1"), setupMode: .quick, enabled: false),
        ])
    static let intake = SegmentIntake(sources: IntakeSources(workspace: workspace))
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func basic(_ key: String) -> String { "Basic " + Data((key + ":").utf8).base64EncodedString() }

    static func accept(_ call: IntakeCall, _ body: String, authorization: String? = basic("wk-website")) throws(IntakeFailure) -> EnqueueRequest {
        try intake.accept(call: call, body: Array(body.utf8), authorization: authorization, now: now)
    }

    static func event(_ request: EnqueueRequest, _ index: Int = 0) throws -> JSONValue {
        try JSONParser.parse(bytes: request.events[index].payload)
    }
}

@Suite(.timeLimit(.minutes(1))) struct SegmentIntakeTests {
    @Test func theWriteKeyComesFromBasicAuthOrTheBody() throws {
        let byHeader = try IntakeFixtures.accept(.track, #"{"userId":"u1","event":"Signed Up"}"#)
        #expect(byHeader.sourceID == "src-1")
        #expect(byHeader.destinationIDs == ["dst-1"])
        let byBody = try IntakeFixtures.accept(.batch, #"{"writeKey":"wk-server","batch":[{"type":"identify","userId":"u1"}]}"#,
                                               authorization: nil)
        #expect(byBody.sourceID == "src-2")
        #expect(byBody.destinationIDs == [])
    }

    @Test(arguments: [
        (nil as String?, #"{"userId":"u1"}"#, "no write key"),
        (IntakeFixtures.basic("wk-nope"), #"{"userId":"u1"}"#, "unknown write key"),
        (nil, #"{"userId":"u1","writeKey":"wk-nope"}"#, "unknown write key"),
    ])
    func aMissingOrUnknownWriteKeyIs401(authorization: String?, body: String, words: String) {
        #expect {
            _ = try IntakeFixtures.accept(.identify, body, authorization: authorization)
        } throws: { error in
            guard let failure = error as? IntakeFailure else { return false }
            return failure.status == 401 && failure.message.contains(words)
        }
    }

    @Test func oversizedRequestsNameTheLimit() {
        let big = String(repeating: "x", count: 33 * 1024)
        #expect {
            _ = try IntakeFixtures.accept(.identify, #"{"userId":"u1","traits":{"bio":"\#(big)"}}"#)
        } throws: { error in
            (error as? IntakeFailure).map { $0.status == 413 && $0.message.contains("32 KB per event") } ?? false
        }
        let events = (0..<20).map { _ in #"{"type":"identify","userId":"u1","traits":{"bio":"\#(big)"}}"# }.joined(separator: ",")
        #expect {
            _ = try IntakeFixtures.accept(.batch, #"{"batch":[\#(events)]}"#)
        } throws: { error in
            (error as? IntakeFailure).map { $0.status == 413 && $0.message.contains("500 KB per batch") } ?? false
        }
    }

    @Test func anOversizedEventInABatchIsRefusedAloneAndTheRestAccepted() throws {
        let big = String(repeating: "x", count: 33 * 1024)
        let request = try IntakeFixtures.accept(.batch, #"""
            {"batch":[{"type":"identify","userId":"u1","traits":{"bio":"\#(big)"}},
                      {"type":"identify","userId":"u2"},
                      {"type":"track","event":"x"},
                      {"type":"track","userId":"u3"},
                      "not an event",
                      {"type":"identify","anonymousId":"anon-4"}]}
            """#)
        #expect(request.events.map(\.identity) == ["u2", "anon-4"])
        #expect(request.rejected.count == 4)
        #expect(request.rejected[0].reason.hasSuffix("bytes; the limit is 32 KB per event"))
        #expect(Array(request.rejected.dropFirst().map(\.reason)) == [
            "no userId or anonymousId: Segment drops such events",
            "a track needs \"event\": its name",
            "an event must be a JSON object, found a string",
        ])
    }

    @Test func badJSONAndAMissingBatchAre400() {
        for (call, body, words) in [(IntakeCall.track, "{nope", "the body is not JSON"), (.batch, #"{"events":[]}"#, "\"batch\": an array"),
                                    (.track, "[1]", "must be a JSON object")] {
            #expect {
                _ = try IntakeFixtures.accept(call, body)
            } throws: { error in
                (error as? IntakeFailure).map { $0.status == 400 && $0.message.contains(words) } ?? false
            }
        }
    }

    @Test func enrichmentStampsReceivedAtCorrectsTheClockAndAddsAMessageID() throws {
        // The client's clock is 10 s fast: it says it sent at :10 what arrived at :00 (server time).
        let request = try IntakeFixtures.accept(.batch, #"""
            {"sentAt":"2027-01-15T08:00:10.000Z","writeKey":"wk-website","context":{"library":{"name":"analytics-python"}},
             "batch":[{"type":"identify","userId":"u1","timestamp":"2027-01-15T08:00:05.000Z","messageId":"m-1"},
                      {"type":"track","userId":"u1","event":"Signed Up"}]}
            """#, authorization: nil)
        let first = try IntakeFixtures.event(request, 0)
        #expect(first["receivedAt"]?.stringValue == "2027-01-15T08:00:00.000Z")
        #expect(first["timestamp"]?.stringValue == "2027-01-15T07:59:55.000Z")
        #expect(first["originalTimestamp"]?.stringValue == "2027-01-15T08:00:05.000Z")
        #expect(first["messageId"]?.stringValue == "m-1")
        #expect(first["context"]?["library"]?["name"]?.stringValue == "analytics-python")
        #expect(first["writeKey"] == nil)
        let second = try IntakeFixtures.event(request, 1)
        #expect(second["timestamp"]?.stringValue == "2027-01-15T08:00:00.000Z")
        #expect(second["messageId"]?.stringValue?.hasPrefix("srv-") == true)
        #expect(request.events[1].messageID == second["messageId"]?.stringValue)
    }

    @Test(arguments: [("i", "identify"), ("t", "track"), ("p", "page"), ("s", "screen"), ("g", "group"), ("a", "alias"),
                      ("import", "batch"), ("b", "batch"), ("identify", "identify")])
    func analyticsJSPathsAndImportAreAliases(path: String, call: String) {
        #expect(IntakeCall(pathComponent: path)?.rawValue == call)
    }

    @Test func aSingleCallTakesItsTypeFromThePath() throws {
        let request = try IntakeFixtures.accept(.page, #"{"anonymousId":"a1","name":"Home"}"#)
        #expect(try IntakeFixtures.event(request)["type"]?.stringValue == "page")
        #expect(request.events[0].identity == "a1")
    }
}

@Suite(.timeLimit(.minutes(1))) struct IntakeTimestampTests {
    @Test(arguments: [
        ("2027-01-15T08:00:05.000Z", 1_800_000_005.0),
        ("2027-01-15T08:00:05Z", 1_800_000_005.0),
        ("2027-01-15T08:00:05.250123+00:00", 1_800_000_005.250123),
        ("2027-01-15T13:30:05+05:30", 1_800_000_005.0),
        ("2027-01-15T03:00:05-0500", 1_800_000_005.0),
        ("1969-12-31T23:59:59Z", -1.0),
    ])
    func pythonAndJavaScriptTimesAreRead(text: String, seconds: Double) throws {
        let date = try #require(IntakeTimestamps.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_01)
    }

    @Test(arguments: ["", "yesterday", "2027-13-01T00:00:00Z", "2027-01-15T08:00:05.Z", "2027-01-15T08:00:05+5"])
    func unreadableTimesAreNil(text: String) {
        #expect(IntakeTimestamps.parse(text) == nil)
    }

    @Test func timesAreWrittenWithMilliseconds() {
        #expect(IntakeTimestamps.format(Date(timeIntervalSince1970: 1_800_000_005.25)) == "2027-01-15T08:00:05.250Z")
        #expect(IntakeTimestamps.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
    }

    @Test func anUnreadableClientTimeIsKeptAsSent() throws {
        let request = try IntakeFixtures.accept(.track, #"{"userId":"u1","event":"x","timestamp":"last tuesday","sentAt":"2027-01-15T08:00:10Z"}"#)
        #expect(try IntakeFixtures.event(request)["timestamp"]?.stringValue == "last tuesday")
    }
}
