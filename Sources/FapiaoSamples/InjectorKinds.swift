import FapiaoCore

/// The plantings, one function per family of injection. Each writes the rows and adds to the ledger
/// exactly what DESIGN.md's "counted" column and docs/contract-notes.md make a correct run report.
extension Injector {
    /// Missing on one side, or rejected at the branch (so missing in the branches too).
    mutating func plantMissing(_ kind: InjectionKind, _ facts: InvoiceFacts, ledger: inout TruthLedger) -> Emissions {
        var row = dialect.render(facts)
        switch kind {
        case .missingInAuthority:
            ledger.read(source)
            ledger.canonical()
            ledger.report(.missingInAuthority, source: source)
            return Emissions(branchRows: [row])
        case .missingInBranches:
            ledger.missingInBranches()
            return Emissions(authorityRows: [facts])
        case .rejectMissingNumber:
            row[.number] = ""
            row[.digital] = ""
        case .rejectMissingAmount: row[.amount] = ""
        case .rejectBadDate: row[.date] = dialect.unreadableDate
        default: row.keptColumns = 4
        }
        ledger.read(source)
        ledger.report(.invalidRecord, source: source)
        ledger.missingInBranches()
        return Emissions(branchRows: [row], authorityRows: [facts])
    }

    /// The authority's record differs from the branch's in one field (amount and total: two).
    mutating func plantMismatch(_ kind: InjectionKind, _ facts: InvoiceFacts, ledger: inout TruthLedger) -> Emissions {
        var branchFacts = facts, authority = facts
        var fields = 1
        switch kind {
        case .mismatchAmountTotal:
            let delta = Int64(100 * factory.random.int(in: 1...50))
            authority.amount += delta
            authority.total += delta
            fields = 2
        case .mismatchBuyerTaxID: authority.buyerID = factory.otherCompany(than: facts.buyerID).taxID
        case .mismatchBuyerName: authority.buyerName = BuyerPool.misspelled(facts.buyerName)
        case .mismatchIssueDate:
            branchFacts.secondOfDay = 60 + factory.random.below(540)
            authority.date = facts.date.adding(days: -1)
            authority.secondOfDay = 86_340 + factory.random.below(59)
        default: authority.status = .voided
        }
        ledger.matched(source)
        ledger.report(.fieldMismatch, source: source, count: fields)
        return Emissions(branchRows: [dialect.render(branchFacts)], authorityRows: [authority])
    }

    /// A blue invoice and a red one reversing it, on both sides; partly reversed is a status mismatch.
    mutating func plantReversal(_ kind: InjectionKind, _ blue: InvoiceFacts, ledger: inout TruthLedger) -> Emissions {
        let red = factory.red(reversing: blue, percent: kind == .partialRedReversal ? 30 : 100)
        var branchBlue = blue, authorityBlue = blue
        switch kind {
        case .partialRedReversal:
            authorityBlue.status = .redReversedPartial
            ledger.report(.fieldMismatch, source: source)
        case .trapRedFull: authorityBlue.status = .redReversedFull
        default:
            branchBlue.status = .redReversedFull
            authorityBlue.status = .redReversedFull
        }
        ledger.matched(source)
        ledger.matched(source)
        return Emissions(branchRows: [dialect.render(branchBlue), dialect.render(red)],
                         authorityRows: [authorityBlue, red])
    }

    /// A key seen twice in one source (identical or conflicting), twice in the authority, or in two branches.
    mutating func plantDuplicate(_ kind: InjectionKind, _ facts: InvoiceFacts, ledger: inout TruthLedger) -> Emissions {
        let row = dialect.render(facts)
        var emissions = Emissions(branchRows: [row], authorityRows: [facts])
        ledger.matched(source)
        switch kind {
        case .duplicateIdentical:
            emissions.branchRows.append(row)
            ledger.read(source)
            ledger.report(.duplicateInSource, source: source)
        case .duplicateConflicting:
            var other = facts
            other.setMoney(amount: facts.amount + Int64(100 * factory.random.int(in: 1...20)))
            emissions.branchRows.append(dialect.render(other))
            ledger.read(source)
            ledger.report(.duplicateInSource, source: source)
        case .duplicateInAuthority:
            emissions.authorityRows.append(facts)
            ledger.read(Injector.authority)
            ledger.report(.duplicateInSource, source: Injector.authority)
        default:
            guard let next = nextBranch else { break }
            emissions.foreignRows.append(facts)
            ledger.read(next)
            ledger.report(.duplicateAcrossBranches, source: next)
        }
        return emissions
    }

    /// A kept value a person should check; when the authority holds the same value it is flagged there too.
    mutating func plantSuspicious(_ kind: InjectionKind, _ original: InvoiceFacts, ledger: inout TruthLedger) -> Emissions {
        var facts = original
        var alsoAuthority = true
        switch kind {
        case .suspiciousBuyerChecksum: facts.buyerID = TaxID.breakingChecksum(of: facts.buyerID)
        case .suspiciousTotal: facts.total += 100
        case .suspiciousTax:
            facts.tax += Int64(200 + factory.random.below(300))
            facts.total = facts.amount + facts.tax
            alsoAuthority = false
        case .suspiciousYear: facts.digital = factory.digitalNumber(year: facts.date.year % 100 - 1)
        default: alsoAuthority = false
        }
        var row = dialect.render(facts)
        if kind == .suspiciousDecimals { row[.amount] = MoneyText.threeDecimals(facts.amount) }
        ledger.matched(source)
        ledger.report(.suspiciousField, source: source)
        if alsoAuthority { ledger.report(.suspiciousField, source: Injector.authority) }
        return Emissions(branchRows: [row], authorityRows: [facts])
    }

    /// Text traps: undecodable bytes, a repairable mojibake name, voided on both sides, bracket widths.
    mutating func plantText(_ kind: InjectionKind, _ original: InvoiceFacts, ledger: inout TruthLedger) throws -> Emissions {
        var facts = original
        if kind == .trapVoidedBothSides { facts.status = .voided }
        var row = dialect.render(facts)
        var authority = facts
        switch kind {
        case .encodingInvalidBytes:
            let name = Array(facts.buyerName)
            var gb = TextEncoder(usesGB18030: true)
            row.rawBuyerName = try gb.bytes(String(name.prefix(2))) + [0xFF] + gb.bytes(String(name.dropFirst(2)))
            ledger.report(.encodingError, source: source)
        case .encodingMojibake:
            var gb = TextEncoder(usesGB18030: true)
            row[.buyerName] = String(try gb.bytes(facts.buyerName).map { Character(Unicode.Scalar($0)) })
            ledger.report(.encodingError, source: source)
        case .trapBrackets: authority.buyerName = BuyerPool.halfWidthBrackets(facts.buyerName)
        default: break
        }
        ledger.matched(source)
        return Emissions(branchRows: [row], authorityRows: [authority])
    }
}
