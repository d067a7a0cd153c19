import CleverTapCore
import EventQueue
import Foundation

/// `deliver`'s intake: reads an event file (or standard input) into the queue in chunks, each committed in
/// one transaction with how far through the file it goes. A rerun of the same file (same path,
/// device, inode and first 4 KiB, not shorter) skips what an earlier run committed, so a run
/// stopped by `kill -9`, a signal or a full disk continues instead of sending everything again.
public struct FileIntake: Sendable {
    /// Which input this is, for its progress and its records.
    public struct Input: Sendable, Hashable {
        public var path: String
        /// Destination, absolute path, device and inode.
        public var key: String
        /// The queue source of its records: one per input key, so progress and records match.
        public var sourceID: String
        public var headHash: String
        public var size: Int64
        /// False for standard input: it has no place to continue from, so no progress is kept
        /// (what it queued is still sent, by this run or the next one on the queue).
        public var resumable = true
    }

    /// What one run read.
    public struct Summary: Sendable, Hashable {
        /// Top-level items (lines, array elements, envelopes) skipped: an earlier run queued them.
        public var skipped = 0
        /// Items read by this run.
        public var read = 0
        /// Events queued by this run.
        public var queued = 0
        /// Items that are not events (invalid JSON, not an object), dead-lettered at once.
        public var malformed = 0
        /// An earlier run's progress existed but the file changed: it was read from the start.
        public var restarted = false
        /// Reading stopped before the end (a signal): a rerun continues.
        public var stoppedEarly = false

        public init() {}
    }

    public let queue: any EventQueue
    public let destinationID: String
    /// Items per committed chunk.
    public let chunkItems: Int

    public init(queue: any EventQueue, destinationID: String, chunkItems: Int = 500) {
        self.queue = queue
        self.destinationID = destinationID
        self.chunkItems = max(1, chunkItems)
    }

