import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoLoad

final class ReportFormatTests: XCTestCase {
    func testFormulaLookingTextIsNeutralized() {
        XCTAssertEqual(DiscrepancyCSV.safeCell("=SUM(A1:A9)"), "'=SUM(A1:A9)")
        XCTAssertEqual(DiscrepancyCSV.safeCell("+86 10 1234"), "'+86 10 1234")
        XCTAssertEqual(DiscrepancyCSV.safeCell("-2+3"), "'-2+3")
        XCTAssertEqual(DiscrepancyCSV.safeCell("@cmd"), "'@cmd")
        XCTAssertEqual(DiscrepancyCSV.safeCell("\tx"), "'\tx")
        XCTAssertEqual(DiscrepancyCSV.safeCell("\rx"), "'\rx")
        XCTAssertEqual(DiscrepancyCSV.safeCell("北京=商贸"), "北京=商贸")
        XCTAssertEqual(DiscrepancyCSV.safeCell(""), "")
    }

    func testNegativeAmountsStayNumbers() {
        for number in ["-1234.50", "-0.05", "-7", "1234.50", "0"] {
            XCTAssertEqual(DiscrepancyCSV.safeCell(number), number)
        }
        for notNumber in ["-", "-.5", "-1.", "-1.2.3", "-1e5", "- 1"] {
            XCTAssertEqual(DiscrepancyCSV.safeCell(notNumber), "'" + notNumber)
        }
    }

    func testDiscrepanciesCSVHasABOMABilingualHeaderAndSafeCells() throws {
        let root = try TestSupport.temporaryDirectory("fapiao-load")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let row = Discrepancy(type: .fieldMismatch, severity: .high, branch: "chaoyang", source: "chaoyang",
                              invoiceKey: "25112000000000000001", field: "total", branchValue: "-1234.50",
                              authorityValue: "=1+1", file: "a.csv", line: 3, messageZh: "-注意", messageEn: "x")
        try DiscrepancyCSV.write([row], path: root + "/d.csv")
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: root + "/d.csv")))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).split(separator: "\n")
        XCTAssertTrue(lines[0].hasPrefix("编号 id,类型 type,严重程度 severity,状态 status,首次发现 first_seen"))
        XCTAssertEqual(try readDiscrepancies(root + "/d.csv").first, [
            row.id, "字段不一致 field_mismatch", "高 high", "新增 new", "", "0", "chaoyang", "chaoyang",
            "25112000000000000001", "价税合计 total", "-1234.50", "'=1+1", "a.csv", "3", "'-注意", "x", "",
        ])
    }

    func testHTMLEscapesAllData() throws {
        let hostile = Discrepancy(type: .fieldMismatch, severity: .medium, branch: "<b>chaoyang</b>", source: "chaoyang",
                                  invoiceKey: "<key>", field: "buyer_name", branchValue: "<script>alert(1)</script>",
                                  authorityValue: "A & B \"quoted\" 'single'", file: "x/<f>.csv", line: 4,
                                  messageZh: "<img src=x onerror=alert(2)>", messageEn: "</td></tr><marquee>", action: "<a>")
        var summary = NightSummary(date: "2025-04-17", pipeline: "<p>", sources: ["chaoyang"], branches: ["chaoyang"],
                                   open: [Finding(row: hostile)], resolved: [], recordsBySource: ["chaoyang": 1],
                                   stages: StageCounts(transform: [], branchInvoices: 1, authorityInvoices: 1,
                                                       authorityOnly: 0, canonicalRows: 1),
                                   history: [])
        summary.history = [summary.tonight]
        let html = HTMLReport.render(summary)
        for raw in ["<script>alert", "<img", "<marquee>", "<b>chaoyang", "<key>", "<f>", "<p>", "<a>"] {
            XCTAssertFalse(html.contains(raw), "unescaped \(raw)")
        }
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("A &amp; B &quot;quoted&quot; &#39;single&#39;"))
        XCTAssertTrue(html.contains("data-branch=\"&lt;b&gt;chaoyang&lt;/b&gt;\""))
        XCTAssertTrue(html.contains("x/<wbr>&lt;f&gt;.csv:4"), "every row shows file and line")
    }

    func testHTMLIsSelfContained() throws {
        let root = try TestSupport.temporaryDirectory("fapiao-load")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let request = try SampleNight.night.write(root: root, date: "2025-04-17")
        _ = try LoadStage.run(request)
        let html = try text(request.outputDirectory + "/report.html")
        XCTAssertFalse(html.contains("src="), "no external scripts or images")
        XCTAssertFalse(html.contains("<link"), "no external style sheets")
        XCTAssertFalse(html.contains("url("), "no fetched assets in CSS")
        XCTAssertEqual(html.components(separatedBy: "<section id=").count - 1, 3 + DiscrepancyType.allCases.count + 1)
        XCTAssertTrue(html.contains("exports/<wbr>haidian/<wbr>2025-04-17/<wbr>a.xml:12"))
        XCTAssertTrue(html.contains("=HYPERLINK(&quot;http://x&quot;)"), "the HTML shows the raw value, escaped")
    }

    func testJSONIsSortedEscapedAndStable() {
        let value = JSONValue.object(["b": .int(-1), "a": .array([.string("引号\"\\\n\u{1}"), .bool(true), .null]), "c": .object([:])])
        XCTAssertEqual(value.text, """
            {
              "a": [
                "引号\\"\\\\\\n\\u0001",
                true,
                null
              ],
              "b": -1,
              "c": {}
            }

            """)
    }

    func testHugeValuesAreCutForExcelAndTheBrowser() {
        let huge = String(repeating: "长", count: 40_000)
        let cell = DiscrepancyCSV.fitted(huge)
        XCTAssertLessThanOrEqual(cell.utf16.count, DiscrepancyCSV.maxCellCharacters)
        XCTAssertTrue(cell.hasSuffix("…"))
        XCTAssertEqual(DiscrepancyCSV.fitted("short"), "short")
        XCTAssertEqual(HTMLReport.escShort(String(repeating: "<", count: 400)),
                       String(repeating: "&lt;", count: HTMLReport.maxCellCharacters) + "…")
    }

    func testYuanFormatting() {
        XCTAssertEqual(Labels.yuan(123_456_789), "¥1,234,567.89")
        XCTAssertEqual(Labels.yuan(-481_000), "-¥4,810.00")
        XCTAssertEqual(Labels.yuan(5), "¥0.05")
    }

    func testChartScaleUsesRoundNumbers() {
        XCTAssertEqual([0, 3, 5, 9, 20, 21, 150, 900].map(HTMLChart.niceCeiling), [4, 4, 8, 12, 20, 40, 160, 1200])
    }
}
