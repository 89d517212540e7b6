import Foundation
import FapiaoCore
internal import GRDB

/// One night as the history database stores it.
struct NightRecord: Sendable {
    var date: BusinessDate
    var pipeline: String
    /// The latest earlier night (the `last_seen` of rows resolved tonight).
    var previousNight: String?
    /// Tonight's rows (new and open) and the rows resolved tonight, in report order.
    var rows: [Finding]
    /// The rows of `previousNight` by id (the snapshot's `openRows`): a row with the same texts reuses its text row.
    var prior: [String: HistoryRow] = [:]
    /// Rows of canonical.csv (`runs.canonical_rows`).
    var canonicalRows: Int
    var open: NightCounts
    var newCount: Int
    var resolvedCount: Int
    /// summary.json's text.
    var summaryJSON: String
}

/// The history database `<work_dir>/<pipeline>/fapiao.sqlite` (SQLite through GRDB).
///
/// Tables: `runs` (one row per night) and, since v3, a night's discrepancy rows in `discrepancy_rows` (slim,
/// per night), `discrepancy_texts` (texts shared by the nights whose rows have them) and `discrepancy_strings`
/// (a night's file names and actions), read together through the view `discrepancies` (v2's table: every row of
/// every night, with first / last seen and resolved on). The canonical dataset is not history: each night has its
/// own `out/canonical.sqlite` (`CanonicalDatabase`; migration v2 drops the old `invoices` table). Each night is
/// written in one transaction that first deletes the night, so a re-run replaces it. Reads only look at nights
/// before D.
enum HistoryDatabase {
    /// The history as of `date`: an empty snapshot when the database does not exist yet.
    static func snapshot(path: String, before date: BusinessDate, chartNights: Int) throws -> HistorySnapshot {
        guard FileManager.default.fileExists(atPath: path) else { return .empty }
        return try guarded(path) {
            var configuration = Configuration()
            // A crash mid-night leaves a hot journal, which only a writable connection can roll back (SQLite does
            // so on the first read); a read-only one fails with SQLITE_READONLY. Without a journal, read-only.
            configuration.readonly = !FileManager.default.fileExists(atPath: path + "-journal")
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            return try queue.read { db in try readSnapshot(db, before: date, chartNights: chartNights) }
        }
    }

    /// Creates the database if needed and brings its schema up to date (v2 drops the old `invoices` table).
    /// `upTo` stops at an earlier version (tests of the migrations).
    static func migrate(path: String, upTo version: String? = nil) throws {
        try guarded(path) {
            let queue = try DatabaseQueue(path: path)
            try queue.writeWithoutTransaction { db in try db.execute(sql: HistoryDatabase.writePragmas) }
            if let version { try HistorySchema.migrator.migrate(queue, upTo: version) } else { try HistorySchema.migrator.migrate(queue) }
        }
    }

    /// Writes one night in one transaction, replacing the night when present; creates the database if needed.
    static func commit(path: String, night: NightRecord) throws {
        try HistoryTransaction(path: path, night: night).commit()
    }

    /// Connection settings for writing a night; neither changes what the database holds.
    /// - `cache_size`: 16 MiB of page cache (SQLite's default is 2 MiB), so fewer of a night's pages are spilled to
    ///   the file mid-transaction, each spill costing a journal fsync.
    /// - `secure_delete = FAST`: Debian builds SQLite with secure delete on, which zeroes every deleted row
    ///   on disk and doubles the cost of replacing a night; FAST still purges deleted rows from b-tree pages
    ///   and only skips zeroing pages that go to the freelist.
    static let writePragmas = "PRAGMA cache_size = -16384; PRAGMA secure_delete = FAST"

    /// Rows per night in each table (`runs`, `discrepancies`), for checks and operators.
    static func rowCounts(path: String) throws -> [String: [String: Int]] {
        try counts(path: path, tables: ["runs", "discrepancies"])
    }

    /// Rows per night of v3's shared tables: `discrepancy_texts` by owner night, `discrepancy_strings`.
    static func storageCounts(path: String) throws -> [String: [String: Int]] {
        try counts(path: path, tables: ["discrepancy_texts", "discrepancy_strings"])
    }

