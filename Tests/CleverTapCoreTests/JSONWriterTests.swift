import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct JSONWriterTests {
    /// Value and its exact compact text.
    @Test(arguments: [
        (JSONValue.null, "null"),
        (.bool(true), "true"),
        (.int(0), "0"),
        (.int(-42), "-42"),
        (.int(.max), "9223372036854775807"),
        (.int(.min), "-9223372036854775808"),
        (.double(12.5), "12.5"),
        (.double(1), "1.0"),
        (.double(-0.0025), "-0.0025"),
        (.double(1.5e20), "1.5e+20"),
        (.double(.nan), "null"),
        (.double(.infinity), "null"),
        (.string(""), #""""#),
        (.string("a\"b\\c/d"), #""a\"b\\c/d""#),
        (.string("\n\r\t\u{8}\u{C}"), #""\n\r\t\b\f""#),
        (.string("\u{0}\u{1}\u{1F}\u{7F}"), "\"\\u0000\\u0001\\u001f\u{7F}\""),
        (.string("Müller 😀 \u{2028}"), "\"Müller 😀 \u{2028}\""),
        (.string("e\u{301}"), "\"e\u{301}\""),
        (.array([]), "[]"),
        (.object(JSONObject()), "{}"),
        (JSONValue.object(JSONObject(["b": 1, "a": [true, nil], "é": "x"])), #"{"b":1,"a":[true,null],"é":"x"}"#),
    ])
    func writesCompactly(_ value: JSONValue, _ expected: String) {
        #expect(value.description == expected)
    }

    @Test(arguments: [
        #"{"b":1,"a":[true,false,null],"c":12.5,"d":"x\ny\u0001\"\\"}"#,
        #"[1136225047,-3,0,1.5e+20,1.0,0.1,-2.5e-05]"#,
        #"{"z":{"y":{"x":[[],{},""]}},"a":"😀é€\u0000"}"#,
        #"{"e\u0301":1,"é":2}"#,
    ])
    func parseThenWriteGivesTheSameValueBack(_ text: String) throws {
        let value = try JSONParser.parse(text)
        let written = value.description
        #expect(try JSONParser.parse(written) == value)
        #expect(try JSONParser.parse(written).description == written)
    }

    @Test func escapesAreReadBackExactly() throws {
        // Every code point below 0x80 and a few beyond survive a write and a read.
        var text = ""
        for scalar in (0..<0x80).compactMap(Unicode.Scalar.init) { text.unicodeScalars.append(scalar) }
        text += "é😀\u{FFFF}"
        let written = JSONValue.string(text).description
        #expect(try JSONParser.parse(written) == .string(text))
        #expect(!written.utf8.dropFirst().dropLast().contains { $0 < 0x20 })
    }

    @Test func writesPrettily() {
        let value: JSONValue = ["name": "Ann", "tags": ["a", 1], "empty": [], "nested": ["k": nil], "none": [:]]
        #expect(value.prettyDescription == """
            {
              "name": "Ann",
              "tags": [
                "a",
                1
              ],
              "empty": [],
              "nested": {
                "k": null
              },
              "none": {}
            }
            """)
    }

    @Test func objectSubscriptMatchesKeysByteForByte() {
        var object = JSONObject()
        object["é"] = 1
        object["e\u{301}"] = 2
        #expect(object.count == 2)
        #expect(object["é"] == .int(1))
        object["é"] = nil
        #expect(object.keys == ["e\u{301}"])
    }
}
