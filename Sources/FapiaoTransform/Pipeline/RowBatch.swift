import FapiaoCore

/// Rows of one extract file as the normalizing reader hands them to the run: every row's raw fields and,
/// for the rows the fast path kept, their canonical fields with key, digest and checks.
final class RowBatch {
    /// How many rows a batch holds before it is handed over.
    static let capacity = 1024

    /// One row of the batch.
    struct Row {
        /// Index in `raw` of the row's first field; the row has `rawCount` fields.
        var rawFirst: Int
        var rawCount: Int
        /// The physical line of the row in the extract file.
        var fileLine: Int
        /// Index in `canonical` of the first canonical field, or -1 when the row takes the `String` path.
        var canonicalFirst: Int
        var key: PackedKey?
        var digest: UInt64
        /// The record's `_line`.
        var line: Int
        var suspicious: Bool
        /// True when no canonical field needs quotes.
        var plain: Bool
    }

    var raw = FieldStore()
    var canonical = FieldStore()
    var rows: [Row] = []
    /// True once `normalize(using:)` ran.
    private(set) var isNormalized = false

    init() {
        rows.reserveCapacity(RowBatch.capacity)
    }

    /// Rows as the reader gathers them: a value the reader owns, so adding a row makes no dynamic
    /// exclusivity check (as each access to a class's `var` does); `take(_:)` moves them into a batch.
    struct Pending {
        var raw = FieldStore()
        var rows: [Row] = []

        /// True when the rows should be handed over.
        var isFull: Bool { rows.count >= RowBatch.capacity }

        /// Adds a row (not normalized yet).
        mutating func add(_ row: CSVRowView) {
            rows.append(Row(rawFirst: raw.count, rawCount: row.count, fileLine: row.line, canonicalFirst: -1,
                            key: nil, digest: 0, line: 0, suspicious: false, plain: false))
            raw.append(row)
        }
    }

    /// Takes the rows of `pending`, which gets this batch's (empty) storage back.
    func take(_ pending: inout Pending) {
        swap(&raw, &pending.raw)
        swap(&rows, &pending.rows)
    }

    /// Runs the fast path on every row (rows it declines keep `canonicalFirst == -1`); nil normalizes none.
    func normalize(using fast: inout FastNormalizer?) {
        isNormalized = true
        guard var normalizer = fast else { return }
        fast = nil  // one owner while it works: no copy-on-write of its buffers
        var canonical = FieldStore(), rows: [Row] = []  // locals: no exclusivity check per row
        swap(&canonical, &self.canonical)
        swap(&rows, &self.rows)
        raw.withView(first: 0, count: 0) { raw in
            for index in rows.indices {
                let view = FieldsView(bytes: raw.bytes, ends: raw.ends, starts: raw.starts, first: rows[index].rawFirst,
                                      count: rows[index].rawCount)
                _ = normalizer.normalize(view, appendingTo: &canonical, describing: &rows[index])
            }
        }
        swap(&canonical, &self.canonical)
        swap(&rows, &self.rows)
        fast = normalizer
    }

    /// Calls `body` with each row, its raw fields and, for a fast-path row, its canonical fields.
    func forEachRow(_ body: (Row, FieldsView, FieldsView?) throws -> Void) rethrows {
        try raw.withView(first: 0, count: 0) { raw in
            try canonical.withView(first: 0, count: 0) { canonical in
                for row in rows {
                    let fields = FieldsView(bytes: raw.bytes, ends: raw.ends, starts: raw.starts, first: row.rawFirst,
                                            count: row.rawCount)
                    let normalized = row.canonicalFirst < 0 ? nil : FieldsView(
                        bytes: canonical.bytes, ends: canonical.ends, first: row.canonicalFirst,
                        count: FastNormalizer.Order.fieldCount, gap: 1)
                    try body(row, fields, normalized)
                }
            }
        }
    }

    /// The keys of the rows the fast path kept, in order.
    var keys: [PackedKey] { rows.compactMap(\.key) }

    /// Empties the batch for reuse.
    func removeAll() {
        isNormalized = false
        raw.removeAll()
        canonical.removeAll()
        rows.removeAll(keepingCapacity: true)
    }
}
