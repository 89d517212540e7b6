import XCTest
@testable import FapiaoCore
import FapiaoTestSupport

/// The in-place path of `CSVParser` (records read straight from the chunk) against the byte-by-byte path
/// it falls back to, which stays the reference: same records, lines, overflows and errors on random input.
final class CSVInPlaceTests: XCTestCase {
    /// Everything the parser says about an input: each record with its line and overflow, or the error.
    private func parse(_ chunks: [[UInt8]], dialect: CSVDialect, maxField: Int, maxRecord: Int,
                       inPlace: Bool) -> [String] {
        var parser = CSVParser(dialect: dialect, maxFieldBytes: maxField, maxRecordBytes: maxRecord)
        parser.readsInPlace = inPlace
        var out: [String] = []
        let emit: (CSVRowView) -> Void = { row in
            let fields = (0..<row.count).map { Array(row[$0]) }
            out.append("\(row.line) \(String(describing: row.overflow)) \(fields)")
        }
        do {
            for chunk in chunks { try chunk.withUnsafeBufferPointer { try parser.feedRows($0, emit: emit) } }
            try parser.finishRows(emit: emit)
        } catch {
            out.append("error \(error)")
        }
        out.append("line \(parser.currentLine)")
        return out
    }

    /// Random bytes biased to CSV structure: delimiters, quotes, CR, LF, empty lines, UTF-8, long runs.
    private func input(_ random: inout SplitMix64) -> [UInt8] {
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("bc".utf8), Array("12345678901".utf8), [0x2C], [0x2C], [0x22], [0x0A], [0x0A],
            [0x0D], [0x0D, 0x0A], [0x3B], Array("发票".utf8), Array("\"x,y\"".utf8), Array("\"\"".utf8),
            Array(repeating: 0x41, count: 37), [0x0A, 0x0A], Array("\"a\nb\"".utf8), Array("\"送货\r\n3层\"".utf8),
            Array("\"a\rb,\"".utf8), Array(",\"q\"".utf8),
        ]
        var bytes: [UInt8] = []
        for _ in 0..<random.below(400) { bytes += pieces[random.below(pieces.count)] }
        return bytes
    }

    private func chunks(_ bytes: [UInt8], _ random: inout SplitMix64) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var index = 0
        let largest = [1, 3, 9, 64, 1000][random.below(5)]
        while index < bytes.count {
            let size = min(bytes.count - index, 1 + random.below(largest))
            result.append(Array(bytes[index..<(index + size)]))
            index += size
        }
        return result
    }

    func testInPlacePathMatchesTheByteByBytePath() {
        var random = SplitMix64(seed: 20_261_129)
        let dialects = [CSVDialect.rfc4180, CSVDialect(delimiter: UInt8(ascii: ";")), CSVDialect(quote: nil)]
        for round in 0..<3000 {
            let bytes = input(&random)
            let dialect = dialects[random.below(dialects.count)]
            let (maxField, maxRecord) = random.below(4) == 0 ? (1 + random.below(40), 1 + random.below(120))
                                                              : (1 << 20, 4 << 20)
            let split = chunks(bytes, &random)
            // Same chunks, same output, exactly (an overflowed record's kept bytes and overflow kind depend on
            // the chunking, in the reference too, so only same-chunk runs are compared).
            for chunks in [[bytes], split] {
                XCTAssertEqual(parse(chunks, dialect: dialect, maxField: maxField, maxRecord: maxRecord, inPlace: true),
                               parse(chunks, dialect: dialect, maxField: maxField, maxRecord: maxRecord, inPlace: false),
                               "round \(round), \(chunks.count) chunks")
            }
        }
    }

    func testPlainAndSimplyQuotedRecordsAreReadWithoutACopy() throws {
        let bytes = Array("a,\"b\nc\",d\nx,\"y\"\"z\"\n".utf8)
        var parser = CSVParser()
        var seen: [(inPlace: Bool, line: Int, fields: [String])] = []
        try bytes.withUnsafeBufferPointer { chunk in
            try parser.feedRows(chunk) { row in
                seen.append((row.bytes.baseAddress == chunk.baseAddress, row.line,
                             (0..<row.count).map { String(decoding: row[$0], as: UTF8.self) }))
            }
        }
        XCTAssertEqual(seen.map(\.inPlace), [true, false])  // a doubled quote needs the copy
        XCTAssertEqual(seen.map(\.line), [1, 3])
        XCTAssertEqual(seen.map(\.fields), [["a", "b\nc", "d"], ["x", "y\"z"]])
    }

    func testRecordsWithManyFieldsAndLongFields() {
        let wide = (0..<300).map { String($0) }.joined(separator: ",") + "\n"
        let long = String(repeating: "x", count: 5000) + ",y\r\n\"q\",z\n"
        for text in [wide, long, wide + long + wide] {
            let bytes = Array(text.utf8)
            let expected = parse([bytes], dialect: .rfc4180, maxField: 1 << 20, maxRecord: 4 << 20, inPlace: false)
            XCTAssertEqual(parse([bytes], dialect: .rfc4180, maxField: 1 << 20, maxRecord: 4 << 20, inPlace: true),
                           expected)
        }
    }

    func testSpecialByteFinderFindsTheFirstSpecialByte() {
        var random = SplitMix64(seed: 7)
        let finder = SpecialByteFinder(dialect: .rfc4180)
        for _ in 0..<2000 {
            let bytes = (0..<random.below(40)).map { _ -> UInt8 in
                random.below(6) == 0 ? [0x2C, 0x22, 0x0D, 0x0A, 0x2D, 0x0B, 0x80, 0xAC][random.below(8)]
                                     : UInt8(random.below(256))
            }
            let start = random.below(bytes.count + 1)
            let expected = bytes[start...].firstIndex { [0x2C, 0x22, 0x0D, 0x0A].contains($0) } ?? bytes.count
            bytes.withUnsafeBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                XCTAssertEqual(finder.next(base, start, buffer.count), expected, "\(bytes) from \(start)")
            }
        }
    }
}
