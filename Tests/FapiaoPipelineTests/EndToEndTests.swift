import XCTest
import FapiaoCore
import FapiaoTestSupport
import Logging
@testable import FapiaoPipeline

/// Runs the sample chain end to end and compares `summary.json` with the generator's `truth.json`.
final class EndToEndTests: XCTestCase {
    private var work = ""

    override func setUpWithError() throws { work = try TestSupport.temporaryDirectory("fapiao-e2e") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: work) }

    private func samplePipeline() throws -> LoadedPipeline {
        var pipeline = try PipelineLoader.load(path: TestSupport.repositoryRoot + "/pipelines/sample-chain.yaml")
        pipeline.spec.workDir = work
        return pipeline
    }

    private func json(_ path: String) throws -> [String: Any] {
        let data = try XCTUnwrap(FileManager.default.contents(atPath: path), path)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func testSummaryMatchesTruthForEveryTypeAndSource() throws {
        let pipeline = try samplePipeline()
        let truth = try json(TestSupport.repositoryRoot + "/samples/truth.json")
        let date = try XCTUnwrap(IssueDate(canonical: try XCTUnwrap(truth["date"] as? String)))
        let runner = StageRunner(pipeline: pipeline, date: date, logger: Logger(label: "test"))
        let outcome = try runner.runAll()
        XCTAssertEqual(outcome.exitCode, 0, "\(outcome.firedAlerts)")
        let summary = try json(runner.layout.stageDirectory(.load) + "/summary.json")
        XCTAssertEqual(summary["counts"] as? [String: Int], truth["counts"] as? [String: Int])
        XCTAssertEqual(summary["counts_by_source"] as? [String: [String: Int]],
                       truth["counts_by_source"] as? [String: [String: Int]])
        XCTAssertEqual(summary["canonical_rows"] as? Int, truth["canonical_rows"] as? Int)
        XCTAssertEqual(summary["records_by_source"] as? [String: Int], truth["records_by_source"] as? [String: Int])
    }

    func testEveryStageBalancesPerSource() throws {
        let pipeline = try samplePipeline()
        let date = try XCTUnwrap(IssueDate(year: 2025, month: 4, day: 17))
        let runner = StageRunner(pipeline: pipeline, date: date, logger: Logger(label: "test"))
        _ = try runner.runAll()
        let manifest = try XCTUnwrap(ManifestIO.read(from: runner.layout.stageDirectory(.transform)))
        XCTAssertEqual(manifest.sources.map(\.source), pipeline.spec.sources.map(\.name))
        for counts in manifest.sources {
            XCTAssertTrue(counts.balances, "\(counts)")
        }
    }

    func testRunningANightTwiceGivesByteIdenticalOutputs() throws {
        let pipeline = try samplePipeline()
        let date = try XCTUnwrap(IssueDate(year: 2025, month: 4, day: 17))
        let runner = StageRunner(pipeline: pipeline, date: date, logger: Logger(label: "test"))
        _ = try runner.runAll()
        let first = try snapshot(runner.layout.runDirectory)
        _ = try runner.runAll()
        XCTAssertEqual(try snapshot(runner.layout.runDirectory), first)
    }

    /// Every file except manifests, by relative path.
    private func snapshot(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: directory))
        for case let path as String in enumerator where !path.hasSuffix("manifest.json") {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: directory + "/" + path, isDirectory: &isDirectory)
            if !isDirectory.boolValue { files[path] = FileManager.default.contents(atPath: directory + "/" + path) }
        }
        return files
    }
}
