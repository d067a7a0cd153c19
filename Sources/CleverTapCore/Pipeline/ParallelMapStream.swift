import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension MapStream {
    /// Files smaller than this are mapped on one thread: starting workers would cost more than it saves.
    public static let parallelThreshold = 1 << 20

    /// `run`'s output, byte for byte and in the same order, with `workers` threads each reading
    /// (`FileBlocks`) and mapping blocks of lines of a regular file at once; the calling thread
    /// only hands the blocks out and writes what comes back, and at most four blocks per worker
    /// are held (memory stays flat). A pipe, a terminal, a document or a small file is mapped by
    /// `run` on one thread.
    public static func run(pipeline: SubscriptionPipeline, reader: inout InputReader, output: Int32, workers: Int,
                           blockBytes: Int = 1 << 20, threshold: Int = parallelThreshold) throws(StreamError) -> MapSummary {
        let blocks: FileBlocks?
        do {
            blocks = workers > 1 && reader.isRegularFile(ofAtLeast: threshold) ? try reader.fileBlocks(blockBytes: blockBytes) : nil
        } catch { throw .input(error) }
        guard let blocks else { return try run(pipeline: pipeline, reader: &reader, output: output) }
        var writer = BufferedByteWriter(descriptor: output, flushThreshold: 0)
        var summary = MapSummary()
        try blocks.forEachInOrder(workers: workers, makeWorker: {
            let own = pipeline.compiledAgain()
            let prefixes = RecordPrefixes(own)
            let selection = EventDecoder.selection(reading: own.eventSelection)
            return { lines, firstLine in map(lines, firstLine: firstLine, pipeline: own, selection: selection, prefixes: prefixes) }
        }) { (finished) throws(StreamError) in
            let mapped: MappedBlock
            switch finished {
            case .success(let block): mapped = block
            case .failure(let error): throw .input(error)
            }
            summary.add(mapped.summary)
            writer.bytes = mapped.output
            try writer.flush()
            return true
        }
        summary.lines = blocks.nextLine - 1
        return summary
    }

    /// Maps every one of `lines` (a worker's block of whole lines, the first numbered
    /// `firstLine`): the same lines `run` writes for them.
    static func map(_ lines: [UInt8], firstLine: Int, pipeline: SubscriptionPipeline, selection: JSONSelection,
                    prefixes: RecordPrefixes) -> MappedBlock {
        var out: [UInt8] = []
        out.reserveCapacity(lines.count + lines.count / 2)
        var summary = MapSummary()
        _ = lines.withUnsafeBufferPointer { buffer in
            InputReader.forEachLine(in: buffer, firstLine: firstLine) { line, number in
                mapLine(line, number: number, pipeline: pipeline, selection: selection, prefixes: prefixes, summary: &summary, into: &out)
            }
        }
        return MappedBlock(output: out, summary: summary)
    }
}

struct MappedBlock: Sendable {
    let output: [UInt8]
    let summary: MapSummary
}
