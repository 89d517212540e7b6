#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import FapiaoCore
import FapiaoIO

/// A borrowed record-file row: field bytes without per-field strings (the hot loops' view of a row).
///
/// Valid only inside the callback that receives it. `string(_:)` makes a `String` for the rare rows that
/// need one (a discrepancy, a red-letter invoice).
struct RecordRow {
    /// The parser's view of the row.
    let view: CSVRowView

    /// The number of fields.
    var count: Int { view.count }

    /// The physical line where the row starts.
    var line: Int { view.line }

    /// The bytes of field `index`.
    subscript(index: Int) -> UnsafeBufferPointer<UInt8> { view[index] }

    /// Field `index` as a string.
    func string(_ index: Int) -> String { String(decoding: view[index], as: UTF8.self) }

    /// Every field as a string (the slow path: `Invoice(canonicalRow:)`).
    var strings: [String] { (0..<count).map(string) }

    /// Whether field `index` is empty.
    func isEmpty(_ index: Int) -> Bool { view[index].isEmpty }

    /// Whether field `index` holds exactly `bytes`.
    func field(_ index: Int, equals bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        RecordRow.equal(view[index], bytes)
    }

    /// Byte equality of two buffers.
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard a.count > 0, let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }
}

extension RecordRow {
    /// `body` applied to the one row `bytes` hold (its line break included); throws `load.corrupt_input` when
    /// they hold anything else (part of a row, or more than one).
    static func withOnlyRow<T>(of bytes: UnsafeBufferPointer<UInt8>, _ body: (RecordRow) throws -> T) throws -> T {
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        var result: T?
        var rows = 0
        do {
            let take = { (view: CSVRowView) in
                rows += 1
                if rows == 1 { result = try body(RecordRow(view: view)) }
            }
            try parser.feedRows(bytes, emit: take)
            try parser.finishRows(emit: take)
        } catch let error as CSVParseError {
            throw FapiaoError(code: "load.corrupt_input", message: "a record file row is not well formed (\(error)); re-run load")
        }
        guard rows == 1, let result else {
            throw FapiaoError(code: "load.corrupt_input", message: "a record file changed while load read it; re-run load")
        }
        return result
    }
}

/// Streams a stage record file as borrowed byte rows (`RecordRow`), checking its header first.
///
/// The byte-level counterpart of `RecordFileReader` for load's large inputs (invoices.csv, authority.csv):
/// no `String` per field. (FapiaoIO may gain a shared byte reader; this one is private to load.)
enum RecordRowReader {
    /// Calls `header` with the header's fields, then `body` with each data row.
    static func forEachRow(path: String, header: ([String]) throws -> Void, _ body: (RecordRow) throws -> Void) throws {
        let reader = try FileChunkReader(path: path, chunkSize: 1 << 20)
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        var sawHeader = false
        func handle(_ view: CSVRowView) throws {
            let row = RecordRow(view: view)
            if sawHeader { try body(row) } else { sawHeader = true; try header(row.strings) }
        }
        do {
            while try reader.withNextChunk({ try parser.feedRows($0, emit: handle) }) {}
            try parser.finishRows(emit: handle)
        } catch let error as CSVParseError {
            throw FapiaoError(code: "stage.corrupt", message: "\(path) is not a well-formed record file: \(error)")
        }
    }
}

extension RecordRowReader {
    /// Calls `header` with the header's fields, then `body` with each data row and the byte offset in the file
    /// where the row starts (a `RecordRowReader.readRow(path:at:)` there reads it again).
    static func forEachRowWithOffset(path: String, header: ([String]) throws -> Void,
                                     _ body: (RecordRow, Int) throws -> Void) throws {
        let reader = try FileChunkReader(path: path, chunkSize: 1 << 20)
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        var lines = LineStarts()
        var sawHeader = false
        func handle(_ view: CSVRowView) throws {
            let row = RecordRow(view: view)
            if sawHeader { try body(row, lines.offset(ofLine: row.line)) } else { sawHeader = true; try header(row.strings) }
            lines.forget(before: row.line)
        }
        do {
            while try reader.withNextChunk({ chunk in
                lines.scan(chunk)
                try parser.feedRows(chunk, emit: handle)
            }) {}
            try parser.finishRows(emit: handle)
        } catch let error as CSVParseError {
            throw FapiaoError(code: "stage.corrupt", message: "\(path) is not a well-formed record file: \(error)")
        }
    }
}

