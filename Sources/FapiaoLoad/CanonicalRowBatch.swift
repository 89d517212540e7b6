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
    /// Start and end offsets in `bytes` of each field: `fieldCount` pairs a row, room for `capacity` rows.
    private var bounds: [Int]
    /// Rows held.
    private(set) var count = 0
    /// Rows the batch has room for.
    let capacity: Int

    /// A batch with room for `rows` rows.
    init(rows: Int) {
        capacity = max(rows, 1)
        bytes.reserveCapacity(capacity * 512)
        bounds = [Int](repeating: 0, count: capacity * 2 * CanonicalRowBatch.fieldCount)
    }

    /// Empties the batch, keeping its capacity.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        count = 0
    }

    /// Adds a row (with its line break) that holds no `"`; false (nothing added) when it holds one.
    mutating func appendUnquoted(_ row: UnsafeBufferPointer<UInt8>) throws -> Bool {
        guard let pointer = row.baseAddress, row.count > 0, memchr(pointer, 0x22, row.count) == nil else { return false }
        try requireRoom()
        let length = pointer[row.count - 1] == 0x0A ? row.count - 1 : row.count
        let offset = bytes.count
        bytes.append(contentsOf: UnsafeBufferPointer(start: pointer, count: length))
        let width = CanonicalRowBatch.fieldCount
        let fields: Int = bounds.withUnsafeMutableBufferPointer { bounds in
            var slot = 2 * count * width, fields = 1, start = 0
            let last = slot + 2 * (width - 1)  // the last field's slot
            for index in 0..<length where pointer[index] == 0x2C {
                fields += 1
                guard slot < last else { continue }  // too many fields: counted, not stored
                bounds[slot] = offset + start; bounds[slot + 1] = offset + index
                slot += 2; start = index + 1
            }
            bounds[slot] = offset + start; bounds[slot + 1] = offset + length
            return fields
        }
        try finishRow(fields: fields)
        return true
    }

    /// Adds a parsed row, copying its fields.
    mutating func append(_ view: CSVRowView) throws {
        try requireRoom()
        let width = CanonicalRowBatch.fieldCount
        for index in 0..<min(view.count, width) {
            let start = bytes.count
            bytes.append(contentsOf: view[index])
            bounds[2 * (count * width + index)] = start
            bounds[2 * (count * width + index) + 1] = bytes.count
        }
        try finishRow(fields: view.count)
    }

    private func requireRoom() throws {
        guard count < capacity else {
            throw FapiaoError(code: "load.canonical_database", message: "a canonical row batch holds \(capacity) rows")
        }
    }

    /// Counts the row just written, or throws when it has another width (it is then not counted).
    private mutating func finishRow(fields: Int) throws {
        guard fields == CanonicalRowBatch.fieldCount else {
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
