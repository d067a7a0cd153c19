import Testing
@testable import CleverTapCore

@Suite(.timeLimit(.minutes(2))) struct TimestampTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let text: String
        let seconds: Int64?
        var testDescription: String { "\"\(text)\" -> \(seconds.map(String.init) ?? "unchanged")" }
        init(_ text: String, _ seconds: Int64?) { self.text = text; self.seconds = seconds }
    }

    static let table: [Row] = [
        // The issue's and the contract's worked values.
        Row("2006-01-02T18:04:07Z", 1_136_225_047),
        Row("2006-01-02T18:04:07+01:00", 1_136_221_447),
        Row("2006-01-02T15:04:05-0800", 1_136_243_045),
        Row("2019-02-01", 1_548_979_200),  // date only: midnight UTC
        // Fractions truncated, 1 to 9 digits.
        Row("2006-01-02T18:04:07.999Z", 1_136_225_047),
        Row("2006-01-02T18:04:07.1Z", 1_136_225_047),
        Row("2006-01-02T18:04:07.123456789Z", 1_136_225_047),
        Row("2006-01-02T18:04:07.1234567890Z", nil),
        Row("2006-01-02T18:04:07.Z", nil),
        Row("2026-11-28T10:15:30.512Z", 1_795_860_930),
        // Zones.
        Row("2006-01-02T18:04:07", 1_136_225_047),  // zone-less: UTC
        Row("2006-01-02T18:04", 1_136_225_040),
        Row("2006-01-02T18:04Z", 1_136_225_040),
        Row("2006-01-02T18:04:07+0100", 1_136_221_447),
        Row("2006-01-02T18:04:07-01:30", 1_136_230_447),
        Row("2026-11-28T10:18:00+05:30", 1_795_841_280),
        Row("2026-02-03T04:05:06.789+01:00", 1_770_087_906),
        Row("2006-01-02T18:04:07+01", nil),
        Row("2006-01-02T18:04:07+24:00", nil),
        Row("2006-01-02T18:04:07+01:60", nil),
        Row("2006-01-02T18:04:07 PDT", nil),
        Row("2018-03-04T12:08:56 PDT", nil),
        Row("2006-01-02Z", nil),
        Row("2006-01-02+01:00", nil),
        // Calendar.
        Row("1970-01-01T00:00:00Z", 0),
        Row("1969-12-31T23:59:59Z", -1),
        Row("2000-02-29", 951_782_400),
        Row("2100-02-29", nil),
        Row("2019-02-29", nil),
        Row("2019-04-31", nil),
        Row("2025-13-45T99:99:99Z", nil),
        Row("2025-00-10", nil),
        Row("2025-01-00", nil),
        Row("2025-01-01T24:00:00Z", nil),
        Row("2025-01-01T23:60:00Z", nil),
        Row("2025-01-01T23:59:60Z", nil),
        Row("9999-12-31T23:59:59Z", 253_402_300_799),
        Row("0000-01-01", -62_167_219_200),
        // Not ISO-8601: untouched.
        Row("1136253847", nil),
        Row("1136225047.5", nil),
        Row("25 Mar 2015", nil),
        Row("01/01/2019", nil),
        Row("15/MAR/18", nil),
        Row("11-Jan-18", nil),
        Row("+14155551234", nil),
        Row("0049 30 1234567", nil),
        Row("10115", nil),
        Row("not a date", nil),
        Row("", nil),
        Row("2006-1-2", nil),
        Row("06-01-02", nil),
        Row("2006-01-02 18:04:07Z", nil),
        Row("2006-01-02t18:04:07z", nil),
        Row("2006-01-02T18:04.5Z", nil),
        Row("2006-01-02T18:04:07Zjunk", nil),
        Row(" 2006-01-02", nil),
        Row("２００６-01-02", nil),
    ]

    @Test(arguments: table)
    func strictISO8601(_ row: Row) {
        #expect(ISO8601Timestamp.unixSeconds(row.text) == row.seconds)
    }

    @Test func conversionWalksObjectsButNotArrays() throws {
        let value = try JSONParser.parse(#"{"a":"2006-01-02T18:04:07Z","b":{"c":"2019-02-01","d":"x"},"e":["2019-02-01"],"f":12,"g":"1136253847"}"#)
        #expect(TimestampConversion.convert(value).description
            == #"{"a":1136225047,"b":{"c":1548979200,"d":"x"},"e":["2019-02-01"],"f":12,"g":"1136253847"}"#)
    }

    @Test func daysFromCivilMatchesEveryDayOfFourHundredYears() {
        // Walk day by day from 1970 and compare with the closed-form count.
        var expected = 0
        for year in 1970..<2370 {
            for month in 1...12 {
                for day in 1...ISO8601Timestamp.daysIn(month: month, year: year) {
                    if ISO8601Timestamp.daysFromCivil(year: year, month: month, day: day) != expected {
                        Issue.record("\(year)-\(month)-\(day)")
                        return
                    }
                    expected += 1
                }
            }
        }
        #expect(expected == 146_097)
    }
}
