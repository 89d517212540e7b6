import Foundation
import FapiaoCore

/// Reads a stage record file as borrowed byte rows: no `String` and no per-field array is made, which is
/// what hot loops over millions of rows need. Each `CSVRowView` is valid only inside the call that gets it.
public struct RecordFileByteReader {
    /// The path read.
    public let path: String
    private let chunkSize: Int

    /// A reader of `path`, reading `chunkSize` bytes at a time.
    public init(path: String, chunkSize: Int = 1 << 20) {
        self.path = path
        self.chunkSize = chunkSize
    }

    /// Calls `header` with the first row, then `row` with each further row; stops at the end of the file.
    /// Throws a `FapiaoError` (`stage.corrupt`) when the file is not well-formed.
    public func forEachRow(header: (CSVRowView) throws -> Void, row: (CSVRowView) throws -> Void) throws {
        let reader = try FileChunkReader(path: path, chunkSize: chunkSize)
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        var sawHeader = false
        func handle(_ view: CSVRowView) throws {  // a local function: `sawHeader` is checked statically
            if sawHeader { try row(view) } else { sawHeader = true; try header(view) }
        }
        do {
            while try reader.withNextChunk({ try parser.feedRows($0, emit: handle) }) {}
            try parser.finishRows(emit: handle)
        } catch let error as CSVParseError {
            throw FapiaoError(code: "stage.corrupt", message: "\(path) is not a well-formed record file: \(error)")
        }
    }
}

extension CSVRowView {
    /// The fields as strings (bytes that are not UTF-8 repaired with U+FFFD), as `CSVRecord.strings` gives them.
    public var strings: [String] { (0..<count).map { String(decoding: self[$0], as: UTF8.self) } }

    /// True when field `index` holds exactly the UTF-8 bytes of `bytes`.
    public func field(_ index: Int, equals bytes: [UInt8]) -> Bool {
        let field = self[index]
        return bytes.withUnsafeBufferPointer { field.hasSameBytes(as: $0) }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// True when both buffers hold the same bytes (for hot loops: short ones, such as IDs, names and paths,
    /// eight bytes a step without a call; long ones with `memcmp`).
    @inline(__always)
    public func hasSameBytes(as other: UnsafeBufferPointer<UInt8>) -> Bool {
        guard count == other.count else { return false }
        guard count > 0, let base = baseAddress, let otherBase = other.baseAddress else { return true }
        guard count >= 8, count <= 64 else {
            return count < 8 ? UnsafeBufferPointer.shortBytesEqual(base, otherBase, count) : memcmp(base, otherBase, count) == 0
        }
        let (left, right) = (UnsafeRawPointer(base), UnsafeRawPointer(otherBase))
        var offset = 0
        while offset < count - 8 {
            guard left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                == right.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else { return false }
            offset += 8
        }
        return left.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)  // the last word (may overlap)
            == right.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
    }

    @inline(__always)
    private static func shortBytesEqual(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for index in 0..<count where left[index] != right[index] { return false }
        return true
    }
}

/// Builds one record-file row in place from byte fields: commas between fields, quoting where needed.
public struct RecordRowBuilder {
    /// The output the row is appended to.
    var bytes: [UInt8]
    private var fields = 0

    init() { bytes = [] }

    /// Appends the next field.
    public mutating func append(_ field: UnsafeBufferPointer<UInt8>) {
        if fields > 0 { bytes.append(UInt8(ascii: ",")) }
        CSVFormatter.appendField(bytes: field, to: &bytes)
        fields += 1
    }

    /// Appends bytes already formatted as one or more fields (quoted where needed, commas between them).
    public mutating func appendFormatted(_ formatted: UnsafeBufferPointer<UInt8>) {
        if fields > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: formatted)
        fields += 1
    }

    /// Appends the next field from a string.
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }
}

extension RecordFileWriter {
    /// Writes one row whose fields `body` appends as bytes (the fast path of hot loops).
    public func writeRow(_ body: (inout RecordRowBuilder) -> Void) throws {
        try appendRow { buffer in
            var builder = RecordRowBuilder()
            swap(&builder.bytes, &buffer)
            body(&builder)
            builder.bytes.append(0x0A)
            swap(&builder.bytes, &buffer)
        }
    }

    /// Writes a parsed row again (re-quoted as needed).
    public func write(_ row: CSVRowView) throws {
        try writeRow { builder in
            for index in 0..<row.count { builder.append(row[index]) }
        }
    }
}
