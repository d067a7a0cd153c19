import Foundation

// One libFuzzer binary for every target (the core is compiled once, which takes minutes):
// `FUZZ_TARGET=json|trigger|mapping|workspace|dashboard` picks the function each input goes to.
private let targets: [String: (UnsafeBufferPointer<UInt8>) -> Void] = [
    "json": fuzzJSONParser, "trigger": fuzzTrigger, "mapping": fuzzMapping,
    "workspace": fuzzWorkspaceCodec, "dashboard": fuzzDashboardURL,
]

private let selected: (UnsafeBufferPointer<UInt8>) -> Void = {
    let name = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? ""
    guard let target = targets[name] else {
        FileHandle.standardError.write(Data("set FUZZ_TARGET to one of \(targets.keys.sorted().joined(separator: ", "))\n".utf8))
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected(UnsafeBufferPointer(start: data, count: size))
    return 0
}
