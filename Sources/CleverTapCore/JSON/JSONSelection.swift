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

        init(key: [UInt8], selection: JSONSelection) {
            self.key = key
            self.name = String(decoding: key, as: UTF8.self)
            self.selection = selection
        }

        public static func == (lhs: Member, rhs: Member) -> Bool { lhs.key == rhs.key && lhs.selection == rhs.selection }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(key)
            hasher.combine(selection)
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
            members[index].selection.insert(path: path.dropFirst())
        } else {
            var child = JSONSelection.nothing
            child.insert(path: path.dropFirst())
            members.append(Member(key: key, selection: child))
        }
        self = .members(members)
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
