import Foundation
import XCTest
import FapiaoCore
@testable import FapiaoExtract
import FapiaoTestSupport

/// The two-thread pieces of extract: the background byte stream, the output buffer and the staged writer's
/// writing thread.
final class BackgroundPipelineTests: XCTestCase {
    private struct Boom: Error {}

    /// Everything the consumer receives, in order, and the error that ended it.
    private func drain(_ stream: BackgroundByteStream) -> ([UInt8], Error?) {
        var received: [UInt8] = []
        defer { stream.stop() }
        do {
            while let bytes = try stream.next() { received += bytes }
            return (received, nil)
        } catch {
            return (received, error)
        }
    }

    func testStreamKeepsOrderAcrossChunks() {
        let pieces = (0..<3000).map { index in [UInt8](repeating: UInt8(truncatingIfNeeded: index), count: index % 977 + 1) }
        let stream = BackgroundByteStream { stream in
            stream.readAhead()
            for piece in pieces { try piece.withUnsafeBufferPointer { try stream.write($0) } }
        }
        let (received, error) = drain(stream)
        XCTAssertNil(error)
        XCTAssertEqual(received, pieces.flatMap { $0 })
    }

    func testStreamErrorComesAfterTheBytesBeforeIt() {
        let stream = BackgroundByteStream { stream in
            stream.readAhead()
            try [UInt8](repeating: 7, count: 3_000_000).withUnsafeBufferPointer { try stream.write($0) }
            throw Boom()
        }
        let (received, error) = drain(stream)
        XCTAssertEqual(received.count, 3_000_000)
        XCTAssertTrue(error is Boom)
    }

    func testStopEndsABlockedProducer() {
        let stream = BackgroundByteStream { stream in
            stream.readAhead()
            let block = [UInt8](repeating: 1, count: 1 << 20)
            while true { try block.withUnsafeBufferPointer { try stream.write($0) } }
        }
        XCTAssertNotNil(try stream.next())
        stream.stop()
    }

    /// Until `readAhead`, the producer reads a piece only when the consumer took everything before it.
    func testPermitReadHoldsTheProducerBack() throws {
        let reads = Counter()
        let stream = BackgroundByteStream { stream in
            for _ in 0..<5 {
                try stream.permitRead()
                reads.add()
                try [UInt8(1)].withUnsafeBufferPointer { try stream.write($0) }
            }
        }
        defer { stream.stop() }
        XCTAssertEqual(try stream.next().map(Array.init), [1])
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(reads.value, 1)
        XCTAssertEqual(try stream.next().map(Array.init), [1])
        Thread.sleep(forTimeInterval: 0.05)
        XCTAssertEqual(reads.value, 2)
        stream.readAhead()
        var rest: [UInt8] = []
        while let bytes = try stream.next() { rest += bytes }
        XCTAssertEqual(rest, [1, 1, 1])
        XCTAssertEqual(reads.value, 5)
    }

    func testOutputBufferMatchesTheFormatter() {
        var out = OutputBuffer(block: WriteBlock(capacity: 16))
        var expected: [UInt8] = []
        for (index, text) in ["plain", "a,b", "say \"hi\"\n", "", "\"\""].enumerated() {
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { out.appendQuoted($0) }
            bytes.withUnsafeBufferPointer { CSVFormatter.appendQuoted($0, to: &expected) }
            for value in [0, 7, 10, 99, 123_456_789, index] {
                out.appendDecimal(value)
                expected += Array(String(value).utf8)
            }
            out.append(0x0A)
            expected.append(0x0A)
        }
        XCTAssertEqual(Array(out.bytes), expected)
        out.truncate(to: 0)
        XCTAssertEqual(out.count, 0)
    }

    /// A rollback behind bytes the writing thread already wrote truncates the file.
    func testStagedWriterRollsBackWrittenBlocks() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try StagedFileWriter(path: directory + "/out.csv")
        let line = [UInt8](repeating: 0x61, count: 999) + [0x0A]
        for _ in 0..<1000 { try writer.append { $0.append(line) } }
        let mark = writer.mark
        for _ in 0..<9000 { try writer.append { $0.append(line) } }
        try writer.rollback(to: mark)
        try writer.append { $0.append(Array("end\n".utf8)) }
        try writer.commit()
        let written = try XCTUnwrap(FileManager.default.contents(atPath: directory + "/out.csv"))
        XCTAssertEqual(written.count, 1_000_004)
        XCTAssertEqual(Array(written.suffix(4)), Array("end\n".utf8))
    }
}

/// A thread-safe counter for tests.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

/// The emitter's eight-bytes-at-a-time byte check agrees with its table on every byte in every position.
final class RecordEmitterWordFlagsTests: XCTestCase {
    func testWordFlagsMatchTheTable() {
        let table = RecordEmitter.byteClasses()
        for byte in 0...255 {
            for position in 0..<8 {
                for filler: UInt8 in [0x61, 0x7F, 0x01, 0x2B, 0x2D, 0x21, 0x23, 0x0B, 0x0C, 0x0E, 0x09] {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[position] = UInt8(byte)
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    let expected = bytes.reduce(UInt8(0)) { $0 | table[Int($1)] }
                    XCTAssertEqual(RecordEmitter.wordFlags(word), expected, "byte \(byte) at \(position) among \(filler)")
                }
            }
        }
    }
}
