import Foundation
import XCTest
@testable import FapiaoIO
import FapiaoCore
import FapiaoTestSupport

/// `AscendingRangeReader` hands back exactly the bytes of each range asked for, in ranges that lie inside one
/// read-ahead block or cross one or more, from a span that starts and ends anywhere; it refuses ranges out of
/// order and past the end of the file, and reads the same on a file system without direct I/O.
final class AscendingRangeReaderTests: XCTestCase {
    /// 7 MiB and an unaligned tail: four read-ahead blocks, the last one short.
    private let pattern: [UInt8] = (0..<(7 << 20) + 999).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 9) }

    private func writePattern(to path: String) throws {
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(pattern)))
    }

    /// Random ascending ranges (gaps and lengths up to `longest`), some crossing blocks, within `span`.
    private func ranges(in span: Range<Int>, longest: Int, seed: UInt64) -> [Range<Int>] {
        var generator = SplitMix64(seed: seed)
        var ranges: [Range<Int>] = []
        var start = span.lowerBound
        while true {
            let length = generator.below(longest) + 1
            guard start + length <= span.upperBound else { break }
            ranges.append(start..<(start + length))
            start += length + generator.below(longest)
        }
        return ranges
    }

    private func checkRanges(path: String, span: Range<Int>, longest: Int, seed: UInt64,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let reader = try AscendingRangeReader(path: path, span: span)
        let asked = ranges(in: span, longest: longest, seed: seed)
        XCTAssertGreaterThan(asked.count, 2, file: file, line: line)
        for range in asked {
            let bytes = try reader.withBytes(at: range.lowerBound, count: range.count) { Array($0) }
            XCTAssertEqual(bytes, Array(pattern[range]), "bytes \(range)", file: file, line: line)
        }
    }

    func testRangesInsideAndAcrossBlocksReadTheirBytes() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/rows.csv"
        try writePattern(to: path)
        try checkRanges(path: path, span: 0..<pattern.count, longest: 700, seed: 1)
        try checkRanges(path: path, span: 12_345..<(6 << 20) + 3, longest: 300_000, seed: 2)
        try checkRanges(path: path, span: (2 << 20) - 5..<pattern.count, longest: 1_500_000, seed: 3)
        let reader = try AscendingRangeReader(path: path, span: 100..<(5 << 20))
        let across = try reader.withBytes(at: 100, count: (5 << 20) - 100) { Array($0) }
        XCTAssertEqual(across, Array(pattern[100..<(5 << 20)]), "one range over three blocks")
        XCTAssertEqual(try reader.withBytes(at: 5 << 20, count: 0) { $0.count }, 0, "an empty range")
    }

    func testChunksUpToABlockEndReadASpanWhole() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/rows.csv"
        try writePattern(to: path)
        for span in [0..<pattern.count, 1_000..<(4 << 20) + 77, (2 << 20)..<(2 << 20) + 1] {
            let reader = try AscendingRangeReader(path: path, span: span)
            var gathered: [UInt8] = [], position = span.lowerBound, chunks = 0
            while position < span.upperBound {
                position += try reader.withBytes(from: position, upTo: span.upperBound) { gathered.append(contentsOf: $0) }
                chunks += 1
            }
            XCTAssertEqual(gathered, Array(pattern[span]), "span \(span)")
            XCTAssertLessThanOrEqual(chunks, span.count / (2 << 20) + 2, "one chunk per read-ahead block")
            XCTAssertEqual(try reader.withBytes(from: position, upTo: position) { _ in XCTFail("nothing to read") }, 0)
        }
    }

    func testRangesOutOfOrderOrPastTheEndThrow() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/rows.csv"
        try writePattern(to: path)
        let reader = try AscendingRangeReader(path: path, span: 0..<pattern.count)
        _ = try reader.withBytes(at: 5_000, count: 10) { $0.count }
        XCTAssertThrowsError(try reader.withBytes(at: 5_005, count: 10) { $0.count }) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "io.read_order")
        }
        let tail = try AscendingRangeReader(path: path, span: pattern.count - 10..<pattern.count + 10)
        XCTAssertEqual(try tail.withBytes(at: pattern.count - 10, count: 10) { Array($0) }, Array(pattern.suffix(10)))
        XCTAssertThrowsError(try tail.withBytes(at: pattern.count, count: 5) { $0.count }) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "io.short_read")
        }
        XCTAssertThrowsError(try tail.withBytes(at: pattern.count + 5, count: 1) { $0.count }, "and again, not waiting")
        XCTAssertThrowsError(try AscendingRangeReader(path: directory + "/missing", span: 0..<1)) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "io.open")
        }
    }

    func testFileSystemWithoutDirectIOReadsTheSameRanges() throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/shm") else { throw XCTSkip("no /dev/shm (tmpfs) here") }
        let path = "/dev/shm/fapiao-ranges-\(UUID().uuidString)"
        defer { unlink(path) }
        try writePattern(to: path)
        try checkRanges(path: path, span: 777..<pattern.count, longest: 400_000, seed: 4)
    }
}
