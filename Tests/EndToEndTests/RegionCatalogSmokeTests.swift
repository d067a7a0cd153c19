import Testing
import CleverTapCore

// Keeps the target non-empty until its own suites land; checks the catalog every module relies on.
@Suite(.timeLimit(.minutes(5))) struct EndToEndTestsRegionCatalog {
    @Test func europeIsTheDefault() {
        #expect(Region.defaultRegion.code == "eu1")
        #expect(Region.named("IN1")?.apiBaseURL == "https://in1.api.clevertap.com")
    }
}
