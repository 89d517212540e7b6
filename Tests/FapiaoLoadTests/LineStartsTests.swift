import XCTest
import FapiaoCore
@testable import FapiaoLoad

/// `LineStarts` counts lines as `CSVParser` does, however the input is split into chunks.
final class LineStartsTests: XCTestCase {
    private func offsets(_ text: String, chunk: Int) -> [Int] {
        let bytes = Array(text.utf8)
        var lines = LineStarts()
        var parser = CSVParser()
        var found: [Int] = []
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            bytes[start..<end].withUnsafeBufferPointer { piece in
                lines.scan(piece)
                try? parser.feedRows(piece) { found.append(lines.offset(ofLine: $0.line)) }
            }
            start = end
        }
        try? parser.finishRows { found.append(lines.offset(ofLine: $0.line)) }
        return found
    }

    func testRowStartsWithLFCRAndCRLFInAndOutOfQuotes() {
        let text = "h1,h2\na,b\r\n\"x\ny\",c\rd,\"e\r\nf\"\n\ng,h"
        let expected = [0, 6, 11, 19, 29]
        for chunk in [1, 2, 3, 5, 7, 64] {
            XCTAssertEqual(offsets(text, chunk: chunk), expected, "chunk \(chunk)")
        }
        XCTAssertEqual(offsets("a\nb\nc", chunk: 2), [0, 2, 4], "the LF-only fast path")
    }
}

/// `PackedKeyTable` keeps the first value of a key and finds every key after growing.
final class PackedKeyTableTests: XCTestCase {
    func testFirstValueStaysAndGrowingKeepsEveryKey() throws {
        var table = PackedKeyTable()
        var keys: [PackedKey] = []
        for number in 0..<5_000 {
            keys.append(try XCTUnwrap(PackedKey(digitalNumber: String(format: "2511200000000%07d", number * 7))))
            keys.append(try XCTUnwrap(PackedKey(code: "011002300111", number: String(format: "%08d", number))))
        }
        for (index, key) in keys.enumerated() { table.insertIfAbsent(key, Int32(index)) }
        for (index, key) in keys.enumerated() { table.insertIfAbsent(key, Int32(index + 1_000_000)) }
        XCTAssertEqual(table.count, keys.count)
        for (index, key) in keys.enumerated() { XCTAssertEqual(table.value(for: key), Int32(index)) }
        XCTAssertNil(table.value(for: try XCTUnwrap(PackedKey(digitalNumber: "99999999999999999999"))))
    }
}

/// `CanonicalRowBatch` splits quote-free rows on commas as `CSVParser` would, refuses rows with a quote (they are
/// parsed and appended as views) and insists on the canonical width.
final class CanonicalRowBatchTests: XCTestCase {
    private let width = CanonicalRowBatch.fieldCount

    private func contents(of batch: CanonicalRowBatch) -> [[String]] {
        guard batch.count > 0 else { return [] }
        return batch.withFields { bytes, bounds in
            (0..<batch.count).map { row in
                (0..<width).map { field in
                    let bound = 2 * (row * width + field)
                    return String(decoding: UnsafeBufferPointer(start: bytes + bounds[bound], count: bounds[bound + 1] - bounds[bound]),
                                  as: UTF8.self)
                }
            }
        }
    }

    private func row(_ fields: [String]) -> String { fields.joined(separator: ",") + "\n" }

    func testQuoteFreeRowsSplitOnCommas() throws {
        var batch = CanonicalRowBatch(rows: 2)
        let first = ["a", "", "北京"] + Array(repeating: "x", count: width - 4) + [""]
        let second = Array(repeating: "", count: width)
        for fields in [first, second] {
            let added = try Array(row(fields).utf8).withUnsafeBufferPointer { try batch.appendUnquoted($0) }
            XCTAssertTrue(added)
        }
        XCTAssertEqual(contents(of: batch), [first, second])
        batch.removeAll()
        XCTAssertEqual(batch.count, 0)
    }

    func testRowsWithAQuoteAreParsedAndCopied() throws {
        var batch = CanonicalRowBatch(rows: 1)
        let fields = ["a, \"b\"\nc"] + Array(repeating: "y", count: width - 1)
        var text: [UInt8] = []
        CSVFormatter.append(fields, to: &text)
        let added = try text.withUnsafeBufferPointer { try batch.appendUnquoted($0) }
        XCTAssertFalse(added)
        var parser = CSVParser()
        try text.withUnsafeBufferPointer { bytes in try parser.feedRows(bytes) { try batch.append($0) } }
        XCTAssertEqual(contents(of: batch), [fields])
    }

    func testARowOfAnotherWidthIsAnError() {
        var batch = CanonicalRowBatch(rows: 1)
        XCTAssertThrowsError(try Array("a,b\n".utf8).withUnsafeBufferPointer { try batch.appendUnquoted($0) })
        XCTAssertEqual(batch.count, 0)
    }
}
