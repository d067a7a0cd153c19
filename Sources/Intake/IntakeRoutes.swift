import CleverTapCore
import CompressNIO
import EventQueue
import Foundation
import Hummingbird
import Metrics
import NIOCore
import Prometheus

/// The HTTP side of the intake: Segment's `/v1/*` routes, `/health`, `/ready` and `/metrics`.
///
/// A 2xx is sent only after the queue committed the request's events; when the queue cannot take
/// them the answer is 503, which every Segment library retries.
public struct IntakeRoutes: Sendable {
    public let intake: SegmentIntake
    public let queue: any EventQueue
    public let registry: PrometheusCollectorRegistry
    public let destinationNames: [String: String]

    public init(intake: SegmentIntake, queue: any EventQueue, registry: PrometheusCollectorRegistry,
                destinationNames: [String: String]) {
        self.intake = intake
        self.queue = queue
        self.registry = registry
        self.destinationNames = destinationNames
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/:call") { request, context in
            await self.handle(request, call: context.parameters.get("call") ?? "")
        }
        router.get("/health") { _, _ in Self.json(200, #"{"status":"ok"}"#) }
        router.get("/ready") { _, _ in
            do throws(QueueError) {
                try await self.queue.ping()
                return Self.json(200, #"{"status":"ready"}"#)
            } catch {
                return Self.json(503, IntakeFailure(status: 503, message: error.description).body)
            }
        }
        router.get("/metrics") { _, _ in
            await self.refreshQueueGauges()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: self.registry.emitToBuffer())))
        }
        return router
    }

    func handle(_ request: Request, call name: String) async -> Response {
        guard let call = IntakeCall(pathComponent: name) else {
            return Self.json(404, IntakeFailure(status: 404, message: "no such call /v1/\(name): expected identify, track, page, screen, group, alias, batch or import").body)
        }
        let limit = intake.limits.requestBytes(call)
        var buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            return failure(IntakeFailure(status: 413, message: "the request is larger than \(intake.limits.describe(call))"))
        }
        if let encoding = request.headers[.contentEncoding]?.lowercased(), encoding != "identity" {
            guard encoding == "gzip" else {
                return failure(IntakeFailure(status: 415, message: "Content-Encoding \"\(encoding)\" is not supported; send gzip or nothing"))
            }
            do {
                buffer = try buffer.decompress(with: .gzip(), maxSize: limit + 1)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                return failure(IntakeFailure(status: 413, message: "the request, uncompressed, is larger than \(intake.limits.describe(call))"))
            } catch {
                return failure(IntakeFailure(status: 400, message: "the body is not valid gzip: \(error)"))
            }
        }
        let body = Array(buffer.readableBytesView)
        let enqueue: EnqueueRequest
        do throws(IntakeFailure) {
            enqueue = try intake.accept(call: call, body: body, authorization: request.headers[.authorization], now: Date())
        } catch {
            return failure(error)
        }
        let dimensions = [("source", enqueue.sourceID)]
        Counter(label: "clevertap_serve_received_total", dimensions: dimensions).increment(by: enqueue.events.count + enqueue.rejected.count)
        let result: EnqueueResult
        do throws(QueueError) {
            result = try await queue.enqueue(enqueue, now: Date())
        } catch {
            return failure(IntakeFailure(status: 503, message: "\(error); retry later"))
        }
        Counter(label: "clevertap_serve_accepted_total", dimensions: dimensions).increment(by: result.accepted)
        Counter(label: "clevertap_serve_rejected_total", dimensions: dimensions).increment(by: result.rejected)
        Counter(label: "clevertap_serve_duplicates_total", dimensions: dimensions).increment(by: result.duplicates)
        var answer = JSONObject()
        answer["success"] = .bool(true)
        answer["accepted"] = .int(Int64(result.accepted))
        answer["duplicates"] = .int(Int64(result.duplicates))
        answer["rejected"] = .int(Int64(result.rejected))
        if !enqueue.rejected.isEmpty {
            answer["errors"] = .array(enqueue.rejected.prefix(20).map { .string($0.reason) })
        }
        var out: [UInt8] = []
        JSONWriter.write(.object(answer), into: &out)
        return Self.json(200, out)
    }

    func failure(_ failure: IntakeFailure) -> Response {
        Counter(label: "clevertap_serve_refused_requests_total", dimensions: [("status", String(failure.status))]).increment()
        var response = Self.json(failure.status, failure.body)
        if failure.status == 503 { response.headers[.retryAfter] = "1" }
        return response
    }

    /// The queue's counts as gauges, read when Prometheus scrapes.
    func refreshQueueGauges() async {
        guard let status = try? await queue.status(now: Date()) else { return }
        for counts in status.destinations {
            let name = destinationNames[counts.destinationID] ?? counts.destinationID
            for state in RecordState.allCases where state != .delivered {
                Gauge(label: "clevertap_serve_queued", dimensions: [("destination", name), ("state", state.rawValue)])
                    .record(counts[state])
            }
        }
    }

    static func json(_ status: Int, _ body: String) -> Response { json(status, Array(body.utf8)) }

    static func json(_ status: Int, _ body: [UInt8]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        // analytics.js posts from browsers (text/plain, so no preflight); let them read the answer.
        headers[.accessControlAllowOrigin] = "*"
        return Response(status: HTTPResponse.Status(code: status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
