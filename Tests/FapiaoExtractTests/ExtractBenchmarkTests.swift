import Foundation
import XCTest
import FapiaoCore
import FapiaoExtract
import FapiaoIO
import FapiaoTestSupport

/// Extract's throughput on a generated chain (skipped unless `FAPIAO_BENCH_DIR` is set; run in release):
///
///     FAPIAO_BENCH_DIR=/tmp/fapiao-bench swift test -c release -Xswiftc -enable-testing \
///         --filter ExtractBenchmarkTests
///
/// Writes the chain once into the folder (8 branch exports and the authority's, `FAPIAO_BENCH_INVOICES`
/// invoices, default 1,000,000), then times each source alone (one core) and the whole chain (both cores).
final class ExtractBenchmarkTests: XCTestCase {
    func testGeneratedChain() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let directory = environment["FAPIAO_BENCH_DIR"] else { throw XCTSkip("set FAPIAO_BENCH_DIR to run") }
        let invoices = Int(environment["FAPIAO_BENCH_INVOICES"] ?? "") ?? 1_000_000
        let chain = try BenchChain.write(to: directory, invoices: invoices)
        var lines = ["| run | records | inflated MB | seconds | MB/s | records/s |", "|---|---:|---:|---:|---:|---:|"]
        for job in chain {
            lines.append(try measure(job.source.name + " (" + job.label + ")", [job], directory: directory))
        }
        lines.append(try measure("whole chain, both cores", chain, directory: directory))
        let table = lines.joined(separator: "\n")
        print(table)
        try AtomicFileWriter.write(Array((table + "\n").utf8), to: directory + "/extract-bench.md")
    }

    private func measure(_ label: String, _ jobs: [BenchChain.Job], directory: String) throws -> String {
        let output = directory + "/out-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let spec = PipelineSpec(name: "bench", sources: jobs.map(\.source))
        let start = Date()
        let result = try ExtractStage.run(
            spec: spec, inputs: jobs.map { SourceInputs(source: $0.source, files: [$0.file]) }, outputDirectory: output)
        let seconds = Date().timeIntervalSince(start)
        XCTAssertEqual(result.findings, 0)
        let records = result.sources.map(\.kept).reduce(0, +)
        let megabytes = Double(result.inputs.map(\.inflatedBytes).reduce(0, +)) / 1_000_000
        return String(format: "| %@ | %d | %.1f | %.2f | %.0f | %.0f |", label, records, megabytes, seconds,
                      megabytes / seconds, Double(records) / seconds)
    }
}

/// A generated chain in the authority export's layout (DOMAIN.md): 6 UTF-8 CSV branches, one GB18030 CSV
/// branch, one GBK-declared XML branch, and the authority's CSV listing every invoice; all gzipped.
enum BenchChain {
    struct Job {
        var source: SourceSpec
        var file: ResolvedFile
        var label: String
    }

    static let header = "序号,发票代码,发票号码,数电发票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税额,价税合计,"
        + "发票来源,发票票种,发票状态,是否正数发票,发票风险等级,开票人,备注\n"

    static let columns: [CanonicalField: ColumnRef] = [
        .invoiceCode: .names(["发票代码"]), .invoiceNumber: .names(["发票号码"]), .digitalNumber: .names(["数电发票号码"]),
        .sellerTaxID: .names(["销方识别号"]), .sellerName: .names(["销方名称"]), .buyerTaxID: .names(["购方识别号"]),
        .buyerName: .names(["购买方名称"]), .issueDate: .names(["开票日期"]), .amount: .names(["金额"]),
        .tax: .names(["税额"]), .total: .names(["价税合计"]), .invoiceType: .names(["发票票种"]),
        .status: .names(["发票状态"]), .remark: .names(["备注"]),
    ]

    static let xmlColumns: [CanonicalField: ColumnRef] = [
        .invoiceCode: .names(["FPDM"]), .invoiceNumber: .names(["FPHM"]), .issueDate: .names(["KPRQ"]),
        .buyerTaxID: .names(["GMF_NSRSBH"]), .buyerName: .names(["GMF_MC"]), .amount: .names(["HJJE"]),
        .tax: .names(["HJSE"]), .total: .names(["JSHJ"]), .remark: .names(["BZ"]),
    ]

