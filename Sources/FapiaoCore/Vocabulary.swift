/// A VAT rate as written in the canonical files: `13`, `9`, `0`, `exempt`, `not_taxable`.
public enum TaxRate: Hashable, Sendable {
    /// A percentage rate, e.g. 13 for 13%.
    case percent(Int)
    /// 免税: exempt from VAT (tax is 0).
    case exempt
    /// 不征税: not taxable (tax is 0).
    case notTaxable

    /// The canonical written form.
    public var canonical: String {
        switch self {
        case .percent(let value): return String(value)
        case .exempt: return "exempt"
        case .notTaxable: return "not_taxable"
        }
    }

    /// Parses the canonical written form.
    public init?(canonical: String) {
        switch canonical {
        case "exempt": self = .exempt
        case "not_taxable": self = .notTaxable
        default:
            guard let value = Int(canonical), (0...100).contains(value) else { return nil }
            self = .percent(value)
        }
    }

    /// The rate in hundredths of a percent's base: 13% → 13; exempt and not taxable → 0.
    public var percentValue: Int {
        if case .percent(let value) = self { return value }
        return 0
    }
}

/// An invoice's status in the canonical files.
public enum InvoiceStatus: String, CaseIterable, Hashable, Sendable {
    case normal
    case voided
    case redReversedFull = "red_reversed_full"
    case redReversedPartial = "red_reversed_partial"
    case outOfControl = "out_of_control"
    case abnormal
}

/// An invoice type's canonical name.
public enum InvoiceType: String, CaseIterable, Hashable, Sendable {
    case vatSpecial = "vat_special"
    case vatGeneral = "vat_general"
    case vatESpecial = "vat_e_special"
    case vatEGeneral = "vat_e_general"
    case vatRoll = "vat_roll"
    case tollEGeneral = "toll_e_general"
    case digitalSpecial = "digital_special"
    case digitalGeneral = "digital_general"
    case digitalPaperSpecial = "digital_paper_special"
    case digitalPaperGeneral = "digital_paper_general"
    case motorVehicle = "motor_vehicle"
    case usedVehicle = "used_vehicle"
    case railwayTicket = "railway_ticket"
    case airItinerary = "air_itinerary"
    case other
}

/// A calendar date of issue (Beijing time, no zone), written `YYYY-MM-DD`.
public struct IssueDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A validated date; nil when the day does not exist (2025-02-30) or the year is outside 1900...2199.
    public init?(year: Int, month: Int, day: Int) {
        guard (1900...2199).contains(year), (1...12).contains(month), day >= 1,
              day <= IssueDate.daysIn(month: month, year: year) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    /// Parses `YYYY-MM-DD` exactly.
    public init?(canonical text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Days in a month of the proleptic Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `days` after 1970-01-01.
    public init(daysSinceEpoch days: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }

    /// This date moved by a number of days.
    public func adding(days: Int) -> IssueDate { IssueDate(daysSinceEpoch: daysSinceEpoch + days) }

    public var description: String {
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(year)-\(two(month))-\(two(day))"
    }

    /// `YYYYMMDD`.
    public var compact: String { String(description.filter { $0 != "-" }) }

    public static func < (lhs: IssueDate, rhs: IssueDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }
}

/// The business date a run covers; the same calendar type as an issue date.
public typealias BusinessDate = IssueDate
