import FapiaoCore

/// One invoice as issued: the true, canonical values before any export writes them in its own notation.
struct InvoiceFacts {
    /// 10 or 12 digits for legacy invoices, else empty.
    var code = ""
    /// 8 digits for legacy invoices, else empty.
    var number = ""
    /// 20 digits for fully digital invoices, else empty.
    var digital = ""
    var type = InvoiceType.digitalGeneral
    var date: IssueDate
    /// Seconds after midnight (Beijing time).
    var secondOfDay = 0
    var sellerID = ""
    var sellerName = ""
    var buyerID = ""
    var buyerName = ""
    /// Money in fen; negative for red-letter invoices.
    var amount: Int64 = 0
    var tax: Int64 = 0
    var total: Int64 = 0
    var rate = TaxRate.percent(13)
    var status = InvoiceStatus.normal
    var remark = ""
    /// The clerk who issued it (开票人).
    var clerk = ""

    /// The canonical key: the 20-digit number, else `code-number`.
    var key: String { digital.isEmpty ? "\(code)-\(number)" : digital }
    /// A legacy (code + number) invoice.
    var isLegacy: Bool { digital.isEmpty }
    /// A red-letter invoice (negative total).
    var isRed: Bool { total < 0 }

    /// `HH:mm:ss`.
    var timeText: String {
        let hour = secondOfDay / 3600, minute = secondOfDay / 60 % 60, second = secondOfDay % 60
        return "\(TaxID.twoDigits(hour)):\(TaxID.twoDigits(minute)):\(TaxID.twoDigits(second))"
    }

    /// Sets amount, tax and total from an amount and the rate (tax rounded half-up, away from exact halves).
    mutating func setMoney(amount newAmount: Int64, drift: Int64 = 0) {
        amount = MoneyText.avoidingTie(newAmount, percent: rate.percentValue)
        tax = MoneyText.tax(amount: amount, rate: rate) + drift
        total = amount + tax
    }

    /// The remark a red-letter invoice carries to name the blue invoice it reverses.
    var reversalRemark: String {
        digital.isEmpty ? "对应正数发票代码:\(code)号码:\(number)" : "被红冲蓝字数电票号码：\(digital)"
    }
}

/// A place in the chain's number ranges: each branch owns its codes and its block of 20-digit numbers.
struct InvoiceNumbering {
    /// The branch's position (0-based), part of its codes and digital numbers.
    let branchIndex: Int
    private var legacySerials: [InvoiceType: Int] = [:]
    private var digitalSerial: Int

    init(branchIndex: Int, random: inout SampleRandom) {
        self.branchIndex = branchIndex
        digitalSerial = random.int(in: 1...400_000_000)
        for type in [InvoiceType.vatEGeneral, .vatGeneral, .vatSpecial] {
            legacySerials[type] = random.int(in: 100_000...3_000_000)
        }
    }

    /// The code of a legacy type: 12 digits (`0` + region `1100` + year `25` + batch + branch), or 10 for
    /// special invoices.
    func code(for type: InvoiceType) -> String {
        let branch = String(10_000 + branchIndex % 10_000).dropFirst()
        switch type {
        case .vatSpecial: return "110025" + branch
        case .vatGeneral: return "01100252" + branch
        default: return "01100251" + branch
        }
    }

    /// The next legacy number of a type, 8 digits with leading zeros.
    mutating func nextNumber(for type: InvoiceType) -> String {
        let serial = (legacySerials[type] ?? 1) + 1
        legacySerials[type] = serial
        return String(String(100_000_000 + serial).dropFirst())
    }

    /// The next 20-digit number: year, region 11, channel 2, then the branch and a serial (15 digits).
    mutating func nextDigital(year: Int = 25) -> String {
        digitalSerial += 1
        let branch = String(100_000 + branchIndex % 100_000).dropFirst()
        let serial = String(10_000_000_000 + digitalSerial).dropFirst()
        return "\(year)112" + branch + serial
    }
}
