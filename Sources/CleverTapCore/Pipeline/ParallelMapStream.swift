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
        let board = OrderedWorkers<FileBlocks.Block, Result<MappedBlock, InputError>>(threads: workers) {
            let own = pipeline.compiledAgain()
            let prefixes = RecordPrefixes(own)
            let selection = EventDecoder.selection(reading: own.eventSelection)
            return { block in
                Result { () throws(InputError) in
                    let lines = try blocks.read(block)
                    return map(MapBlock(bytes: lines.bytes, firstLine: lines.firstLine), pipeline: own, selection: selection, prefixes: prefixes)
                }
            }
        }
        defer { board.close() }
        var writer = BufferedByteWriter(descriptor: output, flushThreshold: 0)
        var summary = MapSummary()
        var submitted = 0
        while true {
            while submitted < blocks.count && !board.isFull {
                board.submit(blocks.block(submitted))
                submitted += 1
            }
            guard let finished = board.takeNext() else { break }
            let mapped: MappedBlock
            do { mapped = try finished.get() } catch { throw .input(error) }
            summary.add(mapped.summary)
            writer.bytes = mapped.output
            try writer.flush()
        }
        summary.lines = blocks.nextLine - 1
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
