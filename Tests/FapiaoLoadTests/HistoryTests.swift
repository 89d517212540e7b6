import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoLoad

final class HistoryTests: XCTestCase {
    private var root = ""
    private let a = "25112000000000000001", b = "25112000000000000002", c = "25112000000000000003"
    private let outputs = ["canonical.csv", "canonical.sqlite", "discrepancies.csv", "summary.json", "report.html",
                           "repair-batch.csv"]

    override func setUpWithError() throws { root = try TestSupport.temporaryDirectory("fapiao-history") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    /// Night 1: A missing in authority. Night 2: A still missing, C differs. Night 3: A uploaded, C still differs.
    private func night(_ number: Int) -> NightFixture {
        let branch = [invoice(a, line: 2), invoice(b, line: 3), invoice(c, line: 4, total: "226.00")]
        let authority = [invoice(b, source: "tax-bureau"), invoice(c, source: "tax-bureau", total: "227.00")]
        switch number {
        case 1: return NightFixture(branch: Array(branch.prefix(2)), authority: [authority[0]])
        case 2: return NightFixture(branch: branch, authority: authority)
        default: return NightFixture(branch: branch, authority: [invoice(a, source: "tax-bureau")] + authority)
        }
    }

    private func load(_ number: Int, out: String = "out", commit: Bool = true) throws -> LoadRequest {
        let request = try night(number).write(root: root, date: "2025-04-1\(4 + number)", out: out)
        let result = try LoadStage.run(request)
        if commit { try result.commitHistory() }
        return request
    }

    private func statusRows(_ request: LoadRequest) throws -> [[String]] {
        try readDiscrepancies(request.outputDirectory + "/discrepancies.csv").map { [$0[1], $0[3], $0[4], $0[5], $0[8], $0[9]] }
    }

    func testADiscrepancyAppearsStaysAndIsResolved() throws {
        let first = try load(1)
        XCTAssertEqual(try statusRows(first), [["税务系统缺失 missing_in_authority", "新增 new", "2025-04-15", "1", a, ""]])
        let second = try load(2)
        XCTAssertEqual(try statusRows(second), [
            ["税务系统缺失 missing_in_authority", "持续 open", "2025-04-15", "2", a, ""],
            ["字段不一致 field_mismatch", "新增 new", "2025-04-16", "1", c, "金额 amount"],
            ["字段不一致 field_mismatch", "新增 new", "2025-04-16", "1", c, "税额 tax"],
            ["字段不一致 field_mismatch", "新增 new", "2025-04-16", "1", c, "价税合计 total"],
        ])
        let third = try load(3)
        XCTAssertEqual(try statusRows(third), [
            ["税务系统缺失 missing_in_authority", "已解决 resolved", "2025-04-15", "2", a, ""],
            ["字段不一致 field_mismatch", "持续 open", "2025-04-16", "2", c, "金额 amount"],
            ["字段不一致 field_mismatch", "持续 open", "2025-04-16", "2", c, "税额 tax"],
            ["字段不一致 field_mismatch", "持续 open", "2025-04-16", "2", c, "价税合计 total"],
        ])
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: third.outputDirectory + "/summary.json"))) as? [String: Any]
        XCTAssertEqual((summary?["counts"] as? [String: Int])?["missing_in_authority"], 0, "resolved rows are not counted")
        XCTAssertEqual((summary?["resolved"] as? [String: Int])?["missing_in_authority"], 1)
    }

    func testRerunningTheMiddleNightIsByteIdenticalAndNeverDoubleCounts() throws {
        _ = try load(1)
        let second = try load(2)
        let third = try load(3)
        let countsBefore = try HistoryDatabase.rowCounts(path: second.historyDatabasePath)
        let rerun = try load(2, out: "out-rerun")
        for name in outputs {
            let original = try Data(contentsOf: URL(fileURLWithPath: "\(second.outputDirectory)/\(name)"))
            let again = try Data(contentsOf: URL(fileURLWithPath: "\(rerun.outputDirectory)/\(name)"))
            XCTAssertEqual(original, again, "\(name) differs after re-running the middle night")
        }
        XCTAssertEqual(try HistoryDatabase.rowCounts(path: second.historyDatabasePath), countsBefore)
        XCTAssertEqual(countsBefore["runs"], ["2025-04-15": 1, "2025-04-16": 1, "2025-04-17": 1])
        XCTAssertEqual(countsBefore["discrepancies"], ["2025-04-15": 1, "2025-04-16": 4, "2025-04-17": 4])
        XCTAssertNil(countsBefore["invoices"], "the canonical rows live in each night's out/canonical.sqlite")
        let thirdAgain = try load(3, out: "out-rerun")
        for name in outputs {
            let original = try Data(contentsOf: URL(fileURLWithPath: "\(third.outputDirectory)/\(name)"))
            let again = try Data(contentsOf: URL(fileURLWithPath: "\(thirdAgain.outputDirectory)/\(name)"))
            XCTAssertEqual(original, again, "\(name) differs after re-running the last night")
        }
    }

    func testHistoryIsUntouchedUntilCommit() throws {
        _ = try load(1, commit: false)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/fapiao.sqlite"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/fapiao.sqlite.new"), "the first night's file is removed")
        let second = try load(2)
        XCTAssertEqual(try statusRows(second).first?[1], "新增 new", "an uncommitted night is not history")
    }

    func testAnUncommittedNightLeavesAnExistingDatabaseAsItWas() throws {
        _ = try load(1)
        let before = try HistoryDatabase.rowCounts(path: root + "/fapiao.sqlite")
        _ = try load(2, commit: false)
        XCTAssertEqual(try HistoryDatabase.rowCounts(path: root + "/fapiao.sqlite"), before,
                       "the writer thread's transaction is rolled back when its result is dropped")
        let second = try load(2)
        XCTAssertEqual(try statusRows(second).first?[1], "持续 open")
        XCTAssertEqual(try HistoryDatabase.rowCounts(path: root + "/fapiao.sqlite")["runs"],
                       ["2025-04-15": 1, "2025-04-16": 1])
    }

    func testAReRunThatFailsKeepsTheNightItWouldHaveReplaced() throws {
        _ = try load(1)
        _ = try load(2)
        let before = try HistoryDatabase.rowCounts(path: root + "/fapiao.sqlite")
        XCTAssertEqual(before["runs"], ["2025-04-15": 1, "2025-04-16": 1])
        // Night 2 again, its authority export missing: load deletes night 2 in its history transaction from its
        // start, then stops with no authority; the transaction is rolled back.
        let missing = Discrepancy(type: .missingSource, severity: .high, source: "tax-bureau",
                                  file: "authority/20250416/tax-export.csv", messageZh: "无文件", messageEn: "no file")
        var failing = night(2)
        failing.authority = []
        failing.extractFindings = [missing]
        let request = try failing.write(root: root, date: "2025-04-16", out: "out-failed")
        XCTAssertThrowsError(try LoadStage.run(request)) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "load.no_authority")
        }
        XCTAssertEqual(try HistoryDatabase.rowCounts(path: root + "/fapiao.sqlite"), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root + "/fapiao.sqlite-journal"), "nothing left to roll back")
    }

    func testAResolvedDiscrepancyThatReturnsIsNewAgain() throws {
        _ = try load(1)
        _ = try load(3)
        let request = try night(1).write(root: root, date: "2025-04-19")
        let result = try LoadStage.run(request)
        XCTAssertEqual(try statusRows(request).first, ["税务系统缺失 missing_in_authority", "新增 new", "2025-04-19", "1", a, ""])
        XCTAssertEqual(result.openCountsByType[.missingInAuthority], 1)
    }

    func testChartShowsEarlierNightsInTheWindowThenTonight() throws {
        _ = try load(1)
        _ = try load(2)
        let date = try XCTUnwrap(IssueDate(year: 2025, month: 4, day: 17))
        let snapshot = try HistoryDatabase.snapshot(path: root + "/fapiao.sqlite", before: date, chartNights: 2)
        XCTAssertEqual(snapshot.latestNight, "2025-04-16")
        XCTAssertEqual(snapshot.nights, [NightCounts(night: "2025-04-16", high: 4, medium: 0, info: 0)])
        XCTAssertEqual(snapshot.openRows.count, 4)
    }
}
