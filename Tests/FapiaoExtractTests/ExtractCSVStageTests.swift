import Foundation
import XCTest
import FapiaoCore
import FapiaoExtract
import FapiaoIO
import FapiaoTestSupport

final class ExtractCSVStageTests: XCTestCase {
    private var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    func testPlainAndGzippedCSVInAnyEncodingGiveTheSameRows() throws {
        let files = [
            try harness.file("a.csv", Array(sampleCSV.utf8)),
            try harness.file("b.csv.gz", Fixture.gzip(sampleCSV)),
            try harness.file("c.csv", Fixture.gb18030(sampleCSV)),
            try harness.file("d.txt", [0xFF, 0xFE] + Fixture.encode(sampleCSV, as: "UTF-16LE")),
            try harness.file("e.csv", [0xEF, 0xBB, 0xBF] + Array(sampleCSV.replacingOccurrences(of: "\n", with: "\r\n").utf8)),
        ]
        let result = try harness.run([(csvSource(), files)])
        let expected = files.flatMap { file in
            sampleRows(file: file.relativePath).map { row in
                file.relativePath == "in/e.csv" ? row.map { $0.replacingOccurrences(of: "\n", with: "\r\n") } : row
            }
        }
        XCTAssertEqual(try harness.rows("chaoyang.csv"), expected)
        XCTAssertEqual(try harness.text("chaoyang.csv").components(separatedBy: "\n").first,
                       "_source,_file,_line,invoice_code,invoice_number,amount,remark")
        XCTAssertEqual(result.inputs.map(\.encoding), ["utf-8", "utf-8", "gb18030", "utf-16le", "utf-8"])
        XCTAssertEqual(result.inputs.map(\.records), [3, 3, 3, 3, 3])
        XCTAssertEqual(result.inputs[1].compressedBytes, Int64(Fixture.gzip(sampleCSV).count))
        XCTAssertEqual(result.inputs[1].inflatedBytes, Int64(sampleCSV.utf8.count))
        XCTAssertEqual(result.inputs[1].sha256, SHA256Hasher.hex(of: Fixture.gzip(sampleCSV)))
        XCTAssertEqual(result.sources, [SourceCounts(source: "chaoyang", recordsIn: 15, kept: 15)])
        XCTAssertEqual(try harness.findings(), [])
    }

    func testTruncatedGzipAndBadCRCFailTheirFileOnlyAndKeepNothingOfIt() throws {
        var badCRC = Fixture.gzip(sampleCSV)
        badCRC[badCRC.count - 6] ^= 0x40
        let truncated = Array(Fixture.gzip(sampleCSV + String(repeating: "011002300111,1,1.00,x\n", count: 500)).dropLast(20))
        let good = try harness.file("b.csv.gz", Fixture.gzip(sampleCSV))
        let result = try harness.run([(csvSource(), [
            try harness.file("a.csv.gz", truncated), good, try harness.file("c.csv.gz", badCRC),
        ])])
        XCTAssertEqual(try harness.rows("chaoyang.csv"), sampleRows(file: "in/b.csv.gz"))
        let findings = try harness.findingRows()
        XCTAssertEqual(findings.map { "\($0.type.rawValue) \($0.file) \($0.line)" },
                       ["file_error in/a.csv.gz 347", "file_error in/c.csv.gz 6"])
        XCTAssertEqual(findings[0].messageZh.hasPrefix("文件 in/a.csv.gz：文件被截断（gzip 数据不完整）"), true)
        XCTAssertEqual(findings[0].messageZh.hasSuffix("，本文件记录均未载入"), true)
        XCTAssertTrue(findings[0].messageEn.contains("gzip data ends early at compressed byte \(truncated.count)"))
        XCTAssertEqual(findings[0].fileSHA256, SHA256Hasher.hex(of: truncated))
        XCTAssertTrue(findings[1].messageEn.contains("gzip CRC-32 mismatch"))
        XCTAssertEqual(result.sources, [SourceCounts(source: "chaoyang", recordsIn: 3, kept: 3, inFailedFiles: 347)])
        XCTAssertEqual(result.inputs.map { $0.error != nil }, [true, false, true])
    }

