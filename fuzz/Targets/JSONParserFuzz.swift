// libFuzzer target: the JSON parser never crashes, and what it accepts survives a write/parse round trip.
func fuzzJSONParser(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let value = try? JSONParser.parse(bytes: bytes) else { return }
    var written: [UInt8] = []
    JSONWriter.write(value, into: &written)
    guard let again = try? JSONParser.parse(bytes: written) else {
        fatalError("the writer's output does not parse: \(String(decoding: written, as: UTF8.self))")
    }
    var rewritten: [UInt8] = []
    JSONWriter.write(again, into: &rewritten)
    if rewritten != written { fatalError("write/parse/write is not stable") }
}
