/// A piece of input (up to `ReadingLoop.itemsPerPiece` items) decoded and routed on any thread,
/// in flat buffers: the part of reading that needs no shared state, so `deliver --dry-run` can do
/// it on every core. A piece costs a handful of allocations, not several per event: its events,
/// their routes and every record's encoded body each share one array.
struct PreparedPiece: Sendable {
    enum Item: Sendable {
        case idle
        case malformed(position: InputPosition, message: String, raw: [UInt8])
        /// A value's events (or what in it was not an event): `events[events]`; `byteCount` as read.
        case value(byteCount: Int, events: Range<Int>)
    }

    var items: [Item] = []
    var events: [Result<RoutedEvent, MalformedInput>] = []
    /// What each subscription made of each event: `RoutedEvent.routes` ranges index it.
    var routes: [RouteResult] = []
    /// Every record's body, back to back (`RouteResult.record` ranges index it); batch entries
    /// hold slices of it, so it lives until the last of its records is accounted for.
    var bodies: [UInt8] = []
}

/// What the reading thread hands over to be prepared: items the reader made one by one, or whole
/// NDJSON lines of a regular file, split and checked where they are prepared, as
/// `InputReader.next()` would (trimmed, blank lines skipped, a line over
/// `InputReader.maximumValueBytes` refused whole), with no copy per line: events keep slices of
/// the block.
enum InputPiece: Sendable {
    case items([RawInputItem])
    case lines(block: [UInt8], firstLine: Int, source: String)
}

/// Where an event came from and what each matching subscription made of it (`routes` indexes
/// `PreparedPiece.routes`). The parsed event itself stays (and is freed) on the thread that
/// parsed it: handing its tree back cost the reading thread more than the parse saved.
struct RoutedEvent: Sendable {
    var source: SourceEvent
    var position: InputPosition
    var routes: Range<Int>
}

/// Decodes and routes pieces of input with one router; each worker thread has its own.
struct ItemPreparer {
    let router: any EventRouter
    let indexByID: [String: Int]
    /// What to parse of a one-line event: what the router reads.
    let selection: JSONSelection
    private var decoded: [Result<InputEvent, MalformedInput>] = []
    /// The largest piece's body bytes so far: the next piece reserves that much at once.
    private var bodyBytes = 0

    init(router: any EventRouter) {
        self.router = router
        selection = EventDecoder.selection(reading: router.eventSelection)
        indexByID = router.subscriptions.indicesByID
    }

    mutating func prepare(_ input: InputPiece) -> PreparedPiece {
        var piece = PreparedPiece()
        piece.bodies.reserveCapacity(bodyBytes)
        switch input {
        case .items(let items):
            piece.items.reserveCapacity(items.count)
            piece.events.reserveCapacity(items.count)
            piece.routes.reserveCapacity(items.count)
            for item in items {
                switch item {
                case .idle:
                    piece.items.append(.idle)
                case .malformed(let position, let message, let raw):
                    piece.items.append(.malformed(position: position, message: message, raw: raw))
                case .value(let bytes, let position, let singleLine):
                    prepareValue(bytes[...], position: position, singleLine: singleLine, into: &piece)
                }
            }
        case .lines(let block, let firstLine, let source):
            let capacity = block.count / 256 + 16  // events of a few hundred bytes
            piece.items.reserveCapacity(capacity)
            piece.events.reserveCapacity(capacity)
            piece.routes.reserveCapacity(capacity)
            block.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                InputReader.forEachLine(in: buffer, firstLine: firstLine) { line, number in
                    let start = base.distance(to: line.baseAddress ?? base)
                    let value = InputReader.trimmed(buffer, start..<start + line.count)
                    if value.isEmpty { return }
                    let position = InputPosition(source: source, line: number)
                    if value.count > InputReader.maximumValueBytes {
                        piece.items.append(.malformed(position: position, message: InputReader.longLineMessage, raw: Array(line)))
                        return
                    }
                    prepareValue(block[value], position: position, singleLine: true, into: &piece)
                }
            }
        }
        bodyBytes = max(bodyBytes, piece.bodies.count)
        return piece
    }

    /// One value's events, routed, into `piece`.
    private mutating func prepareValue(_ bytes: ArraySlice<UInt8>, position: InputPosition, singleLine: Bool,
                                       into piece: inout PreparedPiece) {
        let first = piece.events.count
        decoded.removeAll(keepingCapacity: true)
        if !(singleLine && prepareLine(bytes, position: position, into: &piece)) {
            EventDecoder.decode(bytes: bytes, position: position, singleLine: singleLine, selecting: selection, into: &decoded)
        }
        for result in decoded {
            piece.events.append(result.map { event in
                let start = piece.routes.count
                event.withRawEvent { raw in
                    router.route(event.value, raw: raw, only: event.retryOnlySubscriptionID.flatMap { indexByID[$0] },
                                 into: &piece.routes, bodies: &piece.bodies)
                }
                return RoutedEvent(source: event.source, position: event.position, routes: start..<piece.routes.count)
            })
        }
        piece.items.append(.value(byteCount: bytes.count + 1, events: first..<piece.events.count))
    }

    /// A one-line value, parsed once: a plain event (the usual line) routed straight from its
    /// bytes, with no `InputEvent` made and copied; anything else (an envelope, an array) taken
    /// apart into `decoded` from that value. False for bad JSON, which `decode` parses again to
    /// report it in its words.
    private mutating func prepareLine(_ bytes: ArraySlice<UInt8>, position: InputPosition, into piece: inout PreparedPiece) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var spans = RawSpans()
            guard let value = try? EventDecoder.parse(buffer, selecting: selection, capturing: &spans) else { return false }
            guard case .object(let object) = value, EventDecoder.isPlainEvent(object) else {
                EventDecoder.decode(value: value, position: position, source: .raw(bytes), rawSpans: spans, into: &decoded)
                return true
            }
            let start = piece.routes.count
            router.route(value, raw: RawEvent(bytes: buffer, spans: spans), only: nil, into: &piece.routes, bodies: &piece.bodies)
            piece.events.append(.success(RoutedEvent(source: .raw(bytes), position: position, routes: start..<piece.routes.count)))
            return true
        }
    }
}
