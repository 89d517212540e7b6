import FapiaoCore

/// What an injection needs of the invoice it is planted on.
struct InvoiceNeeds: OptionSet {
    let rawValue: Int
    /// A legacy paper invoice (the only kind that can be voided).
    static let legacyPaper = InvoiceNeeds(rawValue: 1)
    /// A fully digital invoice (a 20-digit number).
    static let digital = InvoiceNeeds(rawValue: 2)
    /// A company buyer with a USCC and a plain Chinese name.
    static let company = InvoiceNeeds(rawValue: 4)
    /// A company buyer whose name has full-width brackets.
    static let bracketCompany = InvoiceNeeds(rawValue: 8)
    /// The 13% rate and an amount of at least 100 yuan.
    static let taxable = InvoiceNeeds(rawValue: 16)
}

/// Draws one branch's invoices: identities, buyers, realistic amounts and rates, times through the day.
struct InvoiceFactory {
    private static let clerks = ["李明", "王静", "张丽", "赵强", "刘敏", "陈晨", "杨光", "周琪"]
    private static let remarks = [
        "会员积分抵扣", "门店自提", "团购订单", "线上订单", "企业月结客户", "含配送服务费", "礼品卡购物", "节日促销",
    ]
    let branch: Branch
    let date: IssueDate
    private let buyers: BuyerPool
    private(set) var numbering: InvoiceNumbering
    var random: SampleRandom

    init(branch: Branch, date: IssueDate, buyers: BuyerPool, seed: UInt64) {
        self.branch = branch
        self.date = date
        self.buyers = buyers
        random = SampleRandom(seed: seed, stream: UInt64(branch.index) + 1)
        numbering = InvoiceNumbering(branchIndex: branch.index, random: &random)
    }

    /// The invoice at position `index` of `count` issued tonight, meeting `needs`.
    mutating func make(index: Int, count: Int, needs: InvoiceNeeds = []) -> InvoiceFacts {
        var facts = InvoiceFacts(date: date)
        facts.type = type(needs)
        assignIdentity(&facts)
        let step = max(50_400 / max(count, 1), 1)
        facts.secondOfDay = 28_800 + (index * 50_400) / max(count, 1) + random.below(step)
        facts.sellerID = branch.sellerID
        facts.sellerName = branch.sellerName
        let buyer = self.buyer(needs, type: facts.type)
        facts.buyerID = buyer.taxID
        facts.buyerName = buyer.name
        facts.rate = needs.contains(.taxable) ? .percent(13) : rate()
        let drift: Int64 = facts.rate == .percent(13) && random.chance(15) ? Int64(random.int(in: -4...4)) : 0
        facts.setMoney(amount: amount(large: needs.contains(.taxable)), drift: drift)
        facts.remark = random.chance(30) ? random.pick(InvoiceFactory.remarks) : ""
        facts.clerk = random.pick(InvoiceFactory.clerks)
        return facts
    }

    /// A red-letter invoice reversing `blue` in full or by `percent` of its amount, issued a little later.
    mutating func red(reversing blue: InvoiceFacts, percent: Int = 100) -> InvoiceFacts {
        var red = blue
        if blue.isLegacy { red.number = numbering.nextNumber(for: blue.type) } else { red.digital = numbering.nextDigital() }
        red.secondOfDay = min(blue.secondOfDay + 300 + random.below(1200), 86_399)
        red.status = .normal
        if percent >= 100 {
            (red.amount, red.tax, red.total) = (-blue.amount, -blue.tax, -blue.total)
        } else {
            red.setMoney(amount: -max(blue.amount * Int64(percent) / 100, 1))
        }
        red.remark = blue.reversalRemark
        return red
    }

    /// A fresh 20-digit number whose year digits are `year` (for the wrong-year injection).
    mutating func digitalNumber(year: Int) -> String { numbering.nextDigital(year: year) }

    /// Another company than `buyerID`'s, for a buyer-ID mismatch.
    mutating func otherCompany(than buyerID: String) -> Buyer {
        var other = buyers.company(&random)
        while other.taxID == buyerID { other = buyers.company(&random) }
        return other
    }

    private mutating func type(_ needs: InvoiceNeeds) -> InvoiceType {
        if needs.contains(.legacyPaper) { return random.chance(70) ? .vatGeneral : .vatSpecial }
        if needs.contains(.digital) { return random.chance(85) ? .digitalGeneral : .digitalSpecial }
        let types: [InvoiceType] = [.digitalGeneral, .digitalSpecial, .vatEGeneral, .vatGeneral, .vatSpecial]
        return types[random.weighted([50, 8, 24, 12, 6])]
    }

    private mutating func assignIdentity(_ facts: inout InvoiceFacts) {
        switch facts.type {
        case .digitalGeneral, .digitalSpecial: facts.digital = numbering.nextDigital()
        default:
            facts.code = numbering.code(for: facts.type)
            facts.number = numbering.nextNumber(for: facts.type)
        }
    }

    private mutating func buyer(_ needs: InvoiceNeeds, type: InvoiceType) -> Buyer {
        if needs.contains(.bracketCompany) { return buyers.bracketCompany(&random) }
        if needs.contains(.company) || type == .vatSpecial || type == .digitalSpecial { return buyers.company(&random) }
        return buyers.any(&random)
    }

    private mutating func rate() -> TaxRate {
        let rates: [TaxRate] = [.percent(13), .percent(9), .percent(6), .percent(0), .exempt]
        return rates[random.weighted([62, 12, 12, 6, 8])]
    }

    /// Fen, roughly log-uniform from 5 yuan to 50,000 yuan (integer draws only); at least 100 yuan when `large`.
    private mutating func amount(large: Bool) -> Int64 {
        let decade = large ? random.int(in: 2...3) : random.weighted([35, 35, 20, 10])
        var low: Int64 = 500
        for _ in 0..<decade { low *= 10 }
        return low + Int64(random.below(Int(low * 9)))
    }
}
