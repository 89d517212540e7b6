import FapiaoCore
internal import GRDB
internal import GRDBSQLite

/// Writes a night's discrepancy rows into the history database through SQLite's C API: one prepared statement,
/// no `DatabaseValue` per field.
enum HistoryRows {
    /// Inserts the night's discrepancy rows, in report order, with `seq` = the position in discrepancies.csv.
    static func insertDiscrepancies(_ db: Database, night: NightRecord) throws {
        let columns = ["night", "seq"] + HistorySchema.findingColumns + ["last_seen", "resolved_on", "money_at_stake_fen"]
        let statement = try SQLiteInsert(db, table: "discrepancies", columns: columns)
        let tonight = night.date.description
        try statement.bind(1, text: tonight)
        for (seq, finding) in night.rows.enumerated() {
            let row = finding.row
            try statement.bind(2, int: Int64(seq))
            for (index, text) in row.findingsRow.enumerated() {
                if HistorySchema.integerFindingColumns.contains(index) {
                    try statement.bind(Int32(index + 3), int: Int64(Int(text) ?? 0))
                } else {
                    try statement.bind(Int32(index + 3), text: text)
                }
            }
            let next = Int32(row.findingsRow.count + 3), resolved = row.status == .resolved
            try statement.bind(next, text: resolved ? (night.previousNight ?? tonight) : tonight)
            if resolved { try statement.bind(next + 1, text: tonight) } else { try statement.bindNull(next + 1) }
            try statement.bind(next + 2, int: finding.stakeFen)
            try statement.step()
        }
    }
}

/// One prepared `INSERT` and its C-level binding calls; the statement is reset after each step and keeps
/// the bindings not replaced.
struct SQLiteInsert {
    private let statement: Statement
    private let db: Database

    /// Prepares `INSERT INTO table (columns) VALUES (?, …)`.
    init(_ db: Database, table: String, columns: [String]) throws {
        self.db = db
        statement = try db.makeStatement(sql: """
            INSERT INTO \(table) (\(columns.joined(separator: ", ")))
            VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
            """)
    }

    /// Binds bytes that stay valid until the next `step()` (SQLITE_STATIC); empty text is '' (never NULL).
    func bind(_ position: Int32, bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return try check(sqlite3_bind_text(handle, position, "", 0, nil)) }
        try check(base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            sqlite3_bind_text(handle, position, $0, Int32(bytes.count), nil)
        })
    }

    /// Binds a copy of a string.
    func bind(_ position: Int32, text: String) throws {
        try check(sqlite3_bind_text(handle, position, text, Int32(text.utf8.count), SQLiteInsert.transient))
    }

    func bind(_ position: Int32, int: Int64) throws { try check(sqlite3_bind_int64(handle, position, int)) }

    func bindNull(_ position: Int32) throws { try check(sqlite3_bind_null(handle, position)) }

    /// Runs the insert and resets the statement for the next row.
    func step() throws {
        guard sqlite3_step(handle) == SQLITE_DONE else { throw failure() }
        sqlite3_reset(handle)
    }

    private var handle: OpaquePointer? { statement.sqliteStatement }

    /// SQLITE_TRANSIENT: SQLite copies the value at once.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw failure() }
    }

    private func failure() -> FapiaoError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "unknown error"
        return FapiaoError(code: "history.database", message: "cannot write the night into the history database; "
                           + "check that its folder is writable and the file is a fapiao history database", cause: message)
    }
}
