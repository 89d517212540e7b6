import XCTest
import FapiaoCore
@testable import FapiaoLoad

final class MissingCauseTests: XCTestCase {
    private let key = "011002300111-00461160"

    private func missingRow(_ night: NightFixture) throws -> Discrepancy {
        let rows = try reconcile(night).findings.map(\.row).filter { $0.type == .missingInBranches }
        XCTAssertEqual(rows.count, 1)
        return try XCTUnwrap(rows.first)
    }

    func testRejectedBranchRowIsNamedFromItsRawIdentity() throws {
        let raw = "invoice_code=11002300111 | invoice_number=461160 | amount=abc | total=113.00"
        let night = NightFixture(authority: [invoice(key, source: "tax-bureau")],
                                 rejects: [["chaoyang", "exports/chaoyang/2025-04-17/pos.csv", "14", "bad_amount", "amount", raw]])
        let row = try missingRow(night)
        XCTAssertEqual(row.branch, "chaoyang")
        XCTAssertEqual(row.messageEn, "In the tax authority's record but in no branch export (total 113.00); "
                       + "rejected at the branch: bad_amount (amount) (exports/chaoyang/2025-04-17/pos.csv:14)")
        XCTAssertTrue(row.messageZh.hasSuffix("；门店记录被拒：金额无法识别（chaoyang exports/chaoyang/2025-04-17/pos.csv 第 14 行）"))
    }

    func testRejectedAuthorityRowsAreNotACause() throws {
        let night = NightFixture(authority: [invoice(key, source: "tax-bureau")],
                                 rejects: [["tax-bureau", "a.csv", "3", "bad_date", "issue_date", "invoice_code=011002300111 | invoice_number=00461160"]])
        XCTAssertFalse(try missingRow(night).messageEn.contains("rejected"))
    }

    func testFailedFileOfTheAttributedBranchIsNamed() throws {
        let failed = Discrepancy(type: .fileError, severity: .high, branch: "haidian", source: "haidian",
                                 file: "exports/haidian/2025-04-17/b.xml", messageZh: "文件错误", messageEn: "bad xml",
                                 fileSHA256: "ab")
        let night = NightFixture(authority: [invoice(key, source: "tax-bureau", seller: Chain.haidianSeller, branch: "haidian")],
                                 extractFindings: [failed])
        XCTAssertTrue(try missingRow(night).messageEn.hasSuffix("; the branch's file exports/haidian/2025-04-17/b.xml failed"))
    }

    func testMissingSourceOfTheAttributedBranchIsNamed() throws {
        let missing = Discrepancy(type: .missingSource, severity: .high, branch: "chaoyang", source: "chaoyang",
                                  file: "exports/chaoyang/2025-04-17/*.csv", messageZh: "无文件", messageEn: "no file")
        let night = NightFixture(authority: [invoice(key, source: "tax-bureau")], extractFindings: [missing])
        let row = try missingRow(night)
        XCTAssertTrue(row.messageEn.hasSuffix("; the branch chaoyang sent no file tonight"))
        XCTAssertEqual(row.action, "联系门店补传文件后重跑 / Ask the branch for its file, then re-run")
    }

    func testRawIdentityNormalization() {
        XCTAssertEqual(RejectIndex.identity(fromRaw: "invoice_number=２５１１２００００００００００００００１"),
                       InvoiceIdentity(digitalNumber: "25112000000000000001"))
        XCTAssertEqual(RejectIndex.identity(fromRaw: "invoice_code=123456789 | invoice_number=42 | digital_number=--"),
                       InvoiceIdentity(code: "0123456789", number: "00000042"))
    }
}
