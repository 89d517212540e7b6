import Foundation
import XCTest
@testable import FapiaoIO
import FapiaoTestSupport

/// Direct I/O: large files written by `AtomicFileWriter` (through `FileWriteThread`) and read
/// back by `FileChunkReader`'s read-ahead hold exactly the bytes given, whatever the write sizes, and a file
/// system that refuses `O_DIRECT` gets the same bytes through the page cache.
final class DirectIOTests: XCTestCase {
    /// 9 MiB and an unaligned tail: two direct blocks, a staged rest, the tail through the page cache.
    private let pattern: [UInt8] = (0..<(9 << 20) + 1_234).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }

    private func read(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }

    /// Writes `pattern` through an `AtomicFileWriter` in pieces of random sizes (up to 3 MiB).
    private func writePattern(to path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        var generator = SplitMix64(seed: 7)
        var start = 0
        while start < pattern.count {
            let end = min(pattern.count, start + Int(generator.next() % (3 << 20)) + 1)
            try pattern[start..<end].withUnsafeBufferPointer { try writer.write($0) }
            start = end
        }
        try writer.commit()
    }

    func testLargeFileRoundTripsThroughDirectWritesAndReadAhead() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/big.csv"
        try writePattern(to: path)
        XCTAssertEqual(read(path), pattern)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["big.csv"])

        let chunks = try FileChunkReader(path: path)
        var gathered: [UInt8] = []
        while try chunks.withNextChunk({ gathered.append(contentsOf: $0) }) {}
        XCTAssertEqual(gathered, pattern)
        XCTAssertFalse(try chunks.withNextChunk { _ in XCTFail("no chunk after the end") }, "the end stays the end")
        XCTAssertEqual(chunks.bytesRead, Int64(pattern.count))

        let pieces = try FileChunkReader(path: path)
        var buffer = [UInt8](repeating: 0, count: 1_000_003)
        gathered = []
        while true {
            let count = try buffer.withUnsafeMutableBufferPointer { try pieces.read(into: $0) }
            if count == 0 { break }
            gathered.append(contentsOf: buffer[0..<count])
        }
        XCTAssertEqual(gathered, pattern)
        XCTAssertEqual(try buffer.withUnsafeMutableBufferPointer { try pieces.read(into: $0) }, 0)
    }

    func testWriterTakesBackBytesAndGoesOn() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/rollback"
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        let writer = FileWriteThread(descriptor: descriptor, path: path, offset: 0)
        let probe = open(path, O_RDONLY | DirectIO.openFlag)
        if probe >= 0 { close(probe) }
        let flags = fcntl(descriptor, F_GETFL)
        XCTAssertEqual(flags & DirectIO.openFlag != 0, DirectIO.isEnabled && probe >= 0,
                       "direct wherever the file system allows it")
        let five = Array(pattern[0..<(5 << 20)])
        try five.withUnsafeBytes { try writer.append($0) }
        try writer.truncate(to: (5 << 20) - 10)  // inside the block being filled
        XCTAssertEqual(writer.position, (5 << 20) - 10)
        try writer.truncate(to: (3 << 20) + 17)  // inside the bytes already handed over
        let tail: [UInt8] = Array("after the rollback".utf8)
        try tail.withUnsafeBytes { try writer.append($0) }
        try writer.finish()
        XCTAssertEqual(read(path), Array(pattern[0..<((3 << 20) + 17)]) + tail)
    }

    func testFileSystemWithoutDirectIOGetsTheSameBytes() throws {
        guard FileManager.default.isWritableFile(atPath: "/dev/shm") else { throw XCTSkip("no /dev/shm (tmpfs) here") }
        let path = "/dev/shm/fapiao-direct-\(UUID().uuidString)"
        defer { unlink(path) }
        try writePattern(to: path)
        XCTAssertEqual(read(path), pattern)
        let reader = try FileChunkReader(path: path)
        var gathered: [UInt8] = []
        while try reader.withNextChunk({ gathered.append(contentsOf: $0) }) {}
        XCTAssertEqual(gathered, pattern)
    }
}
