// libFuzzer target: any pasted text gives a detection or an error, never a crash; a detected
// project ID is a well-formed one.
func fuzzDashboardURL(_ bytes: UnsafeBufferPointer<UInt8>) {
    let text = String(decoding: bytes, as: UTF8.self)
    if case .success(let detection) = DashboardURL.detect(text), let id = detection.projectID {
        if (try? ProjectID.normalize(id)) == nil { fatalError("detected project ID \(id) is not valid") }
    }
}
