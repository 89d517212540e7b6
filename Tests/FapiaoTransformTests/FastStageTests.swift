import Foundation
import Testing
import FapiaoCore
import FapiaoIO
import FapiaoTestSupport
@testable import FapiaoTransform

/// The whole stage with and without the byte fast path, the dedupe key table, and the reader thread's errors.
@Suite struct FastStageTests {
    /// Several sources of thousands of rows (many batches), realistic and odd values, duplicates inside a
    /// source and across branches: every output file is the same byte for byte with and without the fast path.
    @Test func fastPathWritesWhatTheStringPathWrites() throws {
        let sources = [Fixtures.source(name: "north"), Fixtures.source(name: "south", statusMap: ["有效": .normal]),
                       Fixtures.source(name: "tax", role: .authority, dateFormats: ["yyyy-MM-dd'T'HH:mm:ss"])]
        let spec = PipelineSpec(name: "p", sources: sources)
        var outputs: [[String: Data]] = []
        for fastPath in [true, false] {
            let fixture = try StageFixture()
            defer { fixture.remove() }
            for (index, source) in sources.enumerated() {
                try fixture.writeExtract(source: source.name, fields: CanonicalField.mappable,
                                         rows: FastStageTests.rows(seed: UInt64(index + 1), count: 2_600))
            }
            _ = try TransformStage.run(spec: spec, extractDirectory: fixture.extract, outputDirectory: fixture.output,
                                       fastPath: fastPath)
            var files: [String: Data] = [:]
            for name in TransformStage.outputFiles {
                files[name] = FileManager.default.contents(atPath: fixture.output + "/" + name)
            }
            outputs.append(files)
        }
        for name in TransformStage.outputFiles {
            #expect(outputs[0][name] != nil && outputs[0][name] == outputs[1][name], "\(name)")
        }
        #expect((outputs[0]["duplicates.csv"]?.count ?? 0) > 1_000)
    }

    /// Rows over two files, numbers drawn from a small range (so keys repeat), fields realistic or odd.
    static func rows(seed: UInt64, count: Int) -> [(String, Int, [String])] {
        var random = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let values = CanonicalField.mappable.map { field -> String in
                let roll = Int(random.next() % 16)
                if field == .invoiceNumber, roll < 12 { return String(format: "%08d", 1_000 + Int(random.next() % 2_000)) }
                if roll == 0 {
                    return (0..<Int(random.next() % 4)).map { _ in
                        FastPathTests.pieces[Int(random.next() % UInt64(FastPathTests.pieces.count))]
                    }.joined()
                }
                return FastPathTests.realistic(field, 1 + roll % 3)
            }
            return (index < count / 2 ? "a.csv" : "b.csv", 2 + index % (count / 2) * 3, values)
        }
    }

    @Test func keyTableKeepsTheFirstRecordOfEachKey() {
        var table = KeyTable()
        var reference: [PackedKey: KeptRecord] = [:]
        var random = SplitMix64(seed: 3)
        for line in 0..<50_000 {
            let key = PackedKey(code: "0110023001\(random.next() % 90 + 10)", number: String(format: "%08d", random.next() % 30_000))!
            let record = KeptRecord(digest: random.next(), file: 1, line: UInt32(line), source: 2)
            let previous = table.claim(key, for: record)
            #expect(previous == reference[key])
            if reference[key] == nil { reference[key] = record }
        }
        #expect(table.count == reference.count)
    }

    @Test func corruptExtractStopsTheReaderWithAnError() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let good = (0..<3_000).map { index in
            "north,a.csv,\(index + 2),011002300111,\(String(format: "%08d", index)),2025-04-17,1.00,0.13,1.13"
        }
        let text = "_source,_file,_line,invoice_code,invoice_number,issue_date,amount,tax,total\n"
            + good.joined(separator: "\n") + "\nnorth,a.csv,9999,\"unclosed\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: fixture.extract + "/north.csv"))
        try fixture.writeExtract(source: "south", fields: [.invoiceCode], rows: [])
        let spec = PipelineSpec(name: "p", sources: [Fixtures.source(name: "north"), Fixtures.source(name: "south")])
        #expect(throws: FapiaoError.self) { try fixture.run(spec) }
        do { _ = try fixture.run(spec) } catch let error as FapiaoError { #expect(error.code == "stage.corrupt") }
    }
}
