import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoSamples

/// Checks the committed set's files and truth against each other.
final class SampleContentTests: XCTestCase {
    private var samples: String { SampleFiles.repositoryRoot + "/samples" }

    func testTruthIsInternallyConsistent() throws {
        let truth = try SampleFiles.truthJSON(samples)
        XCTAssertEqual(truth["date"] as? String, "2025-04-17")
        let counts = try XCTUnwrap(truth["counts"] as? [String: Int])
        let bySource = try XCTUnwrap(truth["counts_by_source"] as? [String: [String: Int]])
        let records = try XCTUnwrap(truth["records_by_source"] as? [String: Int])
        let types = Set(DiscrepancyType.allCases.map(\.rawValue))
        XCTAssertEqual(Set(counts.keys), types)
        let sources = ChainPlan(count: SampleOptions().branches, seed: SampleOptions().seed).sourceNames
        XCTAssertEqual(Set(bySource.keys), Set(sources))
        XCTAssertEqual(Set(records.keys), Set(sources))
        for type in types {
            XCTAssertEqual(counts[type], bySource.values.map { $0[type] ?? -1 }.reduce(0, +), type)
            XCTAssertGreaterThan(counts[type] ?? 0, 0, "\(type) is never injected")
        }
        for counts in bySource.values { XCTAssertEqual(Set(counts.keys), types) }
        XCTAssertEqual(truth["canonical_rows"] as? Int, SampleOptions().branches * SampleOptions().invoicesPerBranch)
    }

    /// records_by_source equals the data records actually in each source's files that do not fail.
    func testRecordCountsMatchTheFiles() throws {
        let records = try XCTUnwrap(try SampleFiles.truthJSON(samples)["records_by_source"] as? [String: Int])
        for (source, expected) in records {
            var found = 0
            let folder = source == ChainPlan.authoritySource ? "authority/20250417" : "exports/\(source)/20250417"
            for name in SampleFiles.tree(samples + "/" + folder) {
                let path = samples + "/" + folder + "/" + name
                guard let bytes = try? name.hasSuffix(".gz") ? SampleFiles.inflate(path) : SampleFiles.bytes(path),
                      !name.hasSuffix(".xml.gz") || SampleFiles.isWellFormedXML(bytes) else {
                    continue  // a file that fails: its records are not counted
                }
                if name.hasSuffix(".xml.gz") {
                    found += String(decoding: bytes, as: UTF8.self).components(separatedBy: "<FP>").count - 1
                } else {
                    found += try SampleFiles.records(bytes, delimiter: name.hasPrefix("xsfp") ? ";" : ",").count - 1
                }
            }
            XCTAssertEqual(found, expected, source)
        }
    }

    func testTheTruncatedFileIsCutShortAndTheOthersInflate() throws {
        let folder = samples + "/exports/haidian/20250417"
        XCTAssertThrowsError(try SampleFiles.inflate(folder + "/fp_20250417_02.xml.gz")) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "gzip.truncated")
        }
        XCTAssertTrue(SampleFiles.isWellFormedXML(try SampleFiles.inflate(folder + "/fp_20250417_01.xml.gz")))
        XCTAssertNoThrow(try SampleFiles.inflate(samples + "/authority/20250417/tax-export.csv.gz"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: samples + "/exports/changping"))
    }

    /// tongzhou's second file is valid gzip holding XML with a bare `&`: malformed, while its first file is fine.
    func testTheMalformedXMLFileInflatesButDoesNotParse() throws {
        let folder = samples + "/exports/tongzhou/20250417"
        let broken = try SampleFiles.inflate(folder + "/fp_20250417_02.xml.gz")
        XCTAssertFalse(SampleFiles.isWellFormedXML(broken))
        XCTAssertTrue(String(decoding: broken, as: UTF8.self).contains("A&B"))
        XCTAssertTrue(SampleFiles.isWellFormedXML(try SampleFiles.inflate(folder + "/fp_20250417_01.xml.gz")))
    }

    /// The cloud POS's first file is two gzip members back to back, each complete on its own.
    func testTheSplitBranchHasAMultiMemberGzip() throws {
        let bytes = SampleFiles.bytes(samples + "/exports/xicheng/20250417/export-2025-04-17-1.csv.gz")
        let starts = (1..<max(bytes.count - 2, 1)).filter { bytes[$0] == 0x1F && bytes[$0 + 1] == 0x8B && bytes[$0 + 2] == 0x08 }
        let scratch = try TestSupport.temporaryDirectory("fapiao-members")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let split = try XCTUnwrap(starts.first { start in
            _ = FileManager.default.createFile(atPath: scratch + "/a.gz", contents: Data(bytes[..<start]))
            return (try? SampleFiles.inflate(scratch + "/a.gz")) != nil
        })
        _ = FileManager.default.createFile(atPath: scratch + "/b.gz", contents: Data(bytes[split...]))
        XCTAssertNoThrow(try SampleFiles.inflate(scratch + "/b.gz"))
        XCTAssertEqual(SampleFiles.tree(samples + "/exports/xicheng/20250417").count, 2)
    }

    /// The GB18030 export holds an undecodable byte in a buyer name, and `¥` as its four-byte GB18030 sequence.
    func testTheGB18030ExportCarriesItsTraps() throws {
        let bytes = SampleFiles.bytes(samples + "/exports/dongcheng/20250417/xsfp_20250417.csv")
        XCTAssertTrue(bytes.contains(0xFF))
        XCTAssertNotNil(bytes.firstRange(of: [0x81, 0x30, 0x84, 0x36]))
        XCTAssertNil(String(bytes: bytes, encoding: .utf8))
        let cleaned = Data(bytes.filter { $0 != 0xFF })
        let text = try XCTUnwrap(String(data: cleaned, encoding: TextEncoder.gb18030))
        XCTAssertTrue(text.hasPrefix("单据日期;票据代码;票据号码"))
        XCTAssertTrue(text.contains("年4月17日"))
    }

    /// Every injection is planted at least twice in the committed set.
    func testEveryInjectionIsPlantedSeveralTimes() throws {
        let scratch = try TestSupport.temporaryDirectory("fapiao-kinds")
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let summary = try SampleChain.write(to: scratch, options: SampleOptions())
        for kind in InjectionKind.allCases {
            XCTAssertGreaterThanOrEqual(summary.injections[kind.rawValue] ?? 0, 2, kind.rawValue)
        }
    }

    func testPipelineFileHasEveryTopLevelKeyAndSource() throws {
        let yaml = String(decoding: SampleFiles.bytes(SampleFiles.repositoryRoot + "/pipelines/sample-chain.yaml"), as: UTF8.self)
        for key in ["version:", "pipeline:", "timezone:", "work_dir:", "dialects:", "sources:", "limits:", "transform:",
                    "load:", "alerts:"] {
            XCTAssertTrue(yaml.contains("\n" + key), key)
        }
        XCTAssertTrue(yaml.contains("work_dir: ../work "))
        for branch in ChainPlan(count: 8, seed: SampleOptions().seed).branches {
            XCTAssertTrue(yaml.contains(branch.name), branch.name)
        }
        XCTAssertTrue(yaml.contains("constants: { seller_tax_id: "))
    }
}
