import CleverTapCore
import Foundation
import Sandbox
import Testing

@Suite(.timeLimit(.minutes(5))) struct SandboxConfigurationTests {
    @Test(arguments: [
        ("429,500,timeout,ok", [SandboxFault.status(429), .status(500), .timeout, .ok]),
        (" 503 , OK ", [.status(503), .ok]),
    ])
    func faultSequencesParse(text: String, expected: [SandboxFault]) throws {
        #expect(try SandboxFault.parseSequence(text) == expected)
    }

    @Test(arguments: ["abc", "200", "429,,500", "600"])
    func badFaultSequencesAreRejected(text: String) {
        #expect(throws: SandboxConfigurationError.self) { try SandboxFault.parseSequence(text) }
    }

    @Test func failureRateOutOfRangeIsRejected() async {
        await #expect(throws: SandboxConfigurationError.invalidFailureRate(1.5)) {
            _ = try await SandboxServer(configuration: SandboxConfiguration(failureRate: 1.5)).start()
        }
    }

    @Test func busyPortIsReported() async throws {
        let first = try await SandboxServer(configuration: SandboxConfiguration()).start()
        let error = await #expect(throws: SandboxConfigurationError.self) {
            let second = try await SandboxServer(configuration: SandboxConfiguration(port: first.port)).start()
            await second.stop()
        }
        await first.stop()
        let text = try #require(error).description
        #expect(text.contains("127.0.0.1:\(first.port) (another program already uses that port)"), "\(text)")
        #expect(!text.contains("errno") && !text.contains("descriptor"), "\(text)")
    }

    @Test func stateSurvivesARestartAndIsPrivate() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path
        try await withRawSandbox(SandboxConfiguration(stateFile: path)) { _, raw in
            _ = try await raw.upload([profile("kept", ["Name": "Kept"]), profile("gone")])
            _ = try await raw.send(CleverTapPath.deleteProfiles, body: #"{"identity":"gone"}"#)
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers == ["state.json"], "no temporary files left behind")
        let restarted = try await SandboxServer(configuration: SandboxConfiguration(stateFile: path)).start()
        let profiles = await restarted.profiles()
        await restarted.stop()
        #expect(profiles.map(\.identity) == ["kept"])
        #expect(profiles.first?.profileData["Name"] == "Kept")
    }

    /// A state path in a missing directory used to start fine and then lose every upload (each
    /// write failed with only a line on stderr); a directory was reported as "permission denied".
    @Test(arguments: [
        ("missing/state.json", "does not exist"),
        ("", "is a directory"),
    ])
    func unusableStatePathStopsTheStart(relativePath: String, expected: String) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = relativePath.isEmpty ? directory.path : directory.appendingPathComponent(relativePath).path
        do {
            let sandbox = try await SandboxServer(configuration: SandboxConfiguration(stateFile: path)).start()
            await sandbox.stop()
            Issue.record("the sandbox must not start with an unusable --state \(path)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.description.contains(path))
        }
    }

    @Test func brokenStateFileIsReportedAndLeftAlone() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("state.json").path
        try Data("{\n  \"version\": 1,\n  \"profiles\": [,]\n}".utf8).write(to: URL(fileURLWithPath: path))
        do {
            _ = try await SandboxServer(configuration: SandboxConfiguration(stateFile: path)).start()
            Issue.record("a broken state file must stop the start")
        } catch {
            #expect(error.description.contains("line 3"))
            #expect(error.description.contains(path))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("[,]"))
    }
}
