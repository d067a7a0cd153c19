#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A top-level JSON array (element by element) or a sequence of pretty-printed values.
extension InputReader {

    mutating func nextDocumentValue() throws(InputError) -> RawInputItem? {
        while true {
            if let item = scanDocument() { return item }
            guard let more = try fill() else { return .idle }
            if !more { return finishDocument() }
        }
    }

    /// What is left when the input ends inside the document.
    private mutating func finishDocument() -> RawInputItem? {
        switch documentState {
        case .topLevel:
            return nil
        case .inValue:
            // A scalar at the very end of the input (or inside a still-open array) ends at EOF.
            if depth == 0 && !inString {
                let item = completeValue(upTo: end)
                if inArray {
                    pendingError = (InputPosition(source: source, line: line), "the top-level JSON array is not closed (the input ends after element \(arrayIndex))", [])
                    inArray = false
                }
                documentState = .topLevel
                return item
            }
            let position = InputPosition(source: source, line: valueLine, arrayIndex: inArray ? arrayIndex : nil)
            let raw = Array(buffer[valueStart..<end])
            start = end
            scan = end
            documentState = .topLevel
            inArray = false
            return .malformed(position: position, message: "the input ends inside this value (it is cut off or a bracket is missing)", raw: raw)
        case .arrayExpectElement, .arrayAfterElement:
            documentState = .topLevel
            inArray = false
            start = end
            scan = end
            return .malformed(position: InputPosition(source: source, line: line),
                              message: "the top-level JSON array is not closed: ']' missing at the end of the input", raw: [])
        }
    }

    private mutating func completeValue(upTo upper: Int) -> RawInputItem {
        var high = upper
        while high > valueStart && Self.isSpace(buffer[high - 1]) { high -= 1 }
        let bytes = Array(buffer[valueStart..<high])
        let position = InputPosition(source: source, line: valueLine, arrayIndex: inArray ? arrayIndex : nil)
        start = upper
        return .value(bytes: bytes, position: position, singleLine: !valueHasNewline)
    }

    private mutating func beginValue(at index: Int) {
        documentState = .inValue
        valueStart = index
        valueLine = line
        valueHasNewline = false
        depth = 0
        inString = false
        escaped = false
    }

    /// Advances through the buffered bytes; returns an item once one is complete.
    private mutating func scanDocument() -> RawInputItem? {
        while scan < end {
            let b = buffer[scan]
            switch documentState {
            case .topLevel:
                if Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    scan += 1
                    start = scan
                    continue
                }
                if b == UInt8(ascii: "[") {
                    inArray = true
                    arrayIndex = 0
                    documentState = .arrayExpectElement
                    scan += 1
                    start = scan
                    continue
                }
                beginValue(at: scan)
            case .arrayExpectElement:
                if Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    scan += 1
                    start = scan
                    continue
                }
                if b == UInt8(ascii: "]") {
                    inArray = false
                    documentState = .topLevel
                    scan += 1
                    start = scan
                    // `[a, b,]`: JSON has no trailing comma; say so rather than read on silently.
                    if arrayIndex > 0 {
                        return .malformed(position: InputPosition(source: source, line: line, arrayIndex: arrayIndex),
                                          message: "a trailing comma before ']' closes the top-level array; JSON allows none", raw: [])
                    }
                    continue
                }
                beginValue(at: scan)
            case .arrayAfterElement:
                if Self.isSpace(b) {
                    if b == 0x0A { line += 1 }
                    scan += 1
                    start = scan
                    continue
                }
                scan += 1
                start = scan
                if b == UInt8(ascii: ",") {
                    arrayIndex += 1
                    documentState = .arrayExpectElement
                    continue
                }
                if b == UInt8(ascii: "]") {
                    inArray = false
                    documentState = .topLevel
                    continue
                }
                // Resynchronise: report the stray byte and read on as if a comma had been there.
                arrayIndex += 1
                documentState = .arrayExpectElement
                scan -= 1
                start = scan
                return .malformed(position: InputPosition(source: source, line: line, arrayIndex: arrayIndex - 1),
                                  message: "expected ',' or ']' after element \(arrayIndex - 1) of the top-level array, found '\(JSONParser.Reader.printable(b))'",
                                  raw: [])
            case .inValue:
                if let item = scanValueBytes() { return item }
                if scan - valueStart > Self.maximumValueBytes {
                    let position = InputPosition(source: source, line: valueLine, arrayIndex: inArray ? arrayIndex : nil)
                    let raw = Array(buffer[valueStart..<(valueStart + 64 * 1024)])
                    // Cannot find where this value ends without keeping it: stop this input.
                    start = end
                    scan = end
                    atEOF = true
                    documentState = .topLevel
                    inArray = false
                    return .malformed(position: position,
                                      message: "value is larger than \(Self.maximumValueBytes / (1024 * 1024)) MiB; reading of this input stopped here",
                                      raw: raw)
                }
            }
        }
        if documentState != .inValue { start = scan }
        return nil
    }

    /// Scans the current value; returns it when its last byte is found.
    private mutating func scanValueBytes() -> RawInputItem? {
        let limit = end
        var index = scan
        var d = depth
        var str = inString
        var esc = escaped
        var lines = 0
        // Where the value ends (exclusive), once known.
        var valueEnd: Int?
        buffer.withUnsafeBufferPointer { pointer in
            while index < limit {
                let b = pointer[index]
                if str {
                    index += 1
                    if esc {
                        esc = false
                    } else if b == 0x5C {
                        esc = true
                    } else if b == 0x22 {
                        str = false
                        if d == 0 { valueEnd = index; return }
                    } else if b == 0x0A {
                        lines += 1
                    }
                    continue
                }
                switch b {
                case 0x22:
                    str = true
                case 0x7B, 0x5B:
                    d += 1
                case 0x7D, 0x5D:
                    if d == 0 { valueEnd = index; return }  // a scalar ends before a closing bracket
                    d -= 1
                    if d == 0 { valueEnd = index + 1; index += 1; return }
                case 0x2C, 0x20, 0x09, 0x0D:
                    if d == 0 { valueEnd = index; return }
                case 0x0A:
                    if d == 0 { valueEnd = index; return }
                    lines += 1
                default:
                    break
                }
                index += 1
            }
        }
        if lines > 0 { valueHasNewline = true }
        line += lines
        depth = d
        inString = str
        escaped = esc
        guard let valueEnd else {
            scan = index
            return nil
        }
        if valueEnd == valueStart {
            // A closing bracket or comma where a value should start.
            let b = buffer[valueStart]
            scan = valueStart + 1
            start = scan
            documentState = inArray ? .arrayExpectElement : .topLevel
            let position = InputPosition(source: source, line: line, arrayIndex: inArray ? arrayIndex : nil)
            if inArray { arrayIndex += 1 }
            return .malformed(position: position,
                              message: "unexpected '\(JSONParser.Reader.printable(b))' where a value should start", raw: [b])
        }
        scan = valueEnd
        let item = completeValue(upTo: valueEnd)
        documentState = inArray ? .arrayAfterElement : .topLevel
        return item
    }
}
