import Foundation
import Testing
import FapiaoCore
import FapiaoIO
@testable import FapiaoTransform

/// A throughput check, run only with `FAPIAO_BENCH=<records>` (e.g. in release: `swift test -c release`).
@Suite struct TransformBenchmark {
    static let records = Int(ProcessInfo.processInfo.environment["FAPIAO_BENCH"] ?? "") ?? 0

    @Test(.enabled(if: records > 0)) func transformsRecordsPerSecond() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let fields: [CanonicalField] = [.invoiceCode, .invoiceNumber, .invoiceType, .issueDate, .sellerTaxID,
                                        .sellerName, .buyerTaxID, .buyerName, .amount, .tax, .total, .taxRate,
                                        .status, .remark]
        let writer = try RecordFileWriter(path: fixture.extract + "/north.csv",
                                          header: ProvenanceColumn.names + fields.map(\.rawValue))
        for index in 0..<Self.records {
            let amount = 1000 + index % 90_000
            try writer.write(["north", "exports/north/a.csv", String(index + 2), "011002300111", String(index % 100_000_000),
                              "增值税普通发票", "2025年4月17日", "91110105MA00AAAA0P", "北京朝阳商贸有限公司",
                              "91350200776049653A", "厦门 某某 科技（第Ⅲ分店）", "¥\(amount).50", "\(amount / 10).13",
                              "\(amount + amount / 10).63", "13%", "正常", "门店备注\r\n第二行"])
        }
        try writer.commit()
        let spec = PipelineSpec(name: "p", sources: [Fixtures.source(name: "north")])
        let start = Date(), cpuStart = clock()
        let result = try fixture.run(spec)
        let seconds = Date().timeIntervalSince(start)
        let cpu = Double(clock() - cpuStart) / Double(CLOCKS_PER_SEC)
        print("transform: \(Self.records) records in \(seconds) s (\(cpu) s CPU), "
              + "\(Int(Double(Self.records) / cpu)) records per CPU second")
        #expect(result.sources[0].balances)
    }
}
