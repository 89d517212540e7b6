#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import FapiaoCore

/// Canonical rows gathered for one multi-row `INSERT`: each row's fields copied into one byte buffer (so they
/// outlive the merge's read window and can be bound with `SQLITE_STATIC`), with their bounds.
///
/// A quote-free row (nearly all: `CSVFormatter` quotes every field holding a comma, quote, CR or LF) is copied as
/// it is and split on its commas; a row with a quote is parsed (`CSVParser`) and its field contents copied. Every
/// row must have `fieldCount` fields.
struct CanonicalRowBatch {
    /// Fields of a canonical row (canonical fields, then `source`, `file`, `line`).
    static let fieldCount = CanonicalDatabase.invoiceColumns.count

    /// The rows' field bytes.
    private(set) var bytes: [UInt8] = []
    /// Start and end offsets in `bytes` of each field: `fieldCount` pairs a row.
    private var bounds: [Int] = []
    /// Rows held.
    private(set) var count = 0

    /// A batch with room reserved for `rows` rows of typical size.
    init(rows: Int) {
        bytes.reserveCapacity(rows * 512)
        bounds.reserveCapacity(rows * 2 * CanonicalRowBatch.fieldCount)
    }

    /// Empties the batch, keeping its capacity.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Adds a row (with its line break) that holds no `"`; false (nothing added) when it holds one.
    mutating func appendUnquoted(_ row: UnsafeBufferPointer<UInt8>) throws -> Bool {
        guard let pointer = row.baseAddress, row.count > 0, memchr(pointer, 0x22, row.count) == nil else { return false }
        let length = pointer[row.count - 1] == 0x0A ? row.count - 1 : row.count
        let offset = bytes.count
        bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: length))
        var fields = 1, start = 0
        for index in 0..<length where pointer[index] == 0x2C {
            bounds.append(offset + start); bounds.append(offset + index)
            fields += 1; start = index + 1
        }
        bounds.append(offset + start); bounds.append(offset + length)
        try finishRow(fields: fields)
        return true
    }

    /// Adds a parsed row, copying its fields.
    mutating func append(_ view: CSVRowView) throws {
        for index in 0..<view.count {
            let start = bytes.count
            bytes.append(contentsOf: view[index])
            bounds.append(start); bounds.append(bytes.count)
        }
        try finishRow(fields: view.count)
    }

    private mutating func finishRow(fields: Int) throws {
        guard fields == CanonicalRowBatch.fieldCount else {
            bounds.removeLast(2 * fields)
            throw FapiaoError(code: "load.canonical_database",
                              message: "a canonical row has \(fields) fields, not \(CanonicalRowBatch.fieldCount)")
        }
        count += 1
    }

    /// One byte to point at when the batch holds no bytes.
    private static let empty: UnsafeMutablePointer<UInt8> = {
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return pointer
    }()

    /// Calls `body` (batch not empty) with the bytes and the bounds (`fieldCount` start/end pairs a row) of the rows held.
    func withFields<R>(_ body: (UnsafePointer<UInt8>, UnsafePointer<Int>) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { bytes in
            try bounds.withUnsafeBufferPointer { bounds in
                // Rows of empty fields only leave no bytes: text still needs a non-NULL pointer (NULL binds NULL).
                try body(bytes.baseAddress ?? UnsafePointer(CanonicalRowBatch.empty), bounds.baseAddress!)
            }
        }
    }
}
