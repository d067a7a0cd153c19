import Testing
@testable import CleverTapCore

/// Upload Event records: shape, Event Data rules, CleverTap's limits (refused in words, never
/// cut) and reserved system event names. Limits are written out here as the spec states them.
@Suite(.timeLimit(.minutes(2))) struct EventRecordTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let mapped: String
        var options = RecordOptions()
        /// Expected record as compact JSON, or the error.
        let expected: Result<String, RecordError>
        var warnings: [String] = []
        var testDescription: String { name }
    }

    static func properties(_ count: Int) -> String {
        "{" + (0..<count).map { "\"p\($0)\":\($0)" }.joined(separator: ",") + "}"
    }

    static func items(_ count: Int) -> String {
        "[" + (0..<count).map { "{\"sku\":\"S-\($0)\"}" }.joined(separator: ",") + "]"
    }

    static let x512 = String(repeating: "x", count: 512)

    static let rows: [Row] = [
        Row(name: "event with everything", mapped: #"{"identity":"u1","ts":"2006-01-02T18:04:07Z","evtName":"Product Viewed","evtData":{"sku":"S-1","price":19.99,"seen":"2006-01-02T18:04:07Z","new":true,"none":null}}"#,
            expected: .success(#"{"type":"event","identity":"u1","ts":1136225047,"evtName":"Product Viewed","evtData":{"sku":"S-1","price":19.99,"seen":1136225047,"new":true,"none":null}}"#)),
        Row(name: "numeric identity becomes text", mapped: #"{"identity":42,"evtName":"E"}"#,
            expected: .success(#"{"type":"event","identity":"42","evtName":"E","evtData":{}}"#)),
        Row(name: "object ID alone names an anonymous user", mapped: #"{"objectId":"__anon-1","evtName":"E"}"#,
            expected: .success(#"{"type":"event","objectId":"__anon-1","evtName":"E","evtData":{}}"#)),
        Row(name: "both identifiers sent when both are mapped", mapped: #"{"identity":"u1","objectId":"__g","evtName":"E"}"#,
            expected: .success(#"{"type":"event","identity":"u1","objectId":"__g","evtName":"E","evtData":{}}"#)),
        Row(name: "no identifier at all", mapped: #"{"identity":null,"objectId":"  ","evtName":"E"}"#,
            expected: .failure(.missingIdentityOrObjectID)),
        Row(name: "boolean object ID", mapped: #"{"objectId":true,"evtName":"E"}"#, expected: .failure(.objectIDNotText(kind: "boolean"))),
        Row(name: "object ID too long", mapped: "{\"objectId\":\"\(String(repeating: "o", count: 121))\",\"evtName\":\"E\"}",
            expected: .failure(.objectIDTooLong(length: 121))),
        Row(name: "identity too long even with an object ID", mapped: "{\"identity\":\"\(String(repeating: "i", count: 121))\",\"objectId\":\"g\",\"evtName\":\"E\"}",
            expected: .failure(.identityTooLong(length: 121))),
        Row(name: "ts in milliseconds left out with a warning", mapped: #"{"identity":"u","evtName":"E","ts":1136225047000}"#,
            expected: .success(#"{"type":"event","identity":"u","evtName":"E","evtData":{}}"#),
            warnings: ["ts 1136225047000 is too large for Unix seconds (milliseconds?): left out, so CleverTap uses the upload time"]),
        Row(name: "Convert Timestamps off leaves Event Data text and drops an ISO ts", mapped: #"{"identity":"u","evtName":"E","ts":"2006-01-02T18:04:07Z","evtData":{"at":"2006-01-02T18:04:07Z"}}"#,
            options: RecordOptions(convertTimestamps: false),
            expected: .success(#"{"type":"event","identity":"u","evtName":"E","evtData":{"at":"2006-01-02T18:04:07Z"}}"#),
            warnings: [#"ts "2006-01-02T18:04:07Z" is an ISO-8601 date-time but Convert Timestamps is off: left out, so CleverTap uses the upload time"#]),
        // Event Name
        Row(name: "missing name", mapped: #"{"identity":"u"}"#, expected: .failure(.missingEventName)),
        Row(name: "blank name", mapped: #"{"identity":"u","evtName":" "}"#, expected: .failure(.missingEventName)),
        Row(name: "numeric name", mapped: #"{"identity":"u","evtName":7}"#, expected: .failure(.eventNameNotText(kind: "number"))),
        Row(name: "name of 512 characters is fine", mapped: "{\"identity\":\"u\",\"evtName\":\"\(String(repeating: "é", count: 512))\"}",
            expected: .success("{\"type\":\"event\",\"identity\":\"u\",\"evtName\":\"\(String(repeating: "é", count: 512))\",\"evtData\":{}}")),
        Row(name: "name of 513 characters refused", mapped: "{\"identity\":\"u\",\"evtName\":\"\(String(repeating: "n", count: 513))\"}",
            expected: .failure(.eventNameTooLong(length: 513))),
        // Nested values: JSON text, converted first
        Row(name: "nested object and arrays sent as JSON text", mapped: #"{"identity":"u","evtName":"E","evtData":{"address":{"city":"Pune","since":"2001-02-03"},"tags":["a","b"],"Items":[{"sku":"S-1"}]}}"#,
            expected: .success(#"{"type":"event","identity":"u","evtName":"E","evtData":{"address":"{\"city\":\"Pune\",\"since\":981158400}","tags":"[\"a\",\"b\"]","Items":"[{\"sku\":\"S-1\"}]"}}"#)),
        Row(name: "nested values kept for the nested-objects beta", mapped: #"{"identity":"u","evtName":"E","evtData":{"address":{"city":"Pune"},"tags":["a"]}}"#,
            options: RecordOptions(nestedObjects: .keep),
            expected: .success(#"{"type":"event","identity":"u","evtName":"E","evtData":{"address":{"city":"Pune"},"tags":["a"]}}"#)),
        Row(name: "Event Data must be an object", mapped: #"{"identity":"u","evtName":"E","evtData":[1]}"#,
            expected: .failure(.eventDataNotObject(kind: "array"))),
        // Charged and Items
        Row(name: "Charged keeps Items as an array of objects", mapped: #"{"identity":"u","evtName":"Charged","evtData":{"Amount":59.97,"Items":[{"sku":"S-1","quantity":2,"added":"2006-01-02T18:04:07Z","options":{"size":"M"}}]}}"#,
            expected: .success(#"{"type":"event","identity":"u","evtName":"Charged","evtData":{"Amount":59.97,"Items":[{"sku":"S-1","quantity":2,"added":"2006-01-02T18:04:07Z","options":"{\"size\":\"M\"}"}]}}"#)),
        Row(name: "Items not an array", mapped: #"{"identity":"u","evtName":"Charged","evtData":{"Items":"two shirts"}}"#,
            expected: .failure(.itemsNotArray(kind: "string"))),
        Row(name: "an item that is not an object", mapped: #"{"identity":"u","evtName":"Charged","evtData":{"Items":[{"sku":"S-1"},"S-2"]}}"#,
            expected: .failure(.itemNotObject(index: 1, kind: "string"))),
        Row(name: "50 items are fine", mapped: "{\"identity\":\"u\",\"evtName\":\"Charged\",\"evtData\":{\"Items\":\(items(50))}}",
            expected: .success("{\"type\":\"event\",\"identity\":\"u\",\"evtName\":\"Charged\",\"evtData\":{\"Items\":\(items(50))}}")),
        Row(name: "51 items refused", mapped: "{\"identity\":\"u\",\"evtName\":\"Charged\",\"evtData\":{\"Items\":\(items(51))}}",
            expected: .failure(.tooManyItems(count: 51))),
        Row(name: "an item value over 512 bytes refused", mapped: "{\"identity\":\"u\",\"evtName\":\"Charged\",\"evtData\":{\"Items\":[{\"name\":\"\(x512)x\"}]}}",
            expected: .failure(.eventDataValueTooLong(where: "Items[0].name", bytes: 513, stringified: false))),
        // Keys, values, counts
        Row(name: "key of 120 characters is fine", mapped: "{\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":{\"\(String(repeating: "é", count: 120))\":1}}",
            expected: .success("{\"type\":\"event\",\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":{\"\(String(repeating: "é", count: 120))\":1}}")),
        Row(name: "key of 121 characters refused", mapped: "{\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":{\"\(String(repeating: "k", count: 121))\":1}}",
            expected: .failure(.eventDataKeyTooLong(where: "\"" + String(repeating: "k", count: 39) + "…", length: 121))),
        Row(name: "value of 512 bytes is fine", mapped: "{\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":{\"note\":\"\(x512)\"}}",
            expected: .success("{\"type\":\"event\",\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":{\"note\":\"\(x512)\"}}")),
        Row(name: "value of 513 bytes refused", mapped: "{\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":{\"note\":\"\(x512)x\"}}",
            expected: .failure(.eventDataValueTooLong(where: "\"note\"", bytes: 513, stringified: false))),
        Row(name: "257 two-byte characters are 514 bytes", mapped: "{\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":{\"note\":\"\(String(repeating: "é", count: 257))\"}}",
            expected: .failure(.eventDataValueTooLong(where: "\"note\"", bytes: 514, stringified: false))),
        Row(name: "a nested value whose JSON text is over 512 bytes refused", mapped: "{\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":{\"tags\":[\"\(x512)\"]}}",
            expected: .failure(.eventDataValueTooLong(where: "\"tags\"", bytes: 516, stringified: true))),
        Row(name: "100 properties are fine", mapped: "{\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":\(properties(100))}",
            expected: .success("{\"type\":\"event\",\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":\(properties(100))}")),
        Row(name: "101 properties refused", mapped: "{\"identity\":\"u\",\"evtName\":\"E\",\"evtData\":\(properties(101))}",
            expected: .failure(.tooManyEventProperties(count: 101))),
    ]

    @Test(arguments: rows)
    func buildsEventRecords(_ row: Row) throws {
        let mapped = try JSONParser.parse(row.mapped)
        switch row.expected {
        case .success(let expected):
            let built = try ActionRecordBuilder.build(.userEvent, from: mapped, options: row.options)
            #expect(built.record.description == expected)
            #expect(built.warnings == row.warnings)
        case .failure(let expected):
            #expect(throws: expected) { try ActionRecordBuilder.build(.userEvent, from: mapped, options: row.options) }
        }
    }

    /// Every system event CleverTap reserves, as written and in other cases.
    static let reserved = [
        "App Launched", "App Uninstalled", "Notification Sent", "Notification Viewed", "Notification Clicked",
        "Notification Bounced", "Stayed", "UTM Visited", "wzrk_d", "Geocluster Entered", "Geocluster Exited",
        "SCOutgoing", "SCIncoming", "SCEnd", "SCCampaignOptOut", "Web Page Viewed", "app launched", "WEB PAGE VIEWED",
    ]

    @Test(arguments: reserved)
    func reservedSystemEventNamesAreRefused(_ name: String) {
        let mapped: JSONValue = ["identity": "u", "evtName": .string(name)]
        #expect(throws: RecordError.restrictedEventName(name)) { try ActionRecordBuilder.build(.userEvent, from: mapped) }
    }

    @Test(arguments: ["App Launch", "Launched App", "Page Viewed", "Charged", "Notification"])
    func namesThatOnlyResembleReservedOnesPass(_ name: String) throws {
        let built = try ActionRecordBuilder.build(.userEvent, from: ["identity": "u", "evtName": .string(name)])
        #expect(built.record["evtName"] == .string(name))
    }

    @Test(arguments: [
        (RecordError.missingIdentityOrObjectID, "identity", "Identity (identity) or Object ID (objectId) is required but the mapping gave neither: map Identity to $.userId or Object ID to a CleverTap ID"),
        (RecordError.restrictedEventName("App Launched"), "evtName", "Event Name (evtName) \"App Launched\" is a CleverTap system event, which only CleverTap itself raises (it answers 513): map another name or change the trigger"),
        (RecordError.eventNameTooLong(length: 513), "evtName", "Event Name (evtName) is 513 characters long; CleverTap accepts at most 512 (nothing was cut)"),
        (RecordError.eventDataKeyTooLong(where: "\"k\"", length: 121), "evtData", "Event Data (evtData) key \"k\" is 121 characters long; CleverTap accepts at most 120 (nothing was cut): rename it in the mapping"),
        (RecordError.eventDataValueTooLong(where: "\"note\"", bytes: 513, stringified: false), "evtData", "Event Data (evtData) value of \"note\" is 513 bytes; CleverTap accepts at most 512 (nothing was cut): map a shorter value or leave it out"),
        (RecordError.eventDataValueTooLong(where: "\"tags\"", bytes: 600, stringified: true), "evtData", "Event Data (evtData) value of \"tags\", a nested object or array sent as JSON text, is 600 bytes; CleverTap accepts at most 512 (nothing was cut): map a shorter value or leave it out"),
        (RecordError.tooManyEventProperties(count: 101), "evtData", "Event Data (evtData) has 101 properties; CleverTap accepts at most 100 per event (it answers 522): map fewer"),
        (RecordError.itemsNotArray(kind: "string"), "evtData", "Event Data (evtData) Items of a Charged event must be an array of objects (the products), got string"),
        (RecordError.itemNotObject(index: 1, kind: "string"), "evtData", "Event Data (evtData) Items[1] must be an object (one product), got string"),
        (RecordError.tooManyItems(count: 51), "evtData", "Event Data (evtData) Items has 51 entries; CleverTap accepts at most 50 per Charged event (nothing was cut)"),
        (RecordError.objectIDNotText(kind: "boolean"), "objectId", "Object ID (objectId) must be a string or a number, got boolean"),
    ])
    func errorsNameTheFieldAndTheLimit(_ error: RecordError, _ field: String, _ text: String) {
        #expect(error.field == field)
        #expect(error.description == text)
    }

    @Test func thePreviewCanSayHowNestedValuesAreSent() {
        #expect(EventDataRules.nestedValuesNote(.flatten).contains("JSON text"))
        #expect(EventDataRules.nestedValuesNote(.stringify).contains("JSON text"))
        #expect(EventDataRules.nestedValuesNote(.keep).contains("as they are"))
    }
}
