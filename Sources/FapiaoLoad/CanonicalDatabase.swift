#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import FapiaoCore
import FapiaoIO
internal import GRDBSQLite

/// `out/canonical.sqlite`: the night's canonical dataset as one SQLite table, `invoices` (docs/reports.md).
///
/// Columns: `seq` (the row's arrival order, the rowid), the canonical fields with money as INTEGER fen
/// (`amount_fen`, `tax_fen`, `total_fen`; NULL when empty), `source`, `file`, `line`; index `invoices_by_key` on
/// `invoice_key`. Rows arrive as load spills them: sorted runs of the canonical rows in the order reconciliation
/// adds them (kept branch rows in invoices.csv order, then authority-only rows), each run sorted like
/// canonical.csv. So the table is filled from the start of load, appended at its right edge (rowids ascend),
/// and the index is built once, after the last row, in the same transaction.
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
        return "CREATE TABLE invoices (seq INTEGER PRIMARY KEY, \(definitions.joined(separator: ", ")))"
    }

    /// SQLite's page cache while rows are inserted: appending at the table's right edge needs few pages, and the
    /// inserts overlap load's peak of memory (the authority index), so it is kept small (2 MiB).
    static let insertCacheKiB = 2048

    /// SQLite's page cache for building the index: it also bounds the sorter's in-memory runs (16 MiB).
    static let indexCacheKiB = 16384

    /// The key index, created after the last row (one sort, instead of an index grown row by row).
    static let createIndex = "CREATE INDEX invoices_by_key ON invoices (invoice_key)"
}

/// Fills `canonical.sqlite` on a thread of its own, from the start of load, with the runs the canonical row store
/// spills (`feed`).
///
/// The thread opens the database and then inserts each run as the store hands it over (reading the spill file
/// with `pread`, which is safe beside the store's appends and the main thread's merge for canonical.csv), so
/// SQLite's work overlaps reconciliation instead of following it. After the feed ends it builds the key index,
/// commits and fsyncs. `finish()` waits for that and rethrows any failure. Dropping the writer without `finish()`
/// cancels the feed, stops the thread and waits for it (the unfinished file stays in the staging folder, which is
/// discarded with it).
final class CanonicalDatabaseWriter: Sendable {
    /// Where the canonical row store hands its runs (`CanonicalRowStore(spillDirectory:feed:)`).
    let feed = CanonicalRunFeed()
    private let work: BackgroundWork<Int>

    /// Starts creating the database at `path` (removed first if it exists), inserting `rowsPerStatement` rows per
    /// statement (any count gives the same file; tests use small ones).
    init(path: String, rowsPerStatement: Int = CanonicalDatabase.rowsPerStatement) {
        let feed = self.feed
        work = BackgroundWork(name: "fapiao-sqlite") { stop in
            try CanonicalDatabaseWriter.fill(path: path, feed: feed, rowsPerStatement: rowsPerStatement, stop: stop)
        }
    }

    /// Waits until the database is committed and synced; returns the rows written. Call it once, after the
    /// store's `sort()` ended the feed.
    func finish() throws -> Int { try work.result() }

    deinit { feed.cancel() }  // before `work` is released: its deinit stops the thread and waits for it

    private static func abandoned() -> FapiaoError {
        FapiaoError(code: "load.canonical_database", message: "abandoned")
    }

    /// The thread's work: creates the table, inserts every run's rows, indexes, commits, closes, syncs.
    private static func fill(path: String, feed: CanonicalRunFeed, rowsPerStatement: Int,
                             stop: @escaping () -> Bool) throws -> Int {
        let started = Date()
        unlink(path)  // a leftover of an earlier run into the same staging folder
        let connection = try SQLiteConnection(path: path)
        try connection.execute("""
            PRAGMA page_size = \(CanonicalDatabase.pageSize); PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -\(CanonicalDatabase.insertCacheKiB);
            \(CanonicalDatabase.createTable); BEGIN
            """)
        var inserter = try RowInserter(connection: connection, rowsPerStatement: rowsPerStatement, stop: stop)
        while true {
            guard let message = feed.next() else { throw abandoned() }
            guard case .run(let file, let run) = message else { break }
            try CanonicalRowStore.forEachRow(in: run, of: file) { try inserter.add($0) }
        }
        let rows = try inserter.finish()
        LoadTimings.span("sqlite inserted", since: started)
        try connection.execute("PRAGMA cache_size = -\(CanonicalDatabase.indexCacheKiB); \(CanonicalDatabase.createIndex)")
        LoadTimings.span("sqlite indexed", since: started)
        try connection.execute("COMMIT")
        try connection.close()
        try syncFile(path)
        LoadTimings.span("sqlite synced", since: started)
        return rows
    }

    /// Inserts rows `rowsPerStatement` at a time through one multi-row `INSERT … VALUES (…), (…)` (SQLite's
    /// per-statement work is paid once a batch), numbering them (`seq`) in the order they come; the last rows,
    /// fewer than a batch, one at a time. The rows, and so the file, are the same for any batch size.
    private struct RowInserter {
        private let many: SQLiteStatement
        private let one: SQLiteStatement
        private let rowsPerStatement: Int
        private let stop: () -> Bool
        private var batch: CanonicalRowBatch
        private var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        private var seq: Int64 = 0

        init(connection: SQLiteConnection, rowsPerStatement: Int, stop: @escaping () -> Bool) throws {
            many = try connection.prepare(CanonicalDatabase.insert(rows: rowsPerStatement))
            one = try connection.prepare(CanonicalDatabase.insert(rows: 1))
            self.rowsPerStatement = rowsPerStatement; self.stop = stop
            batch = CanonicalRowBatch(rows: rowsPerStatement)
        }

        /// Adds one row's bytes (with its line break), inserting the batch once it is full.
        mutating func add(_ row: UnsafeBufferPointer<UInt8>) throws {
            if try !batch.appendUnquoted(row) { try parse { try $0.feedRows(row, emit: $1) } }
            try flushFullBatch()
        }

        /// Runs `feed` with the parser and a callback adding each parsed row to the batch (the batch is moved out
        /// meanwhile, so adding does not copy it).
        private mutating func parse(_ feed: (inout CSVParser, (CSVRowView) throws -> Void) throws -> Void) throws {
            var rows = batch
            batch = RowInserter.placeholder
            defer { batch = rows }
            try feed(&parser) { try rows.append($0) }
        }

        private static let placeholder = CanonicalRowBatch(rows: 1)

        private mutating func flushFullBatch() throws {
            guard batch.count >= rowsPerStatement else { return }
            if seq & 4095 < Int64(rowsPerStatement), stop() { throw CanonicalDatabaseWriter.abandoned() }
            try CanonicalDatabaseWriter.insert(batch, rows: 0..<batch.count, firstSeq: seq, with: many)
            seq += Int64(batch.count)
            batch.removeAll()
        }

        /// Inserts what is left and releases the statements; returns the rows inserted.
        mutating func finish() throws -> Int {
            try parse { try $0.finishRows(emit: $1) }
            try flushFullBatch()
            for row in 0..<batch.count {
                try CanonicalDatabaseWriter.insert(batch, rows: row..<(row + 1), firstSeq: seq + Int64(row), with: one)
            }
            seq += Int64(batch.count)
            batch.removeAll()
            many.finalize(); one.finalize()
            return Int(seq)
        }
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

