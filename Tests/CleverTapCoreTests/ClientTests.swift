import CleverTapCore
import Sandbox
import Testing

/// The client against a real sandbox over loopback HTTP.
@Suite(.timeLimit(.minutes(2))) struct ClientTests {
    @Test func uploadSucceedsAndTheProfileIsStored() async throws {
        try await withSandbox { sandbox in
            let result = try await CleverTapClient.withClient(clientConfiguration(sandbox)) { client in
                await client.upload([profileRecord("user-1", ["Name": "Ada", "Email": "ada@example.com"])])
            }
            #expect(result.isSuccess)
            #expect(result.outcomes == [.processed])
            #expect(result.attempts == 1)
            #expect(result.requests.map(\.httpStatus) == [200])
            let profile = try #require(await sandbox.profile(identity: "user-1"))
            #expect(profile.profileData["Email"] == "ada@example.com")
        }
    }

    @Test func partialAnswerGivesReasonsPerRecordAndIsNotRetried() async throws {
        try await withSandbox { sandbox in
            let records: [JSONValue] = [
                profileRecord("good"),
                profileRecord("bad-phone", ["Phone": "223"]),
                ["type": "profile", "profileData": ["Name": "Nobody"]],
            ]
            let result = try await CleverTapClient.withClient(clientConfiguration(sandbox)) { await $0.upload(records) }
            #expect(!result.isSuccess)
            #expect(result.attempts == 1)
            #expect(result.outcomes[0] == .processed)
            #expect(result.processedCount == 1)
            let rejections = result.rejections
            #expect(rejections.map(\.index) == [1, 2])
            #expect(rejections.map(\.rejection.code) == [.phoneInvalid, .identityMissing])
            #expect(rejections[0].rejection.error.contains("Skipped record number : 2"))
            #expect(result.summary.contains("record 2 rejected: code 516"))
            #expect(await sandbox.profiles().compactMap(\.identity) == ["good"])
        }
    }

    @Test func badPasscodeIsInvalidCredentialsWithoutRetry() async throws {
        try await withSandbox { sandbox in
            let configuration = clientConfiguration(sandbox, passcode: "wrong-passcode")
            let (result, check) = try await CleverTapClient.withClient(configuration) { client in
                (await client.upload([profileRecord("user-1")]), await client.checkCredentials())
            }
            #expect(result.attempts == 1)
            let error = try #require(result.firstError)
            guard case .invalidCredentials(let status, let message, _) = error else {
                Issue.record("expected invalidCredentials, got \(error)"); return
            }
            #expect(status == 401)
            #expect(message == "Invalid Credentials")
            #expect(error.description.contains("region"))
            guard case .invalid = check else { Issue.record("expected .invalid, got \(check)"); return }
            #expect(await sandbox.profiles().isEmpty)
        }
    }

    @Test func unknownAccountIsReportedAsSuch() async throws {
        try await withSandbox { sandbox in
            let configuration = clientConfiguration(sandbox, accountID: "ZZZ-ZZZ-ZZZZ")
            let check = try await CleverTapClient.withClient(configuration) { await $0.checkCredentials() }
            guard case .invalid(let reason) = check else { Issue.record("expected .invalid, got \(check)"); return }
            #expect(reason.contains("Account ID is not valid"))
        }
    }

    @Test func validCredentialsCheck() async throws {
        try await withSandbox { sandbox in
            let check = try await CleverTapClient.withClient(clientConfiguration(sandbox)) { await $0.checkCredentials() }
            #expect(check == .valid)
            #expect(await sandbox.profiles().isEmpty, "the check must store nothing")
        }
    }

    @Test func rateLimitedThenSuccessIsRetriedAndCounted() async throws {
        try await withSandbox(SandboxConfiguration(faults: [.status(429)])) { sandbox in
            let result = try await CleverTapClient.withClient(clientConfiguration(sandbox)) {
                await $0.upload([profileRecord("user-1")])
            }
            #expect(result.isSuccess)
            #expect(result.attempts == 2)
            #expect(result.retries == 1)
            #expect(await sandbox.profiles().count == 1)
        }
    }

    @Test func serverErrorThreeTimesGivesUpWithAClearError() async throws {
        try await withSandbox(SandboxConfiguration(faults: [.status(500), .status(500), .status(500)])) { sandbox in
            let result = try await CleverTapClient.withClient(clientConfiguration(sandbox)) {
                await $0.upload([profileRecord("user-1")])
            }
            #expect(!result.isSuccess)
            #expect(result.attempts == 3)
            let error = try #require(result.firstError)
            #expect(error == .serverError(status: 500, serverMessage: "Internal server error (sandbox fault)", attempts: 3))
            #expect(error.description.contains("on all 3 attempts"))
            #expect(result.outcomes == [.failed(error)])
            #expect(await sandbox.profiles().isEmpty)
        }
    }

    @Test func timeoutIsRetriedThenReported() async throws {
        let configuration = SandboxConfiguration(faults: [.timeout, .timeout])
        try await withSandbox(configuration) { sandbox in
            let clientSettings = clientConfiguration(sandbox, retry: RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(10)),
                                                     requestTimeout: .milliseconds(300))
            let result = try await CleverTapClient.withClient(clientSettings) { await $0.upload([profileRecord("user-1")]) }
            #expect(result.attempts == 2)
            #expect(result.firstError == .timeout(seconds: 0.3, attempts: 2))
            #expect(result.firstError?.description.contains("within 0.3 s") == true)
        }
    }

    @Test func timeoutThenSuccess() async throws {
        try await withSandbox(SandboxConfiguration(faults: [.timeout])) { sandbox in
            let settings = clientConfiguration(sandbox, requestTimeout: .seconds(3))
            let result = try await CleverTapClient.withClient(settings) { await $0.upload([profileRecord("user-1")]) }
            #expect(result.isSuccess)
            #expect(result.attempts == 2)
        }
    }

    @Test func thousandAndOneRecordsGoInTwoRequestsInOrder() async throws {
        try await withSandbox { sandbox in
            let records = (0..<1001).map { profileRecord("user-\($0)") }
            let result = try await CleverTapClient.withClient(clientConfiguration(sandbox)) { await $0.upload(records) }
            #expect(result.isSuccess)
            #expect(result.requests.map(\.range) == [0..<1000, 1000..<1001])
            let identities = await sandbox.profiles().compactMap(\.identity)
            #expect(identities == (0..<1001).map { "user-\($0)" })
        }
    }

    @Test func hundredAndOneDeletesGoInTwoRequests() async throws {
        try await withSandbox { sandbox in
            let identities = (0..<101).map { "user-\($0)" }
            let (upload, delete) = try await CleverTapClient.withClient(clientConfiguration(sandbox)) { client in
                (await client.upload(identities.map { profileRecord($0) }), await client.deleteProfiles(identities: identities))
            }
            #expect(upload.isSuccess)
            #expect(delete.isSuccess)
            #expect(delete.requests.map(\.range) == [0..<100, 100..<101])
            #expect(await sandbox.profiles().isEmpty)
        }
    }

    @Test func deleteByGuidRemovesTheProfile() async throws {
        try await withSandbox { sandbox in
            try await CleverTapClient.withClient(clientConfiguration(sandbox)) { client in
                _ = await client.upload([profileRecord("keep"), profileRecord("drop")])
                let guid = try #require(await sandbox.profile(identity: "drop")?.objectID)
                let result = await client.deleteProfiles(guids: [guid])
                #expect(result.isSuccess)
            }
            #expect(await sandbox.profiles().compactMap(\.identity) == ["keep"])
        }
    }

    @Test func deleteRequestsCarryOneKeyOnly() throws {
        let configuration = CleverTapClientConfiguration(baseURL: "https://in1.api.clevertap.com", accountID: "ABC-DEF-GHIJ",
                                                         passcode: Secret("p"))
        let preview = CleverTapClient.preview(configuration: configuration, path: CleverTapPath.deleteProfiles,
                                              body: ["guid": ["a"]])
        #expect(preview.body.objectValue?.keys == ["guid"])
        #expect(preview.url == "https://in1.api.clevertap.com/1/delete/profiles.json")
    }

    @Test func refusedConnectionIsRetriedThenMakesTheEndpointUnreachable() async throws {
        // A port bound but never listening: connections are refused, and no other test's server
        // can take it meanwhile (a stopped sandbox's port could be reused by a parallel test).
        let closed = try ClosedPort()
        defer { closed.release() }
        let sandbox = (port: closed.port, baseURL: "http://127.0.0.1:\(closed.port)")
        let configuration = CleverTapClientConfiguration(
            baseURL: sandbox.baseURL, accountID: sandboxAccount.projectID, passcode: sandboxAccount.passcode,
            connectTimeout: .seconds(2), requestTimeout: .seconds(10), retryPolicy: fastRetries)
        let (result, check) = try await CleverTapClient.withClient(configuration) { client in
            (await client.upload([profileRecord("user-1")]), await client.checkCredentials())
        }
        #expect(result.attempts == fastRetries.maxAttempts)
        guard case .connectionFailed(let host, _, _) = try #require(result.firstError) else {
            Issue.record("expected connectionFailed, got \(String(describing: result.firstError))"); return
        }
        #expect(host == "127.0.0.1:\(sandbox.port)")
        // NIO's own text says "connection reset (error set): Connection refused": misleading.
        let text = try #require(result.firstError).description
        #expect(text.contains("connection refused"), "\(text)")
        #expect(!text.contains("reset") && !text.contains("errno"), "\(text)")
        guard case .unreachable = check else { Issue.record("expected .unreachable, got \(check)"); return }
    }

    @Test func laterBatchesAreNotSentAfterAFatalFailure() async throws {
        try await withSandbox(SandboxConfiguration(faults: [.status(503), .status(503), .status(503)])) { sandbox in
            let records = (0..<1500).map { profileRecord("user-\($0)") }
            let result = try await CleverTapClient.withClient(clientConfiguration(sandbox)) { await $0.upload(records) }
            #expect(result.requests.count == 1, "the second batch must not be sent after the first failed for good")
            #expect(result.outcomes.count == 1500)
            #expect(result.processedCount == 0)
            #expect(await sandbox.profiles().isEmpty)
        }
    }
}
