import Testing
@testable import CleverTapCore

/// What detection should give for one pasted text.
enum DetectionExpectation: Sendable, CustomStringConvertible {
    case region(String, projectID: String?, noted: Bool = false)
    case empty
    case notAURL
    case notACleverTapHost(String)
    case notADashboardHost(String)
    case unknownRegion(String)

    var description: String {
        switch self {
        case .region(let code, let id, let noted): return "\(code) \(id ?? "-")\(noted ? " (noted)" : "")"
        case .empty: return "empty"
        case .notAURL: return "not a URL"
        case .notACleverTapHost(let host): return "not CleverTap: \(host)"
        case .notADashboardHost(let host): return "not a dashboard: \(host)"
        case .unknownRegion(let code): return "unknown region \(code)"
        }
    }
}

@Suite(.timeLimit(.minutes(2))) struct DashboardURLTests {
    static let id = "844-6K7-984Z"

    static let cases: [(String, DetectionExpectation)] = [
        // The documented shapes.
        ("https://in1.dashboard.clevertap.com/844-6K7-984Z/main", .region("in1", projectID: id)),
        ("https://eu1.dashboard.clevertap.com/886-894-RK5Z/main", .region("eu1", projectID: "886-894-RK5Z")),
        ("https://in1.dashboard.clevertap.com/844-6K7-984Z/dashboards/custom/5f2a", .region("in1", projectID: id)),
        ("https://sg1.dashboard.clevertap.com/login.html#/", .region("sg1", projectID: nil)),
        ("https://us1.dashboard.clevertap.com/login.html", .region("us1", projectID: nil)),
        ("aps3.dashboard.clevertap.com", .region("aps3", projectID: nil)),
        ("mec1.dashboard.clevertap.com/8R9-6Z9-K46Z/main", .region("mec1", projectID: "8R9-6Z9-K46Z")),
        ("sk1.dashboard.clevertap.com/", .region("sk1", projectID: nil)),
        ("https://eu1.dashboard.clevertap.com/TEST-WR7-899-K67Z/main", .region("eu1", projectID: "TEST-WR7-899-K67Z")),
        // Region-less hosts mean Europe, and say so.
        ("https://dashboard.clevertap.com/", .region("eu1", projectID: nil, noted: true)),
        ("https://dashboard.clevertap.com/x/settings.html", .region("eu1", projectID: nil, noted: true)),
        ("https://api.clevertap.com/1/upload", .region("eu1", projectID: nil, noted: true)),
        ("https://eu1.api.clevertap.com/1/upload", .region("eu1", projectID: nil)),
        ("in1.api.clevertap.com", .region("in1", projectID: nil)),
        // What pasting adds: whitespace, wrappers, case, schemes, ports, queries.
        ("  https://in1.dashboard.clevertap.com/844-6K7-984Z/main\n", .region("in1", projectID: id)),
        ("<https://in1.dashboard.clevertap.com/844-6K7-984Z/main>", .region("in1", projectID: id)),
        ("\"https://in1.dashboard.clevertap.com/844-6K7-984Z/main\"", .region("in1", projectID: id)),
        ("'in1.dashboard.clevertap.com'", .region("in1", projectID: nil)),
        ("\u{201C}https://in1.dashboard.clevertap.com/844-6K7-984Z/main\u{201D}", .region("in1", projectID: id)),
        ("`sg1.dashboard.clevertap.com`", .region("sg1", projectID: nil)),
        (" < \"https://in1.dashboard.clevertap.com/844-6K7-984Z\" > ", .region("in1", projectID: id)),
        ("HTTPS://IN1.DASHBOARD.CLEVERTAP.COM/844-6K7-984Z/MAIN", .region("in1", projectID: id)),
        ("https://in1.dashboard.clevertap.com/844-6k7-984z/main", .region("in1", projectID: id)),
        ("http://in1.dashboard.clevertap.com", .region("in1", projectID: nil)),
        ("//in1.dashboard.clevertap.com/844-6K7-984Z", .region("in1", projectID: id)),
        ("https://in1.dashboard.clevertap.com:443/844-6K7-984Z/main", .region("in1", projectID: id)),
        ("https://in1.dashboard.clevertap.com./844-6K7-984Z", .region("in1", projectID: id)),
        ("https://in1.dashboard.clevertap.com/?next=844-6K7-984Z", .region("in1", projectID: nil)),
        ("https://in1.dashboard.clevertap.com/844-6K7-984Z?x=1#/y", .region("in1", projectID: id)),
        ("https://in1.dashboard.clevertap.com/main/844-6K7-984Z", .region("in1", projectID: nil)),
        ("https://in1.dashboard.clevertap.com/844-6K7-98/main", .region("in1", projectID: nil)),
        // Browsers read a backslash as a slash in http(s) URLs: the host really is CleverTap's.
        ("https://in1.dashboard.clevertap.com\\@evil.example", .region("in1", projectID: nil)),
        // Nothing there.
        ("", .empty),
        ("   \n\t ", .empty),
        ("<>", .empty),
        // Not addresses.
        ("hello world", .notAURL),
        ("hello", .notAURL),
        ("https://", .notAURL),
        ("ftp://in1.dashboard.clevertap.com/", .notAURL),
        ("javascript:alert(1)", .notAURL),
        ("https://in1.dashboard.clevertap.com:99999/", .notAURL),
        ("https://in1.dashboard.clevertap.com\r\nX-Injected: 1", .notAURL),
        ("https://in1.dashboard.clevertap.com/\u{0}", .notAURL),
        // Userinfo tricks: the part before @ is not the host.
        ("https://eu1.dashboard.clevertap.com@evil.example/844-6K7-984Z", .notAURL),
        ("https://user:pass@in1.dashboard.clevertap.com/844-6K7-984Z", .notAURL),
        // Other hosts, including ones that contain "clevertap.com".
        ("https://example.com/844-6K7-984Z/main", .notACleverTapHost("example.com")),
        ("https://eu1.dashboard.clevertap.com.evil.example/", .notACleverTapHost("eu1.dashboard.clevertap.com.evil.example")),
        ("https://evilclevertap.com/", .notACleverTapHost("evilclevertap.com")),
        ("https://clevertap.com.evil.example", .notACleverTapHost("clevertap.com.evil.example")),
        ("https://eu1.dashboard.clevertap.co/", .notACleverTapHost("eu1.dashboard.clevertap.co")),
        ("https://in1.dashboard.clevertap.com%2eevil.example/", .notACleverTapHost("in1.dashboard.clevertap.com%2eevil.example")),
        ("https://in1..dashboard.clevertap.com/", .notACleverTapHost("in1..dashboard.clevertap.com")),
        ("https://127.0.0.1/", .notACleverTapHost("127.0.0.1")),
        ("https://[::1]:8080/", .notACleverTapHost("[::1]")),
        // IDN look-alikes: Cyrillic "р", fullwidth letters, punycode.
        ("https://in1.dashboard.clevertaр.com/", .notACleverTapHost("in1.dashboard.clevertaр.com")),
        ("ｉｎ1.dashboard.clevertap.com", .notACleverTapHost("ｉｎ1.dashboard.clevertap.com")),
        ("https://in1.dashboard.xn--clevertp-7ya.com/", .notACleverTapHost("in1.dashboard.xn--clevertp-7ya.com")),
        // CleverTap sites that are not dashboards or APIs.
        ("https://www.clevertap.com/", .notADashboardHost("www.clevertap.com")),
        ("https://docs.clevertap.com/docs/intro", .notADashboardHost("docs.clevertap.com")),
        ("https://clevertap.com", .notADashboardHost("clevertap.com")),
        ("https://a.b.dashboard.clevertap.com", .notADashboardHost("a.b.dashboard.clevertap.com")),
        // Region codes CleverTap does not have (including the legacy digit-less ones).
        ("https://xx9.dashboard.clevertap.com/", .unknownRegion("xx9")),
        ("https://in.api.clevertap.com/1/upload", .unknownRegion("in")),
        ("eu2.dashboard.clevertap.com/844-6K7-984Z", .unknownRegion("eu2")),
        // 10 kB: of garbage, and of a URL padded with garbage.
        (String((0..<10_240).map { i in Character(Unicode.Scalar(UInt8(33 + (i * 7919) % 94))) }), .notAURL),
        ("https://in1.dashboard.clevertap.com/" + String(repeating: "A", count: 10_240), .notAURL),
    ]

    @Test func tableHasAtLeastFortyCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func detects(_ input: String, _ expected: DetectionExpectation) {
        let result = DashboardURL.detect(input)
        switch (expected, result) {
        case (.region(let code, let projectID, let noted), .success(let detection)):
            #expect(detection.region.code == code)
            #expect(detection.projectID == projectID)
            #expect((detection.note != nil) == noted)
        case (.empty, .failure(.empty)), (.notAURL, .failure(.notAURL)):
            break
        case (.notACleverTapHost(let host), .failure(let error)):
            #expect(error == .notACleverTapHost(host: host))
            #expect(error.description.contains(host))
        case (.notADashboardHost(let host), .failure(let error)):
            #expect(error == .notADashboardHost(host: host))
        case (.unknownRegion(let code), .failure(let error)):
            #expect(error == .unknownRegion(code: code))
            #expect(error.description.contains("\"\(code)\""))
        default:
            Issue.record("expected \(expected), got \(result)")
        }
    }

    @Test func regionLessNoteNamesTheAssumption() throws {
        let detection = try DashboardURL.detect("https://dashboard.clevertap.com/").get()
        #expect(detection.note == "dashboard.clevertap.com names no region: Europe (eu1) assumed, as for CleverTap's region-less hosts")
    }

    @Test func errorMessagesSayWhatWasWrong() {
        #expect(DashboardURLError.empty.description.hasPrefix("nothing was entered"))
        #expect(DashboardURLError.unknownRegion(code: "xx9").description
            == "unknown region code \"xx9\"; CleverTap's regions are eu1, in1, sg1, us1, aps3, mec1, sk1")
        guard case .failure(let error) = DashboardURL.detect("https://eu1.dashboard.clevertap.com@evil.example/") else {
            Issue.record("userinfo URL was accepted")
            return
        }
        #expect(error.description.contains("evil.example"))
    }
}

