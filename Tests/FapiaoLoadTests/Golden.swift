import Foundation
import XCTest
import FapiaoTestSupport

/// Golden files for reports, under `Tests/Fixtures/load/golden/`, named after the test.
/// `FAPIAO_RECORD_GOLDEN=1 swift test …` re-records them; a recording run fails the test so it is never silent.
enum Golden {
    static var directory: String { TestSupport.repositoryRoot + "/Tests/Fixtures/load/golden" }

    /// Compares `actual` with the golden file `name`, or records it.
    static func assertMatches(_ actual: [UInt8], name: String, file: StaticString = #filePath, line: UInt = #line) {
        let path = "\(directory)/\(name)"
        if ProcessInfo.processInfo.environment["FAPIAO_RECORD_GOLDEN"] == "1" {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                try Data(actual).write(to: URL(fileURLWithPath: path))
                XCTFail("recorded \(path); run again without FAPIAO_RECORD_GOLDEN", file: file, line: line)
            } catch {
                XCTFail("cannot record \(path): \(error)", file: file, line: line)
            }
            return
        }
        guard let expected = FileManager.default.contents(atPath: path) else {
            XCTFail("no golden file \(path); record it with FAPIAO_RECORD_GOLDEN=1", file: file, line: line)
            return
        }
        if Array(expected) != actual {
            let got = String(decoding: actual, as: UTF8.self), want = String(decoding: expected, as: UTF8.self)
            let gotLines = got.split(separator: "\n", omittingEmptySubsequences: false)
            let wantLines = want.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(gotLines, wantLines).enumerated().first { $0.element.0 != $0.element.1 }
            let where_ = first.map { "line \($0.offset + 1):\n  got:  \($0.element.0)\n  want: \($0.element.1)" }
                ?? "line counts differ: \(gotLines.count) vs \(wantLines.count)"
            XCTFail("\(name) differs from its golden file at \(where_)", file: file, line: line)
        }
    }
}
