// libFuzzer target: any JSON as a mapping validates, compiles or fails with an error, and a compiled
// mapping applies to a fixed event (and to the input itself) without crashing.
private let sampleEvent = try! JSONParser.parse(#"{"type":"identify","userId":"u1","timestamp":"2024-05-01T10:00:00.000Z","traits":{"email":"a@b.c","age":31,"tags":["x"],"address":{"city":"Pune"}},"context":{"ip":"1.2.3.4"}}"#)

func fuzzMapping(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let value = try? JSONParser.parse(bytes: bytes) else { return }
    _ = CompiledMapping.validate(value)
    guard let mapping = try? CompiledMapping(value) else { return }
    _ = try? mapping.apply(to: sampleEvent)
    _ = try? mapping.apply(to: value)
}
