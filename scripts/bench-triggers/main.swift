// Trigger evaluation benchmark (not a test): parses NDJSON events once, then times
// Trigger.matches over all of them for a few representative triggers and prints events/s.
// Built by scripts/bench-triggers.sh together with the JSON and Triggers sources.
import Foundation

let path = CommandLine.arguments[1]
let data = try Data(contentsOf: URL(fileURLWithPath: path))
var events: [JSONValue] = []
let parseStart = Date()
data.withUnsafeBytes { raw in
    let bytes = raw.bindMemory(to: UInt8.self)
    var start = 0
    for i in 0..<bytes.count where bytes[i] == 0x0A {
        if i > start, let value = try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<i])) { events.append(value) }
        start = i + 1
    }
}
let parseSeconds = Date().timeIntervalSince(parseStart)
print("parsed \(events.count) events in \(String(format: "%.2f", parseSeconds)) s: \(Int(Double(events.count) / parseSeconds)) events/s (JSONParser)")

let triggers = [
    #"type = "identify""#,
    #"type = "identify" or type = "track""#,
    #"type = "identify" and userId != null and traits.email != null"#,
    #"(type = "track" and event = "Order Completed") or (type = "identify" and traits.plan = "pro")"#,
    #"type = "track" and properties.total >= 100 and contains(context.library.name, "analytics")"#,
    #"match(traits.email, "*@example.com") and !contains(userId, "test") and traits.logins > 10"#,
]
for text in triggers {
    let trigger = try Trigger.parse(text)
    var matched = 0
    let start = Date()
    let rounds = 5
    for _ in 0..<rounds {
        for event in events where trigger.matches(event) { matched += 1 }
    }
    let seconds = Date().timeIntervalSince(start)
    let rate = Double(events.count * rounds) / seconds
    print(String(format: "%12.0f events/s  %7d matches  %@", rate, matched / rounds, text))
}
