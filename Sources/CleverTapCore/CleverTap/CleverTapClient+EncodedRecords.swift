/// Uploads and deletes, from records already encoded as JSON. The delivery workers write each
/// record's JSON straight from the event's bytes (`SubscriptionPipeline.forEachOutcome(_:raw:…)`,
/// as `map` and the dry run do), so the client takes those bytes as they are rather than a tree
/// it would only write again; the `JSONValue` calls encode their records and take the same path,
/// so every request body is built in one place (`requestBody(key:elements:)`).
extension CleverTapClient {
    /// Uploads profile (and event) records, at most `maxRecordsPerUpload` per request, in order.
    ///
    /// A request that fails as a whole (429, 5xx, timeout, reset) is retried per the policy: nothing
    /// in it was stored, so retrying cannot duplicate. An answer that lists rejected records is
    /// final: the accepted ones are stored and the rejected ones need fixed data, so it is never
    /// retried. After a request fails for good, the remaining batches are not sent (their records
    /// report the same failure), except after a 400, which concerns that batch's data only.
    public func upload(_ records: [JSONValue]) async -> CleverTapResult {
        await upload(encodedRecords: Self.encoded(records) { JSONWriter.write($0, into: &$1) })
    }

    /// `upload(_:)` for records already encoded: each one compact JSON value, as `JSONWriter`
    /// writes it (an element of the request's `d` array, copied into the body byte for byte).
    /// Slices of one shared buffer are the cheap way to pass many.
    public func upload(encodedRecords records: [ArraySlice<UInt8>]) async -> CleverTapResult {
        await send(records, perRequest: configuration.maxRecordsPerUpload, key: Self.uploadKey, to: CleverTapPath.upload,
                   naming: "record(s)") { range, exchange, result in
            switch exchange.outcome {
            case .success(let answer):
                do throws(CleverTapError) {
                    let parsed = try UploadAnswerParser.outcomes(body: answer, count: range.count, redactor: redactor)
                    result.outcomes += parsed.outcomes
                    result.unattributed += parsed.unattributed
                    result.requests.append(RequestReport(range: range, attempts: exchange.attempts,
                                                         httpStatus: exchange.status, error: nil))
                    let rejected = parsed.outcomes.count { !$0.isProcessed } + parsed.unattributed.count
                    if rejected > 0 {
                        configuration.logger.warning("CleverTap skipped \(rejected) of \(range.count) record(s)",
                                                     metadata: ["records": "\(range.lowerBound + 1)-\(range.upperBound)"])
                    }
                    return nil
                } catch {
                    result.outcomes += Array(repeating: .failed(error), count: range.count)
                    result.requests.append(RequestReport(range: range, attempts: exchange.attempts,
                                                         httpStatus: exchange.status, error: error,
                                                         retryAfter: exchange.retryAfter))
                    return error
                }
            case .failure(let error):
                result.outcomes += Array(repeating: .failed(error), count: range.count)
                result.requests.append(RequestReport(range: range, attempts: exchange.attempts,
                                                     httpStatus: exchange.status, error: error,
                                                     retryAfter: exchange.retryAfter))
                return error.concernsOnlyThisBatch ? nil : error
            }
        }
    }

    /// Deletes the profiles with these identities, at most `maxValuesPerDelete` per request, one
    /// request at a time (CleverTap allows only 3 concurrent deletes per account).
    public func deleteProfiles(identities: [String]) async -> CleverTapResult {
        await delete(key: .identity, values: identities)
    }

    /// Deletes the profiles with these CleverTap IDs (guids), like `deleteProfiles(identities:)`.
    public func deleteProfiles(guids: [String]) async -> CleverTapResult {
        await delete(key: .guid, values: guids)
    }

    /// Deletes profiles named by `key`; the body carries that key only.
    public func delete(key: DeleteKey, values: [String]) async -> CleverTapResult {
        await delete(key: key, encodedValues: Self.encoded(values) { JSONWriter.writeString($0, into: &$1) })
    }

