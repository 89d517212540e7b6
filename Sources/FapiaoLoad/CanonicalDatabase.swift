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
    private let state = State()

    /// Starts creating the database at `path` (which must not exist) from `rows` (sorted).
    init(path: String, rows: CanonicalRowStore) {
        let state = self.state
        let thread = Thread {
            let outcome = Result { try CanonicalDatabaseWriter.fill(path: path, rows: rows, stop: { state.stopped }) }
            state.finish(outcome)
        }
        thread.name = "fapiao-sqlite"
        thread.start()
    }

    /// Waits until the database is committed and synced; returns the rows written.
    func finish() throws -> Int { try state.outcome().get() }

    deinit {
        state.stop()
        _ = state.outcome()
    }

    /// The thread's work: creates the table, inserts every row in order, commits, closes, syncs.
    private static func fill(path: String, rows: CanonicalRowStore, stop: () -> Bool) throws -> Int {
        let started = Date()
        unlink(path)  // a leftover of an earlier run into the same staging folder
        let connection = try SQLiteConnection(path: path)
        try connection.execute("""
            PRAGMA page_size = \(CanonicalDatabase.pageSize); PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -16384; \(CanonicalDatabase.createTable); BEGIN
            """)
        let insert = try connection.prepare("INSERT INTO invoices (\(CanonicalDatabase.columns.joined(separator: ", "))) "
            + "VALUES (\(Array(repeating: "?", count: CanonicalDatabase.columns.count).joined(separator: ", ")))")
        var seq: Int64 = 0
        var fields = RowFields()
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        func insertRow(_ fields: RowFields) throws {
            if seq & 4095 == 0, stop() { throw FapiaoError(code: "load.canonical_database", message: "abandoned") }
            try insert.bind(1, int: seq)
            for field in 0..<fields.count { try bind(fields[field], field, of: fields.count, to: insert, at: Int32(field + 2)) }
            try insert.step()
            seq += 1
        }
        try rows.forEachSorted { row in
            if fields.split(row) { return try insertRow(fields) }
            try parser.feedRows(row) { try insertRow(RowFields($0)) }
        }
        try parser.finishRows { try insertRow(RowFields($0)) }
        insert.finalize()
        LoadTimings.span("sqlite inserted", since: started)
        try connection.execute("COMMIT")
        try connection.close()
        try syncFile(path)
        LoadTimings.span("sqlite synced", since: started)
        return Int(seq)
    }

    /// Whether each canonical row position holds money (stored as integer fen).
    private static let isMoney: [Bool] = CanonicalField.allCases.map { CanonicalDatabase.moneyFields.contains($0) }

    /// Binds field `field` of a canonical row: money as fen (NULL when empty or unreadable), `line` as an
    /// integer (0 when unreadable), anything else as its text bytes (valid until the step: SQLITE_STATIC).
    private static func bind(_ bytes: UnsafeBufferPointer<UInt8>, _ field: Int, of count: Int, to statement: SQLiteStatement,
                             at position: Int32) throws {
        if field < isMoney.count, isMoney[field] {
            if let fen = ByteParse.fen(bytes) { try statement.bind(position, int: fen) } else { try statement.bindNull(position) }
        } else if field == count - 1 {
            try statement.bind(position, int: Int64(ByteParse.int(bytes) ?? 0))
        } else {
            try statement.bind(position, bytes: bytes)
        }
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

extension CanonicalDatabaseWriter {
    /// The stop flag and the thread's outcome, under one lock.
    private final class State: @unchecked Sendable {
        private let condition = NSCondition()
        private var stopFlag = false
        private var result: Result<Int, Error>?

        var stopped: Bool {
            condition.lock(); defer { condition.unlock() }
            return stopFlag
        }

        func stop() {
            condition.lock(); defer { condition.unlock() }
            stopFlag = true
        }

        func finish(_ outcome: Result<Int, Error>) {
            condition.lock(); defer { condition.unlock() }
            result = outcome
            condition.broadcast()
        }

        /// Waits for the thread's outcome.
        func outcome() -> Result<Int, Error> {
            condition.lock(); defer { condition.unlock() }
            while result == nil { condition.wait() }
            return result!
        }
    }
}

/// The fields of one canonical row as byte ranges, without copying them.
///
/// `split(_:)` handles a row with no `"` byte: `CSVFormatter` quotes every field holding a comma, quote, CR or LF,
/// so such a row's fields are exactly the bytes between commas (the row ends with its LF). A row with a quote
/// goes through `CSVParser` and arrives here as a parsed view.
struct RowFields {
    private var base: UnsafePointer<UInt8>?
    private var starts = [Int](repeating: 0, count: 64)
    private var ends = [Int](repeating: 0, count: 64)
    private(set) var count = 0

    init() {}

    /// The fields of a parsed row.
    init(_ view: CSVRowView) {
        base = view.bytes.baseAddress
        count = view.count
        starts = [Int](repeating: 0, count: count); ends = [Int](repeating: 0, count: count)
        for index in 0..<count {
            starts[index] = view.starts[index]
            ends[index] = view.ends[index]
        }
    }

    /// Splits a row (with its line break) that holds no `"`; false (fields unchanged) when it holds one or has
    /// more fields than room.
    mutating func split(_ row: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let pointer = row.baseAddress, row.count > 0, memchr(pointer, 0x22, row.count) == nil else { return false }
        let end = pointer[row.count - 1] == 0x0A ? row.count - 1 : row.count
        var field = 0, start = 0
        for index in 0..<end where pointer[index] == 0x2C {
            guard field < starts.count - 1 else { return false }
            starts[field] = start; ends[field] = index
            field += 1; start = index + 1
        }
        starts[field] = start; ends[field] = end
        base = pointer; count = field + 1
        return true
    }

    /// The bytes of field `index`.
    subscript(index: Int) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base.map { $0 + starts[index] }, count: ends[index] - starts[index])
    }
}
