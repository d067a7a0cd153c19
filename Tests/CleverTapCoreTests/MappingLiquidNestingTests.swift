import Testing
@testable import CleverTapCore

/// `@liquid` inside the other directives and inside them `@liquid`: each expected value is
/// what Segment's mapping-kit `transform` gave for the same mapping and event.
@Suite(.timeLimit(.minutes(2))) struct MappingLiquidNestingTests {
    static let event = #"{"userId":"u1","traits":{"name":"Ada","email":"ADA@X.com","age":36,"zero":0,"no":false,"empty":"","none":null,"tags":["a","b"],"address":{"city":"Berlin","zip":null},"k":"city","tpl":"Hi {{traits.name}}","path":"$.traits.name"},"properties":{"items":[{"sku":"S-1","n":1},{"sku":"S-2","n":2}],"one":{"sku":"S-9"}}}"#

    static let rows: [MappingCase] = [
        MappingCase("liquid in if then", #"{"@if":{"exists":{"@path":"$.traits.name"},"then":{"@liquid":"{{ traits.name | upcase }}"}}}"#, #""ADA""#, event: event),
        MappingCase("liquid as if condition (always a string, so it exists)", #"{"@if":{"exists":{"@liquid":"{{ traits.nope }}"},"then":"y","else":"n"}}"#, #""y""#, event: event),
        MappingCase("liquid as if blank", #"{"@if":{"blank":{"@liquid":"{{ traits.nope }}"},"then":"y","else":"n"}}"#, #""n""#, event: event),
        MappingCase("liquid in if equals (our extension)", #"{"@if":{"equals":[{"@liquid":"{{ traits.age | plus: 1 }}"},"37"],"then":"y","else":"n"}}"#, #""y""#, event: event),
        MappingCase("liquid gives the template", #"{"@template":{"@liquid":"{{ traits.tpl }}"}}"#, #""Hi Ada""#, event: event),
        MappingCase("liquid writes a template with raw", #"{"@template":{"@liquid":"{% raw %}{{{% endraw %}traits.{{ traits.k }}{% raw %}}}{% endraw %}"}}"#, #""""#, event: event),
        MappingCase("liquid computes a path", #"{"@path":{"@liquid":"$.traits.address.{{ traits.k }}"}}"#, #""Berlin""#, event: event),
        MappingCase("liquid in object values", #"{"name":{"@liquid":"{{ traits.name }}"},"city":{"@path":"$.traits.address.city"}}"#, #"{"name":"Ada","city":"Berlin"}"#, event: event),
        MappingCase("liquid in arrayPath shape sees the item", #"{"@arrayPath":["$.properties.items",{"label":{"@liquid":"{{ sku }}#{{ n | plus: 1 }}"}}]}"#, #"[{"label":"S-1#2"},{"label":"S-2#3"}]"#, event: event),
        MappingCase("liquid as arrayPath root", #"{"@arrayPath":[{"@liquid":"{{ traits.tags | join: ',' }}"}]}"#, #""a,b""#, event: event),
        MappingCase("liquid in case", #"{"@case":{"operator":"lower","value":{"@liquid":"{{ traits.email }}"}}}"#, #""ada@x.com""#, event: event),
        MappingCase("liquid in replace", #"{"@replace":{"pattern":"a","replacement":"o","value":{"@liquid":"{{ traits.name }}a"}}}"#, #""Adoo""#, event: event),
        MappingCase("liquid in json decode", #"{"@json":{"mode":"decode","value":{"@liquid":"{{ traits.address | json }}"}}}"#, #"{"city":"Berlin","zip":null}"#, event: event),
        MappingCase("liquid in json encode", #"{"@json":{"mode":"encode","value":{"@liquid":"{{ userId }}"}}}"#, #""\"u1\"""#, event: event),
        MappingCase("liquid in merge", #"{"@merge":{"direction":"right","objects":[{"a":{"@liquid":"{{ userId }}"}},{"b":1}]}}"#, #"{"a":"u1","b":1}"#, event: event),
        MappingCase("liquid in transform sees the applied payload", #"{"@transform":{"apply":{"n":{"@path":"$.traits.name"}},"mapping":{"v":{"@liquid":"{{ n }}/{{ traits.name }}"}}}}"#, #"{"v":"Ada/"}"#, event: event),
        MappingCase("liquid in literal", #"{"@literal":{"@liquid":"{{ userId }}"}}"#, #""u1""#, event: event),
        MappingCase("liquid in excludeWhenNull (never null)", #"{"@excludeWhenNull":{"a":{"@liquid":"{{ traits.none }}"}}}"#, #"{"a":""}"#, event: event),
        MappingCase("liquid in flatten", #"{"@flatten":{"separator":".","value":{"a":{"@liquid":"{{ userId }}"}}}}"#, #"{"a":"u1"}"#, event: event),
        MappingCase("liquid in array", #"[{"@liquid":"{{ userId }}"},1]"#, #"["u1",1]"#, event: event),
        MappingCase("liquid empty", #"{"@liquid":""}"#, #""""#, event: event),
        MappingCase("liquid with metadata", #"{"@liquid":"{{ userId }}","_metadata":{"a":1}}"#, #""u1""#, event: event),
    ]

    @Test(arguments: rows)
    func nestsLikeMappingKit(_ row: MappingCase) throws {
        let mapping = try CompiledMapping(MappingFixtures.parse(row.mapping))
        let output = try mapping.apply(to: MappingFixtures.parse(row.event))
        #expect(output?.description == row.expected)
    }
}