    func testGzipBombStopsAtTheLimit() throws {
        let bomb = Fixture.gzip(Array(sampleCSV.utf8) + [UInt8](repeating: 0x41, count: 50 << 20), level: 9)
        let start = Date()
        let result = try harness.run([(csvSource(), [try harness.file("bomb.csv.gz", bomb)])],
                                     limits: Limits(maxInflatedBytes: 1 << 20))
        XCTAssertLessThan(Date().timeIntervalSince(start), 2)
        XCTAssertEqual(try harness.findings(), ["file_error high in/bomb.csv.gz:6"])
        XCTAssertEqual(result.sources[0].kept, 0)
        XCTAssertEqual(result.inputs[0].error?.contains("limits.max_inflated_bytes (1048576 bytes)"), true)
        XCTAssertEqual(try harness.rows("chaoyang.csv"), [])
    }

    func testEmptyFileEmptyGzipAndHeaderOnly() throws {
        let result = try harness.run([(csvSource(), [
            try harness.file("a.csv", []), try harness.file("b.csv.gz", Fixture.gzip([])),
            try harness.file("c.csv", Array("发票代码,发票号码,金额,备注\r\n".utf8)),
        ])])
        XCTAssertEqual(try harness.findings(), ["file_error high in/a.csv:0", "file_error high in/b.csv.gz:0"])
        XCTAssertEqual(result.inputs.map { $0.error ?? "" }, [
            "the file is empty: it has no header row; none of this file's records was loaded",
            "the file is empty: it has no header row; none of this file's records was loaded", "",
        ])
        XCTAssertEqual(result.sources, [SourceCounts(source: "chaoyang")])
    }

    func testUnclosedQuoteIsAFileErrorNotOneGiantRecord() throws {
        let text = sampleCSV + "011002300111,00461163,\"9.00,x\n" + String(repeating: "011002300111,1,2,3\n", count: 100)
        let result = try harness.run([(csvSource(), [try harness.file("a.csv", Array(text.utf8))])])
        let finding = try XCTUnwrap(try harness.findingRows().first)
        XCTAssertEqual("\(finding.type.rawValue) \(finding.line)", "file_error 6")
        XCTAssertEqual(finding.messageEn, "file in/a.csv: the quoted field opened on line 6 is still open at the end "
            + "of the file (the file may be cut short); none of this file's records was loaded")
        XCTAssertEqual(result.sources[0].inFailedFiles, 3)
    }

    func testRaggedRowsAndAnOversizeFieldAreRejectedAndTheRestSurvives() throws {
        let big = String(repeating: "长", count: 4 << 20)  // 12 MB of UTF-8
        let text = "发票代码,发票号码,金额,备注\n1,00000001,1.00,a\n2,00000002,2.00\n3,00000003,3.00,c,extra\n"
            + "4,00000004,4.00,\"\(big)\"\n5,00000005,5.00,e\n"
        let result = try harness.run([(csvSource(), [try harness.file("a.csv.gz", Fixture.gzip(text))])])
        XCTAssertEqual(try harness.rows("chaoyang.csv").map { $0[2] }, ["2", "6"])
        XCTAssertEqual(try harness.rows("rejects.csv"), [
            ["chaoyang", "in/a.csv.gz", "3", "too_few_fields", "", "invoice_code=2 | invoice_number=00000002 | amount=2.00"],
            ["chaoyang", "in/a.csv.gz", "4", "too_many_fields", "",
             "invoice_code=3 | invoice_number=00000003 | amount=3.00 | remark=c"],
            ["chaoyang", "in/a.csv.gz", "5", "field_too_large", "", ""],
        ])
        XCTAssertEqual(try harness.findings(), [
            "invalid_record high in/a.csv.gz:3 [invoice_code=2 | invoice_number=00000002 | amount=2.00]",
            "invalid_record high in/a.csv.gz:4 [invoice_code=3 | invoice_number=00000003 | amount=3.00 | remark=c]",
            "invalid_record high in/a.csv.gz:5",
        ])
        XCTAssertEqual(result.sources, [SourceCounts(source: "chaoyang", recordsIn: 5, kept: 2, rejected: 3)])
        XCTAssertEqual(result.rejects, 3)
    }

