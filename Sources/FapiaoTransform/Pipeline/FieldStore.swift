import FapiaoCore

/// Fields in one byte array. A store filled with `append(_: CSVRowView)` records each field's start and end
/// (rows copied whole, with their delimiters); one filled field by field (`append(_:)`, or the fast path's
/// canonical fields) records only ends, field `i` then starting `gap` bytes after field `i - 1` ends.
/// Many rows' fields can share one store; a `FieldsView` picks one row's.
struct FieldStore {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    /// Each field's start, for rows copied whole; empty otherwise.
    var starts: [Int] = []

    /// Fields held.
    var count: Int { ends.count }

    /// Appends one field (a store of ends only).
    mutating func append(_ field: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: field)
        ends.append(bytes.count)
    }

    /// Appends every field of a parsed row with one copy of its bytes (a store of starts and ends).
    mutating func append(_ row: CSVRowView) {
        let span = row.span, shift = bytes.count - span.lowerBound, first = ends.count
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: row.bytes[span]))
        starts.append(contentsOf: row.starts)
        ends.append(contentsOf: row.ends)
        guard shift != 0 else { return }
        starts.withUnsafeMutableBufferPointer { starts in
            ends.withUnsafeMutableBufferPointer { ends in
                for index in first..<ends.count {
                    starts[index] &+= shift
                    ends[index] &+= shift
                }
            }
        }
    }

    /// Empties the store, keeping its capacity.
    mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        starts.removeAll(keepingCapacity: true)
    }

    /// Calls `body` with a view of `count` fields from field `first`.
    func withView<R>(first: Int, count: Int, gap: Int = 0, _ body: (FieldsView) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { bytes in
            try ends.withUnsafeBufferPointer { ends in
                try starts.withUnsafeBufferPointer { starts in
                    try body(FieldsView(bytes: bytes, ends: ends, starts: starts.isEmpty ? nil : starts.baseAddress,
                                        first: first, count: count, gap: gap))
                }
            }
        }
    }
}

/// A borrowed view of some consecutive fields of a `FieldStore`: with `starts` when the store records them,
/// else each field starting `gap` bytes (a separator) after the one before ends.
struct FieldsView {
    let bytes: UnsafeBufferPointer<UInt8>
    let ends: UnsafeBufferPointer<Int>
    var starts: UnsafePointer<Int>? = nil
    let first: Int
    let count: Int
    var gap = 0

    /// The start offset of the field at store position `position`.
    @inline(__always)
    private func start(_ position: Int) -> Int {
        if let starts { return starts[position] }
        return position == 0 ? 0 : ends[position - 1] + gap
    }

    /// The bytes of field `index` (0-based, relative to `first`).
    @inline(__always)
    subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        let position = first + index
        return UnsafeBufferPointer(rebasing: bytes[start(position)..<ends[position]])
    }

    /// The fields as strings (bytes that are not UTF-8 repaired), as `CSVRecord.strings` gives them.
    var strings: [String] { (0..<count).map { String(decoding: self[$0], as: UTF8.self) } }

    /// The bytes from field `from` through field `through`, with the separators between them.
    func span(from: Int, through: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: bytes[start(first + from)..<ends[first + through]])
    }

    /// True when field `index` holds exactly `bytes`.
    func field(_ index: Int, equals other: [UInt8]) -> Bool {
        let field = self[index]
        return other.withUnsafeBufferPointer { field.hasSameBytes(as: $0) }
    }
}
