import ArgumentParser
import CleverTapCore
import Foundation
import SetupWizard

// Interim until the foundation branch's WorkspaceStore and Identifiers land on main: path
// resolution, a writer for the documented schema and fresh IDs. Replaced by the core's, not kept.
enum InterimWorkspaceFile {
    static func resolve(explicit: String?, environment: [String: String]) -> String {
        if let explicit { return explicit }
        if let path = environment["CLEVERTAP_ACTIONS_CONFIG"], !path.isEmpty { return path }
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.config")
        return base + "/clevertap-actions/workspace.json"
    }

    static func load(_ path: String) throws -> Workspace {
        guard FileManager.default.fileExists(atPath: path) else { return Workspace() }
        throw ValidationError("\(path) exists; this build cannot read workspaces yet (WorkspaceStore pending).")
    }

    static func save(_ workspace: Workspace, to path: String) throws {
        var root = JSONObject()
        root["version"] = .int(Int64(workspace.version))
        root["sources"] = .array(workspace.sources.map { source in
            .object(JSONObject(["id": .string(source.id), "name": .string(source.name),
                                "type": .string(source.type.rawValue), "writeKey": .string(source.writeKey)]))
        })
        root["destinations"] = .array(workspace.destinations.map { destination in
            var object = JSONObject()
            object["id"] = .string(destination.id)
            object["name"] = .string(destination.name)
            object["sourceId"] = .string(destination.sourceID)
            object["projectId"] = .string(destination.projectID)
            switch destination.passcode {
            case .inline(let secret): object["passcode"] = .string(secret.revealed)
            case .environment(let variable): object["passcode"] = .object(JSONObject(["env": .string(variable)]))
            }
            switch destination.endpoint {
            case .region(let region): object["region"] = .string(region.code)
            case .custom(let url): object["endpoint"] = .string(url)
            }
            object["setupMode"] = .string(destination.setupMode.rawValue)
            object["enabled"] = .bool(destination.enabled)
            object["subscriptions"] = .array(destination.subscriptions.map { subscription in
                .object(JSONObject(["id": .string(subscription.id), "name": .string(subscription.name),
                                    "action": .string(subscription.action.rawValue), "trigger": .string(subscription.trigger),
                                    "mapping": .object(subscription.mapping), "enabled": .bool(subscription.enabled),
                                    "convertTimestamps": .bool(subscription.convertTimestamps)]))
            })
            return .object(object)
        })
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let data = Data((JSONValue.object(root).prettyDescription + "\n").utf8)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("could not write \(temporary)")
        }
        if rename(temporary, path) != 0 { throw ValidationError("could not move \(temporary) to \(path)") }
    }

    static func freshIdentifiers() -> FreshIdentifiers {
        func random(_ count: Int, _ alphabet: String) -> String {
            let characters = Array(alphabet)
            var generator = SystemRandomNumberGenerator()
            return String((0..<count).map { _ in characters[Int.random(in: 0..<characters.count, using: &generator)] })
        }
        let alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return FreshIdentifiers(sourceID: "src_" + random(16, alphabet), writeKey: random(32, alphabet + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
                                destinationID: "dst_" + random(16, alphabet),
                                subscriptionIDs: [random(16, alphabet), random(16, alphabet)].map { "sub_" + $0 })
    }
}
