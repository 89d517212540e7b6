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

/// `RowFields.split` gives the fields `CSVParser` gives for quote-free rows and refuses rows with a quote.
final class RowFieldsTests: XCTestCase {
    private func split(_ text: String) -> [String]? {
        var fields = RowFields()
        return Array(text.utf8).withUnsafeBufferPointer { bytes in
            guard fields.split(bytes) else { return nil }
            return (0..<fields.count).map { String(decoding: fields[$0], as: UTF8.self) }
        }
    }

    func testQuoteFreeRowsSplitOnCommas() {
        XCTAssertEqual(split("a,,b,北京,\n"), ["a", "", "b", "北京", ""])
        XCTAssertEqual(split(",x\n"), ["", "x"])
        XCTAssertEqual(split("only\n"), ["only"])
        XCTAssertNil(split("a,\"b,c\"\n"))
    }
}
