import Foundation
import XCTest
import FapiaoCore
import FapiaoIO
import FapiaoTestSupport
@testable import FapiaoLoad

/// The authority rows no branch row matched are read again from authority.csv by their offsets and lengths
/// (streamed ahead, `AscendingRangeReader`): each gives back its own invoice, and bytes that are not that row
/// (the file changed, or an offset is wrong) throw instead of passing as another invoice.
final class UnmatchedAuthorityRowTests: XCTestCase {
    private func authorityFile(_ invoices: [Invoice]) throws -> (root: String, path: String) {
        let root = try TestSupport.temporaryDirectory("fapiao-unmatched")
        let path = root + "/authority.csv"
        try RecordFileWriter.write(path: path, header: Invoice.canonicalHeader, rows: invoices.map(\.canonicalRow))
        return (root, path)
    }

    private let invoices = (1...40).map { number in
        invoice(String(format: "251120000000000%05d", number), source: "tax-bureau", line: number + 1,
                total: "\(number * 7).50", buyerName: number % 3 == 0 ? "北京\"某某\",超市" : "")
    }

    func testEveryUnmatchedRowReadsBackAsItsInvoice() throws {
        let (root, path) = try authorityFile(invoices)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let rows = try AuthorityRows.read(path: path)
        let matched = invoices.indices.map { $0 % 4 == 1 }
        let unmatched = rows.unmatched(matched)
        XCTAssertEqual(unmatched.count, 30)
        let reader = try AscendingRangeReader(path: path, span: unmatched[0].offset..<(unmatched.last!.offset + unmatched.last!.length))
        let read = try unmatched.map { try $0.read(in: reader, branch: { _ in "chaoyang" }) }
        let expected = invoices.indices.filter { !matched[$0] }.map { invoices[$0] }
        XCTAssertEqual(read.map(\.invoice.key), expected.map(\.key))
        XCTAssertEqual(read.map(\.invoice.total), expected.map(\.total))
        XCTAssertEqual(read.map(\.invoice.buyerName), expected.map(\.buyerName))
        XCTAssertEqual(Set(read.map(\.attributed.branch)), ["chaoyang"])
        XCTAssertEqual(read.last.map { Array($0.row.bytes.suffix(1)) }, [0x0A], "a canonical row ends its line")
    }

    func testBytesThatAreNotTheRowThrow() throws {
        let (root, path) = try authorityFile(invoices)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let rows = try AuthorityRows.read(path: path)
        let all = rows.unmatched([Bool](repeating: false, count: invoices.count))
        let row = all[5]

        var twoRows = row
        twoRows.length += all[6].length
        XCTAssertThrowsError(try twoRows.read(in: AscendingRangeReader(path: path, span: 0..<rows.end), branch: { _ in "" })) {
            XCTAssertEqual(($0 as? FapiaoError)?.code, "load.corrupt_input")
        }

        // The same bytes, one digit of the total changed: another invoice than the index holds.
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let text = Array("\(6 * 7).50".utf8)
        let found = try XCTUnwrap((row.offset..<(row.offset + row.length)).first { bytes[$0..<($0 + text.count)].elementsEqual(text) })
        bytes[found] = UInt8(ascii: "9")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try row.read(in: AscendingRangeReader(path: path, span: 0..<rows.end), branch: { _ in "" })) {
            XCTAssertEqual(($0 as? FapiaoError)?.code, "load.corrupt_input")
        }
    }
}
