import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct JSONRoundTripTests {
    @Test(arguments: [
        #"{"b":1,"a":[true,false,null],"c":12.5,"d":"x\ny\u0001\"\\"}"#,
        #"[1136225047,-3,0,1.5e+20]"#,
    ])
    func compactOutputReproducesInput(_ text: String) throws {
        let value = try JSONParser.parse(text)
        #expect(value.description == text)
    }

    @Test func decimalKeepsItsShortestForm() throws {
        #expect(try JSONParser.parse("12.50").description == "12.5")
    }
}
