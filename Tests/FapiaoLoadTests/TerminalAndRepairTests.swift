import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoLoad

final class TerminalAndRepairTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws { root = try TestSupport.temporaryDirectory("fapiao-load") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    func testTerminalSummaryListsTypesBranchesMoneyAndTopItems() throws {
        let request = try SampleNight.night.write(root: root, date: "2025-04-17")
        _ = try LoadStage.run(request)
        let text = try ReportSummary.terminalText(outputDirectory: request.outputDirectory)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "发票对账摘要 Reconciliation summary · test-chain · 2025-04-17")
        XCTAssertEqual(lines[1], "未解决 open 17（新增 new 17）· 今晚已解决 resolved 0 · 规范发票 canonical 12 · 涉及金额 money ¥9,326.40")
        XCTAssertTrue(lines.contains("  税务系统缺失 missing_in_authority              2       ¥4,923.00"), text)
        XCTAssertTrue(lines.contains("  chaoyang              11       ¥8,296.00  字段不一致 5，税务系统缺失 1，门店记录缺失 1"), text)
        XCTAssertTrue(lines.contains(" 1. [高] 文件错误  haidian"), "a whole file that did not load comes first:\n" + text)
        XCTAssertTrue(lines.contains(" 2. [高] 税务系统缺失  chaoyang  25112000000000000003  ¥4,810.00"), text)
        XCTAssertTrue(lines.contains("    exports/chaoyang/2025-04-17/pos.csv:4"), text)
        XCTAssertEqual(lines.filter { $0.contains("25112000000000000004") }.count, 1, "one top item per invoice and type")
    }

    func testTerminalSummaryWithoutASummaryIsAClearError() {
        XCTAssertThrowsError(try ReportSummary.terminalText(outputDirectory: root)) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "report.missing")
        }
    }

    func testResidentIDsAreMaskedOnTheConsole() {
        XCTAssertEqual(ReportSummary.maskResidentIDs("买方 11010519491231002X 与 25112000000000000001"),
                       "买方 110105********002X 与 25112000000000000001")
        XCTAssertEqual(ReportSummary.maskResidentIDs("91350200776049653A"), "91350200776049653A", "a USCC is not personal")
    }

    func testTextTableAlignsByDisplayWidth() {
        let lines = TextTable.render(header: ["门店", "n"], rightAligned: [1], rows: [["chaoyang", "12"], ["海淀", "3"]])
        XCTAssertEqual(lines, ["  门店       n", "  --------  --", "  chaoyang  12", "  海淀       3"])
    }

    func testRepairBatchFollowsAConfiguredLayout() throws {
        let items = [
            RepairItem(invoice: invoice("25112000000000000002", line: 3), type: .fieldMismatch, fields: [.amount, .total]),
            RepairItem(invoice: invoice("011002300111-00461160", source: "haidian", line: 8), type: .missingInAuthority, fields: []),
        ]
        let columns = try RepairBatch.columns(LoadOptions(repairColumns: [
            (header: "FPHM", field: "invoice_key"), (header: "JSHJ", field: "total"),
            (header: "WHY", field: "discrepancy_fields"), (header: "AT", field: "_line"),
        ]))
        XCTAssertEqual(RepairBatch.rows(items, columns: columns), [
            ["011002300111-00461160", "113.00", "", "8"],
            ["25112000000000000002", "113.00", "amount;total", "3"],
        ])
    }

    func testRepairBatchRejectsAnUnknownValueName() {
        XCTAssertThrowsError(try RepairBatch.columns(LoadOptions(repairColumns: [(header: "X", field: "amout")]))) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "load.repair_columns")
        }
    }
}
