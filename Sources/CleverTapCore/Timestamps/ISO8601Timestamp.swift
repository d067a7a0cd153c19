/// Strict ISO-8601 recognition and conversion to Unix seconds, on bytes, without Foundation
/// (it runs for every string in every profile on the delivery path).
///
/// Accepted, exactly as Segment's "Convert Timestamps" test (the contract's section 8):
///
///     YYYY-MM-DD
///     YYYY-MM-DDThh:mm[:ss[.f…]][Z | ±hh:mm | ±hhmm]    (1 to 9 fraction digits)
///
/// The date must exist in the proleptic Gregorian calendar (no month 13, no February 30),
/// hours 00–23, minutes and seconds 00–59. Fractions are truncated. A date-time without a zone,
/// and a date alone, are read as UTC (Segment would use the host's zone; we want the same
/// output on every machine): `2019-02-01` is 1548979200, midnight UTC. We deliberately reject
/// a fraction without seconds (`T18:04.5`), a space or lower-case `t` instead of `T`, and a zone
/// after a date alone, which the reference pattern also rejects or which no browser parses alike.
public enum ISO8601Timestamp {
    /// The length in bytes of every accepted form: anything else is refused without a look.
    static let lengths = 10...35

    /// Unix seconds for `text`, or nil when it is not a strict ISO-8601 date or date-time.
    public static func unixSeconds(_ text: String) -> Int64? {
        // Skip the usual string (the wrong length) without touching its UTF-8.
        guard lengths.contains(text.utf8.count) else { return nil }
        if let result = text.utf8.withContiguousStorageIfAvailable({ unixSeconds(utf8: $0) }) { return result }
        return unixSeconds(utf8: Array(text.utf8))
    }

    /// Unix seconds for the UTF-8 bytes of a candidate string.
    public static func unixSeconds<Bytes: RandomAccessCollection>(utf8 bytes: Bytes) -> Int64?
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let start = bytes.startIndex
        let count = bytes.count
        guard lengths.contains(count) else { return nil }

        @inline(__always) func digit(_ offset: Int) -> Int? {
            let b = bytes[start + offset]
            return b >= 0x30 && b <= 0x39 ? Int(b - 0x30) : nil
        }
        @inline(__always) func twoDigits(_ offset: Int) -> Int? {
            guard offset + 2 <= count, let a = digit(offset), let b = digit(offset + 1) else { return nil }
            return a * 10 + b
        }
        @inline(__always) func byte(_ offset: Int) -> UInt8 { bytes[start + offset] }

        guard let y1 = twoDigits(0), let y2 = twoDigits(2), byte(4) == 0x2D,
              let month = twoDigits(5), byte(7) == 0x2D, let day = twoDigits(8) else { return nil }
        let year = y1 * 100 + y2
        guard month >= 1 && month <= 12, day >= 1 && day <= daysIn(month: month, year: year) else { return nil }
        let days = Int64(daysFromCivil(year: year, month: month, day: day))
        if count == 10 { return days * 86_400 }

        // Time: Thh:mm
        guard count >= 16, byte(10) == UInt8(ascii: "T"), let hour = twoDigits(11), byte(13) == 0x3A,
              let minute = twoDigits(14), hour <= 23, minute <= 59 else { return nil }
        var index = 16
        var second = 0
        if index < count && byte(index) == 0x3A {
            guard let s = twoDigits(index + 1), s <= 59 else { return nil }
            second = s
            index += 3
            if index < count && byte(index) == 0x2E {
                index += 1
                let fractionStart = index
                while index < count, digit(index) != nil { index += 1 }
                let digits = index - fractionStart
                guard digits >= 1 && digits <= 9 else { return nil }
            }
        }
        var offsetSeconds = 0
        if index < count {
            switch byte(index) {
            case UInt8(ascii: "Z"):
                index += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = byte(index) == UInt8(ascii: "-") ? -1 : 1
                guard let offsetHours = twoDigits(index + 1) else { return nil }
                index += 3
                if index < count && byte(index) == 0x3A { index += 1 }
                guard let offsetMinutes = twoDigits(index), offsetHours <= 23, offsetMinutes <= 59 else { return nil }
                index += 2
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60)
            default:
                return nil
            }
        }
        guard index == count else { return nil }
        return days * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
    }

    static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard Hinnant's
    /// civil_from_days): the inverse of `daysFromCivil`.
    public static func civilFromDays(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
