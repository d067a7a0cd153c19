import Testing
@testable import CleverTapCore

/// Trigger text, event and whether it matches. Every expected value was checked against Segment's
/// own parse-fql.ts + validate.ts (run locally as an oracle); the few marked "extension" are ones
/// Segment's parser cannot read at all and where we give the obvious answer instead.
struct TriggerMatchCase: Sendable, CustomTestStringConvertible {
    enum Event: Sendable {
        case track, identify, page, anon, empty, nulls, numuser, booluser, unicode, spaces, quote, arrays, falsy

        var json: String {
            switch self {
        case .track: return #"{"type":"track","event":"Order Completed","userId":"u1","properties":{"total":42,"price":12.5,"name":"Nike Air","premium":true,"vip":false,"coupon":null,"tags":["a","b"],"items":[{"sku":"x1","qty":2}],"address":{"city":"Berlin","zip":"10115"},"zero":0,"empty":"","count":"5","flag":"true"},"context":{"library":{"name":"analytics.js","version":"2.11.1"},"locale":"en-US"}}"#
        case .identify: return #"{"type":"identify","userId":"u-1001","traits":{"name":"Jack","email":"jack@example.com","logins":42,"plan":"pro","newsletter":true,"company":{"name":"Acme","employees":120},"age":"30"}}"#
        case .page: return #"{"type":"page","name":"Home","properties":{"path":"/"}}"#
        case .anon: return #"{"type":"track","event":"Signed Up"}"#
        case .empty: return #"{}"#
        case .nulls: return #"{"type":"track","event":null,"name":null,"userId":null,"properties":null}"#
        case .numuser: return #"{"type":"identify","userId":5,"traits":{"n":-3,"big":1136225047,"f":-0.5}}"#
        case .booluser: return #"{"type":"identify","userId":true}"#
        case .unicode: return #"{"type":"track","event":"Caf\u00e9 Visit","properties":{"city":"M\u00fcnchen","emoji":"\ud83d\ude00 hi","dec":"Cafe\u0301"}}"#
        case .spaces: return #"{"type":"track","event":"Product Added to Cart","properties":{"product 1":{"price":9},"first-name":"Ann","a_b":1}}"#
        case .quote: return #"{"type":"track","event":"say \"hi\"","properties":{"path":"C:\\dir"}}"#
        case .arrays: return #"{"type":"track","event":"x","properties":{"list":[1,2,3],"matrix":[[1,2],[3]],"s":"abc","obj":{"0":"zero"}}}"#
        case .falsy: return #"{"type":"track","event":"x","properties":{"f":false,"z":0,"e":"","n":null,"o":{}}}"#
            }
        }
    }

    let trigger: String
    let event: Event
    let expected: Bool

    init(_ trigger: String, _ event: Event, _ expected: Bool) {
        self.trigger = trigger
        self.event = event
        self.expected = expected
    }

    var testDescription: String { "\(trigger) on \(event) -> \(expected)" }

