import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MapStream {
    /// Files smaller than this are mapped on one thread: starting workers would cost more than it saves.
    public static let parallelThreshold = 1 << 20

    /// `run`'s output, byte for byte and in the same order, with `workers` threads mapping blocks
    /// of lines of a regular file at once; reading and writing stay on the calling thread, and at
    /// most four blocks per worker are held (memory stays flat). A pipe, a terminal or a small file
    /// is mapped by `run` on one thread.
    public static func run(pipeline: SubscriptionPipeline, reader: inout InputReader, output: Int32, workers: Int,
                           blockBytes: Int = 1 << 20, threshold: Int = parallelThreshold) throws(StreamError) -> MapSummary {
        let layout: InputReader.Layout
        do { layout = try reader.determineLayout() } catch { throw .input(error) }
        guard workers > 1, layout != .document, reader.isRegularFile(ofAtLeast: threshold) else {
            return try run(pipeline: pipeline, reader: &reader, output: output)
        }
        let board = OrderedWorkers<MapBlock, MappedBlock>(threads: workers) {
            let own = pipeline.compiledAgain()
            let prefixes = RecordPrefixes(own)
            let selection = EventDecoder.selection(reading: own.eventSelection)
            return { block in map(block, pipeline: own, selection: selection, prefixes: prefixes) }
        }
        defer { board.close() }
        let minimumBytes = max(1, blockBytes)
        var writer = BufferedByteWriter(descriptor: output, flushThreshold: 0)
        var summary = MapSummary()
        var readAll = false
        while true {
            while !readAll && !board.isFull {
                let next: (bytes: [UInt8], firstLine: Int)?
                do { next = try reader.nextBlock(minimumBytes: minimumBytes) } catch { throw .input(error) }
                guard let block = next else {
                    readAll = true
                    break
                }
                board.submit(MapBlock(bytes: block.bytes, firstLine: block.firstLine))
            }
            guard let finished = board.takeNext() else { break }
            summary.add(finished.summary)
            writer.bytes = finished.output
            try writer.flush()
        }
        summary.lines = reader.linesHandedOut
        return summary
    }

    /// Maps every line of `block` (the worker's part): the same lines `run` writes for them.
    static func map(_ block: MapBlock, pipeline: SubscriptionPipeline, selection: JSONSelection, prefixes: RecordPrefixes) -> MappedBlock {
        var out: [UInt8] = []
        out.reserveCapacity(block.bytes.count + block.bytes.count / 2)
        var summary = MapSummary()
        _ = block.bytes.withUnsafeBufferPointer { buffer in
            InputReader.forEachLine(in: buffer, firstLine: block.firstLine) { line, number in
                mapLine(line, number: number, pipeline: pipeline, selection: selection, prefixes: prefixes, summary: &summary, into: &out)
            }
        }
        return MappedBlock(output: out, summary: summary)
    }
}

/// Whole lines of the input and the number of the first.
struct MapBlock: Sendable {
    let bytes: [UInt8]
    let firstLine: Int
}

struct MappedBlock: Sendable {
    let output: [UInt8]
    let summary: MapSummary
}
