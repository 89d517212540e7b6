import XCTest
import FapiaoCore
@testable import FapiaoExtract
import FapiaoTestSupport

final class TextDecoderTests: XCTestCase {
    /// Decodes chunks and shows the output with markers as `<xx>`.
    private func decode(_ chunks: [[UInt8]], _ encoding: TextEncoding) throws -> String {
        var decoder = try TextDecoder(encoding: encoding)
        var output: [UInt8] = []
        for chunk in chunks { try chunk.withUnsafeBufferPointer { try decoder.decode($0) { output += $0 } } }
        try decoder.finish { output += $0 }
        return output.withUnsafeBufferPointer { buffer in
            UndecodableMarker.segments(buffer).map { segment in
                segment.raw ? segment.bytes.map { "<\(hex([$0]))>" }.joined() : String(decoding: segment.bytes, as: UTF8.self)
            }.joined()
        }
    }

    func testUTF8PassesThroughAndMarksEachBadByte() throws {
        let text = "发票,€,𠀀,ok"
        XCTAssertEqual(try decode([Array(text.utf8)], .utf8), text)
        let bad: [UInt8] = [0x61, 0xC0, 0xAF, 0x62, 0xED, 0xA0, 0x80, 0xE5, 0x8F, 0x63, 0xF4, 0x90, 0x80, 0x80, 0xFF, 0xE5]
        XCTAssertEqual(try decode([bad], .utf8), "a<c0><af>b<ed><a0><80><e5><8f>c<f4><90><80><80><ff><e5>")
    }

    func testUTF8OutputDoesNotDependOnChunking() throws {
        let bytes = Array("发票号码 ok 𠀀€".utf8) + [0xE5, 0x8F, 0x41, 0xF0, 0x9F] + Array("x发".utf8) + [0xE5]
        XCTAssertEqual(try ChunkVerifier.mismatches(bytes) { try decode($0, .utf8) }, [])
    }

    func testGB18030DecodesTwoAndFourByteSequencesInAnyChunking() throws {
        let text = "发票号码,㐀,𠀀,金额\r\n"
        let bytes = Fixture.gb18030(text)
        XCTAssertEqual(bytes.count, 25)  // 㐀 and 𠀀 are four-byte sequences in GB18030
        XCTAssertEqual(try decode([bytes], .gb18030), text)
        XCTAssertEqual(try ChunkVerifier.mismatches(bytes + [0x81]) { try decode($0, .gb18030) }, [])
    }

    func testGB18030BadBytesAreMarkedOneAtATime() throws {
        // 0x81 0x22: a lead byte whose next byte is a quote; 0xFF never occurs; 0x81 at the end is cut off.
        let bytes = Fixture.gb18030("发") + [0x81, 0x22, 0x41, 0xFF] + Fixture.gb18030("票") + [0x81]
        XCTAssertEqual(try decode([bytes], .gb18030), "发<81>\"A<ff>票<81>")
        XCTAssertEqual(try ChunkVerifier.mismatches(bytes) { try decode($0, .gb18030) }, [])
    }

    func testUTF16BothOrdersAndAnUnpairedSurrogate() throws {
        let text = "发票,a\n𠀀"
        XCTAssertEqual(try decode([Fixture.encode(text, as: "UTF-16LE")], .utf16le), text)
        XCTAssertEqual(try decode([Fixture.encode(text, as: "UTF-16BE")], .utf16be), text)
        let lone: [UInt8] = [0x61, 0x00, 0x00, 0xD8, 0x62, 0x00, 0x63]
        XCTAssertEqual(try decode([lone], .utf16le), "a<00><d8>b<63>")
        XCTAssertEqual(try ChunkVerifier.mismatches(Fixture.encode(text, as: "UTF-16LE")) { try decode($0, .utf16le) }, [])
    }

    func testDetectionBOMThenDeclaredThenStrictUTF8ThenGB18030() {
        func detect(_ bytes: [UInt8], _ declared: SourceEncoding) -> String {
            let (encoding, bom) = bytes.withUnsafeBufferPointer { EncodingDetector.detect($0, declared: declared) }
            return "\(encoding.rawValue)+\(bom)"
        }
        XCTAssertEqual(detect([0xEF, 0xBB, 0xBF, 0x61], .gb18030), "utf-8+3")
        XCTAssertEqual(detect([0xFF, 0xFE, 0x61, 0x00], .auto), "utf-16le+2")
        XCTAssertEqual(detect([0xFE, 0xFF, 0x00, 0x61], .utf8), "utf-16be+2")
        XCTAssertEqual(detect(Array("发票,a".utf8), .auto), "utf-8+0")
        XCTAssertEqual(detect(Fixture.gb18030("发票,a"), .auto), "gb18030+0")
        XCTAssertEqual(detect(Array("ascii only".utf8), .auto), "utf-8+0")
        XCTAssertEqual(detect(Fixture.gb18030("发票"), .utf8), "utf-8+0")
        XCTAssertEqual(detect(Array("abc".utf8), .gbk), "gb18030+0")
        XCTAssertEqual(detect(Fixture.encode("a,b,c\n", as: "UTF-16BE"), .utf16), "utf-16be+0")
        XCTAssertEqual(detect(Fixture.encode("a,b,c\n", as: "UTF-16LE"), .auto), "utf-16le+0")
        XCTAssertEqual(detect(Array("a\0b\0c,\0\0d".utf8), .auto), "utf-8+0")
    }
}