    /// Writes the chain (unless already there) and returns one job per source.
    static func write(to directory: String, invoices: Int) throws -> [Job] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let perBranch = invoices / 8
        var jobs: [Job] = []
        for branch in 0..<8 {
            let name = "branch-\(branch)"
            let range = (branch * perBranch)..<((branch + 1) * perBranch)
            let format = branch == 7 ? "xml" : "csv"
            let path = directory + "/\(name).\(format).gz"
            if !FileManager.default.fileExists(atPath: path) {
                try writeGzip(path) { emit in
                    branch == 7 ? xml(range, emit) : csv(range, gb18030: branch == 6, emit)
                }
            }
            let source = SourceSpec(
                name: name, role: .branch, path: path, format: format == "xml" ? .xml : .csv,
                xml: XMLOptions(root: "Invoices", record: "Invoice"), columns: format == "xml" ? xmlColumns : columns)
            let label = branch == 7 ? "xml, GBK" : branch == 6 ? "csv, GB18030" : "csv, UTF-8"
            jobs.append(Job(source: source, file: ResolvedFile(absolutePath: path, relativePath: name), label: label))
        }
        let path = directory + "/authority.csv.gz"
        if !FileManager.default.fileExists(atPath: path) {
            try writeGzip(path) { emit in csv(0..<(perBranch * 8), gb18030: false, emit) }
        }
        let authority = SourceSpec(name: "tax-bureau", role: .authority, path: path, columns: columns)
        jobs.append(Job(source: authority, file: ResolvedFile(absolutePath: path, relativePath: "authority"), label: "csv, UTF-8"))
        return jobs
    }

    private static func csv(_ range: Range<Int>, gb18030: Bool, _ emit: ([UInt8]) -> Void) {
        let encode: (String) -> [UInt8] = { gb18030 ? Fixture.gb18030($0) : Array($0.utf8) }
        emit(encode(header))
        var block = ""
        for index in range {
            let amount = 1000 + index % 900_000
            let digital = index % 3 == 0 ? "25117000000\(String(format: "%09d", index))" : "--"
            block += "\(index + 1),011002300111,\(String(format: "%08d", index)),\(digital),91110105MA00AAAA0P,"
                + "北京朝阳门店有限公司,91350200776049653A,上海某某贸易有限公司（第\(index % 97)分店）,2025-04-17 10:59:01,"
                + "\(yuan(amount)),1.30,\(yuan(amount + 130)),"
                + "增值税发票管理系统,增值税电子普通发票,正常,是,正常,张三,\"订单 \(index), 含\"\"赠品\"\"\"\n"
            if block.utf8.count > 1 << 20 { emit(encode(block)); block = "" }
        }
        emit(encode(block))
    }

    private static func yuan(_ fen: Int) -> String { "\(fen / 100)." + String(format: "%02d", fen % 100) }

    private static func xml(_ range: Range<Int>, _ emit: ([UInt8]) -> Void) {
        emit(Fixture.gb18030("<?xml version=\"1.0\" encoding=\"GBK\"?>\n<Invoices>\n"))
        var block = ""
        for index in range {
            block += "<Invoice><FPDM>011002300111</FPDM><FPHM>\(String(format: "%08d", index))</FPHM><KPRQ>20250417</KPRQ>"
                + "<GMF_NSRSBH>91350200776049653A</GMF_NSRSBH><GMF_MC>上海某某贸易有限公司</GMF_MC>"
                + "<HJJE>\(index % 9000).50</HJJE><HJSE>1.30</HJSE><JSHJ>\(index % 9000 + 1).80</JSHJ><BZ>订单 \(index)</BZ></Invoice>\n"
            if block.utf8.count > 1 << 20 { emit(Fixture.gb18030(block)); block = "" }
        }
        emit(Fixture.gb18030(block + "</Invoices>\n"))
    }

    private static func writeGzip(_ path: String, _ body: (([UInt8]) -> Void) -> Void) throws {
        let deflater = try GzipDeflater(level: 6)
        let writer = try AtomicFileWriter(path: path)
        var failure: Error?
        body { bytes in
            var out: [UInt8] = []
            deflater.deflate(bytes, into: &out)
            do { try writer.write(out) } catch { failure = error }
        }
        var tail: [UInt8] = []
        deflater.finish(into: &tail)
        try writer.write(tail)
        if let failure { throw failure }
        try writer.commit()
    }
}
