import XCTest
import FapiaoCore
@testable import FapiaoExtract
import FapiaoTestSupport

final class FieldInspectorTests: XCTestCase {
    private func inspect(_ text: String, _ encoding: TextEncoding = .utf8) -> FieldVerdict {
        Array(text.utf8).withUnsafeBufferPointer { FieldInspector(encoding: encoding).inspect($0) }
    }

    private func repaired(_ text: String) -> String? {
        if case .repaired(let fixed, _, _) = inspect(text) { return String(decoding: fixed, as: UTF8.self) }
        return nil
    }

    func testOrdinaryTextIsClean() {
        for text in ["北京朝阳门店有限公司", "发票号码", "Müller GmbH", "Café Ångström", "（含税）１２３４", "鍙", "éé"] {
            XCTAssertEqual(inspect(text), .clean, text)
        }
    }

    func testGBKReadAsLatin1IsRepairedLosslessly() {
        XCTAssertEqual(repaired("·¢Æ±ºÅÂë"), "发票号码")
        XCTAssertEqual(repaired("ÄÚÃÉ¹Å 123"), "内蒙古 123")
    }

    func testUTF8ReadAsGBKIsRepairedWhenExact() {
        XCTAssertEqual(repaired("鍙戠エ"), "发票")
        XCTAssertEqual(repaired("鍙戠エ鍙风爜"), "发票号码")
    }

    func testLostTextIsReported() {
        XCTAssertEqual(inspect("北京\u{FFFD}\u{FFFD}公司"), .textLost(found: "北京\u{FFFD}\u{FFFD}公司", kind: .replacementCharacters))
        XCTAssertEqual(inspect("锟斤拷锟斤拷"), .textLost(found: "锟斤拷锟斤拷", kind: .roundTripped))
    }

    func testUndecodableBytesShowTheRawBytesOfTheWholeFieldInTheFileEncoding() {
        var decoded: [UInt8] = []
        var decoder = try? TextDecoder(encoding: .gb18030)
        let raw = Fixture.gb18030("发票") + [0x81, 0x20] + Fixture.gb18030("A")
        raw.withUnsafeBufferPointer { try? decoder?.decode($0) { decoded += $0 } }
        try? decoder?.finish { decoded += $0 }
        let verdict = decoded.withUnsafeBufferPointer { FieldInspector(encoding: .gb18030).inspect($0) }
        XCTAssertEqual(verdict, .undecodable(hex: "b7a2c6b1812041"))
        XCTAssertEqual(inspect("a\u{0}b"), .undecodable(hex: "610062"))
    }

    func testHeaderNamesFoldAndBOMReadAsGBKIsRemoved() {
        XCTAssertEqual(HeaderName.fold("  ＦＰＨＭ\u{3000}"), "fphm")
        XCTAssertEqual(HeaderName.fold("\u{FEFF}Invoice_Number "), "invoice_number")
        XCTAssertEqual(HeaderName.fold("发票（号码）"), "发票(号码)")
        XCTAssertEqual(HeaderName.stripBOMReadAsGBK(Array("锘?发票号码".utf8)).map { String(decoding: $0, as: UTF8.self) }, "发票号码")
        // EF BB BF 69 read as GBK: 锘 (EF BB) and 縤 (BF 69).
        XCTAssertEqual(HeaderName.stripBOMReadAsGBK(Array("锘縤nvoice".utf8)).map { String(decoding: $0, as: UTF8.self) }, "invoice")
        XCTAssertNil(HeaderName.stripBOMReadAsGBK(Array("发票".utf8)))
    }
}
