import Foundation
import FapiaoCore

/// Business dates: parsing `--date`, the default night, and backfill ranges.
public enum BusinessCalendar {
    /// Yesterday's date in the IANA zone `timezone` (falls back to Asia/Shanghai).
    public static func yesterday(in timezone: String, now: Date = Date()) -> BusinessDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timezone) ?? TimeZone(identifier: "Asia/Shanghai")!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        let today = IssueDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
            ?? IssueDate(daysSinceEpoch: 0)
        return today.adding(days: -1)
    }

    /// Parses `YYYY-MM-DD`; a usage error (exit 2) otherwise.
    public static func parse(_ text: String, option: String) throws -> BusinessDate {
        guard let date = IssueDate(canonical: text) else {
            throw RunError.usage("\(option) '\(text)' is not a date of the form YYYY-MM-DD")
        }
        return date
    }

    /// The nights of a command: `--date`, or `--from`…`--to` inclusive, or yesterday.
    public static func nights(date: String?, from: String?, to: String?, timezone: String) throws -> [BusinessDate] {
        switch (date, from, to) {
        case (let date?, nil, nil):
            return [try parse(date, option: "--date")]
        case (nil, let from?, let to?):
            let first = try parse(from, option: "--from"), last = try parse(to, option: "--to")
            guard first <= last else { throw RunError.usage("--from \(first) is after --to \(last)") }
            return (0...(last.daysSinceEpoch - first.daysSinceEpoch)).map { first.adding(days: $0) }
        case (nil, nil, nil):
            return [yesterday(in: timezone)]
        default:
            throw RunError.usage("use either --date D or both --from D1 and --to D2")
        }
    }
}
