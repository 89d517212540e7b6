import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoLoad

final class LoadStageTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws { root = try TestSupport.temporaryDirectory("fapiao-load") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    private func runSample() throws -> (LoadRequest, LoadResult) {
        let request = try SampleNight.night.write(root: root, date: "2025-04-17")
        return (request, try LoadStage.run(request))
    }

    func testSummaryCountsEveryTypeAndSource() throws {
        let (request, result) = try runSample()
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: request.outputDirectory + "/summary.json"))) as? [String: Any]
        let counts = try XCTUnwrap(summary?["counts"] as? [String: Int])
        XCTAssertEqual(counts, [
            "missing_in_authority": 2, "missing_in_branches": 3, "field_mismatch": 7, "duplicate_in_source": 1,
            "duplicate_across_branches": 0, "invalid_record": 1, "suspicious_field": 1, "encoding_error": 1,
            "file_error": 1, "missing_source": 0,
        ])
        let bySource = try XCTUnwrap(summary?["counts_by_source"] as? [String: [String: Int]])
        XCTAssertEqual(Set(bySource.keys), ["chaoyang", "haidian", "tax-bureau"])
        XCTAssertEqual(bySource["tax-bureau"]?["missing_in_branches"], 3)
        XCTAssertEqual(bySource["chaoyang"]?["field_mismatch"], 5)
        XCTAssertEqual(bySource["haidian"]?.count, DiscrepancyType.allCases.count)
        XCTAssertEqual(summary?["records_by_source"] as? [String: Int], ["chaoyang": 8, "haidian": 4, "tax-bureau": 10])
        XCTAssertEqual(summary?["canonical_rows"] as? Int, 12)
        XCTAssertEqual(result.openCountsByType[.fieldMismatch], 7)
        XCTAssertEqual(result.openCountsByType[.missingSource], 0)
        XCTAssertEqual(result.openCountsBySeverity, [.high: 11, .medium: 4, .info: 2])
        XCTAssertEqual(result.outputs, ["canonical.csv": 12, "canonical.sqlite": 12, "discrepancies.csv": 17,
                                        "repair-batch.csv": 5])
    }

    func testSummaryJSONMatchesGolden() throws {
        let (request, _) = try runSample()
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: request.outputDirectory + "/summary.json")))
        Golden.assertMatches(bytes, name: "sample-night-summary.json")
    }

    func testDiscrepanciesCSVMatchesGolden() throws {
        let (request, _) = try runSample()
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: request.outputDirectory + "/discrepancies.csv")))
        Golden.assertMatches(bytes, name: "sample-night-discrepancies.csv")
    }

    func testRepairBatchMatchesGolden() throws {
        let (request, _) = try runSample()
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: request.outputDirectory + "/repair-batch.csv")))
        Golden.assertMatches(bytes, name: "sample-night-repair-batch.csv")
    }

    func testCanonicalCSVIsSortedByKeyThenSource() throws {
        let (request, _) = try runSample()
        let lines = try text(request.outputDirectory + "/canonical.csv").split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, Invoice.canonicalHeader.joined(separator: ","))
        let keys = lines.dropFirst().map { String($0.prefix { $0 != "," }) }
        XCTAssertEqual(keys, ["011002300111-00461160"] + SampleNight.keys.enumerated().filter { $0.offset != 9 }.map(\.element))
        let sources = lines.dropFirst().map { $0.split(separator: ",").dropLast(2).last.map(String.init) ?? "" }
        XCTAssertEqual(sources.filter { $0 == "tax-bureau" }.count, 3, "three authority-only invoices")
    }

    func testMissingStageFileIsAClearError() throws {
        let request = try NightFixture().write(root: root, date: "2025-04-17")
        try FileManager.default.removeItem(atPath: request.transformDirectory + "/authority.csv")
        XCTAssertThrowsError(try LoadStage.run(request)) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "load.input_missing")
        }
    }

    func testFindingsCopiedByBothStagesCountOnce() throws {
        var night = NightFixture()
        night.extractFindings = [SampleNight.transformFindings[0]]
        night.transformFindings = [SampleNight.transformFindings[0]]
        let result = try LoadStage.run(try night.write(root: root, date: "2025-04-17"))
        XCTAssertEqual(result.openCountsByType[.invalidRecord], 1)
    }

    func testRecordsBySourceFallsBackToCountingWithoutAManifest() throws {
        var night = SampleNight.night
        night.transformManifest = nil
        let request = try night.write(root: root, date: "2025-04-17")
        _ = try LoadStage.run(request)
        let summary = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: request.outputDirectory + "/summary.json"))) as? [String: Any]
        XCTAssertEqual(summary?["records_by_source"] as? [String: Int], ["chaoyang": 6, "haidian": 4, "tax-bureau": 10])
    }
}

final class AuthorityGuardTests: XCTestCase {
    func testNoUsableAuthorityFileIsARunFailure() throws {
        let root = try TestSupport.temporaryDirectory("fapiao-load")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let missing = Discrepancy(type: .missingSource, severity: .high, source: "tax-bureau", file: "authority/20250417/tax-export.csv",
                                  messageZh: "无文件", messageEn: "no file")
        let night = NightFixture(branch: [invoice("25112000000000000001")], extractFindings: [missing])
        XCTAssertThrowsError(try LoadStage.run(try night.write(root: root, date: "2025-04-17"))) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "load.no_authority")
        }
    }

    func testAnEmptyButPresentAuthorityFileIsReconciled() throws {
        let root = try TestSupport.temporaryDirectory("fapiao-load")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let night = NightFixture(branch: [invoice("25112000000000000001")])
        XCTAssertEqual(try LoadStage.run(try night.write(root: root, date: "2025-04-17")).openCountsByType[.missingInAuthority], 1)
    }
}
