import Foundation
import XCTest
import FapiaoCore
import FapiaoIO
import FapiaoTestSupport
@testable import FapiaoSamples

/// The tax-platform variant: samples/tax-platform/ and pipelines/tax-platform.yaml.
final class TaxPlatformSampleTests: XCTestCase {
    private var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        folders = []
    }

    private func temporary() throws -> String {
        let folder = try TestSupport.temporaryDirectory("fapiao-tax-platform")
        folders.append(folder)
        return folder
    }

    /// Regenerating the committed set gives byte-identical files.
    func testCommittedTaxPlatformSamplesAreReproduced() throws {
        let root = SampleFiles.repositoryRoot
        let scratch = try temporary()
        try SampleChain.writeTaxPlatform(to: scratch + "/samples/tax-platform", options: SampleOptions(),
                                         pipelineFile: scratch + "/pipelines/tax-platform.yaml")
        SampleFiles.assertSameTree(scratch + "/samples/tax-platform", root + "/samples/tax-platform")
        XCTAssertTrue(SampleFiles.bytes(scratch + "/pipelines/tax-platform.yaml")
                      == SampleFiles.bytes(root + "/pipelines/tax-platform.yaml"), "pipelines/tax-platform.yaml differs")
    }

    /// The branch exports are those of the default chain; the authority's record is an xlsx and XML files.
    func testSameBranchFilesOtherAuthorityFiles() throws {
        let scratch = try temporary()
        let options = SampleOptions(seed: 7, branches: 6, invoicesPerBranch: 40)
        try SampleChain.write(to: scratch + "/csv", options: options)
        let summary = try SampleChain.writeTaxPlatform(to: scratch + "/xlsx", options: options)
        SampleFiles.assertSameTree(scratch + "/csv/exports", scratch + "/xlsx/exports")
        let files = SampleFiles.tree(scratch + "/xlsx").filter { !$0.hasPrefix("exports/") }
        XCTAssertTrue(files.contains("authority/20250417/tax-export.xlsx"))
        XCTAssertTrue(files.contains("einvoices/20250417/einvoices-02.zip"))
        XCTAssertEqual(files.filter { $0.hasPrefix("einvoices/20250417/") && $0.hasSuffix(".xml") }.count, 100)
        let records = summary.truth.recordsBySource
        let csvTruth = try SampleFiles.truthJSON(scratch + "/csv")
        let csvAuthority = try XCTUnwrap((csvTruth["records_by_source"] as? [String: Int])?["tax-bureau"])
        let both = try XCTUnwrap(summary.injections[SampleChain.heldByBothAuthorities])
        XCTAssertGreaterThan(both, 0)
        XCTAssertEqual((records["tax-bureau"] ?? 0) + (records["tax-einvoices"] ?? 0), csvAuthority + both)
        XCTAssertEqual(summary.truth.canonicalRows, csvTruth["canonical_rows"] as? Int)
    }

    /// Writes the committed set when FAPIAO_RECORD_SAMPLES=1 (then fails, as a recording should).
    func testRecordTaxPlatformSamples() throws {
        guard ProcessInfo.processInfo.environment["FAPIAO_RECORD_SAMPLES"] == "1" else { return }
        let root = SampleFiles.repositoryRoot
        let summary = try SampleChain.writeTaxPlatform(to: root + "/samples/tax-platform", options: SampleOptions(),
                                                       pipelineFile: root + "/pipelines/tax-platform.yaml")
        print(summary.truth.json)
        XCTFail("recorded samples/tax-platform and pipelines/tax-platform.yaml; run again without FAPIAO_RECORD_SAMPLES")
    }
}

/// Runs the built `fapiao` on pipelines/tax-platform.yaml (paths pointed at the committed samples, work in a
/// temporary folder) and compares `summary.json` with samples/tax-platform/truth.json.
final class TaxPlatformEndToEndTests: XCTestCase {
    func testSummaryMatchesTruth() throws {
        let root = SampleFiles.repositoryRoot
        let work = try TestSupport.temporaryDirectory("fapiao-tax-platform-run")
        defer { try? FileManager.default.removeItem(atPath: work) }
        let text = String(decoding: SampleFiles.bytes(root + "/pipelines/tax-platform.yaml"), as: UTF8.self)
            .replacingOccurrences(of: "\"../samples/", with: "\"" + root + "/samples/")
            .replacingOccurrences(of: "work_dir: ../work ", with: "work_dir: \(work)/work ")
        let pipeline = work + "/tax-platform.yaml"
        try Fixture.write(Array(text.utf8), to: work, name: "tax-platform.yaml")
        let outcome = try CommandRunner.run(["run", pipeline, "--date", "2025-04-17"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        let truth = try SampleFiles.truthJSON(root + "/samples/tax-platform")
        let data = try Data(contentsOf: URL(fileURLWithPath: work + "/work/tax-platform/2025-04-17/out/summary.json"))
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(summary["records_by_source"] as? [String: Int], truth["records_by_source"] as? [String: Int])
        let expected = try XCTUnwrap(truth["counts_by_source"] as? [String: [String: Int]])
        let found = try XCTUnwrap(summary["counts_by_source"] as? [String: [String: Int]])
        XCTAssertEqual(found, expected)
        XCTAssertEqual(summary["counts"] as? [String: Int], truth["counts"] as? [String: Int])
        XCTAssertEqual(summary["canonical_rows"] as? Int, truth["canonical_rows"] as? Int)
    }

    func testTheCommittedSetHoldsSevenInvoicesInBothSources() throws {
        let scratch = try TestSupport.temporaryDirectory("fapiao-tax-platform-count")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let summary = try SampleChain.writeTaxPlatform(to: scratch, options: SampleOptions())
        XCTAssertEqual(summary.injections[SampleChain.heldByBothAuthorities], 7)
    }
}
