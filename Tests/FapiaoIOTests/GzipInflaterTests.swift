import XCTest
import FapiaoCore
import FapiaoIO
import FapiaoTestSupport

final class GzipInflaterTests: XCTestCase {
    private let text = Array((1...4000).map { "line \($0),发票,\($0 * 7)\n" }.joined().utf8)

    /// Inflates chunks (push), returning the output, or the error's code and message.
    private func inflate(_ chunks: [[UInt8]], limit: Int64 = .max) -> Result<[UInt8], FapiaoError> {
        do {
            let inflater = try GzipInflater(maxInflatedBytes: limit)
            var output: [UInt8] = []
            for chunk in chunks { try chunk.withUnsafeBufferPointer { try inflater.inflate($0) { output += $0 } } }
            try inflater.finish()
            return .success(output)
        } catch {
            return .failure(error as? FapiaoError ?? FapiaoError(code: "?", message: "\(error)"))
        }
    }

    private func failure(_ bytes: [UInt8], limit: Int64 = .max) -> String {
        if case .failure(let error) = inflate([bytes], limit: limit) { return "\(error.code): \(error.message)" }
        return "no error"
    }

    func testRoundTripInEveryChunking() {
        let gz = Fixture.gzip(text)
        XCTAssertEqual(try inflate([gz]).get(), text)
        XCTAssertEqual(ChunkVerifier.mismatches(gz) { try? inflate($0).get() }, [])
    }

    func testEveryMemberOfAConcatenatedGzipIsDecoded() {
        let gz = Fixture.gzipMembers([Array("first\n".utf8), [], Array("second\n".utf8)])
        XCTAssertEqual(try inflate([gz]).get(), Array("first\nsecond\n".utf8))
        XCTAssertEqual(ChunkVerifier.mismatches(gz) { try? inflate($0).get() }, [])
    }

    func testTruncatedStreamNamesTheOffset() {
        let gz = Fixture.gzip(text)
        XCTAssertEqual(failure(Array(gz.prefix(100))),
                       "gzip.truncated: gzip data ends early at compressed byte 100: the file is truncated (cut short)")
        XCTAssertEqual(failure(Array(gz.dropLast(3))).prefix(14), "gzip.truncated")
    }

    func testCRCAndLengthMismatchAndTrailingGarbage() {
        var badCRC = Fixture.gzip(text)
        badCRC[badCRC.count - 8] ^= 0xFF
        XCTAssertEqual(failure(badCRC), "gzip.crc: gzip CRC-32 mismatch at compressed byte \(badCRC.count - 4): the file is corrupt")
        var badLength = Fixture.gzip(text)
        badLength[badLength.count - 4] ^= 0x01
        XCTAssertEqual(failure(badLength), "gzip.length: gzip length mismatch at compressed byte \(badLength.count): the file is corrupt")
        let gz = Fixture.gzip(text)
        XCTAssertEqual(failure(gz + [0x00, 0x00]),
                       "gzip.trailing_garbage: unexpected bytes after the gzip data at compressed byte \(gz.count): the file is corrupt")
        XCTAssertEqual(failure(gz + [0x1F, 0x00, 0x00]).prefix(21), "gzip.trailing_garbage")
    }

    func testCorruptDeflateData() {
        var gz = Fixture.gzip(text)
        for index in 20..<40 { gz[index] = 0xFF }
        XCTAssertEqual(failure(gz).prefix(12), "gzip.corrupt")
    }

    func testBombStopsAtTheLimitInBoundedWork() {
        let bomb = Fixture.gzip([UInt8](repeating: 0, count: 64 << 20), level: 9)
        XCTAssertLessThan(bomb.count, 100_000)
        let start = Date()
        XCTAssertEqual(failure(bomb, limit: 1 << 20).prefix(20), "limit.inflated_bytes")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
    }

    func testPullModeFillsSmallBuffers() throws {
        let gz = Fixture.gzipMembers([Array(text.prefix(5000)), Array(text.dropFirst(5000))])
        let inflater = try GzipInflater()
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 7)
        var offset = 0
        while true {
            let input = gz[offset..<min(gz.count, offset + 13)]
            let (used, produced) = try input.withUnsafeBufferPointer { inBuffer in
                try buffer.withUnsafeMutableBufferPointer { try inflater.inflate(inBuffer, into: $0) }
            }
            offset += used
            output += buffer[0..<produced]
            if offset == gz.count && produced == 0 { break }
        }
        try inflater.finish()
        XCTAssertEqual(output, text)
        XCTAssertEqual(inflater.consumedBytes, Int64(gz.count))
        XCTAssertEqual(inflater.inflatedBytes, Int64(text.count))
    }

    func testFileChunkReaderReadsInto() throws {
        let directory = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = try Fixture.write(text, to: directory, name: "a.txt")
        let reader = try FileChunkReader(path: path, chunkSize: 1000)
        var all: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 333)
        while case let count = try buffer.withUnsafeMutableBufferPointer({ try reader.read(into: $0) }), count > 0 {
            all += buffer[0..<count]
        }
        XCTAssertEqual(all, text)
        XCTAssertEqual(reader.bytesRead, Int64(text.count))
        XCTAssertThrowsError(try FileChunkReader(path: directory + "/missing")) { error in
            XCTAssertEqual((error as? FapiaoError)?.code, "io.open")
        }
    }
}
