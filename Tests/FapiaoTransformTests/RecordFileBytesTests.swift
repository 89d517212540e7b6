import Foundation
import Testing
import FapiaoCore
import FapiaoIO

/// The byte-level record-file API of FapiaoIO that transform (and load) use in hot loops.
@Suite struct RecordFileBytesTests {
    static let rows: [[String]] = (0..<5_000).map { index in
        ["s\(index % 3)", "文件 \(index % 7).csv", String(index), "a,b", "say \"hi\"\nthere", "", "北京"]
    }

    @Test func byteRowsAreTheStringRows() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let path = fixture.output + "/rows.csv"
        try RecordFileWriter.write(path: path, header: ["a", "b", "c", "d", "e", "f", "g"], rows: Self.rows)
        var read: [[String]] = []
        var header: [String] = []
        try RecordFileByteReader(path: path, chunkSize: 4_096).forEachRow(header: { header = $0.strings },
                                                                          row: { read.append($0.strings) })
        #expect(header == ["a", "b", "c", "d", "e", "f", "g"])
        #expect(read == Self.rows)
        #expect(try RecordFileReader(path: path).readAll().rows == Self.rows)
    }

    @Test func rowsWrittenFromBytesReadBack() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        let source = fixture.output + "/source.csv", copy = fixture.output + "/copy.csv"
        try RecordFileWriter.write(path: source, header: ["x", "y"], rows: [["1,5", "\"q\""], ["", "line\nbreak"]])
        let writer = try RecordFileWriter(path: copy, header: ["x", "y", "z"], durable: false)
        try RecordFileByteReader(path: source).forEachRow(header: { _ in }, row: { row in
            try writer.writeRow { builder in
                builder.append(row[0])
                builder.append(row[1])
                builder.append("z")
            }
            try writer.write(row)
        })
        let plain = Array("p,q".utf8)
        try plain.withUnsafeBufferPointer { formatted in
            try writer.writeRow { builder in builder.appendFormatted(formatted); builder.append("r") }
        }
        try writer.commit()
        #expect(writer.rowCount == 5)
        #expect(try RecordFileReader(path: copy).readAll().rows == [
            ["1,5", "\"q\"", "z"], ["1,5", "\"q\""], ["", "line\nbreak", "z"], ["", "line\nbreak"], ["p", "q", "r"]])
    }

    @Test func sameBytesComparesContents() {
        let a = Array("abc".utf8), b = Array("abd".utf8), empty: [UInt8] = []
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                empty.withUnsafeBufferPointer { empty in
                    #expect(a.hasSameBytes(as: a))
                    #expect(!a.hasSameBytes(as: b))
                    #expect(!a.hasSameBytes(as: empty))
                    #expect(empty.hasSameBytes(as: empty))
                }
            }
        }
    }
}
