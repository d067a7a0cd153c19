import ArgumentParser
import CleverTapCore
import EventQueue
import Foundation

/// `--queue` and the workspace (for destination names), shared by `status` and `replay`.
struct QueueOptions: ParsableArguments {
    @OptionGroup var config: ConfigOptions

    @Option(help: ArgumentHelp("The queue: sqlite:PATH or postgres://USER@HOST:PORT/DB (default $XDG_STATE_HOME/clevertap-actions/queue.sqlite).", valueName: "url"))
    var queue: String?

    /// Opens the queue; it must already exist (these verbs never create an empty one by mistake).
    func open() async throws -> (QueueURL, any EventQueue) {
        let url: QueueURL
        do throws(QueueError) { url = try QueueURL.parse(queue) } catch { throw Console.usage(error.description, command: "status") }
        if case .sqlite(let path) = url, !FileManager.default.fileExists(atPath: path) {
            throw Console.fail("no queue at \(path): `serve` creates it (or pass --queue sqlite:PATH)")
        }
        do throws(QueueError) { return (url, try await url.open()) } catch { throw Console.fail(error.description) }
    }

    /// Destination names by id, when a workspace can be read (the queue stores ids only).
    func destinations() -> [Destination] {
        (try? config.store().load(required: true).destinations) ?? []
    }
}

/// `status`: what the queue holds, by destination and state.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the delivery queue: counts by destination and state, the oldest waiting record, recent errors.")

    @OptionGroup var options: QueueOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() async throws {
        let (url, queue) = try await options.open()
        let status: QueueStatus
        do throws(QueueError) { status = try await queue.status(now: Date()) } catch {
            await queue.close()
            throw Console.fail(error.description)
        }
        await queue.close()
        let names = Dictionary(options.destinations().map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        print(json ? Self.json(status, url: url, names: names).prettyDescription : Self.text(status, url: url, names: names, now: Date()))
    }

    static func text(_ status: QueueStatus, url: QueueURL, names: [String: String], now: Date) -> String {
        var lines = ["queue \(url)"]
        if status.destinations.isEmpty { lines.append("  empty: nothing received yet") }
        for counts in status.destinations {
            let name = names[counts.destinationID].map { "\"\($0)\" (\(counts.destinationID))" } ?? counts.destinationID
            let parts = RecordState.allCases.map { "\($0.rawValue) \(counts[$0])" }.joined(separator: ", ")
            var line = "  \(name): \(parts)"
            if let oldest = counts.oldestPending {
                line += "; oldest pending since \(Self.format(oldest)) (\(Int(now.timeIntervalSince(oldest))) s ago)"
            }
            lines.append(line)
        }
        lines.append("  refused at intake: \(status.rejected); duplicate messageIds dropped: \(status.duplicates)")
        if !status.recentErrors.isEmpty {
            lines.append("recent errors (newest first):")
            for error in status.recentErrors {
                let name = names[error.destinationID] ?? error.destinationID
                lines.append("  \(Self.format(error.at)) \(error.state.rawValue) \(name) user \(error.identity) message \(error.messageID): \(error.reason)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ status: QueueStatus, url: QueueURL, names: [String: String]) -> JSONValue {
        var root = JSONObject()
        root["queue"] = .string(url.description)
        root["destinations"] = .array(status.destinations.map { counts in
            var object = JSONObject()
            object["id"] = .string(counts.destinationID)
            if let name = names[counts.destinationID] { object["name"] = .string(name) }
            for state in RecordState.allCases { object[state.rawValue] = .int(Int64(counts[state])) }
            object["oldestPending"] = counts.oldestPending.map { .string(Self.format($0)) } ?? .null
            return .object(object)
        })
        root["rejected"] = .int(Int64(status.rejected))
        root["duplicates"] = .int(Int64(status.duplicates))
        root["recentErrors"] = .array(status.recentErrors.map { error in
            .object(JSONObject([
                "destination": .string(error.destinationID), "identity": .string(error.identity),
                "messageId": .string(error.messageID), "state": .string(error.state.rawValue),
                "reason": .string(error.reason), "at": .string(Self.format(error.at)),
            ]))
        })
        return .object(root)
    }

    static func format(_ date: Date) -> String { date.formatted(Date.ISO8601FormatStyle()) }
}

/// `replay`: dead records back to waiting, after the cause was fixed.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Put dead records back in the queue (after fixing what killed them); a running serve sends them.",
        discussion: "Per-user order holds: a replayed record goes out before later records of the same user that are still waiting.")

    @OptionGroup var options: QueueOptions

    @Option(help: ArgumentHelp("Only this destination (name or id).", valueName: "name"))
    var destination: String?

    @Option(help: ArgumentHelp("Only records that died since this time: ISO 8601 (2026-12-01T08:00:00Z) or an age (30m, 2h, 1d).",
                               valueName: "time"))
    var since: String?

    func run() async throws {
        var sinceDate: Date?
        if let since {
            guard let date = Self.parseTime(since, now: Date()) else {
                throw Console.usage("--since \"\(since)\": expected ISO 8601 (2026-12-01T08:00:00Z) or an age such as 30m, 2h, 1d", command: "replay")
            }
            sinceDate = date
        }
        var destinationID: String?
        if let destination {
            let known = options.destinations()
            destinationID = known.first { $0.name == destination || $0.id == destination }?.id ?? destination
        }
        let (_, queue) = try await options.open()
        let count: Int
        do throws(QueueError) { count = try await queue.replay(destinationID: destinationID, since: sinceDate, now: Date()) } catch {
            await queue.close()
            throw Console.fail(error.description)
        }
        await queue.close()
        print("\(count) dead record(s) back to waiting")
    }

    static func parseTime(_ text: String, now: Date) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        guard let unit = text.last, let amount = Double(text.dropLast()), amount >= 0 else { return nil }
        let seconds: Double
        switch unit {
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86400
        default: return nil
        }
        return now - seconds
    }
}
