import Foundation
import XCTest
import FapiaoCore
import FapiaoExtract
import FapiaoTestSupport

/// `_line` of an XML record is the physical line of its start tag's `<`, exactly, also past line 65,535 (where
/// libxml2's tree nodes saturate) and for a start tag spread over several lines.
final class XMLLineNumberTests: XCTestCase {
    func testRecordLinesAreExactPastSixtyFiveThousandLines() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Invoices>\n"
        var line = 3
        var expected: [String] = []
        for index in 0..<30_000 {
            if index % 1000 == 999 {
                // A start tag over three lines, then a comment and CDATA holding line breaks.
                xml += "<Invoice\n  note=\"a\"\n  >\n<!-- x\ny -->\n<FPHM>\(index)</FPHM><Buyer><Name><![CDATA[a\nb]]></Name></Buyer>\n</Invoice>\n"
                expected.append(String(line))
                line += 8
            } else {
                xml += "<Invoice>\n<FPHM>\(index)</FPHM>\n</Invoice>\n"
                expected.append(String(line))
                line += 3
            }
        }
        xml += "</Invoices>\n"
        XCTAssertGreaterThan(line, 70_000)
        let result = try harness.run([(xmlSource(), [try harness.file("a.xml.gz", Fixture.gzip(xml))])])
        let rows = try harness.rows("haidian.csv")
        XCTAssertEqual(result.sources[0].kept, 30_000)
        XCTAssertEqual(rows.count, expected.count)
        let wrong = zip(rows, expected).enumerated().first { $0.element.0[2] != $0.element.1 || $0.element.0[4] != String($0.offset) }
        XCTAssertNil(wrong.map { "record \($0.offset): \($0.element.0) expected line \($0.element.1)" })
        XCTAssertEqual(rows[999][2], "3000")
        XCTAssertEqual(rows[29_999][2], expected[29_999])
    }

    func testAFailureLinePastSixtyFiveThousandIsExact() throws {
        let harness = try StageHarness()
        defer { harness.remove() }
        let xml = "<Invoices>\n" + String(repeating: "<Invoice><FPHM>1</FPHM></Invoice>\n", count: 80_000)
            + "<Invoice><FPHM>2</JE></Invoice>\n</Invoices>\n"
        _ = try harness.run([(xmlSource(), [try harness.file("a.xml.gz", Fixture.gzip(xml))])])
        let finding = try XCTUnwrap(try harness.findingRows().first)
        XCTAssertEqual(finding.line, 80_002)
        XCTAssertTrue(finding.messageEn.contains("at line 80002: Opening and ending tag mismatch: FPHM line 80002 and JE"),
                      finding.messageEn)
    }
}
