import Foundation
import XCTest
import FapiaoCore
@testable import FapiaoExtract
import FapiaoTestSupport

/// The zip reader: directory, names, streamed entries, and every way a damaged or hostile zip must fail.
final class ZipArchiveTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws { directory = try TestSupport.temporaryDirectory("fapiao-zip") }
    override func tearDown() { try? FileManager.default.removeItem(atPath: directory) }

    private func archive(_ bytes: [UInt8]) throws -> ZipArchive {
        try ZipArchive(path: try Fixture.write(bytes, to: directory, name: "a.zip"))
    }

    private func content(_ archive: ZipArchive, _ name: String, limit: Int64 = 1 << 30) throws -> [UInt8] {
        var out: [UInt8] = []
        let entry = try XCTUnwrap(archive.entry(named: name))
        try archive.read(entry, maxInflatedBytes: limit) { out += $0 }
        return out
    }

    private func failure(_ body: () throws -> Void) -> String {
        do { try body(); return "no failure" } catch let failure as FileFailure {
            return "\(failure.code): \(failure.messageEn)"
        } catch { return "\(error)" }
    }

    func testEntriesStoredAndDeflatedWithTheirNames() throws {
        let big = Array(String(repeating: "发票基础信息,", count: 20_000).utf8)
        var gbk = ZipFixture.Entry("x", [1, 2, 3], deflate: false)
        gbk.name = Fixture.gb18030("发票/一.xml")
        let zip = try archive(ZipFixture.zip([ZipFixture.Entry("a.txt", "stored", deflate: false),
                                              ZipFixture.Entry("dir/big.csv", big), gbk, ZipFixture.Entry("dir/", [])]))
        XCTAssertEqual(zip.entries.map(\.name), ["a.txt", "dir/big.csv", "发票/一.xml", "dir/"])
        XCTAssertEqual(zip.entries.map(\.isDirectory), [false, false, false, true])
        XCTAssertEqual(try content(zip, "a.txt"), Array("stored".utf8))
        XCTAssertEqual(try content(zip, "dir/big.csv"), big)
        XCTAssertEqual(try content(zip, "发票/一.xml"), [1, 2, 3])
        XCTAssertEqual(zip.entry(named: "DIR/Big.CSV")?.name, "dir/big.csv")
        XCTAssertNil(zip.entry(named: "dir/big"))
    }

    func testDamagedEntriesFail() throws {
        var bytes = ZipFixture.zip([ZipFixture.Entry("a.xml", String(repeating: "<a/>", count: 1000))])
        bytes[40] ^= 0xFF  // inside the deflate data
        let zip = try archive(bytes)
        XCTAssertTrue(failure { _ = try self.content(zip, "a.xml") }.hasPrefix("zip.corrupt: the zip archive is damaged: the entry a.xml"))
        let bomb = try archive(ZipFixture.zip([ZipFixture.Entry("b.xml", [UInt8](repeating: 0x20, count: 1 << 20))]))
        XCTAssertEqual(failure { _ = try self.content(bomb, "b.xml", limit: 100_000) },
                       "limit.inflated_bytes: the zip entry b.xml inflates past limits.max_inflated_bytes (100000 bytes); "
                       + "none of this file's records was loaded")
    }

    /// A stored deflate block whose length runs past the entry: ZIPFoundation's own `extract` would read on to the
    /// end of the file and then spin; the bounded provider stops it.
    func testADeflateStreamRunningPastItsEntryStops() throws {
        var bytes = ZipFixture.zip([ZipFixture.Entry("a.xml", "<a/>"), ZipFixture.Entry("b.xml", "<b/>")])
        let crafted: [UInt8] = [0x00, 0xFF, 0xFF, 0x00, 0x00, 0x3C]  // stored block, LEN 65535, 1 byte of it
        let dataStart = 30 + 5
        let size = Int(ZipBytes.uint32(bytes, 18))
        XCTAssertEqual(size, crafted.count)
        bytes.replaceSubrange(dataStart..<(dataStart + size), with: crafted)
        let zip = try archive(bytes)
        let start = Date()
        XCTAssertEqual(failure { _ = try self.content(zip, "a.xml") },
                       "zip.corrupt: the zip archive is damaged: the entry a.xml's data ends before its deflate stream; "
                       + "none of this file's records was loaded")
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
    }

    func testFilesThatAreNoReadableZip() throws {
        XCTAssertTrue(failure { _ = try self.archive(Array(repeating: 0, count: 2_000_000)) }.hasPrefix("zip.not_zip"))
        XCTAssertTrue(failure { _ = try self.archive([]) }.hasPrefix("zip.not_zip"))
        let good = ZipFixture.zip([ZipFixture.Entry("a.xml", "<a/>")])
        XCTAssertTrue(failure { _ = try self.archive(Array(good.dropLast(30))) }.hasPrefix("zip.not_zip"))
        var split = good
        split[split.count - 18] = 1  // "disk with the central directory"
        XCTAssertTrue(failure { _ = try self.archive(split) }.hasPrefix("zip.unsupported"))
        var encrypted = good
        encrypted[good.count - 22 - 51 + 8] |= 1  // the central header's flags
        let zip = try archive(encrypted)
        XCTAssertTrue(failure { _ = try self.content(zip, "a.xml") }.contains("is encrypted"))
        var moved = good
        moved[good.count - 22 - 51 + 42] = 9  // the local header offset
        let broken = try archive(moved)
        XCTAssertTrue(failure { _ = try self.content(broken, "a.xml") }.hasPrefix("zip.corrupt"))
    }
}

extension ZipArchiveTests {
    func testCRC32() {
        func crc(_ bytes: [UInt8]) -> UInt32 {
            var crc = ZipCRC32()
            bytes.withUnsafeBytes { crc.update($0) }
            return crc.value
        }
        XCTAssertEqual(crc(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(crc([]), 0)
        let long = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 31) }
        for size in [1, 7, 8, 9, 15, 16, 17, 1000] {
            XCTAssertEqual(crc(Array(long.prefix(size))), ZipFixture.compressed(ZipFixture.Entry("x", Array(long.prefix(size)))).1, "\(size)")
        }
    }
}
