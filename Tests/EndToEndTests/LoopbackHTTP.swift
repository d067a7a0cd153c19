import AsyncHTTPClient
import CleverTapCore
import NIOCore

/// GET over real HTTP on loopback, as `curl` would: the status and the body parsed as JSON (nil
/// when it is not JSON). Used to ask a sandbox what it holds.
func httpGet(_ url: String) async throws -> (status: Int, body: JSONValue?) {
    let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
    do {
        let response = try await http.execute(HTTPClientRequest(url: url), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        try await http.shutdown()
        return (Int(response.status.code), try? JSONParser.parse(String(buffer: body)))
    } catch {
        try? await http.shutdown()
        throw error
    }
}
