import CleverTapCore
import Sandbox
import Testing

/// The passcode never leaves the client in text: logs (ours and the HTTP library's), errors,
/// descriptions, dumps and request previews.
@Suite(.timeLimit(.minutes(2))) struct RedactionTests {
    static let passcode = "s3cr3t-passcode-7781"

    @Test func passcodeIsAbsentFromLogsErrorsAndDumps() async throws {
        let sandboxAccount = SandboxAccount(projectID: "TST-123-456Z", passcode: Secret(Self.passcode))
        let sandboxConfiguration = SandboxConfiguration(accounts: [sandboxAccount], faults: [.status(429), .status(500)])
        let logs = RecordingLogStore()
        var texts: [String] = []
        try await withSandbox(sandboxConfiguration) { sandbox in
            let good = clientConfiguration(sandbox, passcode: Self.passcode, accountID: "TST-123-456Z", logger: logs.logger())
            let bad = clientConfiguration(sandbox, passcode: Self.passcode + "x", accountID: "TST-123-456Z", logger: logs.logger())
            try await CleverTapClient.withClient(good) { client in
                let result = await client.upload([profileRecord("u1"), profileRecord("u2", ["Phone": "12"])])
                #expect(result.attempts == 3, "429 and 500 were retried")
                texts.append(result.summary)
                texts.append(String(describing: result))
                texts.append(String(reflecting: client.configuration))
                texts.append(client.previewUpload([profileRecord("u1")]).map(\.description).joined())
                texts.append(client.previewUpload([profileRecord("u1")]).map { $0.jsonValue.description }.joined())
                var dumped = ""
                dump(client.configuration, to: &dumped)
                texts.append(dumped)
            }
            try await CleverTapClient.withClient(bad) { client in
                let result = await client.upload([profileRecord("u1")])
                texts.append(result.summary)
                texts.append(String(describing: result.firstError))
                if case .invalid(let reason) = await client.checkCredentials() { texts.append(reason) } else {
                    Issue.record("a wrong passcode must be reported as invalid")
                }
            }
            // The sandbox's request log masks the header too.
            texts.append(await sandbox.recentRequestsJSON().description)
        }
        let lines = logs.lines
        #expect(lines.count > 5, "the client logged its requests")
        #expect(lines.contains { $0.contains("retrying") })
        for text in lines + texts {
            #expect(!text.contains(Self.passcode), "passcode leaked in: \(text)")
        }
        #expect(texts.contains { $0.contains("<redacted>") })
    }

    @Test func serverMessagesEchoingThePasscodeAreScrubbed() {
        let redactor = Redactor(secrets: [Secret(Self.passcode)])
        #expect(redactor.scrub("bad passcode \(Self.passcode)!") == "bad passcode <redacted>!")
        #expect(redactor.scrub("nothing here") == "nothing here")
    }

    @Test(arguments: ["X-CleverTap-Passcode", "x-clevertap-passcode", "Authorization"])
    func secretHeadersAreMasked(name: String) {
        let redacted = Redactor.redactHeaders([(name, Self.passcode), ("X-CleverTap-Account-Id", "ABC")])
        #expect(redacted.map(\.value) == ["<redacted>", "ABC"])
    }
}