    /// `delete(key:values:)` for values already encoded, each a JSON string as `JSONWriter`
    /// writes it (what a User Delete record's body is).
    public func delete(key: DeleteKey, encodedValues values: [ArraySlice<UInt8>]) async -> CleverTapResult {
        await send(values, perRequest: configuration.maxValuesPerDelete, key: key.rawValue, to: CleverTapPath.deleteProfiles,
                   naming: "\(key.rawValue)(s)") { range, exchange, result in
            var failure: CleverTapError?
            switch exchange.outcome {
            case .success(let answer):
                // CleverTap documents only {"status":"success"}; anything else saying "fail" is a failure.
                if let value = try? JSONParser.parse(bytes: answer), let status = value["status"]?.stringValue,
                   status != "success"
                {
                    let message = value["error"]?.stringValue ?? value["message"]?.stringValue
                    failure = .invalidResponse(detail: "delete answered status \"\(status)\""
                        + (message.map { ": \(redactor.scrub($0))" } ?? ""))
                }
            case .failure(let error):
                failure = error
            }
            result.outcomes += Array(repeating: failure.map { .failed($0) } ?? .processed, count: range.count)
            result.requests.append(RequestReport(range: range, attempts: exchange.attempts,
                                                 httpStatus: exchange.status, error: failure, retryAfter: exchange.retryAfter))
            return failure.flatMap { $0.concernsOnlyThisBatch ? nil : $0 }
        }
    }

    /// Sends `elements` to `path` in order, at most `perRequest` to a request
    /// (`requestBody(key:elements:)`), and has `account` add each request's outcomes to the
    /// result. A request that fails for good (`account` returns its error) ends the sending: the
    /// remaining elements are not sent and report that failure.
    private func send(_ elements: [ArraySlice<UInt8>], perRequest: Int, key: String, to path: String, naming unit: String,
                      account: (Range<Int>, Exchange, inout CleverTapResult) -> CleverTapError?) async -> CleverTapResult {
        var result = CleverTapResult()
        var stopError: CleverTapError?
        for range in Self.chunks(elements.count, size: perRequest) {
            if let stopError {
                result.outcomes += Array(repeating: .failed(stopError), count: range.count)
                continue
            }
            let exchange = await send(path: path, body: Self.requestBody(key: key, elements: elements[range]), what: "\(range.count) \(unit)")
            stopError = account(range, exchange, &result)
        }
        return result
    }

    /// The member of an upload's body that holds its records (`{"d":[…]}`, spec §3).
    static let uploadKey = "d"

    /// A request body: `{"<key>":[<element>,…]}`, each element copied as it is: `{"d":[…]}` for
    /// uploads, `{"identity":[…]}` for deletes. The very bytes `JSONWriter` writes of the same
    /// object holding the elements' values.
    static func requestBody(key: String, elements: ArraySlice<ArraySlice<UInt8>>) -> [UInt8] {
        var body: [UInt8] = []
        body.reserveCapacity(elements.reduce(key.utf8.count + 8) { $0 + $1.count + 1 })
        writeRequestBody(key: key, count: elements.count, into: &body) { index, out in
            out.append(contentsOf: elements[elements.startIndex + index])
        }
        return body
    }

    /// Appends `requestBody(key:elements:)`'s bytes to `out`, `element` appending the element at
    /// each index: what the dry run writes of a batch (`RecordBatch.writeBody`) is what this
    /// client sends, by construction. (An index, not a sequence: a lazy map over batch entries
    /// copied each whole entry to read its body.)
    @inline(__always)
    static func writeRequestBody(key: String, count: Int, into out: inout [UInt8], element: (Int, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "{"))
        JSONWriter.writeString(key, into: &out)
        out.append(contentsOf: ":[".utf8)
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            element(index, &out)
        }
        out.append(contentsOf: "]}".utf8)
    }

    /// Each of `values` written by `write`, all into one buffer (one allocation, not one per value).
    static func encoded<Value>(_ values: [Value], _ write: (Value, inout [UInt8]) -> Void) -> [ArraySlice<UInt8>] {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        ends.reserveCapacity(values.count)
        for value in values {
            write(value, &bytes)
            ends.append(bytes.count)
        }
        return ends.indices.map { bytes[(($0 == 0) ? 0 : ends[$0 - 1])..<ends[$0]] }
    }
}
