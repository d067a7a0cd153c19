/// A malformed JSON document: what was wrong and where (0-based byte offset into the input).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) at byte \(offset)" }

    /// 1-based line and column of `offset` in `bytes` (column counts bytes), for messages that
    /// point a person at the spot in a file.
    public func lineAndColumn<C: Collection>(in bytes: C) -> (line: Int, column: Int) where C.Element == UInt8 {
        var line = 1
        var column = 1
        for (index, byte) in bytes.enumerated() {
            if index >= offset { break }
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
        }
        return (line, column)
    }
}

/// A strict RFC 8259 parser working directly on UTF-8 bytes.
///
/// It is on the hot path of `map` and `deliver`, so it avoids Foundation entirely. Duplicate
/// object keys are errors (Segment events never legitimately carry them, and silently keeping
/// one would hide data loss).
public struct JSONParser {
    /// Limits nesting so hostile input cannot overflow the stack.
    public static let maximumDepth = 512

    /// Parses one complete JSON document; trailing non-whitespace is an error.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONParseError> = text.withUTF8 { buffer in
            do throws(JSONParseError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses one complete JSON document from bytes.
    public static func parse<C: Collection>(bytes: C) throws(JSONParseError) -> JSONValue where C.Element == UInt8 {
        let array = Array(bytes)
        let result: Result<JSONValue, JSONParseError> = array.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) { return .success(try parse(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses one complete JSON document from a buffer of UTF-8 bytes.
    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = Reader(bytes: buffer)
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.index < buffer.count {
            throw JSONParseError(message: "unexpected data after the JSON value", offset: reader.index)
        }
        return value
    }

    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        @inline(__always)
        mutating func skipWhitespace() {
            while index < bytes.count {
                let b = bytes[index]
                if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 } else { return }
            }
        }

        /// The byte at the cursor, or nil at the end.
        @inline(__always)
        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        /// Steps past an object's or array's opening byte; true (past its closing byte too) when
        /// it is empty. For the readers that walk a document without building it.
        @inline(__always)
        mutating func enter(closing: UInt8) -> Bool {
            index += 1
            skipWhitespace()
            guard current == closing else { return false }
            index += 1
            return true
        }

        /// After a member or an element: true past the closing byte, false past a comma, nil for
        /// anything else.
        @inline(__always)
        mutating func next(closing: UInt8) -> Bool? {
            skipWhitespace()
            guard let byte = current, byte == UInt8(ascii: ",") || byte == closing else { return nil }
            index += 1
            return byte == closing
        }

        func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
            JSONParseError(message: message, offset: offset ?? index)
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard index < bytes.count else { throw error("unexpected end of input, expected a value") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
            case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
            default: throw error("unexpected character '\(Self.printable(bytes[index]))', expected a value")
            }
        }

        static func printable(_ byte: UInt8) -> String {
            if byte >= 0x20 && byte < 0x7F { return String(UnicodeScalar(byte)) }
            return "\\u{\(String(byte, radix: 16))}"
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let start = index
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw error("invalid literal, expected \(literal)", at: start) }
            let pointer = literal.utf8Start
            for i in 0..<count where bytes[index + i] != pointer[i] {
                throw error("invalid literal, expected \(literal)", at: start)
            }
            index += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            if depth > JSONParser.maximumDepth { throw error("nesting deeper than \(JSONParser.maximumDepth) levels") }
            index += 1  // {
            var members: [JSONObject.Member] = []
            // Large objects check duplicates through a set; small ones (events) by a byte scan.
            var seenKeys: Set<UTF8Key>? = nil
            skipWhitespace()
            // Event objects mostly have a handful of members: one allocation instead of four.
            if index < bytes.count && bytes[index] != UInt8(ascii: "}") { members.reserveCapacity(8) }
            if index < bytes.count && bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(JSONObject(members))
            }
            while true {
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input inside an object") }
                guard bytes[index] == UInt8(ascii: "\"") else {
                    throw error("expected a string key in object, found '\(Self.printable(bytes[index]))'")
                }
                let keyOffset = index
                let key = try parseString()
                // Keys are compared byte for byte: "é" and "e\u{301}" are different keys.
                if var seen = seenKeys {
                    seenKeys = nil  // keep the set uniquely referenced while inserting
                    guard seen.insert(UTF8Key(string: key)).inserted else {
                        throw error("duplicate key \"\(key)\" in object", at: keyOffset)
                    }
                    seenKeys = seen
                } else {
                    for member in members where UTF8Bytes.equal(member.key, key) {
                        throw error("duplicate key \"\(key)\" in object", at: keyOffset)
                    }
                    if members.count == 31 { seenKeys = Set(members.map { UTF8Key(string: $0.key) } + [UTF8Key(string: key)]) }
                }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                    throw error("expected ':' after object key")
                }
                index += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append(JSONObject.Member(key: key, value: value))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input inside an object") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(JSONObject(members)) }
                throw error("expected ',' or '}' in object, found '\(Self.printable(bytes[index]))'")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            if depth > JSONParser.maximumDepth { throw error("nesting deeper than \(JSONParser.maximumDepth) levels") }
            index += 1  // [
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count && bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try parseValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw error("unexpected end of input inside an array") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
                throw error("expected ',' or ']' in array, found '\(Self.printable(bytes[index]))'")
            }
        }

        mutating func parseString() throws(JSONParseError) -> String {
            let start = index
            index += 1  // opening quote
            let contentStart = index
            // Fast path: no escapes. ASCII (most keys and values) needs no validation, and
            // `String(decoding:)` is specialised for UTF-8 buffers; `String(validating:)` is not
            // (it costs a generic-metadata lookup per string), so it is kept for non-ASCII text.
            var combined: UInt8 = 0
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: bytes[contentStart..<index])
                    index += 1
                    if combined < 0x80 { return String(decoding: slice, as: UTF8.self) }
                    guard let string = String(validating: slice, as: UTF8.self) else {
                        throw error("invalid UTF-8 in string", at: start)
                    }
                    return string
                }
                combined |= b
                if b == UInt8(ascii: "\\") { break }
                if b < 0x20 { throw error("unescaped control character in string") }
                index += 1
            }
            guard index < bytes.count else { throw error("unterminated string", at: start) }
            // Slow path with escapes.
            var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[contentStart..<index]))
            while index < bytes.count {
                let b = bytes[index]
                if b == UInt8(ascii: "\"") {
                    index += 1
                    guard let string = String(validating: out, as: UTF8.self) else {
                        throw error("invalid UTF-8 in string", at: start)
                    }
                    return string
                }
                if b < 0x20 { throw error("unescaped control character in string") }
                if b != UInt8(ascii: "\\") { out.append(b); index += 1; continue }
                index += 1
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let escapeStart = index - 2
                    var scalar = try parseHex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw error("unpaired UTF-16 high surrogate in \\u escape: expected a \\uDC00-\\uDFFF escape after it", at: escapeStart)
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else {
                            throw error("unpaired UTF-16 high surrogate in \\u escape: expected a \\uDC00-\\uDFFF escape after it", at: escapeStart)
                        }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error("unpaired UTF-16 low surrogate in \\u escape", at: escapeStart)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw error("invalid \\u escape") }
                    out.append(contentsOf: Array(String(Character(unicode)).utf8))
                default:
                    throw error("invalid escape '\\\(Self.printable(escape))' in string", at: index - 2)
                }
            }
            throw error("unterminated string", at: start)
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw error("incomplete \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let b = bytes[index]
                let digit: UInt32
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(b - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(b - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(b - UInt8(ascii: "A") + 10)
                default: throw error("invalid hex digit in \\u escape")
                }
                value = value << 4 | digit
                index += 1
            }
            return value
        }

        mutating func parseNumber() throws(JSONParseError) -> JSONValue {
            let start = index
            var negative = false
            if bytes[index] == UInt8(ascii: "-") {
                negative = true
                index += 1
            }
            guard index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") else {
                throw error("invalid number: expected a digit", at: index)
            }
            var isInteger = true
            var overflow = false
            var magnitude: UInt64 = 0
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    throw error("invalid number: leading zero", at: start)
                }
            } else {
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                    let digit = UInt64(bytes[index] - UInt8(ascii: "0"))
                    let (m1, o1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (m2, o2) = m1.addingReportingOverflow(digit)
                    if o1 || o2 { overflow = true }
                    magnitude = m2
                    index += 1
                }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isInteger = false
                index += 1
                let digitsStart = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
                if index == digitsStart { throw error("invalid number: expected digits after '.'", at: index) }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isInteger = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                let digitsStart = index
                while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") { index += 1 }
                if index == digitsStart { throw error("invalid number: expected digits in exponent", at: index) }
            }
            if isInteger && !overflow {
                if negative {
                    if magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
                    if magnitude == UInt64(Int64.max) + 1 { return .int(Int64.min) }
                } else if magnitude <= UInt64(Int64.max) {
                    return .int(Int64(magnitude))
                }
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            guard let double = Double(text), double.isFinite else { throw error("number out of range", at: start) }
            return .double(double)
        }
    }
}
