import Testing
@testable import CleverTapCore

/// The JavaScript conversions Segment's comparisons go through.
@Suite(.timeLimit(.minutes(2))) struct TriggerJavaScriptValuesTests {
    @Test(arguments: [
        (0.0, "0"), (-0.0, "0"), (5, "5"), (-3, "-3"), (12.5, "12.5"), (0.1, "0.1"), (1136225047, "1136225047"),
        (1e21, "1e+21"), (123456789012345680000, "123456789012345680000"), (0.000001, "0.000001"), (0.0000001, "1e-7"),
        (1.5e-10, "1.5e-10"), (-2.5e22, "-2.5e+22"), (100, "100"),
    ] as [(Double, String)])
    func numberToString(_ number: Double, _ expected: String) {
        #expect(JavaScriptValues.string(from: number) == expected)
    }

    @Test(arguments: [
        ("", 0.0), ("  ", 0), (" 42 ", 42), ("-3.5", -3.5), ("+7", 7), (".5", 0.5), ("5.", 5), ("1e3", 1000),
        ("0x10", 16), ("0b101", 5), ("0o17", 15), ("Infinity", .infinity), ("-Infinity", -.infinity),
    ] as [(String, Double)])
    func stringToNumber(_ text: String, _ expected: Double) {
        #expect(JavaScriptValues.number(from: text) == expected)
    }

    @Test(arguments: ["abc", "5px", "1e", "--1", "0x", "0xg", "-0x10", "nan", "inf", "1,000", "true", "null"])
    func stringsThatAreNotNumbers(_ text: String) {
        #expect(JavaScriptValues.number(from: text).isNaN)
    }

    @Test func stringsCompareByCodeUnitsNotCanonicalEquivalence() {
        // Swift's == calls these equal; JavaScript's === (and so Segment) does not.
        #expect("é" == "e\u{301}")
        #expect(!UTF8Bytes.equal("é", "e\u{301}"))
        #expect(UTF8Bytes.contains("Cafe\u{301}", "e\u{301}"))
        #expect(!UTF8Bytes.contains("Cafe\u{301}", "é"))
        #expect(UTF8Bytes.hasPrefix("München", "Mü"))
        #expect(UTF8Bytes.hasSuffix("x😀", "😀"))
        #expect(UTF8Bytes.contains("abc", ""))
        #expect(!UTF8Bytes.contains("ab", "abc"))
    }
}
