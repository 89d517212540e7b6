import Foundation
import XCTest
import FapiaoCore
import FapiaoExtract
import FapiaoIO
import FapiaoTestSupport

final class ExtractStageTests: XCTestCase {
    private var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    func testMissingSourceForRequiredSourcesOnlyAndEveryStageFileWritten() throws {
        var authority = csvSource("tax-bureau")
        authority.role = .authority
        let result = try harness.run([
            (csvSource("chaoyang"), []), (csvSource("haidian", required: false), []), (authority, []),
        ])
        let findings = try harness.findingRows()
        XCTAssertEqual(findings.map { "\($0.type.rawValue) \($0.severity.rawValue) \($0.source) [\($0.branch)] \($0.file)" },
                       ["missing_source high tax-bureau [] ", "missing_source high chaoyang [chaoyang] "])
        XCTAssertEqual(findings[1].messageEn, "required source chaoyang has no file for this date (path in/*.csv)")
        XCTAssertEqual(findings[1].id.count, 16)
        for name in ["chaoyang", "haidian", "tax-bureau"] {
            XCTAssertEqual(try harness.text(name + ".csv"), "_source,_file,_line,invoice_code,invoice_number,amount,remark\n")
        }
        XCTAssertEqual(try harness.text("rejects.csv"), "_source,_file,_line,reason,field,raw\n")
        XCTAssertEqual(try harness.text("findings.csv").components(separatedBy: "\n").first,
                       Discrepancy.findingsHeader.joined(separator: ","))
        XCTAssertEqual(result.sources.map(\.source), ["chaoyang", "haidian", "tax-bureau"])
        XCTAssertEqual(result.findings, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: harness.output).sorted(),
                       ["chaoyang.csv", "findings.csv", "haidian.csv", "rejects.csv", "tax-bureau.csv"])
    }

    func testAWorkbookThatIsNoZipIsAFileErrorWithTheFileHash() throws {
        var source = csvSource()
        source.format = .xlsx
        let bytes: [UInt8] = Array("PK\u{3}\u{4}not really".utf8)
        let result = try harness.run([(source, [try harness.file("a.xlsx", bytes)])])
        let finding = try XCTUnwrap(try harness.findingRows().first)
        XCTAssertEqual(finding.messageEn, "file in/a.xlsx: the file is not a zip archive (an xlsx workbook or a zip of invoices): "
            + "no end-of-central-directory record; none of this file's records was loaded")
        XCTAssertEqual(finding.fileSHA256, SHA256Hasher.hex(of: bytes))
        XCTAssertEqual(result.inputs[0].compressedBytes, Int64(bytes.count))
    }

    func testConstantsFillUnmappedAndEmptyCellsAndSkipRowsFindTheHeader() throws {
        var source = csvSource(csv: CSVOptions(delimiter: ";", headerRow: 2, skipRows: 1),
                               constants: [.sellerTaxID: "91110105MA00AAAA0P", .remark: "默认"])
        source.columns[.total] = .index(3)
        let text = "导出时间;2025-04-17\n;;\n发票代码;发票号码;金额;备注\n1;00000001;1.00;有\n2;00000002;2.00;\n"
        let result = try harness.run([(source, [try harness.file("a.csv", Array(text.utf8))])])
        XCTAssertEqual(try harness.text("chaoyang.csv"), """
            _source,_file,_line,invoice_code,invoice_number,seller_tax_id,amount,total,remark
            chaoyang,in/a.csv,4,1,00000001,91110105MA00AAAA0P,1.00,1.00,有
            chaoyang,in/a.csv,5,2,00000002,91110105MA00AAAA0P,2.00,2.00,默认

            """)
        XCTAssertEqual(result.sources[0].recordsIn, 2)
    }

    func testOutputIsIdenticalWhateverTheScheduling() throws {
        let contents: [(String, [(String, [UInt8])])] = (0..<6).map { index in
            let name = "store-\(index)"
            let text = sampleCSV + (0..<(200 * (6 - index))).map { "1,\($0),\(index),r\($0)\n" }.joined() + "bad,row\n"
            return (name, [("\(name)/a.csv.gz", Fixture.gzip(text)), ("\(name)/b.csv", Array("发票号码,金额\n".utf8))])
        }
        var outputs: [[String]] = []
        for _ in 0..<3 {
            harness.remove()
            harness = try StageHarness()
            let sources = try contents.map { name, files in
                (csvSource(name), try files.map { try harness.file($0.0, $0.1) })
            }
            _ = try harness.run(sources)
            let names = try FileManager.default.contentsOfDirectory(atPath: harness.output).sorted()
            outputs.append(try names.map { try harness.text($0) })
        }
        XCTAssertEqual(outputs[0], outputs[1])
        XCTAssertEqual(outputs[0], outputs[2])
        XCTAssertEqual(try harness.rows("rejects.csv").map { "\($0[0]) \($0[2])" }, (0..<6).map { "store-\($0) \(6 + 200 * (6 - $0))" })
    }

    func testFindingsAreSortedByReportOrder() throws {
        let text = "发票代码,发票号码,金额,备注\n1,2,\u{FFFD},·¢Æ±ºÅÂë\n3\n"
        _ = try harness.run([
            (csvSource("b-store"), [try harness.file("b.csv", Array(text.utf8))]),
            (csvSource("a-store"), [try harness.file("a.csv.gz", Array(Fixture.gzip(sampleCSV).prefix(30)))]),
        ])
        XCTAssertEqual(try harness.findingRows().map { "\($0.severity.rawValue) \($0.branch) \($0.type.rawValue) \($0.field)" }, [
            "high a-store file_error ", "high b-store invalid_record ", "medium b-store encoding_error amount",
            "info b-store encoding_error remark",
        ])
    }

    func testAnOutputThatCannotBeWrittenFailsTheStage() throws {
        let spec = PipelineSpec(name: "test", sources: [csvSource()])
        XCTAssertThrowsError(try ExtractStage.run(
            spec: spec, inputs: [SourceInputs(source: csvSource(), files: [])],
            outputDirectory: harness.directory + "/missing")) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "io.create")
        }
    }
}
