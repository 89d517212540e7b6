import FapiaoCore

/// Reads issue dates: a source's `date_formats` first, then the notations of DOMAIN.md, then Excel serials.
///
/// Built-in notations: `2025-04-17`, `2025/4/17`, `2025.4.17`, `2025年4月17日`, `20250417`, each optionally
/// followed by a time (`2025-07-21 10:59:01`, `2026-09-21T18:38:04`) that is ignored; an Excel serial number
/// (`45764`, `45764.4375`) counts days from 1899-12-30. Full-width digits are folded first.
public struct DateNormalizer: Sendable {
    /// The notations every source understands, tried after the source's own.
    public static let builtInPatterns = ["yyyy-M-d", "yyyy/M/d", "yyyy.M.d", "yyyy年M月d日", "yyyyMMdd"]
    private static let builtIns: [DatePattern] = builtInPatterns.compactMap { try? DatePattern($0) }
    /// Excel serials accepted: five digits, 10000 (1927-05-18) through 99999 (2173-10-13).
    public static let excelSerials = 10_000...99_999

    private let patterns: [DatePattern]
    /// True when the first pattern tried reads `YYYY-MM-DD` as `isoDate` does (`DatePattern.readsISODates`).
    private let isoFirst: Bool

    /// A normalizer trying `dateFormats` (compiled, see `DatePattern`) before the built-in notations.
    public init(dateFormats: [String] = []) throws {
        patterns = try dateFormats.map(DatePattern.init) + DateNormalizer.builtIns
        isoFirst = patterns.first?.readsISODates == true
    }

    /// Parses one raw date field: `.invalid` when no notation matches or the day does not exist.
    public func parse(_ raw: String) -> Parsed<IssueDate> {
        let text = TextNormalizer.clean(raw, folding: .nfkc)
        if text.isEmpty { return .empty }
        return parse(cleaned: Array(text.utf8)[...])
    }

    /// Parses a date field already cleaned (`TextNormalizer.clean(_:folding: .nfkc)`) and not empty.
    func parse(cleaned bytes: ArraySlice<UInt8>) -> Parsed<IssueDate> {
        if isoFirst, let parsed = DateNormalizer.isoDate(bytes) { return parsed }
        for index in patterns.indices {  // in place: no copy (and retain) of each pattern
            if let parsed = patterns[index].match(bytes) { return parsed }
        }
        return DateNormalizer.excelSerial(bytes) ?? .invalid
    }

    /// What a `yyyy-M-d` or `yyyy-MM-dd` pattern gives for the common `YYYY-MM-DD` (plus an ignorable time),
    /// without walking its tokens; nil for any other text (the patterns then decide).
    static func isoDate(_ bytes: ArraySlice<UInt8>) -> Parsed<IssueDate>? {
        guard bytes.count >= 10 else { return nil }
        let start = bytes.startIndex
        func digit(_ offset: Int) -> Int? {
            let byte = bytes[start + offset]
            return byte >= 48 && byte <= 57 ? Int(byte - 48) : nil
        }
        guard bytes[start + 4] == UInt8(ascii: "-"), bytes[start + 7] == UInt8(ascii: "-"),
              let y0 = digit(0), let y1 = digit(1), let y2 = digit(2), let y3 = digit(3),
              let m0 = digit(5), let m1 = digit(6), let d0 = digit(8), let d1 = digit(9),
              isIgnorableTime(bytes[(start + 10)...]) else { return nil }
        let year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
        return IssueDate(year: year, month: m0 * 10 + m1, day: d0 * 10 + d1).map { .value($0) } ?? .invalid
    }

    /// Reads an Excel serial day number (the 1900 system, whose day 60 is the fictitious 1900-02-29).
    static func excelSerial(_ bytes: ArraySlice<UInt8>) -> Parsed<IssueDate>? {
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole.count == 5,
              parts.allSatisfy({ $0.allSatisfy { (48...57).contains($0) } }) else { return nil }
        let serial = whole.reduce(0) { $0 * 10 + Int($1 - 48) }
        guard excelSerials.contains(serial), let epoch = IssueDate(year: 1900, month: 1, day: 1) else {
            return .invalid
        }
        return .value(epoch.adding(days: serial - 2))
    }

    /// True when what follows a matched date is nothing, or a time: a space or `T`, then digits, `:` and `.`.
    static func isIgnorableTime(_ rest: ArraySlice<UInt8>) -> Bool {
        guard let first = rest.first else { return true }
        guard first == UInt8(ascii: " ") || first == UInt8(ascii: "T"), rest.count > 1 else { return false }
        return rest.dropFirst().allSatisfy { (48...58).contains($0) || $0 == UInt8(ascii: ".") }
    }
}
