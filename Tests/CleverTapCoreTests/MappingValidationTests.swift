import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct MappingValidationTests {
    static let errors: [MappingErrorCase] = [
        // Directive shape
        MappingErrorCase("unknown directive", #"{"name":{"@field":"$.a"}}"#,
                         "name: unknown directive @field (known: @path, @template, @literal, @if, @arrayPath, @case, @replace, @json, @flatten, @merge, @transform, @excludeWhenNull, @liquid)"),
        MappingErrorCase("liquid with a tag Segment disables", #"{"greeting":{"@liquid":"{% for x in y %}{% endfor %}"}}"#,
                         #"greeting: @liquid: tag "for" is disabled, line:1, col:1"#),
        MappingErrorCase("two directives", #"{"profileData":{"Email":{"@path":"$.a","@template":"{{b}}"}}}"#,
                         "profileData.Email: has 2 directives (@path, @template); a directive object holds exactly one"),
        MappingErrorCase("directive mixed with raw keys", #"{"a":1,"@path":"$.foo"}"#,
                         #"(mapping): mixes the directive @path with other keys ("a"); put the directive in an object of its own"#),
        MappingErrorCase("directive mixed in nested object", #"{"p":{"x":{"@path":"$.a","y":2,"z":3}}}"#,
                         #"p.x: mixes the directive @path with other keys ("y", "z"); put the directive in an object of its own"#),
        MappingErrorCase("error inside an array names the index", #"{"tags":["a",{"@nope":1}]}"#,
                         "tags[1]: unknown directive @nope (known: @path, @template, @literal, @if, @arrayPath, @case, @replace, @json, @flatten, @merge, @transform, @excludeWhenNull, @liquid)"),
        MappingErrorCase("keys that are not identifiers are quoted, as in workspace paths",
                         #"{"profileData":{"First Name":{"@nope":1}}}"#,
                         #"profileData["First Name"]: unknown directive @nope (known: @path, @template, @literal, @if, @arrayPath, @case, @replace, @json, @flatten, @merge, @transform, @excludeWhenNull, @liquid)"#),
        // @path / @template
        MappingErrorCase("path number", #"{"profileData":{"Email":{"@path":5}}}"#,
                         #"profileData.Email: @path expects a string path (like "$.traits.email") or a directive, got a number"#),
        MappingErrorCase("path raw object", #"{"x":{"@path":{}}}"#,
                         #"x: @path expects a string path (like "$.traits.email") or a directive, got an object"#),
        MappingErrorCase("path array", #"{"x":{"@path":["$.a"]}}"#,
                         #"x: @path expects a string path (like "$.traits.email") or a directive, got an array"#),
        MappingErrorCase("template boolean", #"{"x":{"@template":false}}"#,
                         #"x: @template expects a string (like "{{traits.name}}") or a directive, got a boolean"#),
        MappingErrorCase("template null", #"{"x":{"@template":null}}"#,
                         #"x: @template expects a string (like "{{traits.name}}") or a directive, got a null"#),
        MappingErrorCase("nested directive error names the inner place", #"{"x":{"@path":{"@template":1}}}"#,
                         #"x.@path: @template expects a string (like "{{traits.name}}") or a directive, got a number"#),
        // @if
        MappingErrorCase("if not an object", #"{"x":{"@if":"yes"}}"#,
                         #"x: @if expects an object with a condition ("exists", "blank" or "equals") and "then"/"else", got a string"#),
        MappingErrorCase("if without condition", #"{"x":{"@if":{"then":1}}}"#,
                         #"x: @if needs a condition: "exists", "blank" or "equals""#),
        MappingErrorCase("if with two conditions", #"{"x":{"@if":{"exists":1,"blank":2,"then":1}}}"#,
                         "x: @if has 2 conditions (exists, blank); use one"),
        MappingErrorCase("if without branches", #"{"x":{"@if":{"exists":{"@path":"$.a"}}}}"#,
                         #"x: @if needs "then" or "else""#),
        MappingErrorCase("if unknown key", #"{"x":{"@if":{"exist":{"@path":"$.a"},"then":1}}}"#,
                         #"x: @if has unknown key "exist" (allowed: exists, blank, equals, then, else)"#),
        MappingErrorCase("if equals not a pair", #"{"x":{"@if":{"equals":[1],"then":1}}}"#,
                         #"x: @if "equals" expects an array of the two values to compare, like [{"@path": "$.traits.plan"}, "pro"]"#),
        MappingErrorCase("error in then branch", #"{"x":{"@if":{"exists":1,"then":{"@path":3}}}}"#,
                         #"x.@if.then: @path expects a string path (like "$.traits.email") or a directive, got a number"#),
        // @arrayPath
        MappingErrorCase("arrayPath not array", #"{"x":{"@arrayPath":"$.a"}}"#,
                         "x: @arrayPath expects [path] or [path, item shape], got a string"),
        MappingErrorCase("arrayPath too long", #"{"x":{"@arrayPath":["$.a",{},{}]}}"#,
                         "x: @arrayPath expects [path] or [path, item shape], got an array of 3"),
        MappingErrorCase("arrayPath path number", #"{"x":{"@arrayPath":[1]}}"#,
                         "x: @arrayPath path must be a string or a directive, got a number"),
        MappingErrorCase("arrayPath shape not object", #"{"x":{"@arrayPath":["$.a","id"]}}"#,
                         "x: @arrayPath item shape must be an object, got a string"),
        MappingErrorCase("arrayPath error inside shape", #"{"x":{"@arrayPath":["$.a",{"id":{"@path":1}}]}}"#,
                         #"x.@arrayPath[1].id: @path expects a string path (like "$.traits.email") or a directive, got a number"#),
        // @case
        MappingErrorCase("case without operator", #"{"x":{"@case":{"value":"a"}}}"#,
                         #"x: @case needs "operator" ("lower" or "upper")"#),
        MappingErrorCase("case bad operator", #"{"x":{"@case":{"operator":"title","value":"a"}}}"#,
                         #"x: @case "operator" must be "lower" or "upper", got "title""#),
        MappingErrorCase("case value number", #"{"x":{"@case":{"operator":"lower","value":5}}}"#,
                         #"x: @case "value" must be a string or a directive, got a number"#),
        MappingErrorCase("case not object", #"{"x":{"@case":"lower"}}"#,
                         #"x: @case expects an object with "operator" ("lower" or "upper") and "value", got a string"#),
        // @replace
        MappingErrorCase("replace without pattern", #"{"x":{"@replace":{"value":"a"}}}"#,
                         #"x: @replace needs "pattern""#),
        MappingErrorCase("replace pattern too long", #"{"x":{"@replace":{"pattern":"abcdefghijk","value":"a"}}}"#,
                         #"x: @replace "pattern" must be a string of 1 to 10 characters, got 11 characters"#),
        MappingErrorCase("replace empty pattern", #"{"x":{"@replace":{"pattern":"","value":"a"}}}"#,
                         #"x: @replace "pattern" must be a string of 1 to 10 characters, got 0 characters"#),
        MappingErrorCase("replace replacement too long", #"{"x":{"@replace":{"pattern":"a","replacement":"12345678901","value":"a"}}}"#,
                         #"x: @replace "replacement" must be a string of 0 to 10 characters, got 11 characters"#),
        MappingErrorCase("replace without value", #"{"x":{"@replace":{"pattern":"a"}}}"#,
                         #"x: @replace needs "value" (the text to change, usually {"@path": ...})"#),
        MappingErrorCase("replace ignorecase not boolean", #"{"x":{"@replace":{"pattern":"a","value":"a","ignorecase":"yes"}}}"#,
                         #"x: @replace "ignorecase" must be true or false, got a string"#),
        MappingErrorCase("replace global not boolean", #"{"x":{"@replace":{"pattern":"a","value":"a","global":1}}}"#,
                         #"x: @replace "global" must be true or false, got a number"#),
        MappingErrorCase("replace replacement2 alone", #"{"x":{"@replace":{"pattern":"a","value":"a","replacement2":"b"}}}"#,
                         #"x: @replace has "replacement2" without "pattern2""#),
        MappingErrorCase("replace value number", #"{"x":{"@replace":{"pattern":"a","value":1}}}"#,
                         #"x: @replace "value" must be a string or a directive, got a number"#),
        // @json
        MappingErrorCase("json bad mode", #"{"x":{"@json":{"mode":"ENCODE","value":{"@path":"$.a"}}}}"#,
                         #"x: @json "mode" must be "encode" or "decode", got "ENCODE""#),
        MappingErrorCase("json without mode", #"{"x":{"@json":{"value":{"@path":"$.a"}}}}"#,
                         #"x: @json needs "mode" ("encode" or "decode")"#),
        MappingErrorCase("json without value", #"{"x":{"@json":{"mode":"encode"}}}"#,
                         #"x: @json needs a "value" (a directive like {"@path": ...} or a non-empty value)"#),
        // @flatten
        MappingErrorCase("flatten without separator", #"{"x":{"@flatten":{"value":{"@path":"$.a"}}}}"#,
                         #"x: @flatten needs "separator" (like ".")"#),
        MappingErrorCase("flatten empty separator", #"{"x":{"@flatten":{"separator":"","value":{"@path":"$.a"}}}}"#,
                         #"x: @flatten "separator" must be a non-empty string, got """#),
        MappingErrorCase("flatten omitArrays not boolean", #"{"x":{"@flatten":{"separator":".","omitArrays":"no","value":1}}}"#,
                         #"x: @flatten "omitArrays" must be true or false, got a string"#),
        MappingErrorCase("flatten without value", #"{"x":{"@flatten":{"separator":"."}}}"#,
                         #"x: @flatten needs "value" (the object to flatten, usually {"@path": ...})"#),
        // @merge
        MappingErrorCase("merge objects not array", #"{"x":{"@merge":{"direction":"right","objects":{"a":1}}}}"#,
                         #"x: @merge "objects" must be an array, got an object"#),
        MappingErrorCase("merge element number", #"{"x":{"@merge":{"direction":"right","objects":[{},123]}}}"#,
                         #"x: @merge "objects"[1] must be an object or a directive, got a number"#),
        MappingErrorCase("merge bad direction", #"{"x":{"@merge":{"direction":"up","objects":[]}}}"#,
                         #"x: @merge "direction" must be "left" or "right", got "up""#),
        MappingErrorCase("merge without direction", #"{"x":{"@merge":{"objects":[]}}}"#,
                         #"x: @merge needs "direction" ("left" or "right")"#),
        // @transform
        MappingErrorCase("transform without mapping", #"{"x":{"@transform":{"apply":{}}}}"#,
                         #"x: @transform needs "mapping" (the mapping applied to the result of "apply")"#),
        MappingErrorCase("transform apply string", #"{"x":{"@transform":{"apply":"a","mapping":{}}}}"#,
                         #"x: @transform "apply" must be an object or a directive, got a string"#),
        MappingErrorCase("transform options are a directive", #"{"x":{"@transform":{"@path":{}}}}"#,
                         #"x: @transform expects an object with "apply" and "mapping", got a directive"#),
    ]

    @Test(arguments: errors)
    func reportsWhereAndWhat(_ row: MappingErrorCase) throws {
        let mapping = try MappingFixtures.parse(row.mapping)
        let issues = CompiledMapping.validate(mapping)
        #expect(issues.map(\.description) == [row.expected])
        #expect(throws: MappingError.self) { try CompiledMapping(mapping) }
    }

    @Test func collectsEveryProblem() throws {
        let mapping = try MappingFixtures.parse(#"{"a":{"@nope":1},"b":{"c":{"@path":2}},"d":{"@liquid":"{% case %}"}}"#)
        do {
            _ = try CompiledMapping(mapping)
            Issue.record("expected the mapping to be rejected")
        } catch {
            #expect(error.issues.map(\.location.description) == ["a", "b.c", "d"])
            #expect(error.description.contains("; b.c: @path expects"))
        }
    }

    @Test(arguments: [
        #"{"identity":{"@path":"$.userId"},"ts":{"@path":"$.timestamp"},"profileData":{"@path":"$.traits"}}"#,
        #"{"@if":{"exists":{"@path":"$.a"},"then":1}}"#,
        #"{"a":{"@merge":{"direction":"left","objects":[{"@path":"$.x"},{"k":{"@template":"{{y}}"}}]}}}"#,
        #"["plain",{"deep":[{"@literal":null}]}]"#,
    ])
    func acceptsValidMappings(_ text: String) throws {
        #expect(CompiledMapping.validate(try MappingFixtures.parse(text)).isEmpty)
    }
}
