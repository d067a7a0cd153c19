/// Turns the raw bytes a terminal sends into `Key`s. A pure state machine (no terminal, no
/// clock): the caller feeds bytes as they arrive and calls `flushPending()` when input has been
/// idle for the escape delay, which is how a lone Esc is told apart from the start of a sequence.
///
/// Handles UTF-8 (multi-byte characters arrive as one `.character`), C0 controls (Ctrl-letters,
/// Tab, Enter, Backspace), CSI and SS3 sequences (arrows, Home/End, PgUp/PgDn, Delete, Shift-Tab,
/// F1-F12, with or without modifier parameters) and bracketed paste (`ESC [ 200 ~ … ESC [ 201 ~`),
/// which is delivered as one `.paste` so pasted text never triggers shortcuts.
public struct InputDecoder: Sendable, Hashable {
    private enum State: Sendable, Hashable {
        case ground
        case escape
        case csi(parameters: [UInt8])
        case ss3
        case utf8(bytes: [UInt8], remaining: Int)
        case paste(bytes: [UInt8])
    }

    private var state: State = .ground

    public init() {}

    /// True while a paste is being collected: the caller should keep reading, not flush.
    public var isInPaste: Bool {
        if case .paste = state { return true }
        return false
    }

    /// True when bytes are held back waiting for the rest of a sequence.
    public var hasPending: Bool { state != .ground }

    /// Feeds a chunk of bytes and returns the keys they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Key] where Bytes.Element == UInt8 {
        var keys: [Key] = []
        for byte in bytes { feed(byte, into: &keys) }
        return keys
    }

    /// Input went idle: a pending lone Esc becomes `.escape`; an unfinished sequence is dropped
    /// (after emitting Esc) rather than left to swallow the next key. A paste keeps waiting.
    public mutating func flushPending() -> [Key] {
        switch state {
        case .ground, .paste: return []
        case .escape, .csi, .ss3:
            state = .ground
            return [.escape]
        case .utf8:
            state = .ground
            return []
        }
    }

    private static let pasteEnd: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]  // ESC [ 2 0 1 ~

    private mutating func feed(_ byte: UInt8, into keys: inout [Key]) {
        switch state {
        case .ground:
            ground(byte, into: &keys)
        case .escape:
            switch byte {
            case 0x5B: state = .csi(parameters: [])
            case 0x4F: state = .ss3
            case 0x1B:
                // Esc Esc: the first was a lone Esc.
                keys.append(.escape)
                state = .escape
            default:
                // Alt+key arrives as Esc then the key; the wizard treats it as Esc, then the key.
                state = .ground
                keys.append(.escape)
                ground(byte, into: &keys)
            }
        case .csi(var parameters):
            if byte >= 0x40 && byte <= 0x7E {
                state = .ground
                if let key = Self.csiKey(parameters: parameters, final: byte) {
                    keys.append(key)
                } else if parameters == Array("200".utf8) && byte == 0x7E {
                    state = .paste(bytes: [])
                }
            } else if byte >= 0x20 && byte <= 0x3F {
                parameters.append(byte)
                state = parameters.count > 32 ? .ground : .csi(parameters: parameters)
            } else {
                state = .ground
                ground(byte, into: &keys)
            }
        case .ss3:
            state = .ground
            if let key = Self.finalKey(byte) { keys.append(key) }
        case .utf8(var bytes, let remaining):
            guard byte & 0xC0 == 0x80 else {
                state = .ground
                ground(byte, into: &keys)
                return
            }
            bytes.append(byte)
            if remaining == 1 {
                state = .ground
                if let character = String(validating: bytes, as: UTF8.self)?.first {
                    keys.append(.character(character))
                }
            } else {
                state = .utf8(bytes: bytes, remaining: remaining - 1)
            }
        case .paste(var bytes):
            bytes.append(byte)
            if bytes.count >= Self.pasteEnd.count && bytes.suffix(Self.pasteEnd.count).elementsEqual(Self.pasteEnd) {
                bytes.removeLast(Self.pasteEnd.count)
                state = .ground
                keys.append(.paste(Self.pasteText(bytes)))
            } else {
                state = .paste(bytes: bytes)
            }
        }
    }

    private mutating func ground(_ byte: UInt8, into keys: inout [Key]) {
        switch byte {
        case 0x1B: state = .escape
        case 0x0D, 0x0A: keys.append(.enter)
        case 0x09: keys.append(.tab)
        case 0x7F, 0x08: keys.append(.backspace)
        case 0x00: break
        case 0x01...0x1A:
            keys.append(.ctrl(Character(Unicode.Scalar(byte + 0x60))))
        case 0x1C...0x1F: break
        case 0x20...0x7E: keys.append(.character(Character(Unicode.Scalar(byte))))
        case 0xC2...0xDF: state = .utf8(bytes: [byte], remaining: 1)
        case 0xE0...0xEF: state = .utf8(bytes: [byte], remaining: 2)
        case 0xF0...0xF4: state = .utf8(bytes: [byte], remaining: 3)
        default: break  // stray continuation or invalid lead byte
        }
    }

    /// Pasted text as typed: invalid UTF-8 repaired, CR LF and CR turned into LF.
    private static func pasteText(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self).replacingCRLF()
    }

    private static func finalKey(_ byte: UInt8) -> Key? {
        switch byte {
        case 0x41: return .up
        case 0x42: return .down
        case 0x43: return .right
        case 0x44: return .left
        case 0x48: return .home
        case 0x46: return .end
        case 0x5A: return .backTab
        case 0x50: return .function(1)
        case 0x51: return .function(2)
        case 0x52: return .function(3)
        case 0x53: return .function(4)
        default: return nil
        }
    }

    private static func csiKey(parameters: [UInt8], final: UInt8) -> Key? {
        if final != 0x7E {
            // `ESC [ 1 ; 5 C` (Ctrl-Right) and friends: the modifier is ignored.
            return finalKey(final)
        }
        let text = String(decoding: parameters, as: UTF8.self)
        let number = Int(text.split(separator: ";").first ?? "") ?? 0
        switch number {
        case 1, 7: return .home
        case 4, 8: return .end
        case 3: return .delete
        case 5: return .pageUp
        case 6: return .pageDown
        case 11...15: return .function(number - 10)
        case 17...21: return .function(number - 11)
        case 23, 24: return .function(number - 12)
        default: return nil
        }
    }
}

extension String {
    /// CR LF and lone CR become LF, so pasted text from any platform reads the same.
    func replacingCRLF() -> String {
        guard unicodeScalars.contains("\r") else { return self }
        var output = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in unicodeScalars {
            if scalar == "\n" && previousWasCR { previousWasCR = false; continue }
            previousWasCR = scalar == "\r"
            output.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(output)
    }
}