    func testDuplicatedMappedHeaderAndMissingColumnAreFileErrors() throws {
        let result = try harness.run([(csvSource(), [
            try harness.file("a.csv", Array("发票代码,发票号码,金额,备注,金额\n1,2,3,4,5\n".utf8)),
            try harness.file("b.csv", Array("代码,号码,金额,备注\n1,2,3,4\n".utf8)),
        ])])
        XCTAssertEqual(try harness.findings(), ["file_error high in/a.csv:0", "file_error high in/b.csv:0"])
        XCTAssertEqual(result.inputs[0].error, "the header does not fit the columns mapping: missing or duplicated "
            + "amount (header \"金额\" appears in columns 3 and 5); columns found: \"发票代码\", \"发票号码\", \"金额\", "
            + "\"备注\", \"金额\"; none of this file's records was loaded")
        XCTAssertEqual(result.inputs[1].error?.contains("invoice_code (发票代码); invoice_number (发票号码 or 发票号)"), true)
        XCTAssertEqual(result.sources[0].inFailedFiles, 0)
    }

    func testNULBytesUndecodableBytesAndMojibakeAreFieldFindings() throws {
        let header = Array("发票代码,发票号码,金额,备注\n".utf8)
        let body: [UInt8] = Array("1,0000\u{0}001,1.00,ok\n2,00000002,2.00,".utf8) + [0xB7, 0xA2, 0xC6, 0xB1]
            + Array("\n3,00000003,3.00,·¢Æ±ºÅÂë\n".utf8)
        let result = try harness.run([(csvSource(encoding: .utf8), [try harness.file("a.csv", header + body)])])
        XCTAssertEqual(try harness.rows("chaoyang.csv").map { Array($0.dropFirst(2)) }, [
            ["2", "1", "", "1.00", "ok"], ["3", "2", "00000002", "2.00", ""], ["4", "3", "00000003", "3.00", "发票号码"],
        ])
        XCTAssertEqual(try harness.findings(), [
            "encoding_error medium in/a.csv:2 invoice_number [3030303000303031]",
            "encoding_error medium in/a.csv:3 remark [b7a2c6b1]",
            "encoding_error info in/a.csv:4 remark [·¢Æ±ºÅÂë]",
        ])
        XCTAssertEqual(result.sources[0].kept, 3)
    }

    func testGBKDeclaredAsUTF8FailsOnTheHeaderWithAHint() throws {
        let result = try harness.run([(csvSource(encoding: .utf8), [try harness.file("a.csv", Fixture.gb18030(sampleCSV))])])
        let error = try XCTUnwrap(result.inputs[0].error)
        XCTAssertTrue(error.contains("columns found: \"\\xb7\\xa2Ʊ\\xb4\\xfa\\xc2\\xeb\""), error)
        XCTAssertTrue(error.contains("the header does not decode in the encoding used: check the source's encoding"), error)
    }

    func testFormulaLookingTextIsKeptAsData() throws {
        let text = "发票代码,发票号码,金额,备注\n=1+2,+86,-1,@SUM(A1)\n\"\t1\",\"\r2\",3,\"=HYPERLINK(\"\"x\"\")\"\n"
        _ = try harness.run([(csvSource(), [try harness.file("a.csv", Array(text.utf8))])])
        XCTAssertEqual(try harness.rows("chaoyang.csv").map { Array($0.dropFirst(3)) }, [
            ["=1+2", "+86", "-1", "@SUM(A1)"], ["\t1", "\r2", "3", "=HYPERLINK(\"x\")"],
        ])
        XCTAssertEqual(try harness.findings(), [])
    }
}
