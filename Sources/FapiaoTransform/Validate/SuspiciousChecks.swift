import FapiaoCore

/// One value of a kept record a person should check.
struct SuspiciousValue: Equatable, Sendable {
    var field: CanonicalField
    var messageZh: String
    var messageEn: String
    var action: String
}

/// The `suspicious_field` checks of DESIGN.md, run on records kept after dedupe (branch and authority alike).
///
/// One value per field: when two checks hit the same field their messages are joined.
struct SuspiciousChecks: Sendable {
    /// |round_half_up(amount × rate) − tax| above this is suspicious.
    let taxToleranceFen: Int64

    /// The suspicious values of a kept record, in canonical field order.
    func check(_ record: NormalizedRecord) -> [SuspiciousValue] {
        let invoice = record.invoice
        var found: [SuspiciousValue] = []
        taxpayerID(invoice.sellerTaxID, field: .sellerTaxID, into: &found)
        taxpayerID(invoice.buyerTaxID, field: .buyerTaxID, into: &found)
        digitalYear(invoice, into: &found)
        for field in record.moreDecimals {
            add(SuspiciousValue(field: field, messageZh: "\(field.chineseLabel)超过两位小数，已按四舍五入保留到分",
                                messageEn: "\(field.rawValue) has more than two decimals; rounded half-up to the fen",
                                action: "核对原始金额"), into: &found)
        }
        taxAmount(invoice, into: &found)
        total(invoice, into: &found)
        return found.sorted { $0.field < $1.field }
    }

    private func taxpayerID(_ id: String, field: CanonicalField, into found: inout [SuspiciousValue]) {
        guard !id.isEmpty, TaxpayerID.form(of: id) == nil else { return }
        let (zh, en): (String, String)
        if id.allSatisfy({ $0 == "0" }) {
            (zh, en) = ("全零占位值", "an all-zero placeholder")
        } else if id.utf8.count == 18 {
            (zh, en) = ("校验位错误", "fails the check character")
        } else {
            (zh, en) = ("格式不符", "is not a recognized taxpayer ID form")
        }
        add(SuspiciousValue(field: field, messageZh: "\(field.chineseLabel)\(zh)：\(id)",
                            messageEn: "\(field.rawValue) \(id) \(en)", action: "向开票方核实纳税人识别号"),
            into: &found)
    }

    private func digitalYear(_ invoice: Invoice, into found: inout [SuspiciousValue]) {
        let number = invoice.identity.digitalNumber
        guard let date = invoice.issueDate, number.utf8.count == 20,
              let prefix = Int(number.prefix(2)), prefix != date.year % 100 else { return }
        add(SuspiciousValue(field: .digitalNumber,
                            messageZh: "数电发票号码年份（\(number.prefix(2))）与开票日期 \(date) 不符",
                            messageEn: "digital number year \(number.prefix(2)) differs from issue date \(date)",
                            action: "核对发票号码与开票日期"), into: &found)
    }

    private func taxAmount(_ invoice: Invoice, into found: inout [SuspiciousValue]) {
        guard let rate = invoice.taxRate, let amount = invoice.amount, let tax = invoice.tax,
              let expected = SuspiciousChecks.expectedTax(amount: amount, rate: rate) else { return }
        let difference = (expected.value - tax.value).magnitude
        guard difference > taxToleranceFen.magnitude else { return }
        add(SuspiciousValue(
            field: .tax,
            messageZh: "税额 \(tax) 与金额×税率（\(expected)）相差 \(Fen(Int64(difference)))，超过容差",
            messageEn: "tax \(tax) differs from amount × rate (\(expected)) by \(Fen(Int64(difference))), above tolerance",
            action: "核对税率与税额"), into: &found)
    }

    private func total(_ invoice: Invoice, into found: inout [SuspiciousValue]) {
        guard let amount = invoice.amount, let tax = invoice.tax, let total = invoice.total,
              amount + tax != total else { return }
        add(SuspiciousValue(field: .total, messageZh: "价税合计 \(total) ≠ 金额 \(amount) + 税额 \(tax)",
                            messageEn: "total \(total) ≠ amount \(amount) + tax \(tax)", action: "核对金额、税额与价税合计"),
            into: &found)
    }

    /// round_half_up(amount × rate) in fen, in integer arithmetic (halves away from zero); nil on overflow.
    static func expectedTax(amount: Fen, rate: TaxRate) -> Fen? {
        let (product, overflow) = amount.value.magnitude.multipliedReportingOverflow(by: UInt64(rate.percentValue))
        guard !overflow, product <= UInt64(Int64.max) else { return nil }
        let rounded = Int64((product + 50) / 100)
        return Fen(amount.value < 0 ? -rounded : rounded)
    }

    private func add(_ value: SuspiciousValue, into found: inout [SuspiciousValue]) {
        guard let index = found.firstIndex(where: { $0.field == value.field }) else { found.append(value); return }
        found[index].messageZh += "；" + value.messageZh
        found[index].messageEn += "; " + value.messageEn
    }
}

extension CanonicalField {
    /// The field's name for finance staff.
    var chineseLabel: String {
        switch self {
        case .invoiceKey: return "发票标识"
        case .invoiceCode: return "发票代码"
        case .invoiceNumber: return "发票号码"
        case .digitalNumber: return "数电发票号码"
        case .invoiceType: return "发票类型"
        case .issueDate: return "开票日期"
        case .sellerTaxID: return "销方税号"
        case .sellerName: return "销方名称"
        case .buyerTaxID: return "购方税号"
        case .buyerName: return "购方名称"
        case .amount: return "金额"
        case .tax: return "税额"
        case .total: return "价税合计"
        case .taxRate: return "税率"
        case .status: return "发票状态"
        case .isRed: return "红字标志"
        case .originalInvoiceKey: return "原蓝字发票"
        case .remark: return "备注"
        case .branch: return "门店"
        }
    }
}