    /// Names `path` for its progress: a regular file, or `-` for standard input (not resumable:
    /// each run is its own source).
    public static func input(path: String, destinationID: String) throws(InputError) -> Input {
        if path == "-" {
            let key = "\(destinationID)|stdin|\(UUID().uuidString)"
            return Input(path: path, key: key, sourceID: FilePayload.sourcePrefix + Self.hash(Array(key.utf8)), headHash: "", size: 0, resumable: false)
        }
        let fd = try InputReader.open(path)
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw InputError(source: path, reason: "it is not a regular file; name a file, or pipe events into standard input (`-`)")
        }
        var head = [UInt8](repeating: 0, count: 4096)
        let count = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, 4096) }
        head.removeLast(4096 - max(0, count))
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        let key = "\(destinationID)|\(absolute)|\(info.st_dev):\(info.st_ino)"
        return Input(path: path, key: key, sourceID: FilePayload.sourcePrefix + Self.hash(Array(key.utf8)), headHash: Self.hash(head),
                     size: Int64(info.st_size))
    }

    /// Queues `input`'s events after what an earlier run committed. Items that are not events go to
    /// `deadLetters` (flushed before the chunk that passes them is committed). `shouldStop` is
    /// asked after each chunk; `onQueued` hears how many events each committed chunk held.
    public func run(_ input: Input, deadLetters: DeadLetterWriter, shouldStop: @Sendable () -> Bool,
                    onQueued: @Sendable (Int) -> Void = { _ in }) async throws(FileIntakeError) -> Summary {
        var summary = Summary()
        let stored: InputProgress?
        do { stored = input.resumable ? try await queue.progress(key: input.key) : nil } catch { throw .queue(error) }
        var skip = 0
        if let stored {
            if stored.headHash == input.headHash && input.size >= stored.size { skip = stored.consumed } else { summary.restarted = true }
        }
        var reader: InputReader
        do { reader = try InputReader(path: input.path) } catch { throw .input(error) }
        var index = 0
        var events: [IncomingEvent] = []
        var decoded: [Result<InputEvent, MalformedInput>] = []
        var itemsInChunk = 0
        while true {
            let item: RawInputItem?
            do { item = try reader.next() } catch { throw .input(error) }
            guard let item else { break }
            // A chunk is committed when full, or when a slow stream (standard input) pauses, so
            // what has arrived is queued now; a stop is honoured at those moments.
            let idle: Bool
            if case .idle = item {
                idle = true
            } else {
                idle = false
                index += 1
                if index <= skip {
                    summary.skipped += 1
                    continue
                }
                summary.read += 1
                itemsInChunk += 1
            }
            switch item {
            case .idle:
                break
            case .value(let bytes, let position, let singleLine):
                decoded.removeAll(keepingCapacity: true)
                EventDecoder.decode(bytes: bytes, position: position, singleLine: singleLine, into: &decoded)
                for result in decoded {
                    switch result {
                    case .success(let event):
                        events.append(Self.incoming(event))
                    case .failure(let problem):
                        try deadLetter(problem, into: deadLetters)
                        summary.malformed += 1
                    }
                }
            case .malformed(let position, let message, let raw):
                try deadLetter(MalformedInput(position: position, message: message, raw: raw), into: deadLetters)
                summary.malformed += 1
            }
            let full = itemsInChunk >= chunkItems
            if full || (idle && itemsInChunk > 0) {
                summary.queued += try await commit(&events, input: input, consumed: index, deadLetters: deadLetters, onQueued: onQueued)
                itemsInChunk = 0
            }
            if (full || idle) && shouldStop() {
                summary.stoppedEarly = true
                return summary
            }
        }
        if itemsInChunk > 0 || stored == nil || summary.restarted {
            summary.queued += try await commit(&events, input: input, consumed: index, deadLetters: deadLetters, onQueued: onQueued)
        }
        return summary
    }

    /// Dead letters first (so nothing the progress passes lacks a place), then the events with
    /// their progress in one transaction.
    private func commit(_ events: inout [IncomingEvent], input: Input, consumed: Int, deadLetters: DeadLetterWriter,
                        onQueued: @Sendable (Int) -> Void) async throws(FileIntakeError) -> Int {
        do { try deadLetters.flush() } catch { throw .deadLetters(error) }
        let request = EnqueueRequest(sourceID: input.sourceID, destinationIDs: [destinationID], events: events,
                                     progress: input.resumable ? InputProgress(key: input.key, headHash: input.headHash, size: input.size, consumed: consumed) : nil,
                                     deduplicate: false)
        do { _ = try await queue.enqueue(request, now: Date()) } catch { throw .queue(error) }
        onQueued(events.count)
        defer { events.removeAll(keepingCapacity: true) }
        return events.count
    }

    private func deadLetter(_ problem: MalformedInput, into deadLetters: DeadLetterWriter) throws(FileIntakeError) {
        let entry = DeadLetterEntry(failure: RecordFailure(kind: .malformed, reason: problem.message), subscription: nil,
                                    position: problem.position, event: nil, raw: problem.raw)
        do { try deadLetters.write(entry) } catch { throw .deadLetters(error) }
    }

    /// The event as a queue record. Its message id is its place in the file (unique per input, so
    /// nothing of it is dropped as a duplicate); its ordering identity is `userId`, else
    /// `anonymousId`, else that place (an event without either is still mapped: a subscription may
    /// take its identity from elsewhere, and it then has no order to keep).
    static func incoming(_ event: InputEvent) -> IncomingEvent {
        let messageID = messageID(for: event.position)
        let identity = event.value["userId"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            ?? event.value["anonymousId"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            ?? "~" + messageID
        return IncomingEvent(messageID: messageID, identity: identity, payload: FilePayload.encode(event))
    }

    /// `12`, `12:3` (array element), `12::4` (batch item), `12:3:4`: read back by `position(messageID:)`.
    static func messageID(for position: InputPosition) -> String {
        var text = String(position.line)
        if position.arrayIndex != nil || position.batchIndex != nil {
            text += ":" + (position.arrayIndex.map(String.init) ?? "")
        }
        if let batch = position.batchIndex { text += ":" + String(batch) }
        return text
    }

    /// Where a queued record came from in `path`, for its dead-letter line.
    public static func position(messageID: String, path: String) -> InputPosition {
        let parts = messageID.split(separator: ":", omittingEmptySubsequences: false)
        return InputPosition(source: path == "-" ? "stdin" : path, line: parts.first.flatMap { Int($0) } ?? 0,
                             arrayIndex: parts.count > 1 ? Int(parts[1]) : nil, batchIndex: parts.count > 2 ? Int(parts[2]) : nil)
    }

    /// FNV-1a, 64 bits, as hex: enough to tell two files (or keys) apart, not a security measure.
    static func hash(_ bytes: [UInt8]) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            value ^= UInt64(byte)
            value = value &* 0x100_0000_01b3
        }
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// Why the intake stopped: the file, the queue or the dead-letter file failed.
public enum FileIntakeError: Error, Sendable, CustomStringConvertible {
    case input(InputError)
    case queue(QueueError)
    case deadLetters(DeadLetterWriteError)

    public var description: String {
        switch self {
        case .input(let error): return error.description
        case .queue(let error): return error.description
        case .deadLetters(let error): return error.description
        }
    }
}
