import Foundation
import Testing
import PropertyBased
import FapiaoCore
import FapiaoIO
import FapiaoTestSupport
@testable import FapiaoTransform

/// Stage behaviour at the edges: conservation on random input, malformed extract files, spilled findings.
@Suite struct StageEdgeTests {
    static let fields: [CanonicalField] = [.invoiceCode, .invoiceNumber, .issueDate, .amount, .tax, .total]

    /// Random records over a small key space: valid, duplicate, keyless, or with bad money or dates.
    static let records = Gen<[String]?>.element(of: [
        ["011002300111", "1", "2025-04-17", "1.00", "0.13", "1.13"],
        ["011002300111", "1", "2025-04-17", "1.00", "0.13", "1.13"],
        ["011002300111", "2", "2025-04-17", "2.00", "0.26", "2.26"],
        ["011002300111", "2", "2025-04-17", "9.00", "0.26", "9.26"],
        ["", "3", "2025-04-17", "1.00", "0.13", "1.13"],
        ["011002300111", "4", "2025-02-30", "1.00", "0.13", "1.13"],
        ["011002300111", "5", "2025-04-17", "x", "0.13", "1.13"],
        ["011002300111", "6", "2025-04-17", "1.005", "0.13", "1.13"],
    ]).array(of: 0...30).map { $0.compactMap { $0 } }

    @Test func everyRecordIsAccountedFor() async {
        await propertyCheck(count: 40, input: Self.records, Self.records) { first, second in
            let fixture = try StageFixture()
            defer { fixture.remove() }
            for (name, rows) in [("north", first), ("south", second)] {
                try fixture.writeExtract(source: name, fields: Self.fields,
                                         rows: rows.enumerated().map { ("\(name).csv", $0.offset + 2, $0.element) })
            }
            let spec = PipelineSpec(name: "p", sources: [Fixtures.source(name: "north"), Fixtures.source(name: "south")])
            let result = try fixture.run(spec)
            #expect(result.sources.map(\.recordsIn) == [first.count, second.count])
            #expect(result.sources.allSatisfy { $0.balances })
            let keys = try fixture.rows("invoices.csv").map { $0[0] }
            #expect(Set(keys).count == keys.count)
            #expect(result.outputs["duplicates.csv"] == result.sources.map(\.duplicates).reduce(0, +))
            #expect(result.outputs["rejects.csv"] == result.sources.map(\.rejected).reduce(0, +))
        }
    }

    @Test func findingsSpillToRunsAndMergeInOrder() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let sorter = FindingSorter(spoolDirectory: fixture.output, runLength: 3)
        var generator = SplitMix64(seed: 7)
        var all: [Discrepancy] = []
        for index in 0..<20 {
            let finding = Discrepancy(type: .suspiciousField, severity: [.high, .medium, .info][index % 3],
                                      branch: "b\(generator.next() % 4)", source: "s", invoiceKey: "k\(generator.next() % 9)",
                                      field: "tax", file: "f.csv", line: index + 1, messageZh: "中", messageEn: "e")
            all.append(finding)
            try sorter.add(finding)
        }
        #expect(try sorter.write(to: fixture.output + "/findings.csv") == 20)
        let written = try fixture.rows("findings.csv").compactMap(Discrepancy.init(findingsRow:))
        #expect(written == all.sorted(by: Discrepancy.reportOrder))
    }

    @Test func outOfOrderExtractIsAnError() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let row = ["011002300111", "1", "2025-04-17", "1.00", "0.13", "1.13"]
        try fixture.writeExtract(source: "north", fields: Self.fields, rows: [("b.csv", 2, row), ("a.csv", 3, row)])
        let spec = PipelineSpec(name: "p", sources: [Fixtures.source(name: "north")])
        let error = #expect(throws: FapiaoError.self) { try fixture.run(spec) }
        #expect(error?.code == "transform.extract_order")
        #expect(error?.location?.line == 3)
    }

    @Test func missingExtractFileNamesTheCommand() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let spec = PipelineSpec(name: "p", sources: [Fixtures.source(name: "north")])
        let error = #expect(throws: FapiaoError.self) { try fixture.run(spec) }
        #expect(error?.code == "transform.missing_extract")
        #expect(error?.message == fixture.extract + "/north.csv is missing; run extract first")
    }

    @Test func unknownColumnIsAnError() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        try RecordFileWriter.write(path: fixture.extract + "/north.csv", header: ProvenanceColumn.names + ["amout"],
                                   rows: [])
        let spec = PipelineSpec(name: "p", sources: [Fixtures.source(name: "north")])
        let error = #expect(throws: FapiaoError.self) { try fixture.run(spec) }
        #expect(error?.code == "transform.extract_header")
    }

    @Test func unsupportedDateFormatIsAnError() {
        let error = #expect(throws: FapiaoError.self) { try RecordNormalizer(source: Fixtures.source(dateFormats: ["dd MMM yyyy"])) }
        #expect(error?.code == "transform.date_format")
        #expect(error?.message == "source chaoyang: date format 'dd MMM yyyy' uses 'MMM', which fapiao does not "
            + "read; use y, M, d, H, m, s (numbers only) and quote literal text ('T')")
    }

    @Test func headerOnlyExtractGivesEmptyOutputs() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        try fixture.writeExtract(source: "north", fields: Self.fields, rows: [])
        let spec = PipelineSpec(name: "p", sources: [Fixtures.source(name: "north")])
        let result = try fixture.run(spec)
        #expect(result.sources == [SourceCounts(source: "north")])
        #expect(result.outputs.values.allSatisfy { $0 == 0 })
        #expect(try fixture.outputFiles() == TransformStage.outputFiles.sorted())
    }
}
