import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct CredentialsTests {
    @Test(arguments: [
        ("844-6K7-984Z", "844-6K7-984Z"),
        ("  844-6k7-984z\n", "844-6K7-984Z"),
        ("w9r-486-4w5z", "W9R-486-4W5Z"),
        ("TEST-WR7-899-K67Z", "TEST-WR7-899-K67Z"),
        ("test-wr7-899-k67z", "TEST-WR7-899-K67Z"),
        ("\t886-894-RK5Z ", "886-894-RK5Z"),
    ])
    func projectIDNormalizes(_ input: String, _ expected: String) throws {
        #expect(try ProjectID.normalize(input) == expected)
    }

    @Test(arguments: [
        ("", CredentialError.emptyProjectID),
        ("   ", .emptyProjectID),
        ("844-6K7-984", .projectIDFormat("844-6K7-984")),
        ("844_6K7_984Z", .projectIDFormat("844_6K7_984Z")),
        ("8446K7984Z", .projectIDFormat("8446K7984Z")),
        ("844-6K7-984Z-", .projectIDFormat("844-6K7-984Z-")),
        ("TEST-844-6K7", .projectIDFormat("TEST-844-6K7")),
        ("844-6К7-984Z", .projectIDFormat("844-6К7-984Z")),  // Cyrillic К
        ("844-6K7-984Z\r\nX-Injected: 1", .projectIDControlCharacter(position: 13)),
        ("844\u{0}-6K7-984Z", .projectIDControlCharacter(position: 4)),
    ])
    func projectIDRefuses(_ input: String, _ expected: CredentialError) {
        #expect(throws: expected) { try ProjectID.normalize(input) }
    }

    @Test func projectIDMessageShowsTheExpectedShape() {
        #expect(CredentialError.projectIDFormat("abc").description
            == #"expected XXX-XXX-XXXX (letters and digits, e.g. 844-6K7-984Z), got "abc""#)
    }

    @Test(arguments: [
        ("dca1d7eb3a6e4a0e9f2b7c3d1e0f9a8b", "dca1d7eb3a6e4a0e9f2b7c3d1e0f9a8b"),
        ("  AAA-BBB-CCCC \n", "AAA-BBB-CCCC"),
        ("with inner space", "with inner space"),
    ])
    func passcodeAccepts(_ input: String, _ expected: String) throws {
        #expect(try Passcode.validate(input).revealed == expected)
    }

    @Test(arguments: [
        ("", CredentialError.emptyPasscode),
        (" \n ", .emptyPasscode),
        ("abc\r\nX-Injected: 1", .passcodeControlCharacter(position: 4)),
        ("abc\ndef", .passcodeControlCharacter(position: 4)),
        ("ab\u{7F}c", .passcodeControlCharacter(position: 3)),
        ("pässcode", .passcodeNotASCII(position: 2)),
    ])
    func passcodeRefuses(_ input: String, _ expected: CredentialError) {
        #expect(throws: expected) { try Passcode.validate(input) }
    }

    @Test func passcodeErrorsNeverContainThePasscode() {
        let secret = "topsecret\nvalue"
        do {
            _ = try Passcode.validate(secret)
            Issue.record("a passcode with a line break was accepted")
        } catch {
            #expect(!error.description.contains("topsecret"))
            #expect(error.description.contains("control character"))
        }
    }

    @Test(arguments: ["CLEVERTAP_PASSCODE", "_X", "a1", "X"])
    func variableNamesAccepted(_ name: String) throws {
        try EnvironmentVariableName.validate(name)
    }

    @Test(arguments: ["", "1ABC", "A-B", "A B", "$HOME", "ÄB"])
    func variableNamesRefused(_ name: String) {
        #expect(throws: CredentialError.invalidVariableName(name)) { try EnvironmentVariableName.validate(name) }
    }

    @Test func passcodeFromEnvironment() throws {
        let source = PasscodeSource.environment(variable: "CT_PASS")
        #expect(try source.resolve(environment: ["CT_PASS": " s3cret\n"]).revealed == "s3cret")
        #expect(throws: CredentialError.variableUnset("CT_PASS")) { try source.resolve(environment: [:]) }
        #expect(CredentialError.variableUnset("CT_PASS").description
            == "the environment variable CT_PASS that holds the passcode is not set")
        #expect(throws: CredentialError.variablePasscode(variable: "CT_PASS", problem: .emptyPasscode)) {
            try source.resolve(environment: ["CT_PASS": ""])
        }
        #expect(try PasscodeSource.inline(Secret("abc")).resolve(environment: [:]).revealed == "abc")
    }

    @Test func secretMasksItself() {
        let secret = Secret("dca1d7eb3a6e4a0e")
        #expect(secret.masked == "••••0e")
        #expect("\(secret)" == "<redacted>")
        #expect(!String(reflecting: secret).contains("dca1"))
    }
}

@Suite(.timeLimit(.minutes(2))) struct CredentialsIdentifierTests {
    @Test func generatedIdentifiersHaveTheirShape() {
        #expect(Identifiers.sourceID().hasPrefix("src_"))
        #expect(Identifiers.destinationID().count == 20)
        #expect(Identifiers.subscriptionID().hasPrefix("sub_"))
        let key = Identifiers.writeKey()
        #expect(key.count == 32)
        #expect(key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(Identifiers.isValidID(Identifiers.sourceID()))
    }

    @Test func generatedKeysDoNotRepeat() {
        let keys = Set((0..<2000).map { _ in Identifiers.writeKey() })
        #expect(keys.count == 2000)
        // Every character of the alphabet shows up across 64,000 draws: the draw is not stuck.
        #expect(Set(keys.joined()).count == Identifiers.writeKeyAlphabet.count)
    }

    @Test(arguments: [("src_web", true), ("a", true), ("A-b_9", true), ("", false), ("has space", false),
                      ("dot.ted", false), (String(repeating: "x", count: 65), false)])
    func idValidity(_ id: String, _ valid: Bool) {
        #expect(Identifiers.isValidID(id) == valid)
    }
}
