import FapiaoCore

/// An Excel serial date (days, with the time of day as the fraction) as `YYYY-MM-DD` or
/// `YYYY-MM-DD HH:MM:SS`, in integer arithmetic on the serial's decimal digits.
///
/// The 1900 system (Windows Excel, the default): serial 1 is 1900-01-01, and Excel counts the day 1900-02-29 that
/// never was (serial 60, written as `1900-02-29`, which transform then rejects as a date that does not exist), so
/// from serial 61 on a serial counts from 1899-12-30. The 1904 system (`<workbookPr date1904="1"/>`, old Mac
/// workbooks): serial 0 is 1904-01-01. The time is the fraction × 86,400 seconds, rounded half-up to the second
/// (a time that rounds to 24:00:00 is the next day's 00:00:00). Examples (1900): `45764` → `2025-04-17`;
/// `45764.4375` → `2025-04-17 10:30:00`; (1904) `44302` → `2025-04-17`.
enum ExcelDate {
    /// The largest serial Excel shows as a date (9999-12-31 in the 1900 system).
    static let maxSerial = 2_958_465

    /// The date text of a serial, or nil when the value is not a serial date (negative, below the system's first
    /// day, or past 9999-12-31).
    static func text(_ number: ExcelNumber, date1904: Bool) -> String? {
        guard let (days, fraction) = number.integerAndFraction, days <= maxSerial, days >= (date1904 ? 0 : 1) else {
            return nil
        }
        var day = days
        var seconds = 0
        if !fraction.isEmpty {
            seconds = secondsOfDay(fraction)
            if seconds >= 86_400 { seconds -= 86_400; day += 1 }
        }
        guard let date = self.date(serial: day, date1904: date1904) else { return nil }
        return fraction.isEmpty ? date : date + " " + clock(seconds)
    }

    /// The calendar date of a whole serial.
    private static func date(serial: Int, date1904: Bool) -> String? {
        if date1904 { return IssueDate(daysSinceEpoch: serial - 24_107).description }  // 1904-01-01 is day −24,107
        if serial == 60 { return "1900-02-29" }
        let offset = serial < 60 ? -25_568 : -25_569  // 1899-12-31 and 1899-12-30 as days since 1970-01-01
        return IssueDate(daysSinceEpoch: serial + offset).description
    }

    /// round_half_up(0.fraction × 86,400): the fraction's digits are at most 15 after rounding to 15
    /// significant digits, so the product fits in 128 bits.
    private static func secondsOfDay(_ fraction: [UInt8]) -> Int {
        var numerator: UInt128 = 0
        var denominator: UInt128 = 1
        for digit in fraction.prefix(30) {
            numerator = numerator * 10 + UInt128(digit)
            denominator *= 10
        }
        return Int((numerator * 86_400 * 2 + denominator) / (denominator * 2))
    }

    private static func clock(_ seconds: Int) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
    }
}

/// Which cell styles of a workbook show numbers as dates (from `xl/styles.xml`).
struct ExcelDateStyles {
    /// Per cell style (`<c s="…">`, an index into `cellXfs`): true when its number format is a date or time.
    var isDate: [Bool] = []

    /// True when style `index` formats dates; false for an unknown index.
    func formatsDate(_ index: Int) -> Bool { index >= 0 && index < isDate.count && isDate[index] }

    /// True for a built-in date or time format: 14–22 (all locales), 27–36 and 50–58 (the zh-CN/CJK built-ins
    /// such as `yyyy"年"m"月"d"日"`), 45–47 (times).
    static func isBuiltInDate(_ id: Int) -> Bool {
        (14...22).contains(id) || (27...36).contains(id) || (45...47).contains(id) || (50...58).contains(id)
    }

    /// True when a custom format code shows a date or time: after removing quoted text, `\`-escaped characters and
    /// `[...]` sections (colours, locales, conditions), it still holds `y`, `d`, or `h`/`s` (any case). `m` alone
    /// could be minutes or months and decides nothing. `General`, `0.00`, `#,##0` and `@` are not dates.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuote = false, inBracket = false, escaped = false
        for character in code.lowercased() {
            if escaped { escaped = false; continue }
            switch character {
            case "\"": inQuote.toggle()
            case "\\" where !inQuote: escaped = true
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            case "y", "d", "h", "s": if !inQuote && !inBracket { return true }
            default: continue
            }
        }
        return false
    }
}
