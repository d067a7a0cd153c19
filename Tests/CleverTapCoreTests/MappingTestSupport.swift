import Testing
@testable import CleverTapCore

/// One row of a mapping table: a mapping applied to an event and what must come out.
struct MappingCase: Sendable, CustomTestStringConvertible {
    let name: String
    let mapping: String
    /// Compact JSON of the expected output; nil when the mapping must resolve to nothing.
    let expected: String?
    let event: String

    init(_ name: String, _ mapping: String, _ expected: String?, event: String = MappingFixtures.event) {
        self.name = name
        self.mapping = mapping
        self.expected = expected
        self.event = event
    }

    var testDescription: String { name }
}

/// One row of a validation table: a broken mapping and the exact problem reported.
struct MappingErrorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let mapping: String
    /// The error's description (location: message), or a prefix of it ending in "…".
    let expected: String

    init(_ name: String, _ mapping: String, _ expected: String) {
        self.name = name
        self.mapping = mapping
        self.expected = expected
    }

    var testDescription: String { name }
}

enum MappingFixtures {
    /// A Segment identify event with a bit of everything.
    static let event = #"""
    {"type":"identify","userId":"u1","anonymousId":"a1","timestamp":"2006-01-02T18:04:07Z",
     "traits":{"name":"Ada Lovelace","email":"ADA@Example.com","age":36,"score":12.5,"vip":true,"none":null,
               "empty":"","zero":0,"no":false,"tags":["a","b"],"blanks":[null,""],
               "address":{"city":"Berlin","zip":"10115","geo":{"lat":52.5,"none":null}},
               "created":"2006-01-02T18:04:07Z","motto":"a-b-c A"},
     "properties":{"products":[{"sku":"S-1","price":9.5},{"sku":"S-2","price":20}],"single":{"sku":"S-3"},
                   "json":"{\"a\":1,\"b\":[true]}","bad":"nope{","pathName":"traits.name","big":1e21,"tiny":1.5e-7},
     "context":{"traits":{"phone":"+14155551234"}},
     "integrations":{"Actions Amplitude":{"session_id":"s-9"}}}
    """#

    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }
}
