import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoSamples

final class SampleChainTests: XCTestCase {
    private var folders: [String] = []

    override func tearDown() {
        for folder in folders { try? FileManager.default.removeItem(atPath: folder) }
        folders = []
    }

    private func temporary() throws -> String {
        let folder = try TestSupport.temporaryDirectory("fapiao-samples")
        folders.append(folder)
        return folder
    }

    /// Regenerating the committed set gives byte-identical files (samples/ and pipelines/sample-chain.yaml).
    func testCommittedSamplesAreReproduced() throws {
        let root = SampleFiles.repositoryRoot
        let scratch = try temporary()
        try SampleChain.write(to: scratch + "/samples", options: SampleOptions(),
                              pipelineFile: scratch + "/pipelines/sample-chain.yaml")
        SampleFiles.assertSameTree(scratch + "/samples", root + "/samples", leavingOut: "tax-platform/")
        XCTAssertTrue(SampleFiles.bytes(scratch + "/pipelines/sample-chain.yaml")
                      == SampleFiles.bytes(root + "/pipelines/sample-chain.yaml"), "pipelines/sample-chain.yaml differs")
    }

    /// The same seed writes the same bytes; another seed writes other bytes.
    func testSameSeedSameBytes() throws {
        let a = try temporary(), b = try temporary(), c = try temporary()
        let options = SampleOptions(seed: 99, branches: 9, invoicesPerBranch: 40)
        try SampleChain.write(to: a, options: options)
        try SampleChain.write(to: b, options: options)
        SampleFiles.assertSameTree(a, b)
        try SampleChain.write(to: c, options: SampleOptions(seed: 100, branches: 9, invoicesPerBranch: 40))
        XCTAssertFalse(SampleFiles.bytes(a + "/truth.json") == SampleFiles.bytes(c + "/authority/20250417/tax-export.csv.gz"))
        XCTAssertFalse(SampleFiles.bytes(a + "/authority/20250417/tax-export.csv.gz")
                       == SampleFiles.bytes(c + "/authority/20250417/tax-export.csv.gz"))
    }

    /// The default pipeline file sits in the chain folder; a named one points back at the chain folder.
    func testPipelinePathsAreRelativeToThePipelineFile() throws {
        let scratch = try temporary()
        try SampleChain.write(to: scratch + "/chain", options: SampleOptions(branches: 6, invoicesPerBranch: 20))
        let inside = String(decoding: SampleFiles.bytes(scratch + "/chain/pipeline.yaml"), as: UTF8.self)
        XCTAssertTrue(inside.contains("work_dir: work "))
        XCTAssertTrue(inside.contains("path: \"authority/{yyyymmdd}/tax-export.csv.gz\""))
        try SampleChain.write(to: scratch + "/data/chain", options: SampleOptions(branches: 6, invoicesPerBranch: 20),
                              pipelineFile: scratch + "/conf/p.yaml")
        let outside = String(decoding: SampleFiles.bytes(scratch + "/conf/p.yaml"), as: UTF8.self)
        XCTAssertTrue(outside.contains("work_dir: ../data/work "))
        XCTAssertTrue(outside.contains("path: \"../data/chain/authority/{yyyymmdd}/tax-export.csv.gz\""))
    }

    /// An earlier chain's files are replaced; a folder that is not a sample chain is left alone.
    func testOutputFolderIsClearedOnlyWhenItIsASampleChain() throws {
        let chain = try temporary()
        try SampleChain.write(to: chain, options: SampleOptions(branches: 9, invoicesPerBranch: 10))
        XCTAssertTrue(FileManager.default.fileExists(atPath: chain + "/exports/changping"))
        try SampleChain.write(to: chain, options: SampleOptions(branches: 8, invoicesPerBranch: 10))
        XCTAssertFalse(FileManager.default.fileExists(atPath: chain + "/exports/changping"))
        let other = try temporary()
        try FileManager.default.createDirectory(atPath: other + "/exports", withIntermediateDirectories: true)
        XCTAssertThrowsError(try SampleChain.write(to: other, options: SampleOptions())) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "samples.out_not_empty")
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: other + "/exports"))
    }

    func testOptionsOutOfRangeAreRejected() {
        XCTAssertThrowsError(try SampleOptions(branches: 5).validate())
        XCTAssertThrowsError(try SampleOptions(invoicesPerBranch: 3).validate())
    }

    /// Writes the committed set into the repository when FAPIAO_RECORD_SAMPLES=1 (then fails, as a recording should).
    func testRecordCommittedSamples() throws {
        guard ProcessInfo.processInfo.environment["FAPIAO_RECORD_SAMPLES"] == "1" else { return }
        let root = SampleFiles.repositoryRoot
        let summary = try SampleChain.write(to: root + "/samples", options: SampleOptions(),
                                            pipelineFile: root + "/pipelines/sample-chain.yaml")
        print(summary.truth.json)
        for (name, count) in summary.injections.sorted(by: { $0.key < $1.key }) { print(name, count) }
        XCTFail("recorded samples/ and pipelines/sample-chain.yaml; run again without FAPIAO_RECORD_SAMPLES")
    }
}
