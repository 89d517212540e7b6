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

    /// The table definition.
    static var createTable: String {
        let definitions = invoiceColumns.map { name in
            name.hasSuffix("_fen") ? "\(name) INTEGER" : name == "line" ? "line INTEGER NOT NULL" : "\(name) TEXT NOT NULL"
        }
        return "CREATE TABLE invoices (seq INTEGER NOT NULL, \(definitions.joined(separator: ", ")), "
            + "PRIMARY KEY (invoice_key, seq)) WITHOUT ROWID"
    }
}

/// Fills `canonical.sqlite` on a thread of its own from canonical rows handed over in batches.
///
/// The caller appends each row's CSV bytes (with its line break) in canonical.csv order; full batches go
/// through a bounded queue, so memory stays bounded and the caller waits only when SQLite falls behind.
/// `finish()` hands over the last batch, waits for the commit and the fsync, and rethrows any failure.
/// Dropping the writer without `finish()` stops the thread (the unfinished file stays in the staging folder,
/// which is discarded with it).
final class CanonicalDatabaseWriter: @unchecked Sendable {
    /// Bytes per batch handed to the SQLite thread.
    static let batchBytes = 1 << 20

    private let queue = BatchQueue(capacity: 8)
    private var batch: [UInt8] = []
    private var rows = 0
    private var finished = false

    /// Creates the database at `path` (which must not exist) and starts the thread that fills it.
    init(path: String) {
        batch.reserveCapacity(CanonicalDatabaseWriter.batchBytes + 4096)
        let queue = self.queue
        let thread = Thread {
            let outcome = Result { try CanonicalDatabaseWriter.fill(path: path, from: queue) }
            queue.finish(outcome)
        }
        thread.name = "fapiao-canonical-sqlite"
        thread.start()
    }

    /// Appends one row's CSV bytes (with its line break).
    func append(_ row: UnsafeBufferPointer<UInt8>) {
        batch.append(contentsOf: row)
        rows += 1
        if batch.count >= CanonicalDatabaseWriter.batchBytes { flush() }
    }

    private func flush() {
        guard !batch.isEmpty else { return }
        let full = batch
        batch = queue.put(full)
        batch.removeAll(keepingCapacity: true)
    }

    /// Hands over the last rows and waits until the database is committed and synced; returns the rows written.
    func finish() throws -> Int {
        flush()
        finished = true
        let written = try queue.close().get()
        guard written == rows else {
            throw FapiaoError(code: "load.canonical_database", message: "canonical.sqlite holds \(written) rows, "
                              + "canonical.csv \(rows); re-run load")
        }
        return written
    }

    deinit { if !finished { queue.abandon(); _ = queue.close() } }

    /// The thread's work: creates the table, inserts every row of every batch, commits, closes, syncs.
    private static func fill(path: String, from queue: BatchQueue) throws -> Int {
        let connection = try SQLiteConnection(path: path)
        try connection.execute("""
            PRAGMA page_size = 4096; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -16384; PRAGMA temp_store = MEMORY;
            \(CanonicalDatabase.createTable); BEGIN
            """)
        let insert = try connection.prepare("INSERT INTO invoices (\(CanonicalDatabase.columns.joined(separator: ", "))) "
            + "VALUES (\(Array(repeating: "?", count: CanonicalDatabase.columns.count).joined(separator: ", ")))")
        var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
        var seq: Int64 = 0
        func insertRow(_ view: CSVRowView) throws {
            try insert.bind(1, int: seq)
            let row = RecordRow(view: view)
            for field in 0..<row.count { try bind(row, field, to: insert, at: Int32(field + 2)) }
            try insert.step()
            seq += 1
        }
        while let batch = queue.take() {
            try batch.withUnsafeBufferPointer { try parser.feedRows($0, emit: insertRow) }
            queue.recycle(batch)
        }
        if queue.isAbandoned { throw FapiaoError(code: "load.canonical_database", message: "abandoned") }
        try parser.finishRows(emit: insertRow)
        insert.finalize()
        try connection.execute("COMMIT")
        try connection.close()
        try syncFile(path)
        return Int(seq)
    }

    /// Whether each canonical row position holds money (stored as integer fen).
    private static let isMoney: [Bool] = CanonicalField.allCases.map { CanonicalDatabase.moneyFields.contains($0) }

    /// Binds field `field` of a canonical row: money as fen (NULL when empty or unreadable), `line` as an
    /// integer (0 when unreadable), anything else as its text bytes.
    private static func bind(_ row: RecordRow, _ field: Int, to statement: SQLiteStatement, at position: Int32) throws {
        let bytes = row[field]
        if field < isMoney.count, isMoney[field] {
            if let fen = ByteParse.fen(bytes) { try statement.bind(position, int: fen) } else { try statement.bindNull(position) }
        } else if field == row.count - 1 {
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

/// A bounded hand-over of byte batches from one producer to one consumer, with the consumer's outcome.
final class BatchQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var full: [[UInt8]] = []
    private var empty: [[UInt8]] = []
    private let capacity: Int
    private var closed = false
    private var abandoned = false
    private var outcome: Result<Int, Error>?

    init(capacity: Int) { self.capacity = capacity }

    /// Queues a batch (waiting while `capacity` batches wait) and returns an emptied buffer to reuse.
    func put(_ batch: [UInt8]) -> [UInt8] {
        condition.lock(); defer { condition.unlock() }
        while full.count >= capacity, outcome == nil { condition.wait() }
        if outcome == nil { full.append(batch) }
        condition.broadcast()
        return empty.popLast() ?? []
    }

    /// The next batch; nil once the producer closed the queue and every batch was taken, or it abandoned it.
    func take() -> [UInt8]? {
        condition.lock(); defer { condition.unlock() }
        while full.isEmpty, !closed, !abandoned { condition.wait() }
        if abandoned { return nil }
        if full.isEmpty { return nil }
        let batch = full.removeFirst()
        condition.broadcast()
        return batch
    }

    /// Keeps a consumed buffer for the producer.
    func recycle(_ batch: [UInt8]) {
        condition.lock(); defer { condition.unlock() }
        if empty.count < 2 { empty.append(batch) }
    }

    /// Marks the queue abandoned: the consumer stops at its next `take()`.
    func abandon() {
        condition.lock(); defer { condition.unlock() }
        abandoned = true
        condition.broadcast()
    }

    /// Whether the producer abandoned the queue.
    var isAbandoned: Bool {
        condition.lock(); defer { condition.unlock() }
        return abandoned
    }

    /// Records the consumer's outcome and wakes the producer.
    func finish(_ result: Result<Int, Error>) {
        condition.lock(); defer { condition.unlock() }
        outcome = result
        condition.broadcast()
    }

    /// Closes the queue (no more batches) and waits for the consumer's outcome.
    func close() -> Result<Int, Error> {
        condition.lock(); defer { condition.unlock() }
        closed = true
        condition.broadcast()
        while outcome == nil { condition.wait() }
        return outcome!
    }
}
