import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct JSONParserTests {
    /// Input text and the value it must parse to.
    @Test(arguments: [
        (#"null"#, JSONValue.null),
        (#" true "#, .bool(true)),
        (#"false"#, .bool(false)),
        (#"0"#, .int(0)),
        (#"-0"#, .int(0)),
        (#"1136225047"#, .int(1136225047)),
        (#"-42"#, .int(-42)),
        (#"9223372036854775807"#, .int(.max)),
        (#"-9223372036854775808"#, .int(.min)),
        (#"9223372036854775808"#, .double(9223372036854775808)),
        (#"12.50"#, .double(12.5)),
        (#"1.0"#, .double(1)),
        (#"1e3"#, .double(1000)),
        (#"1E+3"#, .double(1000)),
        (#"-2.5e-3"#, .double(-0.0025)),
        (#""""#, .string("")),
        (#""plain""#, .string("plain")),
        (#""\"\\\/\b\f\n\r\t""#, .string("\"\\/\u{8}\u{C}\n\r\t")),
        (#""\u0041\u00e9\u20AC""#, .string("Aé€")),
        (#""\u0000""#, .string("\u{0}")),
        (#""\ud83d\ude00""#, .string("😀")),
        (#""\uD83D\uDE00x""#, .string("😀x")),
        (#""Müller 😀""#, .string("Müller 😀")),
        (#""e\u0301""#, .string("e\u{301}")),
        (#"[]"#, .array([])),
        (#"{}"#, .object(JSONObject())),
        (#"[1,"a",[null]]"#, .array([1, "a", [nil]])),
        (" \t\r\n{ \"a\" : [ 1 , 2 ] }\n", JSONValue.object(JSONObject(["a": [1, 2]]))),
    ])
    func parses(_ text: String, _ expected: JSONValue) throws {
        let value = try JSONParser.parse(text)
        #expect(value == expected)
    }

    @Test func integersAndDecimalsStayApart() throws {
        let value = try JSONParser.parse(#"{"i":12,"d":12.0,"e":12e0}"#)
        #expect(value["i"] == .int(12))
        #expect(value["d"] == .double(12))
        #expect(value["e"] == .double(12))
        #expect(value["i"] != value["d"])
    }

    @Test func objectsKeepKeyOrder() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2,"m":{"y":1,"b":2},"é":3}"#)
        #expect(value.objectValue?.keys == ["z", "a", "m", "é"])
        #expect(value["m"]?.objectValue?.keys == ["y", "b"])
    }

    @Test func keysThatAreCanonicallyEquivalentAreStillDifferentKeys() throws {
        // Swift's == would call these equal; JSON (and JavaScript) do not.
        let value = try JSONParser.parse(#"{"é":1,"e\u0301":2}"#)
        #expect(value["é"] == .int(1))
        #expect(value["e\u{301}"] == .int(2))
        #expect(value.objectValue?.count == 2)
    }

    @Test func duplicateKeysInLargeObjectsAreFound() throws {
        let keys = (0..<100).map { "\"k\($0)\":\($0)" }
        let valid = "{" + keys.joined(separator: ",") + "}"
        #expect(try JSONParser.parse(valid).objectValue?.count == 100)
        let duplicated = "{" + keys.joined(separator: ",") + ",\"k57\":0}"
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(duplicated) }
        #expect(error?.message == #"duplicate key "k57" in object"#)
        #expect(error?.offset == duplicated.utf8.count - 8)
    }

    /// Malformed input: message and 0-based byte offset.
    @Test(arguments: [
        (#""#, 0, "unexpected end of input, expected a value"),
        (#"   "#, 3, "unexpected end of input, expected a value"),
        (#"{"a":1,"a":2}"#, 7, #"duplicate key "a" in object"#),
        (#"{"a":{"b":1,"b":1}}"#, 12, #"duplicate key "b" in object"#),
        (#"nul"#, 0, "invalid literal, expected null"),
        (#"True"#, 0, "unexpected character 'T', expected a value"),
        (#"[1,]"#, 3, "unexpected character ']', expected a value"),
        (#"{"a":1,}"#, 7, "expected a string key in object, found '}'"),
        (#"{a:1}"#, 1, "expected a string key in object, found 'a'"),
        (#"{"a" 1}"#, 5, "expected ':' after object key"),
        (#"{"a":1 "b":2}"#, 7, "expected ',' or '}' in object, found '\"'"),
        (#"[1 2]"#, 3, "expected ',' or ']' in array, found '2'"),
        (#"[1"#, 2, "unexpected end of input inside an array"),
        (#"{"a":1"#, 6, "unexpected end of input inside an object"),
        (#"1 2"#, 2, "unexpected data after the JSON value"),
        (#"01"#, 0, "invalid number: leading zero"),
        (#"-"#, 1, "invalid number: expected a digit"),
        (#"1."#, 2, "invalid number: expected digits after '.'"),
        (#"1e"#, 2, "invalid number: expected digits in exponent"),
        (#"+1"#, 0, "unexpected character '+', expected a value"),
        (#".5"#, 0, "unexpected character '.', expected a value"),
        (#"1e400"#, 0, "number out of range"),
        (#""abc"#, 0, "unterminated string"),
        (#""a\"#, 0, "unterminated string"),
        (#""a\x""#, 2, #"invalid escape '\x' in string"#),
        (#""\u12G4""#, 5, #"invalid hex digit in \u escape"#),
        (#""\u12""#, 3, #"incomplete \u escape"#),
        (#""\u12"  "#, 5, #"invalid hex digit in \u escape"#),
        (#""x\ud83d""#, 2, "unpaired UTF-16 high surrogate"),
        (#""x\ud83d\u0041""#, 2, "unpaired UTF-16 high surrogate"),
        (#""x\ud83dA""#, 2, "unpaired UTF-16 high surrogate"),
        (#""x\ude00""#, 2, "unpaired UTF-16 low surrogate"),
        ("\"a\u{1}b\"", 2, "unescaped control character in string"),
        ("\"a\nb\"", 2, "unescaped control character in string"),
        ("[\"a\\n\tb\"]", 5, "unescaped control character in string"),
    ] as [(String, Int, String)])
    func rejectsWithOffset(_ text: String, _ offset: Int, _ message: String) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        #expect(error?.offset == offset)
        #expect(error?.message.hasPrefix(message) == true, "\(error?.message ?? "")")
    }

    @Test(arguments: [
        [0x22, 0xC3, 0x22],              // truncated 2-byte sequence
        [0x22, 0xFF, 0x22],              // never valid in UTF-8
        [0x22, 0xC0, 0xAF, 0x22],        // overlong "/"
        [0x22, 0xED, 0xA0, 0xBD, 0x22],  // a UTF-16 surrogate encoded as UTF-8
        [0x22, 0x5C, 0x6E, 0xE2, 0x82, 0x22],  // truncated, on the escape path
    ] as [[UInt8]])
    func rejectsInvalidUTF8InStrings(_ bytes: [UInt8]) {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes: bytes) }
        #expect(error?.message == "invalid UTF-8 in string")
        #expect(error?.offset == 0)
    }

    @Test func rejectsBytesOutsideStrings() {
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes: [0x5B, 0xC3, 0xA9, 0x5D]) }
        #expect(error?.offset == 1)
    }

    @Test func limitsNesting() throws {
        let deep = String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth)
        #expect(throws: Never.self) { try JSONParser.parse(deep) }
        let tooDeep = "[" + deep + "]"
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(tooDeep) }
        #expect(error?.offset == JSONParser.maximumDepth)
    }

    @Test func reportsLineAndColumn() {
        let text = "{\"a\": 1,\n \"b\": tru\n}"
        let error = #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        let position = error?.lineAndColumn(in: Array(text.utf8))
        #expect(position?.line == 2)
        #expect(position?.column == 7)
        #expect(error?.description == "invalid literal, expected true at byte 15")
    }
}
