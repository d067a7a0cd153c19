import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct MappingDirectiveTests {
    static let rawValues: [MappingCase] = [
        MappingCase("raw string", #""hello""#, #""hello""#),
        MappingCase("raw integer keeps integer form", #"1136225047"#, #"1136225047"#),
        MappingCase("raw decimal", #"12.5"#, #"12.5"#),
        MappingCase("raw true", #"true"#, #"true"#),
        MappingCase("raw null stays null", #"null"#, #"null"#),
        MappingCase("raw array", #"["a",1,null]"#, #"["a",1,null]"#),
        MappingCase("empty object", #"{}"#, #"{}"#),
        MappingCase("raw object keeps key order", #"{"b":1,"a":2}"#, #"{"b":1,"a":2}"#),
        MappingCase("null member kept", #"{"x":null,"y":1}"#, #"{"x":null,"y":1}"#),
        MappingCase("nested raw object", #"{"a":{"b":{"c":"d"}}}"#, #"{"a":{"b":{"c":"d"}}}"#),
        MappingCase("directive inside nested object", #"{"a":{"b":{"@path":"$.userId"}}}"#, #"{"a":{"b":"u1"}}"#),
        MappingCase("directive inside array", #"[{"@path":"$.userId"},"x"]"#, #"["u1","x"]"#),
        MappingCase("missing value in array becomes null", #"[{"@path":"$.nope"},1]"#, #"[null,1]"#),
        MappingCase("missing key removed", #"{"a":{"@path":"$.nope"},"b":1}"#, #"{"b":1}"#),
        MappingCase("nested missing keys leave empty object", #"{"x":{"y":{"@path":"$.nope"}}}"#, #"{"x":{}}"#),
        MappingCase("metadata key rides with directive", #"{"@path":"$.userId","_metadata":{"label":"x"}}"#, #""u1""#),
        MappingCase("metadata key in raw object is data", #"{"_metadata":1}"#, #"{"_metadata":1}"#),
    ]

    static let paths: [MappingCase] = [
        MappingCase("path with $.", #"{"@path":"$.userId"}"#, #""u1""#),
        MappingCase("path without $.", #"{"@path":"userId"}"#, #""u1""#),
        MappingCase("nested path", #"{"@path":"$.traits.address.city"}"#, #""Berlin""#),
        MappingCase("deep path", #"{"@path":"$.traits.address.geo.lat"}"#, #"52.5"#),
        MappingCase("bracket index", #"{"@path":"$.properties.products[1].sku"}"#, #""S-2""#),
        MappingCase("dot index", #"{"@path":"$.properties.products.0.sku"}"#, #""S-1""#),
        MappingCase("quoted bracket key", #"{"@path":"$.traits['address'].city"}"#, #""Berlin""#),
        MappingCase("double-quoted bracket key", #"{"@path":"$.traits[\"name\"]"}"#, #""Ada Lovelace""#),
        MappingCase("index out of range", #"{"@path":"$.properties.products[5]"}"#, nil),
        MappingCase("non-canonical index", #"{"@path":"$.traits.tags.01"}"#, nil),
        MappingCase("key with a space", #"{"@path":"$.integrations.Actions Amplitude.session_id"}"#, #""s-9""#),
        MappingCase("missing top-level", #"{"@path":"$.nope"}"#, nil),
        MappingCase("missing under a string", #"{"@path":"$.userId.length"}"#, nil),
        MappingCase("missing under null", #"{"@path":"$.traits.none.x"}"#, nil),
        MappingCase("null value is a value", #"{"@path":"$.traits.none"}"#, #"null"#),
        MappingCase("whole object", #"{"@path":"$.traits.address.geo"}"#, #"{"lat":52.5,"none":null}"#),
        MappingCase("array value", #"{"@path":"$.traits.tags"}"#, #"["a","b"]"#),
        MappingCase("root with $.", #"{"@path":"$."}"#, #"{"a":1}"#, event: #"{"a":1}"#),
        MappingCase("root with empty path", #"{"@path":""}"#, #"{"a":1}"#, event: #"{"a":1}"#),
        MappingCase("unbracketed brackets are part of the key", #"{"@path":"$.a[b]"}"#, #"2"#, event: #"{"a[b]":2}"#),
        MappingCase("path from a directive", #"{"@path":{"@path":"$.properties.pathName"}}"#, #""Ada Lovelace""#),
        MappingCase("false is a value", #"{"@path":"$.traits.no"}"#, #"false"#),
        MappingCase("zero is a value", #"{"@path":"$.traits.zero"}"#, #"0"#),
    ]

    static let templates: [MappingCase] = [
        MappingCase("template plain", #"{"@template":"Hi {{traits.name}}!"}"#, #""Hi Ada Lovelace!""#),
        MappingCase("template two placeholders", #"{"@template":"{{userId}} ({{traits.email}})"}"#, #""u1 (ADA@Example.com)""#),
        MappingCase("template missing prints nothing", #"{"@template":"[{{traits.nope}}]"}"#, #""[]""#),
        MappingCase("template null prints nothing", #"{"@template":"[{{traits.none}}]"}"#, #""[]""#),
        MappingCase("template number", #"{"@template":"{{traits.age}}/{{traits.score}}"}"#, #""36/12.5""#),
        MappingCase("template boolean", #"{"@template":"{{traits.vip}}-{{traits.no}}"}"#, #""true-false""#),
        MappingCase("template array joins with commas", #"{"@template":"{{traits.tags}}"}"#, #""a,b""#),
        MappingCase("template array of blanks", #"{"@template":"<{{traits.blanks}}>"}"#, #""<,>""#),
        MappingCase("template object", #"{"@template":"{{traits.address}}"}"#, #""[object Object]""#),
        MappingCase("template trims spaces", #"{"@template":"{{  traits.name  }}"}"#, #""Ada Lovelace""#),
        MappingCase("template triple braces", #"{"@template":"{{{traits.name}}}"}"#, #""Ada Lovelace""#),
        MappingCase("template no escaping", #"{"@template":"<b>{{v}}</b>"}"#, #""<b>x&y</b>""#, event: #"{"v":"x&y"}"#),
        MappingCase("template without placeholders", #"{"@template":"just text"}"#, #""just text""#),
        MappingCase("template unclosed braces stay", #"{"@template":"{{traits.name"}"#, #""{{traits.name""#),
        MappingCase("template empty braces stay", #"{"@template":"{{}}"}"#, #""{{}}""#),
        MappingCase("template accepts $. prefix", #"{"@template":"{{$.traits.name}}"}"#, #""Ada Lovelace""#),
        MappingCase("template index path", #"{"@template":"{{properties.products[0].sku}}"}"#, #""S-1""#),
        MappingCase("template big number like JavaScript", #"{"@template":"{{properties.big}}"}"#, #""1e+21""#),
        MappingCase("template tiny number like JavaScript", #"{"@template":"{{properties.tiny}}"}"#, #""1.5e-7""#),
        MappingCase("template from a directive", #"{"@template":{"@literal":"{{userId}}!"}}"#, #""u1!""#),
        MappingCase("template unicode", #"{"@template":"{{n}} 🎉"}"#, #""山田 🎉""#, event: #"{"n":"山田"}"#),
    ]

    static let literalsAndConditions: [MappingCase] = [
        MappingCase("literal false", #"{"@literal":false}"#, #"false"#),
        MappingCase("literal string with braces", #"{"@literal":"{{x}}"}"#, #""{{x}}""#),
        MappingCase("literal object", #"{"@literal":{"a":[1,2]}}"#, #"{"a":[1,2]}"#),
        MappingCase("literal resolves directives inside", #"{"@literal":{"a":{"@path":"$.userId"},"b":{"@path":"$.nope"}}}"#, #"{"a":"u1"}"#),
        MappingCase("if exists then", #"{"@if":{"exists":{"@path":"$.userId"},"then":"yes","else":"no"}}"#, #""yes""#),
        MappingCase("if exists else", #"{"@if":{"exists":{"@path":"$.nope"},"then":"yes","else":"no"}}"#, #""no""#),
        MappingCase("if exists null is missing", #"{"@if":{"exists":{"@path":"$.traits.none"},"then":"yes","else":"no"}}"#, #""no""#),
        MappingCase("if exists empty string exists", #"{"@if":{"exists":{"@path":"$.traits.empty"},"then":"yes","else":"no"}}"#, #""yes""#),
        MappingCase("if exists without else", #"{"@if":{"exists":{"@path":"$.nope"},"then":"yes"}}"#, nil),
        MappingCase("if exists without then", #"{"@if":{"exists":{"@path":"$.userId"},"else":"no"}}"#, nil),
        MappingCase("if then directive", #"{"@if":{"exists":{"@path":"$.traits.email"},"then":{"@path":"$.traits.email"}}}"#, #""ADA@Example.com""#),
        MappingCase("if blank value present", #"{"@if":{"blank":{"@path":"$.traits.name"},"then":1,"else":2}}"#, #"1"#),
        MappingCase("if blank empty string", #"{"@if":{"blank":{"@path":"$.traits.empty"},"then":1,"else":2}}"#, #"2"#),
        MappingCase("if blank missing", #"{"@if":{"blank":{"@path":"$.nope"},"then":1,"else":2}}"#, #"2"#),
        MappingCase("if blank zero is blank (JavaScript ==)", #"{"@if":{"blank":{"@path":"$.traits.zero"},"then":1,"else":2}}"#, #"2"#),
        MappingCase("if blank false is blank", #"{"@if":{"blank":{"@path":"$.traits.no"},"then":1,"else":2}}"#, #"2"#),
        MappingCase("if blank array printing nothing is blank", #"{"@if":{"blank":{"@path":"$.x"},"then":1,"else":2}}"#, #"2"#, event: #"{"x":[null]}"#),
        MappingCase("if blank array printing a comma is not blank", #"{"@if":{"blank":{"@path":"$.traits.blanks"},"then":1,"else":2}}"#, #"1"#),
        MappingCase("if blank object is not blank", #"{"@if":{"blank":{"@path":"$.traits.address"},"then":1,"else":2}}"#, #"1"#),
        MappingCase("if equals string", #"{"@if":{"equals":[{"@path":"$.type"},"identify"],"then":"id","else":"other"}}"#, #""id""#),
        MappingCase("if equals mismatch", #"{"@if":{"equals":[{"@path":"$.type"},"track"],"then":"t","else":"other"}}"#, #""other""#),
        MappingCase("if equals numbers by value", #"{"@if":{"equals":[{"@path":"$.traits.age"},36.0],"then":true}}"#, #"true"#),
        MappingCase("if equals does not coerce", #"{"@if":{"equals":[{"@path":"$.traits.age"},"36"],"then":true,"else":"no"}}"#, #""no""#),
        MappingCase("if equals missing never equal", #"{"@if":{"equals":[{"@path":"$.a"},{"@path":"$.b"}],"then":1,"else":"no"}}"#, #""no""#),
        MappingCase("if equals objects ignore key order", #"{"@if":{"equals":[{"@path":"$.o"},{"y":2,"x":1}],"then":1}}"#, #"1"#, event: #"{"o":{"x":1,"y":2}}"#),
        MappingCase("if falsy literal else means leave out (mapping-kit)", #"{"@if":{"exists":{"@path":"$.nope"},"then":1,"else":false}}"#, nil),
        MappingCase("if null then is null", #"{"@if":{"exists":{"@path":"$.userId"},"then":null}}"#, #"null"#),
        MappingCase("if in object removes key", #"{"vip":{"@if":{"exists":{"@path":"$.nope"},"then":true}},"k":1}"#, #"{"k":1}"#),
    ]

    static let arrayPaths: [MappingCase] = [
        MappingCase("arrayPath plain", #"{"@arrayPath":["$.properties.products"]}"#, #"[{"sku":"S-1","price":9.5},{"sku":"S-2","price":20}]"#),
        MappingCase("arrayPath item shape", #"{"@arrayPath":["$.properties.products",{"id":{"@path":"$.sku"},"cost":{"@path":"$.price"}}]}"#, #"[{"id":"S-1","cost":9.5},{"id":"S-2","cost":20}]"#),
        MappingCase("arrayPath single object wrapped", #"{"@arrayPath":["$.properties.single",{"id":{"@path":"$.sku"}}]}"#, #"[{"id":"S-3"}]"#),
        MappingCase("arrayPath missing", #"{"@arrayPath":["$.nope",{"id":{"@path":"$.sku"}}]}"#, nil),
        MappingCase("arrayPath scalar root returned", #"{"@arrayPath":["$.userId",{"id":{"@path":"$.sku"}}]}"#, #""u1""#),
        MappingCase("arrayPath shape missing key", #"{"@arrayPath":["$.properties.products",{"id":{"@path":"$.nope"}}]}"#, #"[{},{}]"#),
        MappingCase("arrayPath empty shape ignored", #"{"@arrayPath":["$.traits.tags",{}]}"#, #"["a","b"]"#),
        MappingCase("arrayPath scalar items with shape", #"{"@arrayPath":["$.traits.tags",{"v":{"@path":"$.x"}}]}"#, #"[{},{}]"#),
        MappingCase("arrayPath root from directive", #"{"@arrayPath":[{"@if":{"exists":{"@path":"$.properties.products"},"then":{"@path":"$.properties.products"},"else":[]}},{"id":{"@path":"$.sku"}}]}"#, #"[{"id":"S-1"},{"id":"S-2"}]"#),
        MappingCase("arrayPath shape is relative to item", #"{"@arrayPath":["$.properties.products",{"user":{"@path":"$.userId"},"sku":{"@path":"$.sku"}}]}"#, #"[{"sku":"S-1"},{"sku":"S-2"}]"#),
    ]

    static let cases: [MappingCase] = [
        MappingCase("case lower", #"{"@case":{"operator":"lower","value":{"@path":"$.traits.email"}}}"#, #""ada@example.com""#),
        MappingCase("case upper", #"{"@case":{"operator":"upper","value":{"@path":"$.traits.name"}}}"#, #""ADA LOVELACE""#),
        MappingCase("case raw string", #"{"@case":{"operator":"upper","value":"abc"}}"#, #""ABC""#),
        MappingCase("case number untouched", #"{"@case":{"operator":"upper","value":{"@path":"$.traits.age"}}}"#, #"36"#),
        MappingCase("case null untouched", #"{"@case":{"operator":"lower","value":{"@path":"$.traits.none"}}}"#, #"null"#),
        MappingCase("case object untouched", #"{"@case":{"operator":"lower","value":{"@path":"$.traits.address.geo"}}}"#, #"{"lat":52.5,"none":null}"#),
        MappingCase("case missing", #"{"@case":{"operator":"lower","value":{"@path":"$.nope"}}}"#, nil),
        MappingCase("case without value", #"{"@case":{"operator":"lower"}}"#, nil),
        MappingCase("case empty raw value", #"{"@case":{"operator":"lower","value":""}}"#, nil),
        MappingCase("case unicode", #"{"@case":{"operator":"upper","value":"straße"}}"#, #""STRASSE""#),
    ]

    static let replacements: [MappingCase] = [
        MappingCase("replace all", #"{"@replace":{"pattern":"-","replacement":"_","value":{"@path":"$.traits.motto"}}}"#, #""a_b_c A""#),
        MappingCase("replace first only", #"{"@replace":{"pattern":"-","replacement":"_","global":false,"value":{"@path":"$.traits.motto"}}}"#, #""a_b-c A""#),
        MappingCase("replace case-sensitive", #"{"@replace":{"pattern":"a","replacement":"x","value":{"@path":"$.traits.motto"}}}"#, #""x-b-c A""#),
        MappingCase("replace ignore case", #"{"@replace":{"pattern":"a","replacement":"x","ignorecase":true,"value":{"@path":"$.traits.motto"}}}"#, #""x-b-c x""#),
        MappingCase("replace without replacement removes", #"{"@replace":{"pattern":"-","value":{"@path":"$.traits.motto"}}}"#, #""abc A""#),
        MappingCase("replace null replacement removes", #"{"@replace":{"pattern":"-","replacement":null,"value":"a-b"}}"#, #""ab""#),
        MappingCase("replace special characters literally", #"{"@replace":{"pattern":".+","replacement":"!","value":"a.+b.+"}}"#, #""a!b!""#),
        MappingCase("replace second pattern", #"{"@replace":{"pattern":"-","replacement":" ","pattern2":"great","replacement2":"awesome","value":"something-great!"}}"#, #""something awesome!""#),
        MappingCase("replace boolean as text", #"{"@replace":{"pattern":"true","replacement":"granted","value":{"@path":"$.traits.vip"}}}"#, #""granted""#),
        MappingCase("replace number as text", #"{"@replace":{"pattern":".","replacement":",","value":{"@path":"$.traits.score"}}}"#, #""12,5""#),
        MappingCase("replace null gives empty string", #"{"@replace":{"pattern":"x","value":{"@path":"$.traits.none"}}}"#, #""""#),
        MappingCase("replace missing gives empty string", #"{"@replace":{"pattern":"x","value":{"@path":"$.nope"}}}"#, #""""#),
        MappingCase("replace object gives empty string", #"{"@replace":{"pattern":"x","value":{"@path":"$.traits.address"}}}"#, #""""#),
        MappingCase("replace whole value", #"{"@replace":{"pattern":"abc","replacement":"","value":"abc"}}"#, #""""#),
        MappingCase("replace dollar-ampersand inserts match", #"{"@replace":{"pattern":"b","replacement":"[$&]","value":"abc"}}"#, #""a[b]c""#),
        MappingCase("replace double dollar", #"{"@replace":{"pattern":"b","replacement":"$$","value":"abc"}}"#, #""a$c""#),
        MappingCase("replace empty raw value is nothing", #"{"@replace":{"pattern":"b","value":""}}"#, nil),
        MappingCase("replace non-overlapping", #"{"@replace":{"pattern":"aa","replacement":"b","value":"aaa"}}"#, #""ba""#),
    ]

    static let jsonAndFlatten: [MappingCase] = [
        MappingCase("json encode string", #"{"@json":{"mode":"encode","value":{"@path":"$.userId"}}}"#, #""\"u1\"""#),
        MappingCase("json encode object", #"{"@json":{"mode":"encode","value":{"@path":"$.properties.single"}}}"#, #""{\"sku\":\"S-3\"}""#),
        MappingCase("json encode array", #"{"@json":{"mode":"encode","value":{"@path":"$.traits.tags"}}}"#, #""[\"a\",\"b\"]""#),
        MappingCase("json encode null", #"{"@json":{"mode":"encode","value":{"@path":"$.traits.none"}}}"#, #""null""#),
        MappingCase("json encode missing is nothing", #"{"@json":{"mode":"encode","value":{"@path":"$.nope"}}}"#, nil),
        MappingCase("json decode object", #"{"@json":{"mode":"decode","value":{"@path":"$.properties.json"}}}"#, #"{"a":1,"b":[true]}"#),
        MappingCase("json decode invalid keeps text", #"{"@json":{"mode":"decode","value":{"@path":"$.properties.bad"}}}"#, #""nope{""#),
        MappingCase("json decode non-string passes", #"{"@json":{"mode":"decode","value":{"@path":"$.traits.age"}}}"#, #"36"#),
        MappingCase("json decode number text", #"{"@json":{"mode":"decode","value":"42"}}"#, #"42"#),
        MappingCase("flatten object", #"{"@flatten":{"separator":".","value":{"@path":"$.traits.address"}}}"#, #"{"city":"Berlin","zip":"10115","geo.lat":52.5,"geo.none":null}"#),
        MappingCase("flatten custom separator", #"{"@flatten":{"separator":"_","value":{"@path":"$.traits.address.geo"}}}"#, #"{"lat":52.5,"none":null}"#),
        MappingCase("flatten arrays by index", #"{"@flatten":{"separator":".","value":{"@path":"$.properties.products"}}}"#, #"{"0.sku":"S-1","0.price":9.5,"1.sku":"S-2","1.price":20}"#),
        MappingCase("flatten omitArrays", #"{"@flatten":{"separator":".","omitArrays":true,"value":{"t":{"@path":"$.traits.tags"},"n":{"m":1}}}}"#, #"{"t":["a","b"],"n.m":1}"#),
        MappingCase("flatten scalar gives empty key", #"{"@flatten":{"separator":".","value":"x"}}"#, #"{"":"x"}"#),
        MappingCase("flatten missing gives empty object", #"{"@flatten":{"separator":".","value":{"@path":"$.nope"}}}"#, #"{}"#),
        MappingCase("flatten empty nested object disappears", #"{"@flatten":{"separator":".","value":{"a":{},"b":1}}}"#, #"{"b":1}"#),
    ]

    static let mergeTransformExclude: [MappingCase] = [
        MappingCase("merge right", #"{"@merge":{"direction":"right","objects":[{"a":1,"b":1},{"b":2,"c":2}]}}"#, #"{"a":1,"b":2,"c":2}"#),
        MappingCase("merge left", #"{"@merge":{"direction":"left","objects":[{"a":1,"b":1},{"b":2,"c":2}]}}"#, #"{"b":1,"c":2,"a":1}"#),
        MappingCase("merge defaults under traits", #"{"@merge":{"direction":"right","objects":[{"name":"?","plan":"free"},{"@path":"$.properties.single"}]}}"#, #"{"name":"?","plan":"free","sku":"S-3"}"#),
        MappingCase("merge empty", #"{"@merge":{"direction":"right","objects":[]}}"#, #"{}"#),
        MappingCase("merge skips missing and non-objects", #"{"@merge":{"direction":"right","objects":[{"@path":"$.nope"},{"@path":"$.userId"},{"k":1}]}}"#, #"{"k":1}"#),
        MappingCase("transform runs mappings in sequence", #"{"@transform":{"apply":{"foo":{"@path":"$.traits.age"}},"mapping":{"bar":{"@path":"$.foo"}}}}"#, #"{"bar":36}"#),
        MappingCase("transform with flatten", #"{"@transform":{"apply":{"p":{"@flatten":{"separator":"_","value":{"@path":"$.traits.address"}}}},"mapping":{"zip":{"@path":"$.p.zip"},"lat":{"@path":"$.p.geo_lat"}}}}"#, #"{"zip":"10115","lat":52.5}"#),
        MappingCase("transform missing apply keys", #"{"@transform":{"apply":{"p":{"@path":"$.nope"}},"mapping":{"q":{"@path":"$.p"}}}}"#, #"{}"#),
        MappingCase("excludeWhenNull drops null", #"{"a":{"@excludeWhenNull":{"@path":"$.traits.none"}},"b":1}"#, #"{"b":1}"#),
        MappingCase("excludeWhenNull keeps value", #"{"a":{"@excludeWhenNull":{"@path":"$.userId"}}}"#, #"{"a":"u1"}"#),
        MappingCase("excludeWhenNull cleans nested nulls", #"{"@excludeWhenNull":{"@path":"$.traits.address"}}"#, #"{"city":"Berlin","zip":"10115","geo":{"lat":52.5}}"#),
        MappingCase("excludeWhenNull leaves arrays alone", #"{"@excludeWhenNull":{"@literal":{"a":[null],"b":null}}}"#, #"{"a":[null]}"#),
        MappingCase("excludeWhenNull of empty template keeps empty string", #"{"@excludeWhenNull":{"@template":"{{nope}}"}}"#, #""""#),
    ]

    static let segmentPresets: [MappingCase] = [
        MappingCase("Quick Setup user upload mapping", #"{"identity":{"@path":"$.userId"},"ts":{"@path":"$.timestamp"},"profileData":{"@path":"$.traits.address"}}"#,
                    #"{"identity":"u1","ts":"2006-01-02T18:04:07Z","profileData":{"city":"Berlin","zip":"10115","geo":{"lat":52.5,"none":null}}}"#),
        MappingCase("key by key profile mapping", #"{"identity":{"@path":"$.userId"},"profileData":{"Name":{"@path":"$.traits.name"},"Email":{"@case":{"operator":"lower","value":{"@path":"$.traits.email"}}},"Phone":{"@path":"$.context.traits.phone"},"Plan":{"@path":"$.traits.plan"}}}"#,
                    #"{"identity":"u1","profileData":{"Name":"Ada Lovelace","Email":"ada@example.com","Phone":"+14155551234"}}"#),
        MappingCase("identity falls back to anonymousId", #"{"identity":{"@if":{"exists":{"@path":"$.userId"},"then":{"@path":"$.userId"},"else":{"@path":"$.anonymousId"}}}}"#, #"{"identity":"a9"}"#, event: #"{"anonymousId":"a9"}"#),
    ]

    static let all = rawValues + paths + templates + literalsAndConditions + arrayPaths + cases + replacements
        + jsonAndFlatten + mergeTransformExclude + segmentPresets

    @Test(arguments: all)
    func appliesLikeMappingKit(_ row: MappingCase) throws {
        let mapping = try CompiledMapping(MappingFixtures.parse(row.mapping))
        let output = try mapping.apply(to: MappingFixtures.parse(row.event))
        #expect(output?.description == row.expected)
    }

    @Test func tableIsLargeEnough() {
        #expect(Self.all.count + MappingValidationTests.errors.count >= 120)
    }

    @Test func computedPathThatIsNotTextFailsOnThatEvent() throws {
        let mapping = try CompiledMapping(MappingFixtures.parse(#"{"Email":{"@path":{"@path":"$.traits.age"}}}"#))
        #expect(throws: MappingError(JSONPath([.key("Email")]), "@path: the directive inside gave number, expected a string path")) {
            try mapping.apply(to: MappingFixtures.parse(MappingFixtures.event))
        }
    }

    @Test func computedTemplateThatIsMissingFails() throws {
        let mapping = try CompiledMapping(MappingFixtures.parse(#"{"@template":{"@path":"$.nope"}}"#))
        let event = try MappingFixtures.parse(MappingFixtures.event)
        #expect(throws: MappingError(JSONPath.root, "@template: the directive inside gave nothing, expected a string template")) {
            try mapping.apply(to: event)
        }
        #expect(MappingError(JSONPath.root, "x").description == "(mapping): x")
    }

    @Test func compiledMappingIsReusedAcrossEvents() throws {
        let mapping = try CompiledMapping(MappingFixtures.parse(##"{"id":{"@path":"$.userId"},"n":{"@template":"#{{n}}"}}"##))
        for n in 0..<50 {
            let output = try mapping.apply(to: MappingFixtures.parse(#"{"userId":"u\#(n)","n":\#(n)}"#))
            #expect(output?.description == ##"{"id":"u\##(n)","n":"#\##(n)"}"##)
        }
    }
}
