/// The parts of a JSON document a reader needs: the whole of it, or some members of an object,
/// each with what is needed of it. `JSONParser.parse(_:selecting:)` builds only these and checks
/// the rest without building it.
///
/// Made from the paths a pipeline reads (`SubscriptionPipeline.eventSelection`): every path's
/// end is kept whole, and the objects on the way to it keep just the members some path goes
/// through. A reader that walks objects by key along its paths sees exactly what a full parse
/// would give it; one that lists an object's members must ask for it whole.
public indirect enum JSONSelection: Sendable, Hashable {
    /// The whole value.
    case all
    /// If the value is an object, only these members; any other value whole.
    case members([Member])

    public struct Member: Sendable, Hashable {
        /// The key's UTF-8 bytes, compared byte for byte with the document's (unescaped) keys.
        public let key: [UInt8]
        /// The key as the built object holds it (short keys are stored inline: no allocation).
        let name: String
        public var selection: JSONSelection
        /// Set on a member (whose selection is then `.all`) that one reader writes out from its
        /// bytes: `JSONParser.parse(_:selecting:capturing:)` records where the value is, in this
        /// slot of its `RawSpans`, instead of building it. Every other parse builds it whole, so a
        /// mark can never hide a value from a reader that does not look for spans.
        public internal(set) var rawSlot: Int?

        init(key: [UInt8], selection: JSONSelection, rawSlot: Int? = nil) {
            self.key = key
            self.name = String(decoding: key, as: UTF8.self)
            self.selection = selection
            self.rawSlot = rawSlot
        }

        public static func == (lhs: Member, rhs: Member) -> Bool {
            lhs.key == rhs.key && lhs.selection == rhs.selection && lhs.rawSlot == rhs.rawSlot
        }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(key)
            hasher.combine(selection)
            hasher.combine(rawSlot)
        }
    }

    /// Nothing of an object (but its other values whole): what a path-less reader needs.
    public static let nothing = JSONSelection.members([])

    /// Adds the value at `path` (keys from the root), kept whole; an empty path selects all.
    public mutating func insert<Path: Collection<String>>(path: Path) {
        guard case .members(var members) = self else { return }
        guard let first = path.first else { self = .all; return }
        let key = Array(first.utf8)
        if let index = members.firstIndex(where: { $0.key == key }) {
            // Another read of this value (or of a part of it) needs it built.
            members[index].rawSlot = nil
            members[index].selection.insert(path: path.dropFirst())
        } else {
            var child = JSONSelection.nothing
            child.insert(path: path.dropFirst())
            members.append(Member(key: key, selection: child))
        }
        self = .members(members)
    }

    /// Adds the value at `path` (keys from the root) to be captured raw in `slot` rather than
    /// built, when nothing else reads it; returns the slot it is captured in (`slot`, or the slot
    /// of the same path marked before). When another read needs it or a part of it, or a part of
    /// it is already marked, it is inserted as `insert(path:)` would insert it and nil is returned:
    /// readers then find it in the tree. A later `insert` of the path, or of a path through it,
    /// takes the mark away again, so marking is safe in any order.
    public mutating func insertRaw<Path: Collection<String>>(path: Path, slot: Int) -> Int? {
        guard case .members(var members) = self, let first = path.first else {
            insert(path: path)
            return nil
        }
        let key = Array(first.utf8)
        let rest = path.dropFirst()
        let result: Int?
        if let index = members.firstIndex(where: { $0.key == key }) {
            if rest.isEmpty, let marked = members[index].rawSlot {
                return marked
            }
            if rest.isEmpty || members[index].rawSlot != nil {
                members[index].rawSlot = nil
                members[index].selection.insert(path: rest)
                result = nil
            } else {
                result = members[index].selection.insertRaw(path: rest, slot: slot)
            }
        } else if rest.isEmpty {
            members.append(Member(key: key, selection: .all, rawSlot: slot))
            result = slot
        } else {
            var child = JSONSelection.nothing
            result = child.insertRaw(path: rest, slot: slot)
            members.append(Member(key: key, selection: child))
        }
        self = .members(members)
        return result
    }

    /// The selected member whose key is `key` (raw key bytes), or nil when the key is not selected.
    @inline(__always)
    func member(_ key: UnsafeBufferPointer<UInt8>) -> Member? {
        guard case .members(let members) = self else { return nil }
        for member in members where member.key.count == key.count {
            if key.isEmpty || member.key.withUnsafeBufferPointer({ UTF8Bytes.memcmpEqual($0, key, count: key.count) }) {
                return member
            }
        }
        return nil
    }
}

extension JSONValue {
    /// This value with only what `selection` keeps: what `JSONParser.parse(_:selecting:)` builds.
    public func restricted(to selection: JSONSelection) -> JSONValue {
        guard case .members = selection, case .object(let object) = self else { return self }
        var kept = JSONObject()
        for member in object {
            var key = member.key
            guard let chosen = key.withUTF8({ selection.member($0) }) else { continue }
            kept.appendUnchecked(key: member.key, value: member.value.restricted(to: chosen.selection))
        }
        return .object(kept)
    }
}
