import XCTest
import FapiaoTestSupport
@testable import FapiaoPipeline

/// The reference page comes from the schema table, and every example pipeline parses.
final class DocsAndExamplesTests: XCTestCase {
    private let root = TestSupport.repositoryRoot

    func testReferencePageMatchesTheSchemaTable() throws {
        let path = root + "/docs/pipeline-reference.md"
        let generated = ReferenceDoc.markdown()
        if ProcessInfo.processInfo.environment["FAPIAO_RECORD_DOCS"] == "1" {
            try generated.write(toFile: path, atomically: true, encoding: .utf8)
            XCTFail("recorded \(path); run again without FAPIAO_RECORD_DOCS")
            return
        }
        let committed = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertEqual(committed, generated, "docs/pipeline-reference.md is stale: run FAPIAO_RECORD_DOCS=1 make test")
    }

    func testEveryPipelineFileParses() throws {
        let folder = root + "/pipelines"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertFalse(files.isEmpty)
        for file in files {
            XCTAssertNoThrow(try PipelineLoader.load(path: folder + "/" + file), file)
        }
    }

    func testEveryYAMLExampleInTheDocsParses() throws {
        var examples = 0
        for doc in try markdownFiles() {
            let text = try String(contentsOfFile: doc, encoding: .utf8)
            for block in yamlBlocks(text) where block.contains("sources:") {
                examples += 1
                XCTAssertNoThrow(try PipelineLoader.parse(text: block, path: doc), "an example in \(doc)")
            }
        }
        XCTAssertGreaterThan(examples, 0)
    }

    private func markdownFiles() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root + "/docs")
            .filter { $0.hasSuffix(".md") }.map { root + "/docs/" + $0 }
        return ([root + "/README.md"] + docs).sorted()
    }

    private func yamlBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.hasPrefix("```yaml") { current = [] }
            else if current != nil, line.hasPrefix("```") { blocks.append(current!.joined(separator: "\n")); current = nil }
            else { current?.append(line) }
        }
        return blocks
    }
}
