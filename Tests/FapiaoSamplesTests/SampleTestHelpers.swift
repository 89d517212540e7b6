import Foundation
import FoundationXML
import XCTest
import FapiaoCore
import FapiaoIO
import FapiaoTestSupport
@testable import FapiaoSamples

/// Helpers shared by the sample generator's tests.
enum SampleFiles {
    /// The repository root, found from this file's path.
    static var repositoryRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Every regular file below `root`, as sorted relative paths (dot files such as `.gitattributes` left out).
    static func tree(_ root: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let path = walker.nextObject() as? String {
            if path.split(separator: "/").last?.hasPrefix(".") == true { continue }
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// A file's bytes (empty when unreadable).
    static func bytes(_ path: String) -> [UInt8] {
        (FileManager.default.contents(atPath: path)).map { [UInt8]($0) } ?? []
    }

    /// Inflates a gzip file; throws what the inflater throws (e.g. `gzip.truncated`).
    static func inflate(_ path: String) throws -> [UInt8] {
        let compressed = bytes(path)
        let inflater = try GzipInflater()
        var out: [UInt8] = []
        try compressed.withUnsafeBufferPointer { try inflater.inflate($0) { out.append(contentsOf: $0) } }
        try inflater.finish()
        return out
    }

    /// True when `bytes` are a well-formed XML document (libxml2 through FoundationXML).
    static func isWellFormedXML(_ bytes: [UInt8]) -> Bool { XMLParser(data: Data(bytes)).parse() }

    /// CSV records of `bytes` (header included), split on `delimiter`.
    static func records(_ bytes: [UInt8], delimiter: Character = ",") throws -> [CSVRecord] {
        var parser = CSVParser(dialect: CSVDialect(delimiter: delimiter.asciiValue ?? 44))
        var records: [CSVRecord] = []
        try parser.feed(bytes) { records.append($0) }
        try parser.finish { records.append($0) }
        return records
    }

    /// The parsed `truth.json` of a chain folder.
    static func truthJSON(_ folder: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/truth.json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Asserts two folders hold the same files with the same bytes (paths starting with `leavingOut` aside: the
    /// tax-platform set inside samples/ is compared on its own).
    static func assertSameTree(_ a: String, _ b: String, leavingOut: String? = nil, file: StaticString = #filePath,
                               line: UInt = #line) {
        let keep = { (path: String) in leavingOut.map { !path.hasPrefix($0) } ?? true }
        let filesA = tree(a).filter(keep), filesB = tree(b).filter(keep)
        XCTAssertEqual(filesA, filesB, "file lists differ", file: file, line: line)
        for path in filesA where filesB.contains(path) {
            XCTAssertTrue(bytes(a + "/" + path) == bytes(b + "/" + path), "\(path) differs", file: file, line: line)
        }
    }
}
