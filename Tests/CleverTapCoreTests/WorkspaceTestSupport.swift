import Foundation
import Testing
@testable import CleverTapCore

/// A fresh directory under the system temp dir, removed when the value is dropped.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/clevertap-actions-tests-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard let made else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: file(name))))
    }

    func mode(_ name: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: name.hasPrefix("/") ? name : file(name))
        return (attributes[.posixPermissions] as! NSNumber).intValue
    }
}

/// A complete, valid workspace in its file form, edited by tests to break one rule at a time.
enum WorkspaceFixture {
    static let text = """
        {
          "version": 1,
          "sources": [
            {"id": "src_web", "name": "Website", "type": "javascript", "writeKey": "k3yK3yk3yK3yk3yK3yk3yK3yk3yK3y12"}
          ],
          "destinations": [
            {
              "id": "dst_ct",
              "name": "CleverTap (Actions)",
              "sourceId": "src_web",
              "projectId": "844-6K7-984Z",
              "passcode": "dca1d7eb3a6e4a0e",
              "region": "in1",
              "setupMode": "quick",
              "enabled": true,
              "subscriptions": [
                {"id": "sub_up", "name": "User Upload", "action": "userUpload", "trigger": "type = \\"identify\\"",
                 "mapping": {"identity": {"@path": "$.userId"}}, "enabled": true, "convertTimestamps": true}
              ]
            }
          ]
        }
        """

    static var workspace: Workspace {
        Workspace(
            sources: [Source(id: "src_web", name: "Website", type: .javascript, writeKey: "k3yK3yk3yK3yk3yK3yk3yK3yk3yK3y12")],
            destinations: [
                Destination(id: "dst_ct", name: "CleverTap (Actions)", sourceID: "src_web", projectID: "844-6K7-984Z",
                            passcode: .inline(Secret("dca1d7eb3a6e4a0e")), endpoint: .region(Region.named("in1")!),
                            setupMode: .quick, enabled: true,
                            subscriptions: [Subscription(id: "sub_up", name: "User Upload", action: .userUpload,
                                                         trigger: #"type = "identify""#,
                                                         mapping: JSONObject(["identity": ["@path": "$.userId"]]))]),
            ])
    }
}