    /// `SELECT night, COUNT(*) … GROUP BY night` of each table or view present.
    private static func counts(path: String, tables: [String]) throws -> [String: [String: Int]] {
        try guarded(path) {
            let queue = try DatabaseQueue(path: path)
            return try queue.read { db in
                var counts: [String: [String: Int]] = [:]
                for table in tables where try db.tableExists(table) || db.viewExists(table) {
                    for row in try Row.fetchAll(db, sql: "SELECT night, COUNT(*) AS n FROM \(table) GROUP BY night") {
                        counts[table, default: [:]][row["night"]] = row["n"]
                    }
                }
                return counts
            }
        }
    }

    private static func readSnapshot(_ db: Database, before date: BusinessDate, chartNights: Int) throws -> HistorySnapshot {
        guard try db.tableExists("runs") else { return .empty }
        let tonight = date.description
        let latest = try String.fetchOne(db, sql: "SELECT MAX(night) FROM runs WHERE night < ?", arguments: [tonight])
        var snapshot = HistorySnapshot(latestNight: latest)
        if let latest {
            snapshot.openRows = try db.tableExists("discrepancy_rows")
                ? readOpenRows(db, night: latest) : readVersion2OpenRows(db, night: latest)
        }
        let first = date.adding(days: -max(chartNights - 1, 0)).description
        snapshot.nights = try Row.fetchAll(db, sql: """
            SELECT night, open_high, open_medium, open_info FROM runs WHERE night < ? AND night >= ? ORDER BY night
            """, arguments: [tonight, first]).map { row in
            NightCounts(night: row["night"], high: row["open_high"], medium: row["open_medium"], info: row["open_info"])
        }
        return snapshot
    }

    /// The rows new or open on `night`, by id (the first row of an id), with their `text_id`.
    private static func readOpenRows(_ db: Database, night: String) throws -> [String: HistoryRow] {
        var strings: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT string_no, value FROM discrepancy_strings WHERE night = ?",
                                    arguments: [night]) {
            strings[row[0]] = row[1]
        }
        let text = HistorySchema.textColumns.map { "t.\($0)" }.joined(separator: ", ")
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT r.text_id, r.status, r.first_seen, r.days_open, r.file_no, r.line, r.action_no, \(text)
            FROM discrepancy_rows r JOIN discrepancy_texts t ON t.text_id = r.text_id
            WHERE r.night = ? AND r.status IN ('new', 'open') ORDER BY r.seq
            """, arguments: [night])
        var rows: [String: HistoryRow] = [:]
        while let row = try cursor.next() {
            let id: String = row[7]
            guard rows[id] == nil, let type = DiscrepancyType(rawValue: row[8]), let severity = Severity(rawValue: row[9]),
                  let status = DiscrepancyStatus(rawValue: row[1]) else { continue }
            let discrepancy = Discrepancy(
                type: type, severity: severity, branch: row[10], source: row[11], invoiceKey: row[12], field: row[13],
                branchValue: row[14], authorityValue: row[15], file: strings[row[4]] ?? "", line: row[5],
                messageZh: row[16], messageEn: row[17], action: strings[row[6]] ?? "", fileSHA256: row[18],
                status: status, firstSeen: row[2], daysOpen: row[3])
            // The stored id is the row's id (written from it), so no SHA-256 per row here.
            rows[id] = HistoryRow(row: discrepancy, textID: row[0])
        }
        return rows
    }

    /// `readOpenRows` on a database not yet migrated to v3 (the night's transaction migrates it): no text rows.
    private static func readVersion2OpenRows(_ db: Database, night: String) throws -> [String: HistoryRow] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(HistorySchema.findingColumns.joined(separator: ", ")) FROM discrepancies
            WHERE night = ? AND status IN ('new', 'open') ORDER BY seq
            """, arguments: [night])
        var open: [String: HistoryRow] = [:]
        for row in rows {
            let values = HistorySchema.findingColumns.map { name -> String in
                let value: DatabaseValue = row[name]
                return String.fromDatabaseValue(value) ?? Int64.fromDatabaseValue(value).map { String($0) } ?? ""
            }
            if let finding = Discrepancy(findingsRow: values), let id = values.first, open[id] == nil {
                open[id] = HistoryRow(row: finding, textID: nil)
            }
        }
        return open
    }

    /// Runs database work, turning GRDB errors into a `FapiaoError` naming the database.
    private static func guarded<T>(_ path: String, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as FapiaoError {
            throw error
        } catch {
            throw FapiaoError(code: "history.database", message: "cannot use the history database \(path); check that "
                              + "its folder is writable and the file is a fapiao history database", cause: "\(error)")
        }
    }
}
