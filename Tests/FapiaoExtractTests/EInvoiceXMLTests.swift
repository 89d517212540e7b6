import Foundation
import XCTest
import FapiaoCore
import FapiaoExtract
import FapiaoIO
import FapiaoTestSupport

/// One digital invoice in the e-tax bureau's XML layout (DOMAIN.md); `original` makes it a red-letter invoice.
func einvoiceXML(_ number: String, amount: String, tax: String, total: String, original: String? = nil,
                 buyer: String = "嘉禾（北京）科技有限公司", remark: String = "") -> String {
    let red = original.map { "<RedEInvoice><OriginalInvoiceCode>\($0)</OriginalInvoiceCode></RedEInvoice>" } ?? ""
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <EInvoice>
          <Header><EIid>\(number)</EIid><EInvoiceTag>SWEI1100</EInvoiceTag><Version>0.1</Version></Header>
          <EInvoiceData>
            <SellerInformation><SellerIdNum>91110105MA00AAAA0P</SellerIdNum><SellerName>北京禾丰优选商业连锁有限公司</SellerName></SellerInformation>
            <BuyerInformation><BuyerIdNum>91110000600037341L</BuyerIdNum><BuyerName>\(buyer)</BuyerName></BuyerInformation>
            <BasicInformation><TotalAmWithoutTax>\(amount)</TotalAmWithoutTax><TotalTaxAm>\(tax)</TotalTaxAm>
              <TotalTax-includedAmount>\(total)</TotalTax-includedAmount><RequestTime>2025-04-17 11:00:00</RequestTime>\(red)</BasicInformation>
            <IssuItemInformation><ItemName>*日用品*纸巾</ItemName><TotaltaxIncludedAmount>\(total)</TotaltaxIncludedAmount></IssuItemInformation>
            <AdditionalInformation><Remark>\(remark)</Remark></AdditionalInformation>
          </EInvoiceData>
          <TaxSupervisionInfo><InvoiceNumber>\(number)</InvoiceNumber><IssueTime>2025-04-17 10:59:01</IssueTime></TaxSupervisionInfo>
        </EInvoice>

        """
}

final class EInvoiceXMLTests: XCTestCase {
    private var harness: StageHarness!

    override func setUpWithError() throws { harness = try StageHarness() }
    override func tearDown() { harness.remove() }

    private let source = SourceSpec(name: "tax-einvoices", role: .authority, path: "in/*", format: .einvoiceXML)

    func testFilesAndZipsOfDigitalInvoicesInProvenanceOrder() throws {
        let blue = einvoiceXML("25112000000000000001", amount: "100.00", tax: "13.00", total: "113.00", remark: "a&amp;b")
        let red = einvoiceXML("25112000000000000002", amount: "-100.00", tax: "-13.00", total: "-113.00",
                              original: "25112000000000000001", remark: "被红冲蓝字数电票号码：25112000000000000001")
        let gbk = einvoiceXML("25112000000000000003", amount: "1.00", tax: "0.13", total: "1.13", buyer: "个人㐀")
            .replacingOccurrences(of: "UTF-8", with: "GBK")
        let zip = ZipFixture.zip([
            ZipFixture.Entry("2.xml", einvoiceXML("25112000000000000005", amount: "5.00", tax: "0", total: "5.00")),
            ZipFixture.Entry("1.xml", Fixture.gb18030(gbk)),
            ZipFixture.Entry("pdf/1.pdf", "%PDF-1.7"), ZipFixture.Entry("pdf/", ""),
            ZipFixture.Entry("bad.xml", "<EInvoice><Header>"),
        ])
        let files = [
            try harness.file("a.xml", Array(blue.utf8)), try harness.file("b.xml.gz", Fixture.gzip(red)),
            try harness.file("e.zip", zip),
            try harness.file("e.zip 1.xml", Array(einvoiceXML("25112000000000000004", amount: "4", tax: "0", total: "4").utf8)),
        ].sorted { $0.relativePath < $1.relativePath }
        let result = try harness.run([(source, files)])
        XCTAssertEqual(try harness.text("tax-einvoices.csv").components(separatedBy: "\n").first,
                       "_source,_file,_line,digital_number,issue_date,seller_tax_id,seller_name,buyer_tax_id,buyer_name,"
                       + "amount,tax,total,original_invoice_key,remark")
        let rows = try harness.rows("tax-einvoices.csv")
        XCTAssertEqual(rows.map { "\($0[1]):\($0[2]) \($0[3])" }, [
            "in/a.xml:2 25112000000000000001", "in/b.xml.gz:2 25112000000000000002",
            "in/e.zip 1.xml:2 25112000000000000004", "in/e.zip!/1.xml:2 25112000000000000003",
            "in/e.zip!/2.xml:2 25112000000000000005",
        ])
        XCTAssertEqual(Array(rows[0][4...]), ["2025-04-17 10:59:01", "91110105MA00AAAA0P", "北京禾丰优选商业连锁有限公司",
                                             "91110000600037341L", "嘉禾（北京）科技有限公司", "100.00", "13.00", "113.00", "", "a&b"])
        XCTAssertEqual(Array(rows[1][9...12]), ["-100.00", "-13.00", "-113.00", "25112000000000000001"])
        XCTAssertEqual(rows[3][8], "个人㐀")
        XCTAssertEqual(try harness.findings(), ["file_error high in/e.zip!/bad.xml:1"])
        XCTAssertEqual(result.sources, [SourceCounts(source: "tax-einvoices", recordsIn: 5, kept: 5)])
        XCTAssertEqual(result.inputs.map(\.path), ["in/a.xml", "in/b.xml.gz", "in/e.zip", "in/e.zip 1.xml"])
        XCTAssertEqual(result.inputs.map(\.records), [1, 1, 2, 1])
        XCTAssertEqual(result.inputs[2].encoding, "gb18030")
        XCTAssertEqual(result.inputs[2].sha256, SHA256Hasher.hex(of: zip))
    }

    func testAZipThatCannotBeReadAndAWrongRootAreFileErrors() throws {
        let files = [try harness.file("a.zip", Array("PK\u{3}\u{4}broken".utf8)),
                     try harness.file("b.xml", Array("<Invoice><EIid>1</EIid></Invoice>".utf8))]
        let result = try harness.run([(source, files)])
        XCTAssertEqual(try harness.findingRows().map(\.messageEn), [
            "file in/a.zip: the file is not a zip archive (an xlsx workbook or a zip of invoices): no end-of-central-directory "
                + "record; none of this file's records was loaded",
            "file in/b.xml: the XML's root element is <Invoice>, expected <EInvoice> (xml.root); none of this file's records was loaded",
        ])
        XCTAssertEqual(result.inputs.map(\.error?.isEmpty), [false, false])
    }

    func testASourcesOwnColumnsReplaceTheDefaults() throws {
        var custom = source
        custom.columns = [.digitalNumber: .names(["TaxSupervisionInfo/InvoiceNumber"]), .remark: .names(["Header/EInvoiceTag"])]
        let xml = einvoiceXML("25112000000000000001", amount: "1", tax: "0", total: "1")
        _ = try harness.run([(custom, [try harness.file("a.xml", Array(xml.utf8))])])
        let rows = try harness.rows("tax-einvoices.csv")
        XCTAssertEqual(rows.first?[3], "25112000000000000001")
        XCTAssertEqual(rows.first?.last, "SWEI1100")
        XCTAssertEqual(EInvoiceXML.effective(custom).xml.record, "EInvoice")
    }
}
