import Foundation
import XCTest
import FapiaoIO
import FapiaoTestSupport

final class FileCopyTests: XCTestCase {
    private func write(_ bytes: [UInt8], _ path: String) {
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }

    private func read(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

    private func inode(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : 0
    }

    func testCopiesAndKeepsAnIdenticalTarget() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bytes = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        write(bytes, directory + "/in")
        try FileCopy.copy(directory + "/in", to: directory + "/out")
        XCTAssertEqual(read(directory + "/out"), bytes)
        let first = inode(directory + "/out")
        try FileCopy.copy(directory + "/in", to: directory + "/out")
        XCTAssertEqual(inode(directory + "/out"), first, "an identical copy is kept, not rewritten")
    }

    func testReplacesATargetThatDiffers() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var bytes = [UInt8](repeating: 5, count: 2_500_000)
        write(bytes, directory + "/in")
        bytes[2_400_000] = 6
        write(bytes, directory + "/out")
        XCTAssertFalse(try FileCopy.sameBytes(directory + "/in", directory + "/out"))
        try FileCopy.copy(directory + "/in", to: directory + "/out")
        XCTAssertEqual(read(directory + "/out"), read(directory + "/in"))
        write([1, 2, 3], directory + "/out")
        try FileCopy.copy(directory + "/in", to: directory + "/out")
        XCTAssertEqual(read(directory + "/out"), read(directory + "/in"))
    }
}
