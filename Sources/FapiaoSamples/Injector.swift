import FapiaoCore

/// The rows one invoice (or a blue–red pair) leaves behind: in the branch's file, in the authority's
/// export, and copied into another branch's file.
struct Emissions {
    var branchRows: [RowText] = []
    var authorityRows: [InvoiceFacts] = []
    var foreignRows: [InvoiceFacts] = []
}

/// Plants injections on one branch's invoices and records in the ledger what a correct run reports.
struct Injector {
    static let authority = ChainPlan.authoritySource
    let branch: Branch
    /// The next branch in pipeline order, which receives a duplicate across branches.
    let nextBranch: String?
    var factory: InvoiceFactory
    var dialect: ExportDialect { branch.dialect }
    var source: String { branch.name }

    /// An ordinary invoice, matched on both sides, perhaps written with a harmless trap of its dialect.
    mutating func ordinary(index: Int, count: Int, ledger: inout TruthLedger) -> Emissions {
        var facts = factory.make(index: index, count: count)
        if factory.random.chance(8) { facts.remark = trickyRemark(serial: index) }
        var row = dialect.render(facts)
        if dialect == .posV3 && factory.random.chance(5) {
            for slot in [Slot.amount, .tax, .total] { row[slot] = MoneyText.fullWidth(moneyValue(facts, slot)) }
        } else if dialect.isUTF8CSV && factory.random.chance(6) {
            row[.buyerName] = BuyerPool.withStraySpaces(row[.buyerName])
            row[.amount] = " " + row[.amount]
            row[.number] += " "
        }
        ledger.matched(source)
        return Emissions(branchRows: [row], authorityRows: [facts])
    }

    /// An invoice that went only into a file that fails (or no file at all): the authority has it, no branch
    /// record does. With `breaksXML`, its remark holds a bare `&`, which makes the whole XML file malformed.
    mutating func lost(index: Int, count: Int, breaksXML: Bool, ledger: inout TruthLedger) -> Emissions {
        var facts = factory.make(index: index, count: count)
        if breaksXML { facts.remark = "会员A&B联名卡" }
        var row = dialect.render(facts)
        row.unescaped = breaksXML
        ledger.missingInBranches()
        return Emissions(branchRows: [row], authorityRows: [facts])
    }

    /// Plants `kind` on the invoice at `index` (and the next one, for a pair).
    mutating func plant(_ kind: InjectionKind, index: Int, count: Int, ledger: inout TruthLedger) throws -> Emissions {
        ledger.planted(kind)
        let facts = factory.make(index: index, count: count, needs: kind.needs)
        switch kind {
        case .missingInAuthority, .missingInBranches, .rejectMissingNumber, .rejectMissingAmount, .rejectBadDate,
             .rejectRaggedRow:
            return plantMissing(kind, facts, ledger: &ledger)
        case .mismatchAmountTotal, .mismatchBuyerTaxID, .mismatchBuyerName, .mismatchIssueDate, .mismatchVoided:
            return plantMismatch(kind, facts, ledger: &ledger)
        case .partialRedReversal, .trapRedFull, .trapRedFullBothSides:
            return plantReversal(kind, facts, ledger: &ledger)
        case .duplicateIdentical, .duplicateConflicting, .duplicateInAuthority, .duplicateAcrossBranches:
            return plantDuplicate(kind, facts, ledger: &ledger)
        case .suspiciousBuyerChecksum, .suspiciousTotal, .suspiciousTax, .suspiciousYear, .suspiciousDecimals:
            return plantSuspicious(kind, facts, ledger: &ledger)
        case .encodingInvalidBytes, .encodingMojibake, .trapVoidedBothSides, .trapBrackets:
            return try plantText(kind, facts, ledger: &ledger)
        }
    }

    /// A remark that needs quoting: the delimiter and a line break (XML: an ampersand and a line break).
    func trickyRemark(serial: Int) -> String {
        switch dialect {
        case .erpGB: return "配送;自提 订单\(10_000 + serial)\n月结客户"
        case .pinyinXML: return "会员A&B联名卡\n订单\(10_000 + serial)"
        default: return "送货地址：北京市朝阳区建国路88号, 3层\n订单号：PO\(20_250_417_000 + serial)"
        }
    }

    /// The fen value shown in a money slot.
    func moneyValue(_ facts: InvoiceFacts, _ slot: Slot) -> Int64 {
        slot == .amount ? facts.amount : slot == .tax ? facts.tax : facts.total
    }
}

extension InjectionKind {
    /// What the invoice an injection is planted on must be like.
    var needs: InvoiceNeeds {
        switch self {
        case .mismatchBuyerTaxID, .mismatchBuyerName, .suspiciousBuyerChecksum, .encodingInvalidBytes,
             .encodingMojibake:
            return .company
        case .mismatchVoided, .trapVoidedBothSides: return .legacyPaper
        case .suspiciousTax: return .taxable
        case .suspiciousYear: return .digital
        case .trapBrackets: return .bracketCompany
        default: return []
        }
    }
}

extension TruthLedger {
    /// An invoice in a branch file and in the authority's export, both kept and matched: one canonical row.
    mutating func matched(_ source: String) {
        read(source)
        read(ChainPlan.authoritySource)
        canonical()
    }

    /// An authority invoice no kept branch record has: one canonical row and one `missing_in_branches`.
    mutating func missingInBranches() {
        read(ChainPlan.authoritySource)
        canonical()
        report(.missingInBranches, source: ChainPlan.authoritySource)
    }
}
