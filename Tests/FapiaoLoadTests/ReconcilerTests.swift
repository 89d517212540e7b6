import XCTest
import FapiaoCore
@testable import FapiaoLoad

final class ReconcilerTests: XCTestCase {
    private let blue = "25112000000000000001"
    private let other = "25112000000000000002"

    private func rows(_ result: Reconciliation) -> [Discrepancy] {
        sortForReport(result.findings).map(\.row)
    }

    func testMissingInAuthorityCarriesTheBranchAndTheTotal() throws {
        let result = try reconcile(NightFixture(branch: [invoice(blue, line: 7, total: "-4810.00")], authority: []))
        let row = try XCTUnwrap(rows(result).first)
        XCTAssertEqual(rows(result).count, 1)
        XCTAssertEqual([row.type.rawValue, row.severity.rawValue, row.branch, row.source, row.invoiceKey, row.field],
                       ["missing_in_authority", "high", "chaoyang", "chaoyang", blue, ""])
        XCTAssertEqual(row.branchValue, "-4810.00")
        XCTAssertEqual(row.file, "exports/chaoyang/2025-04-17/pos.csv")
        XCTAssertEqual(row.line, 7)
        XCTAssertEqual(result.findings.first?.stakeFen, 481_000)
        XCTAssertEqual(result.repairs.map(\.type), [.missingInAuthority])
        XCTAssertEqual(result.canonical.count, 1)
    }

    func testMissingInBranchesIsAttributedBySellerTaxID() throws {
        let authority = invoice(other, source: "tax-bureau", line: 3, seller: Chain.haidianSeller)
        let haidian = invoice(blue, source: "haidian")
        let twin = invoice(blue, source: "tax-bureau", line: 2, seller: Chain.haidianSeller)
        let result = try reconcile(NightFixture(branch: [haidian], authority: [twin, authority]))
        XCTAssertEqual(rows(result).count, 1)
        let row = try XCTUnwrap(rows(result).first)
        XCTAssertEqual([row.type.rawValue, row.branch, row.source, row.invoiceKey, row.authorityValue],
                       ["missing_in_branches", "haidian", "tax-bureau", other, "113.00"])
        XCTAssertEqual(row.messageEn, "In the tax authority's record but in no branch export (total 113.00); expected from branch haidian")
        XCTAssertEqual(result.authorityOnly, 1)
        XCTAssertEqual(result.canonical.count, 2)
        var branches: [String] = []
        try result.canonical.forEachRow { branches.append($0.string(CanonicalField.branch.order)) }
        XCTAssertEqual(branches, ["haidian", "haidian"], "the authority-only row gets its attributed branch")
    }

    func testConstantSellerTaxIDWinsOverRecordsForAttribution() {
        let attribution = BranchAttribution(spec: Chain.spec, sellerSources: [Chain.chaoyangSeller: ["haidian"]])
        XCTAssertEqual(attribution.branch(for: invoice(other, source: "tax-bureau", branch: "")), "chaoyang")
        let unknown = invoice(other, source: "tax-bureau", seller: "91110000600037341L", branch: "")
        XCTAssertEqual(attribution.branch(for: unknown), "")
    }

    func testFieldMismatchesOnePerFieldWithBothValues() throws {
        let mine = invoice(blue, total: "113.00", amount: "100.00", tax: "13.00", buyerID: "91350200776049653A",
                           buyerName: "北京（朝阳）商贸 有限公司")
        let theirs = invoice(blue, source: "tax-bureau", total: "114.00", amount: "101.00", tax: "13.00",
                             date: "2025-04-16", buyerID: "913502000728319549", buyerName: "北京(朝阳)商贸有限公司")
        let found = rows(try reconcile(NightFixture(branch: [mine], authority: [theirs])))
        XCTAssertEqual(found.map(\.field), ["amount", "total", "buyer_tax_id", "issue_date"])
        XCTAssertEqual(found.map(\.severity), [.high, .high, .medium, .medium])
        XCTAssertEqual(found.map(\.branchValue), ["100.00", "113.00", "91350200776049653A", "2025-04-17"])
        XCTAssertEqual(found.map(\.authorityValue), ["101.00", "114.00", "913502000728319549", "2025-04-16"])
        XCTAssertEqual(found[0].messageZh, "金额不一致：门店为 100.00，税务系统为 101.00")
    }

    func testMoneyMismatchStakesTheInvoiceOnceAndRepairsItOnce() throws {
        let mine = invoice(blue, total: "113.00", amount: "100.00", tax: "13.00")
        let theirs = invoice(blue, source: "tax-bureau", total: "114.00", amount: "101.00", tax: "13.00")
        let result = try reconcile(NightFixture(branch: [mine], authority: [theirs]))
        XCTAssertEqual(result.findings.map(\.stakeFen).reduce(0, +), 11_300)
        XCTAssertEqual(result.repairs.count, 1)
        XCTAssertEqual(result.repairs.first?.fields, [.amount, .total])
    }

    func testFieldsEmptyOnOneSideAreNotCompared() throws {
        let mine = invoice(blue, buyerID: "", buyerName: "某某")
        let theirs = invoice(blue, source: "tax-bureau", buyerID: "91350200776049653A", buyerName: "")
        XCTAssertEqual(rows(try reconcile(NightFixture(branch: [mine], authority: [theirs]))), [])
    }

