import Foundation
import XCTest
import FapiaoCore
import FapiaoExtract
import FapiaoIO
import FapiaoTestSupport

final class ExtractXMLStageTests: XCTestCase {
    private var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    private let body = """
        <Invoices xmlns="urn:x">
          <Invoice note="早">
            <FPDM>011002300111</FPDM><FPHM>00461160</FPHM>
            <Buyer id="91110000600037341L"><Name>北京朝阳&amp;<![CDATA[<有限>]]>公司</Name></Buyer>
            <JE>100.00</JE><Item><JE>1.00</JE></Item>
          </Invoice>
          <x:Invoice xmlns:x="urn:y"><FPHM>00461161</FPHM><HJJE>-5.00</HJJE><FPDM/></x:Invoice>
          <Invoice/>
        </Invoices>

        """

    private func document(_ encoding: String = "UTF-8") -> String { "<?xml version=\"1.0\" encoding=\"\(encoding)\"?>\n" + body }

    private let expectedRows = [
        ["haidian", "in/a.xml.gz", "3", "011002300111", "00461160", "91110000600037341L", "北京朝阳&<有限>公司", "100.00", "早"],
        ["haidian", "in/a.xml.gz", "8", "", "00461161", "", "", "-5.00", ""],
        ["haidian", "in/a.xml.gz", "9", "", "", "", "", "", ""],
    ]

    func testRecordsByLocalNameWithNestedPathsAttributesAndAlternatives() throws {
        let result = try harness.run([(xmlSource(), [try harness.file("a.xml.gz", Fixture.gzip(document()))])])
        XCTAssertEqual(try harness.rows("haidian.csv"), expectedRows)
        XCTAssertEqual(try harness.text("haidian.csv").components(separatedBy: "\n").first,
                       "_source,_file,_line,invoice_code,invoice_number,buyer_tax_id,buyer_name,amount,remark")
        XCTAssertEqual(result.inputs.map(\.encoding), ["utf-8"])
        XCTAssertEqual(result.sources, [SourceCounts(source: "haidian", recordsIn: 3, kept: 3)])
        XCTAssertEqual(try harness.findings(), [])
    }

    func testGBKDeclaredDocumentIsReadAsGB18030() throws {
        let text = document("GBK").replacingOccurrences(of: "早", with: "早㐀𠀀€")
        let result = try harness.run([(xmlSource(), [try harness.file("a.xml.gz", Fixture.gzip(Fixture.gb18030(text)))])])
        var rows = expectedRows
        rows[0][8] = "早㐀𠀀€"
        XCTAssertEqual(try harness.rows("haidian.csv"), rows)
        XCTAssertEqual(result.inputs.map(\.encoding), ["gb18030"])
        XCTAssertEqual(result.inputs.map(\.error), [nil])
    }

    func testUTF16WithBOM() throws {
        let bytes = [0xFF, 0xFE] + Fixture.encode(document("UTF-16"), as: "UTF-16LE")
        _ = try harness.run([(xmlSource(), [try harness.file("a.xml.gz", Fixture.gzip(bytes))])])
        XCTAssertEqual(try harness.rows("haidian.csv"), expectedRows)
    }

    private func failure(_ xml: String, source: SourceSpec = xmlSource(), limits: Limits = Limits()) throws -> String {
        return try failure(bytes: Array(xml.utf8), source: source, limits: limits)
    }

    private func failure(bytes: [UInt8], source: SourceSpec = xmlSource(), limits: Limits = Limits()) throws -> String {
        let result = try harness.run([(source, [try harness.file("a.xml.gz", Fixture.gzip(bytes))])], limits: limits)
        XCTAssertEqual(try harness.rows("haidian.csv"), [])
        XCTAssertEqual(result.sources[0].kept, 0)
        let finding = try XCTUnwrap(try harness.findingRows().first)
        XCTAssertEqual(finding.type, .fileError)
        return "\(finding.line): \(finding.messageEn)"
    }

    func testMalformedAndTruncatedXMLKeepNoRecords() throws {
        let malformed = document().replacingOccurrences(of: "<HJJE>-5.00</HJJE>", with: "<HJJE>-5.00</JE>")
        XCTAssertEqual(try failure(malformed),
            "8: file in/a.xml.gz: the XML is malformed or truncated at line 8: Opening and ending tag mismatch: "
            + "HJJE line 8 and JE; none of this file's records was loaded")
        let truncated = String(document().prefix(document().count - 40))
        XCTAssertTrue(try failure(truncated).contains("the XML is malformed or truncated at line"))
    }

    func testTruncatedGzipOfXMLIsAGzipError() throws {
        let gz = Fixture.gzip(document())
        let result = try harness.run([(xmlSource(), [try harness.file("a.xml.gz", Array(gz.dropLast(12)))])])
        XCTAssertEqual(try harness.rows("haidian.csv"), [])
        XCTAssertEqual(result.inputs[0].error?.hasPrefix("gzip data ends early at compressed byte"), true)
    }

