#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import FapiaoCore
internal import GRDBSQLite

/// `out/canonical.sqlite`: the night's canonical dataset as one SQLite table, `invoices` (docs/reports.md).
///
/// Columns: `seq` (the row's position in canonical.csv), the canonical fields with money as INTEGER fen
/// (`amount_fen`, `tax_fen`, `total_fen`; NULL when empty), `source`, `file`, `line`. The primary key
/// `(invoice_key, seq)` of a `WITHOUT ROWID` table finds invoices by key; canonical.csv is sorted by key bytes
/// (SQLite's BINARY order), so rows arrive in key order and the b-tree only ever grows at its right edge.
///
/// The file is built fresh in the staging folder and published atomically with `out/`, so it needs no
/// journal: `journal_mode = OFF`, `synchronous = OFF`, one transaction, then one fsync.
enum CanonicalDatabase {
    /// The file name inside `out/`.
    static let fileName = "canonical.sqlite"

    /// The `invoices` columns: `seq`, then `HistorySchema.invoiceColumns` (canonical fields, then provenance).
    static var columns: [String] { ["seq"] + invoiceColumns }

    /// The canonical fields (money as `<field>_fen`), then `source`, `file`, `line`.
    static let invoiceColumns: [String] = CanonicalField.allCases.map {
        moneyFields.contains($0) ? "\($0.rawValue)_fen" : $0.rawValue
    } + ["source", "file", "line"]

    /// Money fields, stored as INTEGER fen under `<field>_fen`.
    static let moneyFields: Set<CanonicalField> = [.amount, .tax, .total]

    /// Page size: 16 KiB pages insert faster than 4 KiB ones here (fewer page splits per row).
    static let pageSize = 16384

    /// Rows a multi-row INSERT carries (measured in C, 1.2 M rows of this table: 1 row 1.21 µs a row, 32 rows
    /// 0.93–1.00, 64 rows 0.89–0.91, 128 rows 0.98).
    static let rowsPerStatement = 64

    /// `INSERT INTO invoices (columns) VALUES (?, …)` with `rows` rows of parameters.
    static func insert(rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO invoices (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }

    /// The table definition.
    static var createTable: String {
        let definitions = invoiceColumns.map { name in
            name.hasSuffix("_fen") ? "\(name) INTEGER" : name == "line" ? "line INTEGER NOT NULL" : "\(name) TEXT NOT NULL"
        }
        return "CREATE TABLE invoices (seq INTEGER NOT NULL, \(definitions.joined(separator: ", ")), "
            + "PRIMARY KEY (invoice_key, seq)) WITHOUT ROWID"
    }
}

/// Fills `canonical.sqlite` on a thread of its own, from the sorted canonical rows.
///
/// The thread merges the store's sorted runs itself (reading the spill file with `pread`, which is safe beside
/// the main thread's own pass for canonical.csv), so SQLite's work, the longest part of load's output, overlaps
/// everything load does after reconciling. `finish()` waits for the commit and the fsync and rethrows any
/// failure. Dropping the writer without `finish()` stops the thread and waits for it (the unfinished file stays
/// in the staging folder, which is discarded with it).
final class CanonicalDatabaseWriter: Sendable {
    private let work: BackgroundWork<Int>

    /// Starts creating the database at `path` (which must not exist) from `rows` (sorted), inserting
    /// `rowsPerStatement` rows per statement (any count gives the same file; tests use small ones).
    init(path: String, rows: CanonicalRowStore, rowsPerStatement: Int = CanonicalDatabase.rowsPerStatement) {
        work = BackgroundWork(name: "fapiao-sqlite") { stop in
            try CanonicalDatabaseWriter.fill(path: path, rows: rows, rowsPerStatement: rowsPerStatement, stop: stop)
        }
    }

    /// Waits until the database is committed and synced; returns the rows written. Call it once.
    func finish() throws -> Int { try work.result() }

