import FapiaoCore

extension ExportDialect {
    /// Writes an invoice's facts in this dialect's notation.
    func render(_ facts: InvoiceFacts) -> RowText {
        var row = RowText()
        row[.code] = self == .erpGB ? ExportDialect.droppingLeadingZeros(facts.code) : facts.code
        if self == .cloudPOS {
            row[.number] = facts.number
            row[.digital] = facts.digital
        } else if facts.isLegacy {
            row[.number] = self == .erpGB ? ExportDialect.droppingLeadingZeros(facts.number) : facts.number
        } else {
            row[.number] = facts.digital
        }
        row[.date] = dateText(facts.date, time: facts.timeText)
        row[.type] = typeText(facts.type)
        row[.sellerID] = facts.sellerID
        row[.sellerName] = facts.sellerName
        row[.buyerID] = facts.buyerID
        row[.buyerName] = facts.buyerName
        row[.amount] = money(facts.amount, variant: facts.secondOfDay)
        row[.tax] = money(facts.tax, variant: facts.secondOfDay)
        row[.total] = money(facts.total, variant: facts.secondOfDay)
        row[.rate] = rateText(facts.rate)
        row[.status] = statusTexts.first { $0.status == facts.status }?.text ?? statusTexts[0].text
        row[.remark] = facts.remark
        return row
    }

    /// `2025-04-17 10:59:01`, `2025年4月17日`, `2025-04-17T10:59:01` or `2025/4/17 10:59`.
    func dateText(_ date: IssueDate, time: String) -> String {
        switch self {
        case .posV3: return "\(date) \(time)"
        case .erpGB: return "\(date.year)年\(date.month)月\(date.day)日"
        case .pinyinXML: return "\(date)T\(time)"
        case .cloudPOS: return "\(date.year)/\(date.month)/\(date.day) \(time.prefix(5))"
        }
    }

    /// An amount in this dialect's notation; the ERP writes `¥` or, on some rows, the full-width `￥`.
    func money(_ fen: Int64, variant: Int) -> String {
        switch self {
        case .posV3, .pinyinXML: return MoneyText.plain(fen)
        case .erpGB: return MoneyText.currency(fen, sign: variant % 3 == 0 ? "￥" : "¥")
        case .cloudPOS: return MoneyText.trimmed(fen)
        }
    }

    /// `13%`, `0.13`, `13`; exempt as `免税` or `exempt`.
    func rateText(_ rate: TaxRate) -> String {
        switch (self, rate) {
        case (.cloudPOS, .exempt): return "exempt"
        case (.cloudPOS, .notTaxable): return "not_taxable"
        case (_, .exempt): return "免税"
        case (_, .notTaxable): return "不征税"
        case (.pinyinXML, .percent(let value)): return value == 0 ? "0" : value < 10 ? "0.0\(value)" : "0.\(value)"
        case (.cloudPOS, .percent(let value)): return String(value)
        case (_, .percent(let value)): return "\(value)%"
        }
    }

    /// The type as this software names it: the authority's strings, the common codes, or canonical names.
    func typeText(_ type: InvoiceType) -> String {
        switch self {
        case .posV3: return ExportDialect.typeName(type)
        case .erpGB, .pinyinXML: return ExportDialect.typeCode(type)
        case .cloudPOS: return type.rawValue
        }
    }

    /// The Chinese type name the e-tax bureau exports (发票票种).
    static func typeName(_ type: InvoiceType) -> String {
        switch type {
        case .digitalSpecial: return "数电发票（增值税专用发票）"
        case .digitalGeneral: return "数电发票（普通发票）"
        case .vatSpecial: return "增值税专用发票"
        case .vatGeneral: return "增值税普通发票"
        default: return "增值税电子普通发票"
        }
    }

    /// The common two-digit type code (01, 04, 10, 81, 82).
    static func typeCode(_ type: InvoiceType) -> String {
        switch type {
        case .digitalSpecial: return "81"
        case .digitalGeneral: return "82"
        case .vatSpecial: return "01"
        case .vatGeneral: return "04"
        default: return "10"
        }
    }

    /// `00461160` → `461160`, as a spreadsheet stores identifiers typed as numbers.
    static func droppingLeadingZeros(_ digits: String) -> String {
        let trimmed = digits.drop { $0 == "0" }
        return trimmed.isEmpty && !digits.isEmpty ? "0" : String(trimmed)
    }
}
