import Foundation
import XCTest
import FapiaoCore
@testable import FapiaoExtract
import FapiaoTestSupport

/// Hands out predetermined chunks, one per read (split further when the reader asks for less).
final class ChunkSource: ContentReading {
    private var chunks: [[UInt8]]
    init(_ chunks: [[UInt8]]) { self.chunks = chunks.reversed() }

    func read(into destination: UnsafeMutableBufferPointer<UInt8>) throws -> Int {
        guard var chunk = chunks.popLast() else { return 0 }
        let count = min(chunk.count, destination.count)
        for index in 0..<count { destination[index] = chunk[index] }
        chunk.removeFirst(count)
        if !chunk.isEmpty { chunks.append(chunk) }
        return count
    }
}

/// The chunk verifier applied to whole readers: decoding, framing and mapping must not depend on how the
/// content arrives.
final class ReaderChunkingTests: XCTestCase {
    /// Runs a reader over chunks and returns what it wrote, its findings and rejects, or its failure.
    private func run(_ chunks: [[UInt8]], source: SourceSpec) throws -> String {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try StagedFileWriter(path: directory + "/out.csv")
        var emitter = try RecordEmitter(source: source, writer: writer)
        emitter.beginFile("in/x", encoding: .utf8)
        var outcome = ""
        do {
            if source.format == .xml {
                var reader = try XMLFileReader(source: source, limits: Limits())
                try reader.read(ChunkSource(chunks), into: &emitter)
                outcome = "\(reader.records) records, \(reader.encoding)"
            } else {
                var reader = CSVFileReader(source: source, limits: Limits())
                try reader.read(ChunkSource(chunks), into: &emitter)
                outcome = "\(reader.records) records, \(reader.encoding.rawValue)"
            }
        } catch {
            outcome = "failed: \(error)"
        }
        try writer.commit()
        let findings = emitter.findings.map { "\($0.type.rawValue) \($0.line) \($0.field) \($0.branchValue)" }
        return [outcome, try Fixture.read(directory + "/out.csv"), "\(findings)", "\(emitter.rejects)"].joined(separator: "\n")
    }

    private func assertChunkingIndependent(_ bytes: [UInt8], _ source: SourceSpec, file: StaticString = #filePath,
                                           line: UInt = #line) throws {
        XCTAssertEqual(try ChunkVerifier.mismatches(bytes) { try run($0, source: source) }, [], file: file, line: line)
    }

    private let tricky = "发票代码,发票号码,金额,备注\r\n011002300111,00461160,\"1,0.5\",\"引号\"\"与\r\n换行㐀𠀀\"\r\n"
        + "2,00000002,3\r\n\r\n3,00000003,4.00,·¢Æ±ºÅÂë\r\n4,00000004,5.00,末行"

    func testCSVInUTF8WithBOM() throws {
        let bytes = [0xEF, 0xBB, 0xBF] + Array(tricky.utf8) + [0xE5, 0x8F]
        let output = try run([bytes], source: csvSource())
        XCTAssertTrue(output.hasPrefix("4 records, utf-8\n"), output)
        XCTAssertTrue(output.contains("\"encoding_error 7 remark e69cabe8a18ce58f\""), output)
        XCTAssertTrue(output.contains("chaoyang,in/x,6,3,00000003,4.00,发票号码\n"), output)
        try assertChunkingIndependent(bytes, csvSource())
    }

    func testCSVInGB18030Detected() throws {
        let bytes = Fixture.gb18030(tricky) + [0x81]
        let output = try run([bytes], source: csvSource())
        XCTAssertTrue(output.hasPrefix("4 records, gb18030\n"), output)
        try assertChunkingIndependent(bytes, csvSource())
    }

    func testCSVInUTF16BE() throws {
        try assertChunkingIndependent([0xFE, 0xFF] + Fixture.encode(tricky, as: "UTF-16BE"), csvSource())
    }

    func testCSVWithUnclosedQuote() throws {
        let bytes = Array((tricky + "\n5,\"open").utf8)
        XCTAssertTrue(try run([bytes], source: csvSource()).hasPrefix("failed: FileFailure(code: \"csv.unclosed_quote\", line: 8"))
        try assertChunkingIndependent(bytes, csvSource())
    }

    func testXMLInGBK() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"GBK\"?>\n<Invoices><Invoice note=\"㐀\"><FPHM>1</FPHM>"
            + "<Buyer id=\"x\"><Name>北京<![CDATA[&公司]]>𠀀</Name></Buyer></Invoice>\n<Invoice><JE>2</JE></Invoice></Invoices>"
        let bytes = Fixture.gb18030(xml)
        let output = try run([bytes], source: xmlSource())
        XCTAssertTrue(output.hasPrefix("2 records, gb18030\n"), output)
        XCTAssertTrue(output.contains("haidian,in/x,2,,1,x,北京&公司𠀀,,㐀\n"), output)
        try assertChunkingIndependent(bytes, xmlSource())
    }

    func testXMLCutShort() throws {
        let bytes = Array("<Invoices><Invoice><FPHM>1</FPHM></Invoice><Invoice><FP".utf8)
        XCTAssertTrue(try run([bytes], source: xmlSource()).hasPrefix("failed: FileFailure(code: \"xml.malformed\""))
        try assertChunkingIndependent(bytes, xmlSource())
    }
}