extension RecordRowReader {
    /// Calls `body` with each data row starting in `range` of the file, which must start at 0 (the header is
    /// checked and skipped) or at a row start, and end at a row start or the end of the file. Rows after the
    /// first byte count their `line` from 1 at `range.lowerBound` (only error messages use it).
    static func forEachRow(path: String, in range: Range<Int>, header: ([String]) throws -> Void,
                           _ body: (RecordRow) throws -> Void) throws {
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        var sawHeader = range.lowerBound > 0
        func handle(_ view: CSVRowView) throws {
            let row = RecordRow(view: view)
            if sawHeader { try body(row) } else { sawHeader = true; try header(row.strings) }
        }
        do {
            // Streamed ahead with direct reads: the range is not in the page cache (its file was written and is
            // read directly), and a `pread` per chunk left this thread waiting for the disk.
            if !range.isEmpty {
                let file = try AscendingRangeReader(path: path, span: range)
                var position = range.lowerBound
                while position < range.upperBound {
                    position += try file.withBytes(from: position, upTo: range.upperBound) { chunk in
                        try parser.feedRows(chunk, emit: handle)
                    }
                }
            }
            try parser.finishRows(emit: handle)
        } catch let error as CSVParseError {
            throw FapiaoError(code: "stage.corrupt", message: "\(path) is not a well-formed record file: \(error)")
        }
    }
}

/// Byte-level parsers with exactly the semantics of their `String` counterparts in FapiaoCore, so the fast
/// path and the slow path can never disagree.
enum ByteParse {
    /// `Fen(canonical:)`: optional `-`, digits, optional `.` and one or two decimals.
    static func fen(_ bytes: UnsafeBufferPointer<UInt8>) -> Int64? {
        Fen(canonicalBytes: bytes)?.value
    }

    /// `Int(_:)` in base 10: an optional `+` or `-`, then one or more ASCII digits, no overflow.
    static func int(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0, negative = false
        if let first = bytes.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-"); index = 1
        }
        guard index < bytes.count else { return nil }
        var value = 0
        while index < bytes.count {
            let byte = bytes[index]
            guard byte >= 48, byte <= 57 else { return nil }
            let digit = Int(byte - 48)
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            guard !o1, !o2 else { return nil }
            value = next
            index += 1
        }
        return value
    }

    /// `IssueDate(canonical:)`: `YYYY-MM-DD` (each part as `Int(_:)` reads it), a real day, year 1900...2199.
    static func issueDate(_ bytes: UnsafeBufferPointer<UInt8>) -> IssueDate? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = int(UnsafeBufferPointer(rebasing: bytes[0..<4])),
              let month = int(UnsafeBufferPointer(rebasing: bytes[5..<7])),
              let day = int(UnsafeBufferPointer(rebasing: bytes[8..<10])) else { return nil }
        return IssueDate(year: year, month: month, day: day)
    }

    /// `PackedKey(digitalNumber:)`'s bits: exactly 20 ASCII digits.
    static func packedDigital(_ bytes: UnsafeBufferPointer<UInt8>) -> PackedKey? {
        guard bytes.count == 20, let value = decimal(bytes) else { return nil }
        return PackedKey.withBits(value)
    }

    /// `PackedKey(code:number:)`'s bits: a code of 1-12 digits and a number of 1-8 digits.
    static func packedLegacy(code: UnsafeBufferPointer<UInt8>, number: UnsafeBufferPointer<UInt8>) -> PackedKey? {
        guard (1...12).contains(code.count), (1...8).contains(number.count),
              let codeValue = decimal(code), let numberValue = decimal(number) else { return nil }
        return PackedKey.withBits((UInt128(1) << 127) | (UInt128(code.count) << 120) | (codeValue * 100_000_000 + numberValue))
    }

    private static func decimal(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt128? {
        var value: UInt64 = 0, high: UInt128 = 0
        for (index, byte) in bytes.enumerated() {
            guard byte >= 48, byte <= 57 else { return nil }
            if index == 19 { high = UInt128(value) * 10 + UInt128(byte - 48); continue }
            value = value * 10 + UInt64(byte - 48)
        }
        return bytes.count == 20 ? high : UInt128(value)
    }
}

extension PackedKey {
    /// A key with the given bits (as the failable initializers would build them).
    static func withBits(_ bits: UInt128) -> PackedKey {
        var key = PackedKey.template
        key.bits = bits
        return key
    }

    private static let template = PackedKey(digitalNumber: "00000000000000000000")!
}
