import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoSamples

/// The generator's truth agrees with an independent reading of the files it wrote.
final class OracleTests: XCTestCase {
    func testCommittedTruthMatchesAnIndependentReading() throws {
        let options = SampleOptions()
        try assertOracleAgrees(SampleFiles.repositoryRoot + "/samples", options: options)
    }

    func testScaledTruthMatchesAnIndependentReading() throws {
        let folder = try TestSupport.temporaryDirectory("fapiao-oracle")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let options = SampleOptions(seed: 3, branches: 43, invoicesPerBranch: 120)
        try SampleChain.write(to: folder, options: options)
        try assertOracleAgrees(folder, options: options)
    }

    private func assertOracleAgrees(_ folder: String, options: SampleOptions, line: UInt = #line) throws {
        let plan = ChainPlan(count: options.branches, seed: options.seed)
        let oracle = try OracleReconciler(chain: folder, plan: plan)
        let truth = try SampleFiles.truthJSON(folder)
        let bySource = try XCTUnwrap(truth["counts_by_source"] as? [String: [String: Int]])
        for (source, counts) in bySource {
            for (type, count) in counts {
                XCTAssertEqual(oracle.findings.counts[source]?[type] ?? 0, count, "\(source) \(type)", line: line)
            }
        }
        XCTAssertEqual(oracle.records, (truth["records_by_source"] as? [String: Int])?.filter { $0.value > 0 }, line: line)
        XCTAssertEqual(oracle.canonicalRows, truth["canonical_rows"] as? Int, line: line)
    }
}
