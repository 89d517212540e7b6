import FapiaoCore
internal import GRDB
internal import GRDBSQLite

/// Writes a night's canonical rows into the history's `invoices` table straight from their bytes.
///
/// One prepared statement, bound through SQLite's C API with pointers into the row (no `String` and no
/// `DatabaseValue` per field): money as integer fen
/// (NULL when empty or unreadable), `line` as an integer (0 when unreadable), other fields as text.
enum HistoryInvoiceRows {
    /// Inserts every row of `canonical`, in order, with `seq` = its position in canonical.csv; throws
    /// `history.abandoned` as soon as `stop` returns true (polled every 4,096 rows).
    static func insert(_ db: Database, night: String, canonical: CanonicalRowStore, stop: () -> Bool) throws {
        let columns = ["night", "seq"] + HistorySchema.invoiceColumns
        let statement = try db.makeStatement(sql: """
            INSERT INTO invoices (\(columns.joined(separator: ", ")))
            VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
            """)
        let handle = statement.sqliteStatement
        var nightBytes = Array(night.utf8)
        var seq: Int64 = 0
        try nightBytes.withUnsafeMutableBufferPointer { nightBuffer in
            try check(sqliteBind(handle, 1, UnsafeBufferPointer(nightBuffer)), db)
            try canonical.forEachRow { row in
                if seq & 4095 == 0, stop() { throw FapiaoError(code: "history.abandoned", message: "the night was not committed") }
                try check(sqlite3_bind_int64(handle, 2, seq), db)
                for field in 0..<row.count { try bind(row, field, to: handle, at: Int32(field + 3), db) }
                guard sqlite3_step(handle) == SQLITE_DONE else { throw failure(db) }
                sqlite3_reset(handle)
                seq += 1
            }
        }
    }

    /// Positions of the money fields in a canonical row.
    private static let moneyColumns: Set<Int> = Set(HistorySchema.moneyFields.map(\.order))

    private static func bind(_ row: RecordRow, _ field: Int, to handle: OpaquePointer?, at position: Int32,
                             _ db: Database) throws {
        let bytes = row[field]
        if moneyColumns.contains(field) {
            if let fen = ByteParse.fen(bytes) {
                try check(sqlite3_bind_int64(handle, position, fen), db)
            } else {
                try check(sqlite3_bind_null(handle, position), db)
            }
        } else if field == row.count - 1 {
            try check(sqlite3_bind_int64(handle, position, Int64(ByteParse.int(bytes) ?? 0)), db)
        } else {
            try check(sqliteBind(handle, position, bytes), db)
        }
    }

    /// Binds text that stays valid until the statement steps (SQLITE_STATIC); empty text is '' (never NULL).
    private static func sqliteBind(_ handle: OpaquePointer?, _ position: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            return sqlite3_bind_text(handle, position, "", 0, nil)
        }
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            sqlite3_bind_text(handle, position, $0, Int32(bytes.count), nil)
        }
    }

    private static func check(_ code: Int32, _ db: Database) throws {
        guard code == SQLITE_OK else { throw failure(db) }
    }

    private static func failure(_ db: Database) -> FapiaoError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "unknown error"
        return FapiaoError(code: "history.database", message: "cannot write the night's invoices into the history "
                           + "database; check that its folder is writable and the file is a fapiao history database",
                           cause: message)
    }
}
