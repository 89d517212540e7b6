import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoSamples

final class SampleScaleTests: XCTestCase {
    /// `--branches 12 --invoices-per-branch 300`: every invoice issued is in the authority's export or is
    /// one of the branch-only invoices the truth counts as missing_in_authority.
    func testScaleWritesTheRequestedInvoices() throws {
        let folder = try TestSupport.temporaryDirectory("fapiao-scale")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let summary = try SampleChain.write(to: folder, options: SampleOptions(seed: 5, branches: 12, invoicesPerBranch: 300))
        XCTAssertEqual(summary.invoices, 3600)
        XCTAssertEqual(summary.truth.canonicalRows, 3600)
        let authority = try SampleFiles.records(SampleFiles.inflate(folder + "/authority/20250417/tax-export.csv.gz"))
        let rows = authority.dropFirst().map(\.strings)
        XCTAssertEqual(rows.count, summary.truth.recordsBySource[ChainPlan.authoritySource])
        let keys = Set(rows.map { $0[3] == "--" ? "\($0[1])-\($0[2])" : $0[3] })
        let onlyAtBranches = summary.truth.counts[.missingInAuthority] ?? 0
        XCTAssertEqual(keys.count + onlyAtBranches, 3600)
        XCTAssertEqual(rows.count - keys.count,
                       summary.truth.countsBySource[ChainPlan.authoritySource]?[.duplicateInSource])
        let planted = summary.injections.values.reduce(0, +)
        XCTAssertGreaterThan(planted, 3600 / 50)
    }

    /// Many branches: dialects round-robin in `branches:` lists, one explicit source per branch without a file.
    func testManyBranchesAreListedInThePipelineFile() throws {
        let folder = try TestSupport.temporaryDirectory("fapiao-many")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let summary = try SampleChain.write(to: folder, options: SampleOptions(seed: 1, branches: 85, invoicesPerBranch: 8))
        if let keep = ProcessInfo.processInfo.environment["FAPIAO_SAMPLES_KEEP"] {
            try? FileManager.default.copyItem(atPath: folder + "/pipeline.yaml", toPath: keep)
        }
        let yaml = String(decoding: SampleFiles.bytes(folder + "/pipeline.yaml"), as: UTF8.self)
        let plan = ChainPlan(count: 85, seed: 1)
        for branch in plan.branches { XCTAssertTrue(yaml.contains(branch.name), branch.name) }
        XCTAssertEqual(plan.missingBranches.map(\.name), ["store-0040", "store-0080", "store-0085"])
        XCTAssertEqual(plan.branches.filter { $0.fate == .truncatedFile }.map(\.name), ["haidian", "store-0042", "store-0082"])
        XCTAssertEqual(summary.truth.counts[.missingSource], 3)
        XCTAssertEqual(plan.branches.filter { $0.fate == .malformedFile }.map(\.name), ["tongzhou", "store-0046"])
        XCTAssertEqual(summary.truth.counts[.fileError], 5)
        XCTAssertEqual(yaml.components(separatedBy: "constants: { seller_tax_id:").count - 1, 3)
    }

    /// A timing probe for large chains; runs only with FAPIAO_SAMPLES_BENCH=<invoices per branch>.
    func testLargeChainTiming() throws {
        guard let text = ProcessInfo.processInfo.environment["FAPIAO_SAMPLES_BENCH"], let perBranch = Int(text) else { return }
        let folder = try TestSupport.temporaryDirectory("fapiao-bench")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let start = Date()
        let summary = try SampleChain.write(to: folder, options: SampleOptions(branches: 20, invoicesPerBranch: perBranch))
        print("samples: \(summary.invoices) invoices in \(Date().timeIntervalSince(start)) s")
    }
}
