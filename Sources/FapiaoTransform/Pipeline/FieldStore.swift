import FapiaoCore

/// Fields back to back in one byte array: field `i` spans `ends[i - 1] ..< ends[i]` (from 0 for the first).
/// Many rows' fields can share one store; a `FieldsView` picks one row's.
struct FieldStore {
    var bytes: [UInt8] = []
    var ends: [Int] = []

    /// Fields held.
    var count: Int { ends.count }

    /// Appends one field.
    mutating func append(_ field: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: field)
        ends.append(bytes.count)
    }

    /// Appends every field of a parsed row.
    mutating func append(_ row: CSVRowView) {
        let base = bytes.count
        bytes.append(contentsOf: row.bytes)
        ends.append(contentsOf: row.ends.lazy.map { base + $0 })
    }

    /// Empties the store, keeping its capacity.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with a view of `count` fields from field `first`.
    func withView<R>(first: Int, count: Int, _ body: (FieldsView) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in
                try body(FieldsView(bytes: bytes, ends: ends, first: first, count: count))
            }
        }
    }
}

/// A borrowed view of some consecutive fields of a `FieldStore`; `gap` bytes (a separator) may follow each.
struct FieldsView {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>
    let first: Int
    let count: Int
    var gap = 0

    /// The bytes of field `index` (0-based, relative to `first`).
    @inline(__always)
    subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let position = first + index
        let start = position == 0 ? 0 : ends[position - 1] + gap
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[position]])
    }

    /// The fields as strings (bytes that are not UTF-8 repaired), as `CSVRecord.strings` gives them.
    var strings: [String] { (0..<count).map { String(decoding: self[$0], as: UTF8.self) } }

    /// The bytes from field `from` through field `through`, with the separators between them.
    func span(from: Int, through: Int) -> UnsafeBufferPointer<UInt8> {
        let start = first + from == 0 ? 0 : ends[first + from - 1] + gap
        return UnsafeBufferPointer(rebasing: bytes[start..<ends[first + through]])
    }

    /// True when field `index` holds exactly `bytes`.
    func field(_ index: Int, equals other: [UInt8]) -> Bool {
        let field = self[index]
        return other.withUnsafeBufferPointer { field.hasSameBytes(as: $0) }
    }
}