    func testXXEIsRefusedAndTheFileIsNeverRead() throws {
        let secret = try Fixture.write(Array("SECRET".utf8), to: harness.directory, name: "secret.txt")
        let xxe = "<?xml version=\"1.0\"?><!DOCTYPE Invoices [<!ENTITY x SYSTEM \"file://\(secret)\">]>\n"
            + "<Invoices><Invoice><FPHM>&x;</FPHM></Invoice></Invoices>"
        XCTAssertEqual(try failure(xxe), "2: file in/a.xml.gz: the XML has a DOCTYPE that declares entities at line 2; "
            + "entities are refused for safety; none of this file's records was loaded")
    }

    func testBillionLaughsIsRefusedQuickly() throws {
        var dtd = "<!ENTITY l0 \"ha\">"
        for level in 1...12 { dtd += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE Invoices [\(dtd)]><Invoices><Invoice><FPHM>&l12;</FPHM></Invoice></Invoices>"
        let start = Date()
        let message = try failure(xml)
        // Refused at the root element, before any entity is expanded (declarations are never even stored).
        XCTAssertEqual(message, "1: file in/a.xml.gz: the XML has a DOCTYPE that declares entities at line 1; "
            + "entities are refused for safety; none of this file's records was loaded")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testAnUndeclaredEntityReferenceIsAFileError() throws {
        let xml = "<Invoices><Invoice><FPHM>&nope;</FPHM></Invoice></Invoices>"
        XCTAssertTrue(try failure(xml).contains("Entity 'nope' not defined"))
    }

    func testExternalDTDIsNotLoadedAndRecordsSurvive() throws {
        let dtd = try Fixture.write(Array("<!ATTLIST Invoice note CDATA \"from-dtd\">".utf8), to: harness.directory, name: "x.dtd")
        let xml = "<?xml version=\"1.0\"?><!DOCTYPE Invoices SYSTEM \"file://\(dtd)\">\n"
            + "<Invoices><Invoice><FPHM>00000001</FPHM></Invoice></Invoices>"
        let result = try harness.run([(xmlSource(), [try harness.file("a.xml.gz", Fixture.gzip(xml))])])
        XCTAssertEqual(try harness.rows("haidian.csv"), [["haidian", "in/a.xml.gz", "2", "", "00000001", "", "", "", ""]])
        XCTAssertEqual(result.sources[0].kept, 1)
        XCTAssertEqual(try harness.findings(), [])
    }

    func testDeepNestingStopsAtTheLimit() throws {
        let depth = 100_000
        let xml = "<Invoices><Invoice>" + String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
            + "</Invoice></Invoices>"
        XCTAssertEqual(try failure(xml), "1: file in/a.xml.gz: the XML nests deeper than limits.max_xml_depth (64) at "
            + "line 1; none of this file's records was loaded")
    }

    func testWrongRootAndEmptyDocument() throws {
        XCTAssertEqual(try failure("<Export><Invoice><FPHM>1</FPHM></Invoice></Export>"),
            "1: file in/a.xml.gz: the XML's root element is <Export>, expected <Invoices> (xml.root); "
            + "none of this file's records was loaded")
        harness.remove()
        harness = try StageHarness()
        XCTAssertTrue(try failure("").contains("the XML"))
    }

    func testGBKDeclaredAsUTF8IsMalformed() throws {
        let bytes = Fixture.gb18030(document())
        XCTAssertTrue(try failure(bytes: bytes).contains("Input is not proper UTF-8"))
    }

    func testOversizeRecordIsRejectedAndTheOthersSurvive() throws {
        let big = String(repeating: "长", count: 50)
        let xml = "<Invoices>\n<Invoice><FPHM>1</FPHM></Invoice>\n<Invoice><FPHM>2</FPHM><Buyer><Name>\(big)</Name></Buyer>"
            + "</Invoice>\n<Invoice><FPHM>3</FPHM></Invoice></Invoices>"
        let result = try harness.run([(xmlSource(), [try harness.file("a.xml.gz", Fixture.gzip(xml))])],
                                     limits: Limits(maxFieldBytes: 100))
        XCTAssertEqual(try harness.rows("haidian.csv").map { $0[4] }, ["1", "3"])
        XCTAssertEqual(try harness.rows("rejects.csv"), [["haidian", "in/a.xml.gz", "3", "field_too_large", "", ""]])
        XCTAssertEqual(result.sources, [SourceCounts(source: "haidian", recordsIn: 3, kept: 2, rejected: 1)])
    }

    func testUndecodableBytesInAGBKDocumentAreAFileErrorWithLibxml2sReason() throws {
        let bytes = Fixture.gb18030("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<Invoices><Invoice><FPHM>")
            + [0x81, 0x20] + Array("</FPHM></Invoice></Invoices>".utf8)
        let message = try failure(bytes: bytes)
        XCTAssertEqual(message, "2: file in/a.xml.gz: the XML is malformed or truncated at line 2: input conversion failed due to "
            + "input error, bytes 0x81 0x20 0x3C 0x2F; none of this file's records was loaded")
    }

    func testContentAfterTheDocumentIsMalformed() throws {
        let message = try failure("<Invoices><Invoice><FPHM>1</FPHM></Invoice></Invoices><Invoices/>")
        XCTAssertTrue(message.contains("Extra content at the end of the document"), message)
    }
}
