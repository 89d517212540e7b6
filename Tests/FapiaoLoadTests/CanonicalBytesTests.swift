import XCTest
import FapiaoCore
@testable import FapiaoLoad

/// The byte-level fast path must agree with the `Invoice` path on every row: the same rows accepted, the same
/// canonical bytes, the same key and identities.
final class CanonicalBytesTests: XCTestCase {
    private let choices: [[String]] = [
        ["011002510000-01233527", "", "x"],                                   // invoice_key (ignored, derived)
        ["011002510000", "", "0110025100", "12a", "1,2"],                     // invoice_code
        ["01233527", "", "1233527", "25110000000000000001", "x\"y"],           // invoice_number
        ["", "25110000000000000001", "2511000000000000000", "25110000000000000001 "], // digital_number
        ["vat_e_general", "", "VAT", "other", "digital_special "],           // invoice_type
        ["2025-04-17", "", "2025-02-30", "2025-+4-17", "2025/04/17", "20250417", "1899-01-01", "2025-4-17 "],
        ["91110102MA06GDM5CE", ""], ["北京禾丰", "", "a,b"], ["91110112MA05MG7XMW", ""],
        ["盛世（北京）餐饮", "", "say \"hi\"\nthere"],
        ["5.06", "", "-0.00", "007.5", "1.", ".5", "-12", "0.001", "99999999999999999999"],  // amount
        ["0.66", "", "-0", "1.234", "abc"],                                   // tax
        ["5.72", "", "-5.72", "92233720368547758.07", "-92233720368547758.07"], // total (.08 traps in Fen)
        ["13", "", "013", "+9", "-0", "exempt", "not_taxable", "101", "x"],  // tax_rate
        ["normal", "voided", "red_reversed_partial", "bogus"],                // status
        ["false", "true", "TRUE", "1", ""],                                   // is_red
        ["", "011002510000-01233526"], ["", "送货地址：北京市, 3层\r\n订单号"], ["chaoyang", ""],
        ["chaoyang", "tax-bureau"], ["exports/a.csv", "a,b.csv"],
        ["2", "+3", "007", "-1", "x", "", "9223372036854775807", "9223372036854775808"],  // _line
    ]

    func testByteRowsMatchTheInvoicePath() throws {
        var seed: UInt64 = 0x5eed
        func pick(_ count: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(count))
        }
        var checked = 0
        for round in 0..<4000 {
            let row = choices.enumerated().map { index, values in round < 200 && index % 3 == round % 3 ? values[0] : values[pick(values.count)] }
            try check(row)
            checked += 1
        }
        XCTAssertEqual(checked, 4000)
    }

    private func check(_ fields: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        var encoded: [UInt8] = []
        CSVFormatter.append(fields, to: &encoded)
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        var seen = 0
        try encoded.withUnsafeBufferPointer { buffer in
            try parser.feedRows(buffer) { view in
                seen += 1
                let row = RecordRow(view: view)
                XCTAssertEqual(row.strings, fields, file: file, line: line)
                let invoice = Invoice(canonicalRow: fields)
                let values = CanonicalRowValues(row)
                XCTAssertEqual(values == nil, invoice == nil, "accepts \(fields)", file: file, line: line)
                guard let invoice, let values else { return }
                var expected: [UInt8] = []
                CSVFormatter.append(invoice.canonicalRow, to: &expected)
                var actual: [UInt8] = []
                let keyLength = CanonicalBytes.append(row, values: values, to: &actual)
                XCTAssertEqual(String(decoding: actual, as: UTF8.self), String(decoding: expected, as: UTF8.self),
                               file: file, line: line)
                XCTAssertEqual(keyLength, invoice.key.utf8.count, file: file, line: line)
                for branch in ["haidian", "", "a,\"b\""] {  // an authority invoice attributed to a branch
                    var attributed = invoice
                    attributed.branch = branch
                    var expected: [UInt8] = [], actual: [UInt8] = []
                    CSVFormatter.append(attributed.canonicalRow, to: &expected)
                    _ = Array(branch.utf8).withUnsafeBufferPointer {
                        CanonicalBytes.append(row, values: values, branch: $0, to: &actual)
                    }
                    XCTAssertEqual(String(decoding: actual, as: UTF8.self), String(decoding: expected, as: UTF8.self),
                                   file: file, line: line)
                }
                let identity = RowIdentity(row)
                XCTAssertEqual(identity.digital, invoice.identity.packedDigital, file: file, line: line)
                XCTAssertEqual(identity.legacy, invoice.identity.packedLegacy, file: file, line: line)
                XCTAssertEqual(values.amount, invoice.amount?.value, file: file, line: line)
                XCTAssertEqual(values.total, invoice.total?.value, file: file, line: line)
                XCTAssertEqual(ByteParse.issueDate(row[5]), invoice.issueDate, file: file, line: line)
                XCTAssertEqual(CanonicalRowValues.isRedWithOriginal(row),
                               invoice.isRed && !invoice.originalInvoiceKey.isEmpty, file: file, line: line)
            }
        }
        XCTAssertEqual(seen, 1, file: file, line: line)
    }

    func testBytePoolInternsAndGrows() {
        var pool = BytePool()
        var indices: [Int32] = []
        for value in 0..<5000 {
            let text = Array("value-\(value % 3000)".utf8)
            indices.append(text.withUnsafeBufferPointer { pool.intern($0) })
        }
        XCTAssertEqual(pool.count, 3001)
        for value in 0..<5000 { XCTAssertEqual(pool[indices[value]], "value-\(value % 3000)") }
        XCTAssertEqual([UInt8]().withUnsafeBufferPointer { pool.intern($0) }, 0)
    }

    func testHTMLEscapeMatchesThePerCharacterRule() {
        let pieces = ["&", "<", ">", "\"", "'", "a", " ", "北", "\u{301}", "\u{600}", "\r", "\n", "authority's", "（"]
        var seed: UInt64 = 42
        for _ in 0..<3000 {
            var text = ""
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            for step in 0..<Int(seed >> 60) {
                text += pieces[Int((seed >> UInt64(step * 4 % 56)) % UInt64(pieces.count))]
            }
            XCTAssertEqual(HTMLReport.esc(text), HTMLReport.escCharacters(text), "\(Array(text.unicodeScalars))")
        }
    }

    func testReportTextHelpersMatchFoundation() {
        let pieces = [" / ", "/", " ", "a", "北", "\u{301}", "\u{600}", "核实 / Check", "exports/x.csv"]
        var seed: UInt64 = 7
        for _ in 0..<3000 {
            var text = ""
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            for step in 0..<Int(seed >> 60) {
                text += pieces[Int((seed >> UInt64(step * 4 % 56)) % UInt64(pieces.count))]
            }
            let parts = text.components(separatedBy: " / ")
            let (first, rest) = HTMLText.splitAction(text)
            XCTAssertEqual(first, parts.first ?? "", "\(Array(text.unicodeScalars))")
            XCTAssertEqual(rest, parts.count > 1 ? parts.dropFirst().joined(separator: " / ") : nil)
            XCTAssertEqual(HTMLText.breakableSlashes(text), text.replacingOccurrences(of: "/", with: "/<wbr>"))
        }
    }
}
