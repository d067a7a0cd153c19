// libFuzzer target: any JSON as a workspace decodes or fails with an error; a decoded workspace
// encodes, and the encoding decodes to an equal workspace.
func fuzzWorkspaceCodec(_ bytes: UnsafeBufferPointer<UInt8>) {
    guard let value = try? JSONParser.parse(bytes: bytes) else { return }
    guard let workspace = try? WorkspaceCodec.decode(value) else { return }
    let encoded = WorkspaceCodec.encode(workspace)
    guard let again = try? WorkspaceCodec.decode(encoded) else {
        fatalError("an encoded workspace does not decode: \(encoded)")
    }
    if again != workspace { fatalError("decode(encode(w)) differs from w") }
    _ = WorkspaceValidator.standard.validate(workspace)
}
