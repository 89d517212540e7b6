import Foundation
import XCTest
import FapiaoCore
import FapiaoExtract
import FapiaoIO
import FapiaoTestSupport

/// The authority's xlsx export mapped by its Chinese headers.
func xlsxSource(sheet: String = "发票基础信息", headerRow: Int = 1) -> SourceSpec {
    SourceSpec(
        name: "tax-bureau", role: .authority, path: "in/*.xlsx", format: .xlsx,
        xlsx: XLSXOptions(sheet: sheet, headerRow: headerRow),
        columns: [.invoiceCode: .names(["发票代码"]), .invoiceNumber: .names(["发票号码"]), .digitalNumber: .names(["数电发票号码"]),
                  .issueDate: .names(["开票日期"]), .amount: .names(["金额"]), .tax: .names(["税额"]), .total: .names(["价税合计"]),
                  .remark: .names(["备注"])])
}

/// An inline-string cell.
func inline(_ reference: String, _ text: String) -> String { "<c r=\"\(reference)\" t=\"inlineStr\"><is><t>\(text)</t></is></c>" }
/// A numeric cell, optionally styled.
func number(_ reference: String, _ value: String, style: Int? = nil) -> String {
    "<c r=\"\(reference)\"" + (style.map { " s=\"\($0)\"" } ?? "") + "><v>\(value)</v></c>"
}

final class XLSXReaderTests: XCTestCase {
    private var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    private static let header = ["序号", "发票代码", "发票号码", "数电发票号码", "开票日期", "金额", "税额", "价税合计", "备注"]

    /// The header row with inline strings.
    private static func headerRow(_ number: Int = 1) -> String {
        "<row r=\"\(number)\">" + header.enumerated().map { inline(column($0.offset) + "\(number)", $0.element) }.joined() + "</row>"
    }

    static func column(_ index: Int) -> String { String(UnicodeScalar(UInt8(65 + index))) }

    private func run(_ workbook: XLSXFixture, source: SourceSpec = xlsxSource(), limits: Limits = Limits()) throws -> ExtractResult {
        try harness.run([(source, [try harness.file("a.xlsx", workbook.bytes)])], limits: limits)
    }

    func testSharedInlineNumericSparseTotalsAndTwoSheets() throws {
        var workbook = XLSXFixture()
        workbook.sharedStrings = ["011002300111", "<r><rPr/><t>会员</t></r><r><t xml:space=\"preserve\"> A_x000D_B</t></r><rPh><t>カイイン</t></rPh>",
                                  "--", "合计行"]
        let rows = XLSXReaderTests.headerRow()
            + "<row r=\"2\"><c r=\"A2\"><v>1</v></c><c r=\"B2\" t=\"s\"><v>0</v></c>" + inline("C2", "00461160")
            + "<c r=\"D2\" t=\"s\"><v>2</v></c>" + inline("E2", "2025-04-17 10:59:01") + number("F2", "6876.1")
            + number("G2", "1.2E-2") + number("H2", "6876.1120000000003") + "<c r=\"I2\" t=\"s\"><v>1</v></c></row>"
            + "<row r=\"4\"><c><v>2</v></c><c/><c/>" + inline("D4", "25112000000000000001") + number("E4", "45764.4375", style: 1)
            + number("F4", "-100") + "<c r=\"H4\" t=\"str\"><f>F4+G4</f><v>-100</v></c></row>"
            + "<row r=\"5\"><c r=\"C5\" s=\"1\"/></row>"
            + "<row r=\"6\"><c r=\"A6\" t=\"s\"><v>3</v></c>" + number("F6", "6776.1") + "</row>"
        workbook.sheets = [("信息汇总表", XLSXReaderTests.headerRow() + "<row r=\"2\">" + inline("C2", "x") + "</row>"),
                           ("发票基础信息", rows)]
        workbook.cellStyles = [0, 14]
        let result = try run(workbook)
        XCTAssertEqual(try harness.text("tax-bureau.csv"), """
            _source,_file,_line,invoice_code,invoice_number,digital_number,issue_date,amount,tax,total,remark
            tax-bureau,in/a.xlsx,2,011002300111,00461160,--,2025-04-17 10:59:01,6876.1,0.012,6876.112,"会员 A\rB"
            tax-bureau,in/a.xlsx,4,,,25112000000000000001,2025-04-17 10:30:00,-100,,-100,

            """)
        XCTAssertEqual(result.sources, [SourceCounts(source: "tax-bureau", recordsIn: 2, kept: 2)])
        XCTAssertEqual(result.inputs.map(\.encoding), ["utf-8"])
        XCTAssertEqual(try harness.findings(), [])

        workbook.sheets.swapAt(0, 1)
        _ = try run(workbook, source: xlsxSource(sheet: "1"))
        XCTAssertEqual(try harness.rows("tax-bureau.csv").map { $0[2] }, ["2", "4"])
    }

