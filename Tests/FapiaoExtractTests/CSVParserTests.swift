import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport

final class CSVParserTests: XCTestCase {
    /// Parses chunks into (line, fields) pairs, with an overflow marker, or the error's description.
    private func parse(_ chunks: [[UInt8]], dialect: CSVDialect = .rfc4180, maxField: Int = 1 << 20,
                       maxRecord: Int = 4 << 20) -> [String] {
        var parser = CSVParser(dialect: dialect, maxFieldBytes: maxField, maxRecordBytes: maxRecord)
        var rows: [String] = []
        let emit: (CSVRowView) -> Void = { row in
            let fields = (0..<row.count).map { String(decoding: row[$0], as: UTF8.self) }
            rows.append("\(row.line)\(row.overflow.map { " \($0)" } ?? ""): \(fields)")
        }
        do {
            for chunk in chunks { try chunk.withUnsafeBufferPointer { try parser.feedRows($0, emit: emit) } }
            try parser.finishRows(emit: emit)
        } catch {
            rows.append("error: \(error)")
        }
        return rows
    }

    private func parse(_ text: String) -> [String] { parse([Array(text.utf8)]) }

    func testCSVSpectrumIsReadExactlyAsItsJSONSays() throws {
        let root = TestSupport.repositoryRoot + "/../shared/testdata/csv-spectrum"
        let names = try FileManager.default.contentsOfDirectory(atPath: root + "/csvs").filter { $0.hasSuffix(".csv") }
        XCTAssertEqual(names.count, 11)
        for name in names.sorted() {
            let csv = try Array(Data(contentsOf: URL(fileURLWithPath: root + "/csvs/" + name)))
            let json = try Data(contentsOf: URL(fileURLWithPath: root + "/json/" + name.replacingOccurrences(of: ".csv", with: ".json")))
            let expected = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [[String: String]], name)
            for chunks in TestSupport.chunkings(of: csv) {
                var parser = CSVParser()
                var records: [CSVRecord] = []
                for chunk in chunks { try parser.feed(chunk) { records.append($0) } }
                try parser.finish { records.append($0) }
                let header = records.removeFirst().strings
                let objects = records.map { Dictionary(uniqueKeysWithValues: zip(header, $0.strings)) }
                XCTAssertEqual(objects, expected, name)
            }
        }
    }

    func testLineBreaksLFCRLFAndLoneCRAndLinesOfRecords() {
        XCTAssertEqual(parse("a,b\r\nc,d\re,f\ng,h"), [
            #"1: ["a", "b"]"#, #"2: ["c", "d"]"#, #"3: ["e", "f"]"#, #"4: ["g", "h"]"#,
        ])
        XCTAssertEqual(parse("h\n\"x\r\ny\",z\nnext\n"), [#"1: ["h"]"#, "2: [\"x\\r\\ny\", \"z\"]", #"4: ["next"]"#])
    }

    func testQuotesDelimitersAndLiteralQuotes() {
        XCTAssertEqual(parse(#""a,b","say ""hi""",c"d,"x"y"#), [#"1: ["a,b", "say \"hi\"", "c\"d", "xy"]"#])
        XCTAssertEqual(parse("\"\"\n,\n"), [#"1: [""]"#, #"2: ["", ""]"#])
    }

    func testEmptyLinesAreSkippedAndTrailingDelimiterKeepsAnEmptyField() {
        XCTAssertEqual(parse("\n\na,b,\n\r\n\n1,2,3"), [#"3: ["a", "b", ""]"#, #"6: ["1", "2", "3"]"#])
    }

    func testUnclosedQuoteAtEndIsAnErrorNamingTheRecordLine() {
        XCTAssertEqual(parse("a,b\n1,\"open\n2,3\n"), [#"1: ["a", "b"]"#, "error: unclosedQuote(line: 2)"])
    }

    func testOversizeFieldAndRecordAreFlaggedAndParsingGoesOn() {
        let text = "a,b\n\(String(repeating: "x", count: 20)),1\n\"\(String(repeating: "y", count: 9)),\",1234\nok,2\n"
        // Once a record overflows, none of its later bytes are kept (memory stays bounded).
        XCTAssertEqual(parse([Array(text.utf8)], maxField: 10, maxRecord: 12), [
            #"1: ["a", "b"]"#, #"2 field: ["", ""]"#, #"3 record: ["yyyyyyyyy,", ""]"#, #"4: ["ok", "2"]"#,
        ])
    }

    func testOtherDialects() {
        XCTAssertEqual(parse([Array("a;\"b\";c\n".utf8)], dialect: CSVDialect(delimiter: UInt8(ascii: ";"))),
                       [#"1: ["a", "b", "c"]"#])
        XCTAssertEqual(parse([Array("a\t\"b\n".utf8)], dialect: CSVDialect(delimiter: 9, quote: nil)),
                       [#"1: ["a", "\"b"]"#])
    }

    func testChunkingNeverChangesTheRecords() {
        let text = "h1,h2,h3\r\n\"multi\r\nline\",\"q\"\"q\",x\r\n\r\nlast,\"\",\rcr,only,\"a\rb\"\n\"end\"\r"
        XCTAssertEqual(ChunkVerifier.mismatches(Array(text.utf8)) { parse($0) }, [])
        XCTAssertEqual(parse(text).count, 5)
    }

    func testRecordConversionAndFormatterRoundTrip() throws {
        var output: [UInt8] = []
        CSVFormatter.append(["plain", "a,b", "say \"x\"", "two\nlines", "=SUM(A1)"], to: &output)
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "plain,\"a,b\",\"say \"\"x\"\"\",\"two\nlines\",=SUM(A1)\n")
        var parser = CSVParser()
        var records: [CSVRecord] = []
        try parser.feed(output) { records.append($0) }
        try parser.finish { records.append($0) }
        XCTAssertEqual(records.map(\.strings), [["plain", "a,b", "say \"x\"", "two\nlines", "=SUM(A1)"]])
    }
}
