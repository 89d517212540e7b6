import Foundation
import Testing
import FapiaoCore
import FapiaoIO
@testable import FapiaoTransform

/// The dedupe index, the record digest, and assembling spooled files.
@Suite struct DedupeTests {
    static let key = PackedKey(code: "011002300111", number: "00461160")!

    @Test func firstRecordOfAKeyIsKept() {
        var index = DedupeIndex()
        let first = InputLocation(source: "a", file: "x.csv", line: 7)
        #expect(index.admit(Self.key, digest: 1, location: first, source: 0) == .first)
        let kept = KeptRecord(digest: 1, file: 0, line: 7, source: 0)
        #expect(index.admit(Self.key, digest: 1, location: first, source: 0)
            == .duplicate(of: kept, keptFile: "x.csv", identical: true))
        #expect(index.admit(Self.key, digest: 2, location: first, source: 3)
            == .duplicate(of: kept, keptFile: "x.csv", identical: false))
        #expect(index.count == 1)
    }

    @Test func indexEntriesAreCompact() {
        #expect(MemoryLayout<PackedKey>.size == 16)
        #expect(MemoryLayout<KeptRecord>.stride <= 24)
    }

    @Test func digestIgnoresBranchAndProvenance() throws {
        let record = try #require(Fixtures.normalize([:]).kept?.invoice)
        var moved = record
        moved.branch = "other"
        moved.origin = InputLocation(source: "other", file: "y.csv", line: 99)
        #expect(RecordDigest.digest(canonicalRow: moved.canonicalRow) == RecordDigest.digest(canonicalRow: record.canonicalRow))
        moved.buyerName = "某人"
        #expect(RecordDigest.digest(canonicalRow: moved.canonicalRow) != RecordDigest.digest(canonicalRow: record.canonicalRow))
    }

    @Test func mergeByLocationInterleavesTwoSortedSpools() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let a = SpoolWriter(path: fixture.output + "/a.csv", header: RejectsFile.header)
        let b = SpoolWriter(path: fixture.output + "/b.csv", header: RejectsFile.header)
        for row in [["s", "f1", "2", "r", "", ""], ["s", "f1", "10", "r", "", ""], ["s", "f2", "1", "r", "", ""]] {
            try a.write(row)
        }
        for row in [["s", "f1", "3", "e", "", ""], ["s", "f3", "1", "e", "", ""]] { try b.write(row) }
        try a.commit()
        try b.commit()
        let writer = try RecordFileWriter(path: fixture.output + "/out.csv", header: RejectsFile.header)
        #expect(try RecordFileAssembly.mergeByLocation(a, b, into: writer) == 5)
        try writer.commit()
        #expect(try fixture.rows("out.csv").map { "\($0[1]):\($0[2])" } == ["f1:2", "f1:3", "f1:10", "f2:1", "f3:1"])
        #expect(!FileManager.default.fileExists(atPath: fixture.output + "/a.csv"))  // small: held in memory
    }

    @Test func spoolPastItsMemoryLimitGoesToAFile() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let path = fixture.output + "/big.csv"
        let spool = SpoolWriter(path: path, header: RejectsFile.header)
        let rows = (0..<2_000).map { ["s", "f", String($0), "reason", "field", "raw \($0), \"quoted\""] }
        for row in rows { try spool.write(row) }
        try spool.commit()
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(spool.rowCount == rows.count)
        let cursor = try spool.cursor()
        #expect(try cursor.next() == RejectsFile.header)
        var read: [[String]] = []
        while let row = try cursor.next() { read.append(row) }
        #expect(read == rows)
    }

    @Test func rowCursorReadsAcrossChunkBoundaries() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let path = fixture.output + "/big.csv"
        let rows = (0..<20_000).map { ["s", "文件\($0 % 7).csv", String($0), "multi\nline \"quoted\"", "", "x"] }
        try RecordFileWriter.write(path: path, header: RejectsFile.header, rows: rows)
        let cursor = try RowCursor(path: path)
        #expect(try cursor.next() == RejectsFile.header)
        var read: [[String]] = []
        while let row = try cursor.next() { read.append(row) }
        #expect(read == rows)
    }
}
