import Foundation

/// The whole dry run but its dead-letter files and timing: inputs -> events -> routed records ->
/// batches -> requests. Runs on its own thread; with `workers` > 1 and a regular file, events are
/// decoded and routed by that many threads of their own (`OrderedWorkers`) and counted, batched,
/// written and dead-lettered here in input order, so the output is the one-thread output.
struct ReadingLoop: Sendable {
    let inputs: [String]
    let router: any EventRouter
    let limits: BatchLimits
    let transport: any DeliveryTransport
    let deadLetters: DeadLetterFiles
    let control: DeliveryControl
    let counters: DeliveryCounters
    let pollMilliseconds: Int32
    var workers = 1
    var parallelThreshold = 1 << 20

    /// Items a worker gets at once: enough to amortise the hand-off, few enough to keep memory flat.
    static let itemsPerPiece = 256
    /// Bytes of whole lines a worker gets at once from a regular file (about a thousand events).
    static let blockBytes = 256 << 10

    /// Runs on a thread of its own (blocking reads never occupy the async pool); the report lacks
    /// only what the engine adds (dead-letter files, elapsed time).
    func runOnThread() async -> DeliveryReport {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: self.run())
            }
            thread.name = "clevertap-deliver-reader"
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    func run() -> DeliveryReport {
        var consumer = PieceConsumer(inputs: inputs, subscriptions: router.subscriptions, limits: limits, transport: transport,
                                     deadLetters: deadLetters, control: control, counters: counters)
        var preparer = ItemPreparer(router: router)
        for input in inputs {
            var reader: InputReader
            do throws(InputError) {
                reader = try InputReader(path: input, pollMilliseconds: pollMilliseconds)
            } catch {
                consumer.fail(error.description)
                continue
            }
            // A regular file of NDJSON is handed over in blocks of lines (no copy per line);
            // anything else (a pipe, a terminal, a JSON document) item by item.
            var inBlocks = false
            if reader.isRegularFile(ofAtLeast: 0) {
                do throws(InputError) { inBlocks = try reader.determineLayout() != .document } catch {
                    consumer.fail(error.description)
                    continue
                }
            }
            let finished = workers > 1 && reader.isRegularFile(ofAtLeast: parallelThreshold)
                ? consumeInParallel(&reader, inBlocks: inBlocks, into: &consumer)
                : consume(&reader, inBlocks: inBlocks, preparer: &preparer, into: &consumer)
            if !finished { break }
        }
        return consumer.finish()
    }

    /// Reads, prepares and consumes `reader` on this thread; false when the run must stop. A
    /// read failure ends this input after what was read before it.
    private func consume(_ reader: inout InputReader, inBlocks: Bool, preparer: inout ItemPreparer,
                         into consumer: inout PieceConsumer) -> Bool {
        while true {
            let next = Self.nextPiece(of: &reader, inBlocks: inBlocks)
            if let piece = next.piece, !consumer.consume(preparer.prepare(piece)) { return false }
            if let failure = next.failure { consumer.fail(failure.description) }
            if next.ended { return true }
        }
    }

    /// The next piece of `reader`'s input: a block of whole lines (`inBlocks`), or at most
    /// `itemsPerPiece` items ending after an `.idle` (the reader would wait: what was read is
    /// handled now, so a slow stream still flows). `ended` at the end of the input or at a read
    /// failure, which ends it after what was read before it.
    static func nextPiece(of reader: inout InputReader, inBlocks: Bool) -> (piece: InputPiece?, ended: Bool, failure: InputError?) {
        if inBlocks {
            do throws(InputError) {
                guard let block = try reader.nextBlock(minimumBytes: blockBytes) else { return (nil, true, nil) }
                return (.lines(block: block.bytes, firstLine: block.firstLine, source: reader.source), false, nil)
            } catch {
                return (nil, true, error)
            }
        }
        var items: [RawInputItem] = []
        items.reserveCapacity(itemsPerPiece)
        var ended = false
        var failure: InputError?
        while items.count < itemsPerPiece {
            let item: RawInputItem?
            do throws(InputError) { item = try reader.next() } catch {
                failure = error
                ended = true
                break
            }
            guard let item else { ended = true; break }
            items.append(item)
            if case .idle = item { break }
        }
        return (items.isEmpty ? nil : .items(items), ended, failure)
    }

    /// Reads `reader` in pieces that `workers` threads prepare, consuming them in input order;
    /// false when the run must stop. A regular file of lines is read by the workers themselves,
    /// block by block (`FileBlocks`); anything else is read here. A read failure ends this input
    /// after what was read before it is consumed.
    private func consumeInParallel(_ reader: inout InputReader, inBlocks: Bool, into consumer: inout PieceConsumer) -> Bool {
        var failure: InputError?
        defer { if let failure { consumer.fail(failure.description) } }
        let blocks: FileBlocks?
        do throws(InputError) { blocks = inBlocks ? try reader.fileBlocks(blockBytes: Self.blockBytes) : nil } catch {
            failure = error
            return true
        }
        if let blocks { return consume(blocks, into: &consumer, failure: &failure) }
        let router = self.router
        let board = OrderedWorkers<InputPiece, PreparedPiece>(threads: workers) {
            var preparer = ItemPreparer(router: router.forWorker())
            return { input in preparer.prepare(input) }
        }
        defer { board.close() }
        var readAll = false
        while true {
            while !readAll && !board.isFull {
                let next = Self.nextPiece(of: &reader, inBlocks: false)
                if let piece = next.piece { board.submit(piece) }
                if let error = next.failure { failure = error }
                readAll = next.ended
            }
            guard let prepared = board.takeNext() else { return true }
            if !consumer.consume(prepared) { return false }
        }
    }

    /// `consumeInParallel` for a file of lines: the workers read the blocks they prepare. A failed
    /// read ends the file: what came before it is consumed, nothing after.
    private func consume(_ blocks: FileBlocks, into consumer: inout PieceConsumer, failure: inout InputError?) -> Bool {
        let router = self.router
        var running = true
        blocks.forEachInOrder(workers: workers, makeWorker: {
            var preparer = ItemPreparer(router: router.forWorker())
            return { lines, firstLine in preparer.prepare(.lines(block: lines, firstLine: firstLine, source: blocks.source)) }
        }) { prepared in
            switch prepared {
            case .success(let piece): running = consumer.consume(piece)
            case .failure(let error): failure = error
            }
            return running && failure == nil
        }
        return running
    }
}