@Suite(.timeLimit(.minutes(2))) struct CustomEndpointTests {
    @Test(arguments: [
        ("https://api.example.com", "https://api.example.com"),
        ("https://api.example.com/clevertap/", "https://api.example.com/clevertap"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://localhost:9000", "http://localhost:9000"),
        ("http://[::1]:9000", "http://[::1]:9000"),
        ("  HTTPS://API.EXAMPLE.COM  ", "HTTPS://API.EXAMPLE.COM"),
    ])
    func accepts(_ input: String, _ expected: String) throws {
        #expect(try CustomEndpoint.validate(input) == expected)
    }

    /// The refusal used to repeat the whole URL, password included, on the terminal.
    @Test func aPasswordInTheEndpointIsNotRepeated() {
        #expect(throws: EndpointError.notAURL("https://…@api.example.com/x",
                                              reason: "the part before '@' is a user name and the host it really points to is api.example.com")) {
            try CustomEndpoint.validate("https://me:hunter2@api.example.com/x")
        }
    }

    @Test func plainHTTPElsewhereIsRefused() {
        #expect(throws: EndpointError.insecure("http://api.example.com")) { try CustomEndpoint.validate("http://api.example.com") }
        #expect(throws: EndpointError.insecure("http://127.0.0.1.evil.example")) { try CustomEndpoint.validate("http://127.0.0.1.evil.example") }
    }

    @Test(arguments: ["", "api.example.com", "ftp://api.example.com", "https://user@api.example.com", "https://a b.com",
                      "https://api.example.com/?x=1", "https://exámple.com"])
    func refuses(_ input: String) {
        #expect(throws: EndpointError.self) { try CustomEndpoint.validate(input) }
    }
}
