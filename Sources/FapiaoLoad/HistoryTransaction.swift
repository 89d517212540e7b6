#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Foundation
import FapiaoCore
import FapiaoIO

/// Night D's history rows, written during load (on a thread of its own, while load writes its files) in one
/// open transaction and committed only by `commit()`, which load's caller calls after `out/` is published
/// (DESIGN.md "Publishing"). Used by one thread at a time.
///
/// With a history database, the transaction (delete night D, insert its run and discrepancy rows; see
/// `HistoryRows` for how a night's rows share texts with the night before) runs on it
/// at once; readers see the history unchanged until the commit. Before the first night, the database is built
/// in a temporary file next to it and renamed into place by the commit, so nothing appears before it.
/// Dropped without `commit()` (load or publishing failed), the transaction is rolled back and a temporary
/// file removed.
final class HistoryTransaction: @unchecked Sendable {
    private let path: String
    /// Where the night is written: `path`, or a temporary file before the first night.
    private let target: String
    private var connection: SQLiteConnection?

    /// Writes the night, uncommitted.
    convenience init(path: String, night: NightRecord) throws {
        try self.init(path: path, date: night.date)
        try insert(night)
    }

    /// Opens the transaction and deletes night `date` (a re-run replaces it; `HistoryRows.deleteNight`): the part
    /// that needs none of the night's rows, so load starts it as soon as it has read the history snapshot.
    /// `insert(_:)` follows.
    init(path: String, date: BusinessDate) throws {
        self.path = path
        target = FileManager.default.fileExists(atPath: path) ? path : "\(path).new"
        if target != path { unlink(target) }
        let started = Date()
        try HistoryDatabase.migrate(path: target)
        LoadTimings.span("history migrated", since: started)
        let connection = try SQLiteConnection(path: target, errorCode: "history.database",
                                              advice: "check that its folder is writable and the file is a fapiao history database")
        self.connection = connection
        // The delete runs while reconciliation holds load's peak memory: a small page cache then (it may spill
        // to the database file; nothing reads it meanwhile), the usual one for the inserts.
        try connection.execute("\(HistoryDatabase.writePragmas); PRAGMA cache_size = -\(HistoryTransaction.deleteCacheKiB); BEGIN IMMEDIATE")
        let texts = try HistoryRows.deleteNight(connection, night: date.description)
        MemoryRelease.trimHeap()  // what the delete freed, before reconciliation reaches load's peak
        LoadTimings.span("history deleted (\(texts) text rows)", since: started)
    }

    /// The page cache while night D's earlier rows are deleted (KiB).
    static let deleteCacheKiB = 2048

    /// Inserts the night's run and discrepancy rows (the night opened by `init(path:date:)`), uncommitted.
    func insert(_ night: NightRecord) throws {
        guard let connection else { return }
        let started = Date()
        try connection.execute(HistoryDatabase.writePragmas)
        try HistoryRows.insertRun(connection, night: night)
        let written = try HistoryRows.insertDiscrepancies(connection, night: night)
        LoadTimings.span("history inserted (\(written.rows) rows, \(written.texts) new text rows)", since: started)
        HistoryTransaction.syncAhead(target)
        LoadTimings.span("history synced ahead", since: started)
    }

    /// Flushes to disk what SQLite has already written of the open transaction (the rollback journal, and the
    /// pages its cache spilled into the database file), so the commit after publishing, which load waits for,
    /// only syncs the rest. SQLite keeps its own order (journal synced before any page is overwritten); an
    /// earlier sync of bytes already written changes nothing on disk but when they get there.
    private static func syncAhead(_ path: String) {
        for file in [path + "-journal", path] {
            let descriptor = open(file, O_RDONLY)
            guard descriptor >= 0 else { continue }
            fdatasync(descriptor)
            close(descriptor)
        }
    }

    /// Commits the night (and, before the first night, moves the new database into place).
    func commit() throws {
        guard let connection else { return }
        try connection.execute("COMMIT")
        try connection.close()
        self.connection = nil
        guard target != path else { return }
        let descriptor = open(target, O_RDONLY)
        if descriptor >= 0 { fsync(descriptor); close(descriptor) }
        guard rename(target, path) == 0 else {
            throw FapiaoError(code: "history.database", message: "cannot create the history database \(path); "
                              + "check that its folder is writable", cause: String(cString: strerror(errno)))
        }
        fsyncDirectory((path as NSString).deletingLastPathComponent)
    }

    deinit {
        guard connection != nil else { return }
        connection = nil
        if target != path { unlink(target) }
    }
}