    func testDatesIn1904AndCustomFormatsAndTitleRows() throws {
        var workbook = XLSXFixture()
        workbook.date1904 = true
        workbook.formats = [(176, "yyyy\"年\"m\"月\"d\"日\""), (177, "#,##0.00_);[Red](#,##0.00)")]
        workbook.cellStyles = [0, 176, 177, 22]
        let rows = "<row r=\"1\">" + inline("A1", "全量发票查询导出结果") + "</row>" + XLSXReaderTests.headerRow(2)
            + "<row r=\"3\">" + inline("C3", "1") + number("E3", "44302", style: 1) + number("F3", "1234.5", style: 2) + "</row>"
            + "<row r=\"4\">" + inline("C4", "2") + number("E4", "44302.999999") + "<c r=\"F4\" t=\"b\"><v>1</v></c>"
            + "<c r=\"G4\" t=\"e\"><v>#VALUE!</v></c></row>"
            + "<row r=\"5\">" + inline("C5", "3") + number("E5", "20250417") + number("F5", "0") + "</row>"
            + "<row r=\"6\">" + inline("C6", "4") + number("E6", "0.5", style: 3) + "</row>"
        workbook.sheets = [("发票基础信息", rows)]
        _ = try run(workbook, source: xlsxSource(headerRow: 2))
        XCTAssertEqual(try harness.rows("tax-bureau.csv").map { Array($0[2...]) }, [
            ["3", "", "1", "", "2025-04-17", "1234.5", "", "", ""],
            ["4", "", "2", "", "2025-04-18 00:00:00", "TRUE", "#VALUE!", "", ""],
            ["5", "", "3", "", "20250417", "0", "", "", ""],
            ["6", "", "4", "", "1904-01-01 12:00:00", "", "", "", ""],
        ])
    }

    func testAMalformedSheetIsAFileErrorNamingThePartAndRow() throws {
        var workbook = XLSXFixture()
        workbook.sheets = [("发票基础信息", XLSXReaderTests.headerRow() + "<row r=\"2\">" + inline("C2", "1") + "</row>\n<row r=\"3\"><c>")]
        let result = try run(workbook)
        let finding = try XCTUnwrap(try harness.findingRows().first)
        XCTAssertEqual(finding.type, .fileError)
        XCTAssertEqual(finding.line, 3)
        XCTAssertTrue(finding.messageEn.hasPrefix("file in/a.xlsx: part xl/worksheets/sheet1.xml (XML line 3): the XML is malformed"),
                      finding.messageEn)
        XCTAssertEqual(result.sources[0].inFailedFiles, 1)
        XCTAssertEqual(try harness.rows("tax-bureau.csv"), [])
    }

    func testStructuralFailures() throws {
        var workbook = XLSXFixture()
        workbook.sheets = [("Sheet1", XLSXReaderTests.headerRow())]
        XCTAssertEqual(try failure(workbook), "0: file in/a.xlsx: the workbook has no sheet \"发票基础信息\" (xlsx.sheet: "
            + "a name, or a 1-based position); its sheets: \"Sheet1\"; none of this file's records was loaded")
        workbook.sheets = [("发票基础信息", XLSXReaderTests.headerRow() + "<row r=\"3\"/><row r=\"2\"/>")]
        XCTAssertEqual(try failure(workbook), "3: file in/a.xlsx: part xl/worksheets/sheet1.xml (XML line 2): "
            + "the sheet's data is malformed: row 2 comes after row 3; none of this file's records was loaded")
        workbook.sheets = [("发票基础信息", "<row r=\"2\">" + inline("A2", "序号") + "</row>")]
        XCTAssertTrue(try failure(workbook).hasPrefix("1: file in/a.xlsx: part xl/worksheets/sheet1.xml"))
        workbook.sheets = [("发票基础信息", "<row r=\"1\">" + inline("A1", "序号") + "</row>")]
        XCTAssertTrue(try failure(workbook).contains("missing or duplicated invoice_code (发票代码)"))
        workbook.sheets = [("发票基础信息", XLSXReaderTests.headerRow() + "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>7</v></c></row>")]
        XCTAssertTrue(try failure(workbook).contains("row 2 refers to shared string 7, but the workbook has 0"))
    }

    func testAnOversizeCellRejectsItsRecord() throws {
        var workbook = XLSXFixture()
        workbook.sheets = [("发票基础信息", XLSXReaderTests.headerRow() + "<row r=\"2\">" + inline("C2", "1") + inline("I2", String(repeating: "长", count: 50))
            + "</row><row r=\"3\">" + inline("C3", "2") + "</row>")]
        let result = try run(workbook, limits: Limits(maxFieldBytes: 100))
        XCTAssertEqual(try harness.rows("tax-bureau.csv").map { $0[4] }, ["2"])
        XCTAssertEqual(try harness.rows("rejects.csv"), [["tax-bureau", "in/a.xlsx", "2", "field_too_large", "", ""]])
        XCTAssertEqual(result.sources, [SourceCounts(source: "tax-bureau", recordsIn: 2, kept: 1, rejected: 1)])
    }

    /// "line: message" of the one file_error a workbook gives.
    private func failure(_ workbook: XLSXFixture) throws -> String {
        harness.remove()
        harness = try StageHarness()
        _ = try run(workbook)
        XCTAssertEqual(try harness.rows("tax-bureau.csv"), [])
        guard let finding = try harness.findingRows().first else { return "no finding" }
        return "\(finding.line): \(finding.messageEn)"
    }
}
