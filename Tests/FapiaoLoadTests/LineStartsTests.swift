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
