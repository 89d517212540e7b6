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

/// `FieldScan` steps over the continuation bytes of three-byte characters; it must find exactly what looking at
/// every byte finds (the definition, kept here), on random mixes of the byte patterns it looks for.
final class FieldScanDifferentialTests: XCTestCase {
    private struct Reference: Equatable {
        var undecodable = false, replacement = false, roundTripped = false, onlyLatin1 = true
        var firstNonASCII: Int?

        init(_ bytes: [UInt8]) {
            func at(_ index: Int, _ needle: [UInt8]) -> Bool {
                index + needle.count <= bytes.count && Array(bytes[index..<(index + needle.count)]) == needle
            }
            for (index, byte) in bytes.enumerated() {
                if byte < 0x80 {
                    if byte == 0 { undecodable = true; return }
                    continue
                }
                if firstNonASCII == nil { firstNonASCII = index }
                switch byte {
                case 0x80...0xC3: continue
                case 0xFF: undecodable = true; return
                case 0xEF: replacement = replacement || at(index, [0xEF, 0xBF, 0xBD])
                case 0xE9: roundTripped = roundTripped || at(index, [0xE9, 0x94, 0x9F, 0xE6, 0x96, 0xA4, 0xE6, 0x8B, 0xB7])
                default: break
                }
                onlyLatin1 = false
            }
        }

        init(_ scan: FieldScan) {
            undecodable = scan.undecodable; replacement = scan.replacement; roundTripped = scan.roundTripped
            onlyLatin1 = scan.onlyLatin1; firstNonASCII = scan.firstNonASCII
        }
    }

    func testSteppingOverCharactersFindsWhatEveryByteFinds() {
        let pieces: [[UInt8]] = [
            Array("a,b".utf8), Array("北京".utf8), Array("锟斤拷".utf8), [0xEF, 0xBF, 0xBD], [0xE9], [0xE9, 0x94],
            [0xEF, 0xBF], [0xC3, 0xA9], [0xC4, 0x80], [0x80], [0xBF, 0xBF], [0xE4, 0xB8], [0xFF, 0x8A, 0x8B], [0],
            Array("é".utf8), [0xF0, 0x9F, 0x98, 0x80], [0xE9, 0x94, 0x9F, 0xE6, 0x96],
        ]
        var generator = SplitMix64(seed: 11)
        for _ in 0..<20_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(generator.next() % 8) { bytes += pieces[Int(generator.next() % UInt64(pieces.count))] }
            let found = bytes.withUnsafeBufferPointer { Reference(FieldScan($0)) }
            XCTAssertEqual(found, Reference(bytes), "\(bytes)")
            if found != Reference(bytes) { return }
        }
    }
}
