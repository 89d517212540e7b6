import XCTest
import FapiaoCore
import FapiaoTestSupport
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
        XCTAssertEqual(RejectIndex.identity(fromRaw: "  invoice_number  =1 2 3 | invoice_number=9 | amount=a=b | "),
                       InvoiceIdentity(number: "00000123"), "names trimmed, the first pair of a name counts")
    }

    /// The byte-level reading of raw field lists gives what the `String` definition it replaced gives (pairs
    /// split on " | ", names trimmed of spaces, values after the first "="), on random lists.
    func testRawIdentityAgreesWithTheStringDefinition() {
        func reference(_ raw: String) -> InvoiceIdentity {
            var values: [String: String] = [:]
            for pair in raw.components(separatedBy: " | ") {
                guard let equals = pair.firstIndex(of: "=") else { continue }
                let name = String(pair[..<equals].drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
                if values[name] == nil { values[name] = String(pair[pair.index(after: equals)...]) }
            }
            var code = RejectIndex.digits(values["invoice_code"] ?? "")
            var number = RejectIndex.digits(values["invoice_number"] ?? "")
            var digital = RejectIndex.digits(values["digital_number"] ?? "")
            if number.count == 20 && digital.isEmpty { digital = number; number = "" }
            if (1...7).contains(number.count) { number = String(repeating: "0", count: 8 - number.count) + number }
            if code.count == 9 || code.count == 11 { code = "0" + code }
            return InvoiceIdentity(code: code, number: number, digitalNumber: digital.count == 20 ? digital : "")
        }
        let pieces = ["invoice_code", "invoice_number", "digital_number", "buyer_name", " ", "=", " | ", "|", "--",
                      "011002300111", "4611", "25112000000000000001", "１２３", "北京超市", "\u{3000}", "a=b", "9"]
        var generator = SplitMix64(seed: 11)
        for _ in 0..<3_000 {
            let raw = (0..<generator.below(12)).map { _ in pieces[generator.below(pieces.count)] }.joined()
            XCTAssertEqual(RejectIndex.identity(fromRaw: raw), reference(raw), raw)
        }
    }
}