    func testAFieldLostToAnEncodingErrorIsNotCompared() throws {
        let mine = invoice(blue, line: 9, buyerName: "锟斤拷")
        let theirs = invoice(blue, source: "tax-bureau", buyerName: "北京商贸")
        let lost = Discrepancy(type: .encodingError, severity: .medium, branch: "chaoyang", source: "chaoyang",
                               invoiceKey: blue, field: "buyer_name", file: mine.origin.file, line: 9,
                               messageZh: "编码错误", messageEn: "encoding error")
        XCTAssertEqual(rows(try reconcile(NightFixture(branch: [mine], authority: [theirs], extractFindings: [lost]))), [])
    }

    func testEitherIdentityMatchesADigitalPlatformPaperInvoice() throws {
        var mine = invoice("011002300111-00461160")
        var theirs = invoice(blue, source: "tax-bureau")
        theirs.identity = InvoiceIdentity(code: "011002300111", number: "00461160", digitalNumber: blue)
        XCTAssertEqual(rows(try reconcile(NightFixture(branch: [mine], authority: [theirs]))), [])
        mine.identity = InvoiceIdentity(digitalNumber: blue)
        XCTAssertEqual(rows(try reconcile(NightFixture(branch: [mine], authority: [theirs]))), [])
    }

    func testVoidedOnBothSidesIsConsistentAndOneSideIsAHighStatusMismatch() throws {
        let voided = invoice(blue, status: .voided)
        let authorityVoided = invoice(blue, source: "tax-bureau", status: .voided)
        XCTAssertEqual(rows(try reconcile(NightFixture(branch: [voided], authority: [authorityVoided]))), [])
        let found = rows(try reconcile(NightFixture(branch: [invoice(blue)], authority: [authorityVoided])))
        XCTAssertEqual(found.map(\.field), ["status"])
        XCTAssertEqual(found.map(\.severity), [.high])
        XCTAssertEqual([found[0].branchValue, found[0].authorityValue], ["normal", "voided"])
    }

    func testPartialReversalIsAMediumStatusMismatchNamingTheRemainingAmount() throws {
        let mine = invoice(blue, total: "1130.00")
        let theirs = invoice(blue, source: "tax-bureau", total: "1130.00", status: .redReversedPartial)
        let red = invoice(other, source: "tax-bureau", line: 3, total: "-339.00", isRed: true, original: blue)
        let result = try reconcile(NightFixture(branch: [mine], authority: [theirs, red]))
        let status = try XCTUnwrap(rows(result).first { $0.type == .fieldMismatch })
        XCTAssertEqual(status.severity, .medium)
        XCTAssertEqual(status.messageEn, "Partially reversed at the authority, remaining amount 791.00; the branch shows it as normal")
        XCTAssertEqual(status.messageZh, "税务系统显示部分红冲，剩余金额 791.00；门店记录为正常")
    }

    func testFullReversalRecordedAtTheBranchIsConsistent() throws {
        let mine = invoice(blue, total: "1130.00")
        let branchRed = invoice(other, line: 5, total: "-1130.00", isRed: true, original: blue)
        let theirs = invoice(blue, source: "tax-bureau", total: "1130.00", status: .redReversedFull)
        let authorityRed = invoice(other, source: "tax-bureau", line: 3, total: "-1130.00", isRed: true, original: blue)
        let consistent = try reconcile(NightFixture(branch: [branchRed, mine], authority: [theirs, authorityRed]))
        XCTAssertEqual(rows(consistent), [])
        let withoutRed = try reconcile(NightFixture(branch: [mine], authority: [theirs, authorityRed]))
        XCTAssertEqual(rows(withoutRed).map(\.type), [.fieldMismatch, .missingInBranches])
        XCTAssertEqual(rows(withoutRed).first?.severity, .high)
    }
}

/// Matching the branch file, and reading the unmatched authority rows, in two halves (one per core) gives
/// exactly what one pass gives.
final class SplitMatchingTests: XCTestCase {
    func testTwoHalvesEqualOnePass() throws {
        var branch: [Invoice] = [], authority: [Invoice] = []
        for number in 1...40 {
            let key = String(format: "251120000000000000%02d", number)
            if number % 5 != 0 { branch.append(invoice(key, line: number + 1, total: number % 7 == 0 ? "200.00" : "113.00")) }
            if number % 6 != 0 || number > 30 { authority.append(invoice(key, source: "tax-bureau", line: number + 1,
                                                          status: number % 9 == 0 ? .redReversedFull : .normal)) }
        }
        let night = NightFixture(branch: branch, authority: authority)
        let onePass = try reconcile(night)
        try assertSame(try reconcile(night, splitBytes: 1), onePass)
        for row in [1, 2, 17, 32] {  // matching from row `row` on during the first pass, the rows before on a thread
            try assertSame(try reconcile(night, splitBytes: 1, matchEarlyAtRow: row), onePass)
        }
    }

    private func assertSame(_ halves: Reconciliation, _ onePass: Reconciliation) throws {
        XCTAssertFalse(onePass.findings.isEmpty)
        XCTAssertEqual(halves.findings, onePass.findings, "same rows in the same order")
        XCTAssertEqual(halves.repairs.map(\.invoice), onePass.repairs.map(\.invoice))
        XCTAssertEqual(halves.repairs.map(\.fields), onePass.repairs.map(\.fields))
        XCTAssertEqual(halves.repairPositions, onePass.repairPositions)
        XCTAssertEqual(halves.authorityOnly, onePass.authorityOnly)
        XCTAssertGreaterThan(onePass.authorityOnly, 3)
        var a: [[String]] = [], b: [[String]] = []
        try onePass.canonical.forEachRow { a.append($0.strings) }
        try halves.canonical.forEachRow { b.append($0.strings) }
        XCTAssertEqual(a, b)
    }
}
