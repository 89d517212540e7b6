import Testing
import FapiaoCore
@testable import FapiaoTransform

/// Validation order, reject reasons and the suspicious-field checks, with exact outcomes.
@Suite struct ValidationTests {
    @Test func identityIsCheckedBeforeRequiredFields() throws {
        let outcome = try Fixtures.normalize([.invoiceCode: "", .invoiceNumber: "", .amount: ""])
        #expect(outcome.rejection == Rejection(reason: .missingKey, field: .invoiceKey, key: ""))
    }

    @Test func requiredFieldsFollowTheSourceList() throws {
        let source = Fixtures.source(required: [.invoiceKey, .buyerName, .issueDate, .amount, .total])
        let outcome = try Fixtures.normalize([.buyerName: " -- ", .amount: "x"], source: source)
        #expect(outcome.rejection == Rejection(reason: .missingRequired, field: .buyerName, key: "011002300111-00461160"))
    }

    @Test func fieldFormatsRejectInCanonicalOrder() throws {
        #expect(try Fixtures.normalize([.issueDate: "2025-02-30", .amount: "x"]).rejection?.reason == .badDate)
        #expect(try Fixtures.normalize([.amount: "x", .total: "y"]).rejection?.reason == .badAmount)
        #expect(try Fixtures.normalize([.tax: "13%"]).rejection == Rejection(
            reason: .badTax, field: .tax, key: "011002300111-00461160"))
        #expect(try Fixtures.normalize([.total: "1,13"]).rejection?.reason == .badTotal)
        #expect(try Fixtures.normalize([.tax: ""]).kept?.invoice.tax == nil)
    }

    @Test func emptyRequiredDateIsMissingNotBad() throws {
        let outcome = try Fixtures.normalize([.issueDate: "--"])
        #expect(outcome.rejection == Rejection(reason: .missingRequired, field: .issueDate, key: "011002300111-00461160"))
    }

    static func suspicious(_ values: [CanonicalField: String]) throws -> [SuspiciousValue] {
        let record = try #require(Fixtures.normalize(values).kept)
        return SuspiciousChecks(taxToleranceFen: 127).check(record)
    }

    @Test func taxpayerIDMessagesNameTheProblem() throws {
        let found = try Self.suspicious([.sellerTaxID: "000000000000000000", .buyerTaxID: "1234"])
        #expect(found.map(\.field) == [.sellerTaxID, .buyerTaxID])
        #expect(found.map(\.messageZh) == ["销方税号全零占位值：000000000000000000", "购方税号格式不符：1234"])
        #expect(found[1].messageEn == "buyer_tax_id 1234 is not a recognized taxpayer ID form")
        #expect(try Self.suspicious([.sellerTaxID: "", .buyerTaxID: ""]).isEmpty)
    }

    @Test func checksOnOneFieldShareARow() throws {
        let found = try Self.suspicious([.tax: "100.005", .total: "1100.01"])
        #expect(found.map(\.field) == [.tax])
        #expect(found[0].messageZh == "税额超过两位小数，已按四舍五入保留到分；税额 100.01 与金额×税率（130.00）相差 29.99，超过容差")
    }

    @Test func digitalNumberYearMustMatchIssueYear() throws {
        let base: [CanonicalField: String] = [.invoiceCode: "", .invoiceNumber: ""]
        let bad = try Self.suspicious(base.merging([.digitalNumber: "24112000000000000001"]) { $1 })
        #expect(bad.map(\.field) == [.digitalNumber])
        #expect(bad[0].messageZh == "数电发票号码年份（24）与开票日期 2025-04-17 不符")
        #expect(try Self.suspicious(base.merging([.digitalNumber: "25112000000000000001"]) { $1 }).isEmpty)
    }

    @Test func expectedTaxRoundsHalfAwayFromZeroInIntegers() {
        #expect(SuspiciousChecks.expectedTax(amount: Fen(50), rate: .percent(13)) == Fen(7))
        #expect(SuspiciousChecks.expectedTax(amount: Fen(-50), rate: .percent(13)) == Fen(-7))
        #expect(SuspiciousChecks.expectedTax(amount: Fen(38), rate: .percent(13)) == Fen(5))
        #expect(SuspiciousChecks.expectedTax(amount: Fen(100), rate: .exempt) == Fen(0))
        #expect(SuspiciousChecks.expectedTax(amount: Fen(Int64.max), rate: .percent(13)) == nil)
    }

    @Test func toleranceComesFromThePipeline() throws {
        let record = try #require(Fixtures.normalize([.tax: "130.50", .total: "1130.50"]).kept)
        #expect(SuspiciousChecks(taxToleranceFen: 127).check(record).isEmpty)
        #expect(SuspiciousChecks(taxToleranceFen: 6).check(record).map(\.field) == [.tax])
    }

    @Test func authorityRecordsHaveNoBranchUntilAttributed() throws {
        let outcome = try Fixtures.normalize([:], source: Fixtures.source(name: "tax-bureau", role: .authority))
        #expect(outcome.kept?.invoice.branch == "")
        #expect(try Fixtures.normalize([:]).kept?.invoice.branch == "chaoyang")
    }

    @Test func statusMapAndRedLinksReachTheInvoice() throws {
        let source = Fixtures.source(statusMap: ["2": .redReversedFull])
        let record = try #require(Fixtures.normalize(
            [.status: "２", .remark: "对应正数发票代码：011002300111号码：00461159", .total: "-1130.00",
             .amount: "-1000.00", .tax: "-130.00"], source: source).kept)
        #expect(record.invoice.status == .redReversedFull)
        #expect(record.invoice.originalInvoiceKey == "011002300111-00461159")
        #expect(record.invoice.isRed)
        let mapped = try #require(Fixtures.normalize([.originalInvoiceKey: "11002300111-461159", .remark: "x"]).kept)
        #expect(mapped.invoice.originalInvoiceKey == "011002300111-00461159")
    }
}
