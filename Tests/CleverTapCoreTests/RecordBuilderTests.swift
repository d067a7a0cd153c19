import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct RecordBuilderTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let action: ActionKind
        let mapped: String
        var options = RecordOptions()
        /// Expected record as compact JSON, or the error description.
        let expected: Result<String, RecordError>
        var warnings: [String] = []
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "upload with everything", action: .userUpload,
            mapped: #"{"identity":"u1","ts":"2006-01-02T18:04:07Z","profileData":{"Name":"Ada","Email":"a@b.c"}}"#,
            expected: .success(#"{"type":"profile","identity":"u1","ts":1136225047,"profileData":{"Name":"Ada","Email":"a@b.c"}}"#)),
        Row(name: "numeric identity becomes text", action: .userUpload, mapped: #"{"identity":12345}"#,
            expected: .success(#"{"type":"profile","identity":"12345","profileData":{}}"#)),
        Row(name: "decimal identity printed like JavaScript", action: .userUpload, mapped: #"{"identity":12.5}"#,
            expected: .success(#"{"type":"profile","identity":"12.5","profileData":{}}"#)),
        Row(name: "missing identity", action: .userUpload, mapped: #"{"profileData":{"a":1}}"#, expected: .failure(.missingIdentity)),
        Row(name: "null identity", action: .userUpload, mapped: #"{"identity":null}"#, expected: .failure(.missingIdentity)),
        Row(name: "blank identity", action: .userUpload, mapped: #"{"identity":"  "}"#, expected: .failure(.missingIdentity)),
        // The byte shortcuts of the identity checks change no answer: non-ASCII whitespace is
        // blank, a leading tab is not the whole story, 121 characters of two bytes are too long.
        Row(name: "identity of ideographic spaces", action: .userUpload, mapped: #"{"identity":"\u3000\u3000"}"#,
            expected: .failure(.missingIdentity)),
        Row(name: "identity after a tab", action: .userDelete, mapped: #"{"identity":"\tu-1"}"#,
            expected: .success(#"{"identity":"\tu-1"}"#)),
        Row(name: "identity of 121 two-byte characters", action: .userUpload,
            mapped: "{\"identity\":\"\(String(repeating: "é", count: 121))\"}", expected: .failure(.identityTooLong(length: 121))),
        Row(name: "boolean identity", action: .userUpload, mapped: #"{"identity":true}"#, expected: .failure(.identityNotText(kind: "boolean"))),
        Row(name: "object identity", action: .userDelete, mapped: #"{"identity":{"id":1}}"#, expected: .failure(.identityNotText(kind: "object"))),
        Row(name: "identity too long", action: .userUpload, mapped: "{\"identity\":\"\(String(repeating: "x", count: 121))\"}",
            expected: .failure(.identityTooLong(length: 121))),
        Row(name: "identity of 120 characters is fine", action: .userDelete, mapped: "{\"identity\":\"\(String(repeating: "é", count: 120))\"}",
            expected: .success("{\"identity\":\"\(String(repeating: "é", count: 120))\"}")),
        Row(name: "nothing mapped at all", action: .userDelete, mapped: "null", expected: .failure(.missingIdentity)),
        Row(name: "delete is identity only", action: .userDelete, mapped: #"{"identity":"u9"}"#, expected: .success(#"{"identity":"u9"}"#)),
        Row(name: "profileData must be an object", action: .userUpload, mapped: #"{"identity":"u","profileData":"Ada"}"#,
            expected: .failure(.profileDataNotObject(kind: "string"))),
        Row(name: "profileData array rejected", action: .userUpload, mapped: #"{"identity":"u","profileData":[1]}"#,
            expected: .failure(.profileDataNotObject(kind: "array"))),
        Row(name: "null profileData is empty", action: .userUpload, mapped: #"{"identity":"u","profileData":null}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{}}"#)),
        // ts
        Row(name: "ts integer kept", action: .userUpload, mapped: #"{"identity":"u","ts":1136225047}"#,
            expected: .success(#"{"type":"profile","identity":"u","ts":1136225047,"profileData":{}}"#)),
        Row(name: "ts decimal truncated", action: .userUpload, mapped: #"{"identity":"u","ts":1136225047.9}"#,
            expected: .success(#"{"type":"profile","identity":"u","ts":1136225047,"profileData":{}}"#)),
        Row(name: "ts digit string read as seconds", action: .userUpload, mapped: #"{"identity":"u","ts":"1136225047"}"#,
            expected: .success(#"{"type":"profile","identity":"u","ts":1136225047,"profileData":{}}"#)),
        Row(name: "ts with offset", action: .userUpload, mapped: #"{"identity":"u","ts":"2006-01-02T18:04:07+01:00"}"#,
            expected: .success(#"{"type":"profile","identity":"u","ts":1136221447,"profileData":{}}"#)),
        Row(name: "ts not a date left out", action: .userUpload, mapped: #"{"identity":"u","ts":"not a date"}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{}}"#),
            warnings: [#"ts "not a date" is not a Unix time or an ISO-8601 date-time: left out, so CleverTap uses the upload time"#]),
        Row(name: "ts milliseconds left out", action: .userUpload, mapped: #"{"identity":"u","ts":1136225047000}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{}}"#),
            warnings: ["ts 1136225047000 is too large for Unix seconds (milliseconds?): left out, so CleverTap uses the upload time"]),
        Row(name: "ts zero left out", action: .userUpload, mapped: #"{"identity":"u","ts":0}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{}}"#),
            warnings: ["ts 0 is before 1970: left out, so CleverTap uses the upload time"]),
        Row(name: "ts ISO with conversion off left out", action: .userUpload,
            mapped: #"{"identity":"u","ts":"2006-01-02T18:04:07Z","profileData":{"d":"2006-01-02T18:04:07Z"}}"#,
            options: RecordOptions(convertTimestamps: false),
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"d":"2006-01-02T18:04:07Z"}}"#),
            warnings: [#"ts "2006-01-02T18:04:07Z" is an ISO-8601 date-time but Convert Timestamps is off: left out, so CleverTap uses the upload time"#]),
        Row(name: "ts boolean left out", action: .userUpload, mapped: #"{"identity":"u","ts":true}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{}}"#),
            warnings: ["ts is a boolean, not a time: left out, so CleverTap uses the upload time"]),
        // Person Attributes
        Row(name: "timestamps converted, everything else untouched", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"created":"2006-01-02T18:04:07Z","birthday":"1990-04-12","signup":"2025-13-45T99:99:99Z","score":"1136253847","zip":"10115","Phone":"+14155551234","when":"25 Mar 2015","n":3,"ok":true,"none":null}}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"created":1136225047,"birthday":639878400,"signup":"2025-13-45T99:99:99Z","score":"1136253847","zip":"10115","Phone":"+14155551234","when":"25 Mar 2015","n":3,"ok":true,"none":null}}"#)),
        Row(name: "nested objects flattened with timestamps converted", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"company":{"name":"Acme","founded":"2001-02-03","hq":{"city":"Berlin"}},"plan":"pro"}}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"company.name":"Acme","company.founded":981158400,"company.hq.city":"Berlin","plan":"pro"}}"#)),
        Row(name: "nested objects stringified on request", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"company":{"name":"Acme","founded":"2001-02-03"}}}"#,
            options: RecordOptions(nestedObjects: .stringify),
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"company":"{\"name\":\"Acme\",\"founded\":981158400}"}}"#)),
        Row(name: "nested objects kept on request", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"company":{"name":"Acme"}}}"#,
            options: RecordOptions(nestedObjects: .keep),
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"company":{"name":"Acme"}}}"#)),
        Row(name: "arrays of scalars stay multi-value", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"tags":["a","b"],"dates":["2019-02-01"]}}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"tags":["a","b"],"dates":["2019-02-01"]}}"#)),
        Row(name: "arrays of objects become JSON text", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"orders":[{"id":1}]}}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"orders":"[{\"id\":1}]"}}"#)),
        Row(name: "profile operators kept as objects", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"tags":{"$add":["x"]},"visits":{"$incr":1}}}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"tags":{"$add":["x"]},"visits":{"$incr":1}}}"#)),
        Row(name: "flattened key collision keeps the first", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"a.b":1,"a":{"b":2}}}"#,
            expected: .success(#"{"type":"profile","identity":"u","profileData":{"a.b":1}}"#),
            warnings: [#"profileData key "a.b" appears twice after flattening nested objects: the first value is kept"#]),
        // Keys are their bytes, as JSON's: "é" (one code point) and "e" + combining acute are two
        // keys; Swift's `==` calls them equal and once dropped the second as a collision.
        Row(name: "canonically equivalent keys are two keys", action: .userUpload,
            mapped: #"{"identity":"u","profileData":{"caf\u00e9":1,"caf\u0065\u0301":2,"x":{"y":3}}}"#,
            expected: .success("{\"type\":\"profile\",\"identity\":\"u\",\"profileData\":{\"caf\u{E9}\":1,\"cafe\u{301}\":2,\"x.y\":3}}")),
    ]

    @Test(arguments: rows)
    func buildsRecords(_ row: Row) throws {
        let mapped = try JSONParser.parse(row.mapped)
        switch row.expected {
        case .success(let expected):
            let built = try ActionRecordBuilder.build(row.action, from: mapped, options: row.options)
            // Bytes, not `==`: Swift's `==` calls canonically equivalent texts equal.
            #expect(Array(built.record.description.utf8) == Array(expected.utf8), "\(built.record.description)")
            #expect(built.warnings == row.warnings)
        case .failure(let expected):
            #expect(throws: expected) { try ActionRecordBuilder.build(row.action, from: mapped, options: row.options) }
        }
    }

    @Test(arguments: [
        (RecordError.missingIdentity, "identity", "Identity (identity) is required but the mapping gave no value: map it to a field the event has (e.g. $.userId)"),
        (RecordError.identityNotText(kind: "boolean"), "identity", "Identity (identity) must be a string or a number, got boolean"),
        (RecordError.identityTooLong(length: 130), "identity", "Identity (identity) is 130 characters long; CleverTap accepts at most 120"),
        (RecordError.profileDataNotObject(kind: "string"), "profileData", "Person Attributes (profileData) must be an object of properties, got string"),
    ])
    func errorsNameTheField(_ error: RecordError, _ field: String, _ text: String) {
        #expect(error.field == field)
        #expect(error.description == text)
    }
}
