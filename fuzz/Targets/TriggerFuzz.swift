// libFuzzer target: any text as a trigger parses or fails with an error; a parsed trigger prints,
// re-parses to the same expression and evaluates against a fixed event without crashing.
private let sampleEvent = try! JSONParser.parse(#"{"type":"track","event":"Order Completed","userId":"u1","properties":{"total":12.5,"tags":["a","b"],"nested":{"x":null}},"traits":{"email":"a@b.c"}}"#)

func fuzzTrigger(_ bytes: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: bytes, as: UTF8.self)
    guard let trigger = try? Trigger.parse(text) else { return }
    _ = trigger.matches(sampleEvent)
    // The printed form is documented to parse back to an equal trigger.
    let printed = trigger.description
    guard let again = try? Trigger.parse(printed) else { fatalError("the printed trigger does not parse: \(printed)") }
    if again != trigger { fatalError("parse(print(t)) differs from t: \(printed)") }
}