    /// The thread's work: creates the table, inserts every row in order, commits, closes, syncs.
    ///
    /// Rows go in `rowsPerStatement` at a time through one multi-row `INSERT … VALUES (…), (…)` (SQLite's
    /// per-statement work is paid once a batch); the last rows, fewer than a batch, one at a time. The rows, and so
    /// the file, are the same for any batch size.
    private static func fill(path: String, rows: CanonicalRowStore, rowsPerStatement: Int, stop: () -> Bool) throws -> Int {
        let started = Date()
        unlink(path)  // a leftover of an earlier run into the same staging folder
        let connection = try SQLiteConnection(path: path)
        try connection.execute("""
            PRAGMA page_size = \(CanonicalDatabase.pageSize); PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -16384; \(CanonicalDatabase.createTable); BEGIN
            """)
        let many = try connection.prepare(CanonicalDatabase.insert(rows: rowsPerStatement))
        let one = try connection.prepare(CanonicalDatabase.insert(rows: 1))
        var seq: Int64 = 0
        var batch = CanonicalRowBatch(rows: rowsPerStatement)
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        func flushFullBatches() throws {
            guard batch.count >= rowsPerStatement else { return }
            if seq & 4095 < Int64(rowsPerStatement), stop() {
                throw FapiaoError(code: "load.canonical_database", message: "abandoned")
            }
            try insert(batch, rows: 0..<batch.count, firstSeq: seq, with: many)
            seq += Int64(batch.count)
            batch.removeAll()
        }
        try rows.forEachSorted { row in
            if try !batch.appendUnquoted(row) { try parser.feedRows(row) { try batch.append($0) } }
            try flushFullBatches()
        }
        try parser.finishRows { try batch.append($0) }
        try flushFullBatches()
        for row in 0..<batch.count { try insert(batch, rows: row..<(row + 1), firstSeq: seq + Int64(row), with: one) }
        seq += Int64(batch.count)
        many.finalize(); one.finalize()
        LoadTimings.span("sqlite inserted", since: started)
        try connection.execute("COMMIT")
        try connection.close()
        try syncFile(path)
        LoadTimings.span("sqlite synced", since: started)
        return Int(seq)
    }

    /// How each canonical field is bound.
    private enum FieldKind { case text, money, line }

    /// The kind of each canonical row position: money as fen, the last (`line`) as an integer, the rest as text.
    private static let kinds: [FieldKind] = (0..<CanonicalRowBatch.fieldCount).map { field in
        if field == CanonicalRowBatch.fieldCount - 1 { return .line }
        return field < CanonicalField.allCases.count && CanonicalDatabase.moneyFields.contains(CanonicalField.allCases[field])
            ? .money : .text
    }

    /// Binds `rows` of `batch` to `statement` (row `rows.lowerBound` at the first parameters; `seq` numbered from
    /// `firstSeq`) and runs it: money as fen (NULL when empty or unreadable), `line` as an integer (0 when
    /// unreadable), anything else as its text bytes (SQLITE_STATIC: the batch outlives the step).
    private static func insert(_ batch: CanonicalRowBatch, rows: Range<Int>, firstSeq: Int64,
                               with statement: SQLiteStatement) throws {
        let width = CanonicalRowBatch.fieldCount
        try statement.withHandle { handle in
            let codes: Int32 = kinds.withUnsafeBufferPointer { kinds in
                batch.withFields { bytes, bounds in
                    var codes: Int32 = 0
                    for row in rows {
                        let first = Int32((row - rows.lowerBound) * (width + 1)) + 1
                        codes |= sqlite3_bind_int64(handle, first, firstSeq + Int64(row - rows.lowerBound))
                        for field in 0..<width {
                            let bound = 2 * (row * width + field)
                            let text = UnsafeBufferPointer(start: bytes + bounds[bound], count: bounds[bound + 1] - bounds[bound])
                            let position = first + 1 + Int32(field)
                            switch kinds[field] {
                            case .text:
                                codes |= text.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(text.count, 1)) {
                                    sqlite3_bind_text(handle, position, $0, Int32(text.count), nil)
                                }
                            case .money:
                                if let fen = ByteParse.fen(text) {
                                    codes |= sqlite3_bind_int64(handle, position, fen)
                                } else {
                                    codes |= sqlite3_bind_null(handle, position)
                                }
                            case .line:
                                codes |= sqlite3_bind_int64(handle, position, Int64(ByteParse.int(text) ?? 0))
                            }
                        }
                    }
                    return codes
                }
            }
            try statement.check(codes)
        }
        try statement.step()
    }

    /// fsyncs a finished file.
    private static func syncFile(_ path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw FapiaoError(code: "load.canonical_database", message: "cannot sync \(path); check the work folder's disk")
        }
        close(descriptor)
    }
}