    static let all: [TriggerMatchCase] = [
        .init(#"type = "track""#, .track, true),
        .init(#"type = "track""#, .identify, false),
        .init(#"type != "track""#, .identify, true),
        .init(#"type != "track""#, .track, false),
        .init(#"type = "track""#, .empty, false),
        .init(#"type != "track""#, .empty, true),
        .init(#"event = "Order Completed""#, .track, true),
        .init(#"event = "order completed""#, .track, false),
        .init(#"event != "Order Completed""#, .anon, true),
        .init(#"event = "Product Added to Cart""#, .spaces, true),
        .init(#"event = "Café Visit""#, .unicode, true),
        .init(#"name = "Home""#, .page, true),
        .init(#"name != "Home""#, .page, false),
        .init(#"name = "Home""#, .track, false),
        .init(#"userId = "u1""#, .track, true),
        .init(#"userId != "u1""#, .identify, true),
        .init(#"userId = "u1""#, .empty, false),
        .init(#"event = null"#, .empty, false),
        .init(#"event != null"#, .empty, true),
        .init(#"event = null"#, .nulls, false),
        .init(#"type != null"#, .empty, true),
        .init(#"name = null"#, .track, true),
        .init(#"name != null"#, .page, true),
        .init(#"name = null"#, .nulls, true),
        .init(#"name != null"#, .nulls, false),
        .init(#"userId != null"#, .identify, true),
        .init(#"userId = null"#, .page, true),
        .init(#"userId != null"#, .nulls, false),
        .init(#"userId = null"#, .nulls, true),
        .init(#"properties.coupon = null"#, .track, true),
        .init(#"properties.coupon != null"#, .track, false),
        .init(#"properties.missing = null"#, .track, true),
        .init(#"properties.missing != null"#, .track, false),
        .init(#"properties.total != null"#, .track, true),
        .init(#"properties.x = null"#, .nulls, true),
        .init(#"traits.plan != null"#, .identify, true),
        .init(#"context.library.name != null"#, .track, true),
        .init(#"context.library.nope = null"#, .track, true),
        .init(#"properties.premium = true"#, .track, true),
        .init(#"properties.premium = false"#, .track, false),
        .init(#"properties.vip = false"#, .track, true),
        .init(#"properties.flag = true"#, .track, false),
        .init(#"properties.flag = "true""#, .track, true),
        .init(#"properties.premium = "true""#, .track, false),
        .init(#"properties.premium != true"#, .track, true),
        .init(#"properties.premium != false"#, .track, true),
        .init(#"properties.flag != true"#, .track, false),
        .init(#"traits.newsletter = true"#, .identify, true),
        .init(#"userId = true"#, .booluser, true),
        .init(#"userId = false"#, .booluser, false),
        .init(#"userId = true"#, .identify, false),
        .init(#"event = true"#, .track, false),
        .init(#"type = false"#, .track, false),
        .init(#"name = true"#, .page, false),
        .init(#"properties.missing = false"#, .track, false),
        .init(#"properties.total = 42"#, .track, true),
        .init(#"properties.total = "42""#, .track, false),
        .init(#"properties.count = 5"#, .track, false),
        .init(#"properties.count = "5""#, .track, true),
        .init(#"properties.total != 42"#, .track, false),
        .init(#"properties.total != 41"#, .track, true),
        .init(#"properties.count != 5"#, .track, false),
        .init(#"properties.missing != 5"#, .track, false),
        .init(#"properties.missing != "5""#, .track, true),
        .init(#"properties.price = 12.5"#, .track, true),
        .init(#"properties.price = 12.50"#, .track, true),
        .init(#"properties.total = 42.0"#, .track, true),
        .init(#"traits.logins = 42"#, .identify, true),
        .init(#"traits.age = 30"#, .identify, false),
        .init(#"traits.age = "30""#, .identify, true),
        .init(#"userId = 5"#, .numuser, false),
        .init(#"userId != 5"#, .numuser, true),
        .init(#"event = 5"#, .track, false),
        .init(#"traits.big = 1136225047"#, .numuser, true),
        .init(#"traits.n = -3"#, .numuser, true),
        .init(#"traits.f = -0.5"#, .numuser, true),
        .init(#"traits.n = +3"#, .numuser, false),
        .init(#"properties.total = 042"#, .track, true),
        .init(#"properties.total > 40"#, .track, true),
        .init(#"properties.total > 42"#, .track, false),
        .init(#"properties.total >= 42"#, .track, true),
        .init(#"properties.total < 42"#, .track, false),
        .init(#"properties.total <= 42"#, .track, true),
        .init(#"properties.total < 100"#, .track, true),
        .init(#"properties.price < 12.6"#, .track, true),
        .init(#"properties.price > 12.49"#, .track, true),
        .init(#"properties.count > 1"#, .track, false),
        .init(#"properties.missing < 1"#, .track, false),
        .init(#"properties.total > "40""#, .track, true),
        .init(#"properties.total < "abc""#, .track, false),
        .init(#"properties.total > true"#, .track, true),
        .init(#"properties.zero < true"#, .track, true),
        .init(#"properties.zero >= false"#, .track, true),
        .init(#"properties.total > """#, .track, true),
        .init(#"properties.total < null"#, .track, false),
        .init(#"traits.n < 0"#, .numuser, true),
        .init(#"traits.f > -1"#, .numuser, true),
        .init(#"traits.logins >= 10"#, .identify, true),
        .init(#"userId < 10"#, .numuser, true),
        .init(#"userId > "1""#, .numuser, true),
        .init(#"type < 5"#, .track, false),
        .init(#"traits.big > 1136225046.5"#, .numuser, true),
        .init(#"properties.total >= 42.0001"#, .track, false),
        .init(#"contains(event, "Order")"#, .track, true),
        .init(#"contains(event, "order")"#, .track, false),
        .init(#"!contains(event, "Order")"#, .track, false),
        .init(#"!contains(event, "Refund")"#, .track, true),
        .init(#"!contains(event, "x")"#, .empty, false),
        .init(#"contains(event, "x")"#, .empty, false),
        .init(#"contains(properties.name, "Nike")"#, .track, true),
        .init(#"contains(properties.total, "4")"#, .track, false),
        .init(#"!contains(properties.total, "4")"#, .track, false),
        .init(#"contains(properties.count, 5)"#, .track, true),
        .init(#"contains(properties.flag, true)"#, .track, true),
        .init(#"contains(traits.email, "@example.com")"#, .identify, true),
        .init(#"contains(userId, "100")"#, .identify, true),
        .init(#"contains(name, "om")"#, .page, true),
        .init(#"contains(properties.name, "")"#, .track, true),
        .init(#"contains(properties.tags, "a")"#, .track, false),
        .init(#"!contains(properties.missing, "a")"#, .track, false),
        .init(#"contains(properties.price, 12.5)"#, .track, false),
        .init(#"contains(event, "é")"#, .unicode, true),
        .init(#"contains(properties.dec, "é")"#, .unicode, false),
        .init(#"contains(properties.emoji, "😀")"#, .unicode, true),
        .init(#"match(event, "Order*")"#, .track, true),
        .init(#"match(event, "*Completed")"#, .track, true),
        .init(#"match(event, "*Order")"#, .track, false),
        .init(#"!match(event, "Order*")"#, .track, false),
        .init(#"!match(event, "*Refunded")"#, .track, true),
        .init(#"!match(event, "Order*")"#, .empty, false),
        .init(#"match(event, "*")"#, .track, true),
        .init(#"match(event, "*")"#, .empty, false),
        .init(#"match(event, "Order Completed")"#, .track, true),
        .init(#"match(event, "Xrder Completed")"#, .track, true),
        .init(#"match(event, "Order*Completed")"#, .track, false),
        .init(#"match(event, "*Order*")"#, .track, false),
        .init(#"match(event, "*rder Completed*")"#, .track, false),
        .init(#"match(event, "")"#, .track, true),
        .init(#"match(properties.total, "4*")"#, .track, false),
        .init(#"match(traits.email, "*@example.com")"#, .identify, true),
        .init(#"match(userId, "u-*")"#, .identify, true),
        .init(#"match(name, "H*")"#, .page, true),
        .init(#"match(context.library.name, "analytics*")"#, .track, true),
        .init(#"match(properties.city, "Mü*")"#, .unicode, true),
        .init(#"properties.address.city = "Berlin""#, .track, true),
        .init(#"properties.address.zip = "10115""#, .track, true),
        .init(#"properties.address.street = null"#, .track, true),
        .init(#"traits.company.employees > 100"#, .identify, true),
        .init(#"context.library.version = "2.11.1""#, .track, true),
        .init(#"properties.items.0.sku = "x1""#, .track, true),  // extension: Segment's parser cannot read this
        .init(#"properties.items[0].qty = 2"#, .track, true),  // extension: Segment's parser cannot read this
        .init(#"properties.tags.1 = "b""#, .track, true),  // extension: Segment's parser cannot read this
        .init(#"properties.tags.length = 2"#, .track, true),
        .init(#"properties.list.length > 2"#, .arrays, true),
        .init(#"properties.s.length = 3"#, .arrays, true),
        .init(#"properties.s.0 = "a""#, .arrays, true),  // extension: Segment's parser cannot read this
        .init(#"properties.matrix.0.1 = 2"#, .arrays, true),  // extension: Segment's parser cannot read this
        .init(#"properties.obj.0 = "zero""#, .arrays, true),  // extension: Segment's parser cannot read this
        .init(#"properties.list.5 = null"#, .arrays, true),  // extension: Segment's parser cannot read this
        .init(#"properties.list.01 = null"#, .arrays, true),  // extension: Segment's parser cannot read this
        .init(#"properties.product\ 1.price = 9"#, .spaces, true),
        .init(#"properties.first-name = "Ann""#, .spaces, true),
        .init(#"properties.a_b = 1"#, .spaces, true),
        .init(#"properties.total.x = null"#, .track, true),
        .init(#"properties.zero.x = 0"#, .track, true),
        .init(#"properties.empty.x = """#, .track, true),
        .init(#"properties.empty.x != null"#, .track, true),
        .init(#"properties.f.g = false"#, .falsy, true),
        .init(#"properties.z.y.x != null"#, .falsy, true),
        .init(#"properties.n.x = null"#, .falsy, true),
        .init(#"properties.o.x = null"#, .falsy, true),
        .init(#"properties.name.x = null"#, .track, true),
        .init(#"properties.x = "1""#, .nulls, false),
        .init(#"traits.company.name = "Acme""#, .identify, true),
        .init(#"event = "say \"hi\"""#, .quote, true),  // extension: Segment's parser cannot read this
        .init(#"contains(event, "\"hi")"#, .quote, true),  // extension: Segment's parser cannot read this
        .init(#"type = "track" and event = "Order Completed""#, .track, true),
        .init(#"type = "track" and event = "Signed Up""#, .track, false),
        .init(#"type = "identify" or event = "Order Completed""#, .track, true),
        .init(#"type = "identify" or event = "nope""#, .track, false),
        .init(#"type = "track" and event = "nope" or properties.total = 42"#, .track, true),
        .init(#"type = "page" or event = "Order Completed" and properties.total = 1"#, .track, false),
        .init(#"type = "page" or event = "nope" and properties.total = 42"#, .track, false),
        .init(#"type = "track" and (event = "nope" or properties.total = 42)"#, .track, true),
        .init(#"(type = "page" or type = "track") and properties.total > 40"#, .track, true),
        .init(#"(type = "page" or type = "track") and properties.total > 50"#, .track, false),
        .init(#"(event = "Order Completed" and properties.total >= 100) or (event = "Order Completed" and properties.total < 50)"#, .track, true),
        .init(#"(type = "track")"#, .track, true),
        .init(#"type = "identify" and traits.plan = "pro" and traits.logins > 40"#, .identify, true),
        .init(#"type = "identify" or type = "track" or type = "page""#, .page, true),
        .init(#"type = "group" or type = "alias" or type = "screen""#, .page, false),
        .init(#"event = "Order Completed" and !contains(properties.name, "Adidas") and match(context.library.name, "analytics*")"#, .track, true),
    ]
}

@Suite(.timeLimit(.minutes(2))) struct TriggerMatchTests {
    @Test(arguments: TriggerMatchCase.all)
    func matchesLikeSegment(_ testCase: TriggerMatchCase) throws {
        let trigger = try Trigger.parse(testCase.trigger)
        let event = try JSONParser.parse(testCase.event.json)
        #expect(trigger.matches(event) == testCase.expected)
    }

    @Test(arguments: TriggerMatchCase.all)
    func canonicalFormEvaluatesTheSame(_ testCase: TriggerMatchCase) throws {
        let trigger = try Trigger.parse(testCase.trigger)
        let reparsed = try Trigger.parse(trigger.description)
        #expect(reparsed == trigger)
        #expect(reparsed.description == trigger.description)
        #expect(!reparsed.warnings.contains { $0.kind == .mixedConjunctions || $0.kind == .groupClosedByFunction })
        let event = try JSONParser.parse(testCase.event.json)
        #expect(reparsed.matches(event) == testCase.expected)
    }

    @Test func casesCoverBothOutcomes() {
        let matching = TriggerMatchCase.all.filter(\.expected).count
        #expect(matching > 60)
        #expect(TriggerMatchCase.all.count - matching > 60)
    }

    @Test(arguments: ["type = \"track\"", "event != \"x\"", "properties.a = null", "userId = null"])
    func nonObjectEventsHaveOnlyMissingFields(_ text: String) throws {
        // Segment's validate reads fields off whatever it is given; on a string every field is undefined.
        let trigger = try Trigger.parse(text)
        let expected = trigger.matches(.object(JSONObject()))
        for event: JSONValue in ["a string", 5, [1, 2], true] {
            #expect(trigger.matches(event) == expected)
        }
    }
}
