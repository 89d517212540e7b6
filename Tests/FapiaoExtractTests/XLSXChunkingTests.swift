import Foundation
import XCTest
import FapiaoCore
@testable import FapiaoExtract
import FapiaoTestSupport

/// The chunk verifier on the sheet reader: rows, cells and values must not depend on where the inflated sheet
/// XML is cut (a cell's text, a multi-byte character or a tag split between two pieces).
final class XLSXChunkingTests: XCTestCase {
    private func run(_ chunks: [[UInt8]]) throws -> String {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = xlsxSource()
        let writer = try StagedFileWriter(path: directory + "/out.csv")
        var emitter = try RecordEmitter(source: source, writer: writer)
        emitter.beginFile("in/x.xlsx", encoding: .utf8)
        var strings = XLSXSharedStrings()
        for text in ["011002300111", "合计行", "北京朝阳"] {
            let start = strings.bytes.count
            Array(text.utf8).withUnsafeBufferPointer { strings.append($0) }
            strings.endString(from: start)
        }
        let mapper = XLSXRowMapper(source: source, limits: Limits(), strings: strings,
                                   styles: ExcelDateStyles(isDate: [false, true]), date1904: false, sheet: "s")
        let handler = XLSXSheetHandler(mapper: mapper, emitter: emitter, limits: Limits())
        var feeder = XMLDocumentFeeder(handler: handler, sourceEncoding: .auto, maxDepth: 64)
        var outcome = ""
        do {
            for chunk in chunks { try chunk.withUnsafeBufferPointer { try feeder.feed($0) } }
            try feeder.finish()
            outcome = "\(handler.state.mapper.records) records"
        } catch {
            outcome = "failed: \(error)"
        }
        try writer.commit()
        return outcome + "\n" + (try Fixture.read(directory + "/out.csv"))
    }

    func testSheetRowsDoNotDependOnChunking() throws {
        let header = ["序号", "发票代码", "发票号码", "数电发票号码", "开票日期", "金额", "税额", "价税合计", "备注"].enumerated()
            .map { inline(XLSXReaderTests.column($0.offset) + "1", $0.element) }.joined()
        let rows = "<row r=\"1\">\(header)</row>"
            + "<row r=\"2\"><c r=\"B2\" t=\"s\"><v>0</v></c>" + inline("C2", "00461160") + number("E2", "45764.4375", style: 1)
            + number("F2", "6876.1000000000004") + "<c r=\"I2\" t=\"inlineStr\"><is><r><t>会员</t></r><r><t>𠀀_x000D_</t></r>"
            + "<rPh><t>x</t></rPh></is></c></row>"
            + "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>1</v></c>" + number("F3", "6876.1") + "</row>"
        let bytes = Array(XLSXFixture.sheet(rows).utf8)
        let output = try run([bytes])
        XCTAssertEqual(output, """
            1 records
            _source,_file,_line,invoice_code,invoice_number,digital_number,issue_date,amount,tax,total,remark
            tax-bureau,in/x.xlsx,2,011002300111,00461160,,2025-04-17 10:30:00,6876.1,,,"会员𠀀\r"

            """)
        XCTAssertEqual(try ChunkVerifier.mismatches(bytes) { try run($0) }, [])
    }
}
