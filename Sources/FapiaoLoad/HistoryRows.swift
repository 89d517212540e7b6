import FapiaoCore
internal import GRDB
internal import GRDBSQLite

/// Writes a night's rows into the history tables through SQLite's C API: one prepared statement per table,
/// values bound straight from row bytes (no `String` or `DatabaseValue` per field).
enum HistoryRows {
    /// Inserts every canonical row, in order, with `seq` = its position in canonical.csv. Values are what
    /// the schema says: money as integer fen (NULL when empty or unreadable), `line` as an integer (0 when
    /// unreadable), other fields as text. Throws `history.abandoned` as soon as `stop` returns true (polled
    /// every 4,096 rows).
    static func insertInvoices(_ db: Database, night: String, canonical: CanonicalRowStore, stop: () -> Bool) throws {
        let statement = try SQLiteInsert(db, table: "invoices", columns: ["night", "seq"] + HistorySchema.invoiceColumns)
        try statement.bind(1, text: night)
        var seq = 0
        try canonical.forEachRow { row in
            if seq & 4095 == 0, stop() { throw FapiaoError(code: "history.abandoned", message: "the night was not committed") }
            try statement.bind(2, int: Int64(seq))
            for field in 0..<row.count { try bind(row, field, to: statement, at: Int32(field + 3)) }
            try statement.step()
            seq += 1
        }
    }

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

    /// Whether each canonical row position holds money (stored as integer fen).
    private static let isMoney: [Bool] = (0..<Invoice.canonicalHeader.count).map { index in
        HistorySchema.moneyFields.contains { $0.order == index }
    }

    private static func bind(_ row: RecordRow, _ field: Int, to statement: SQLiteInsert, at position: Int32) throws {
        let bytes = row[field]
        if field < isMoney.count, isMoney[field] {
            if let fen = ByteParse.fen(bytes) { try statement.bind(position, int: fen) } else { try statement.bindNull(position) }
        } else if field == row.count - 1 {
            try statement.bind(position, int: Int64(ByteParse.int(bytes) ?? 0))
        } else {
            try statement.bind(position, bytes: bytes)
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
