import FapiaoCore
internal import GRDBSQLite

/// A raw SQLite connection (C API) for a file load builds on its own, outside GRDB.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private let path: String
    private let errorCode: String
    private let advice: String

    /// Opens (creating if needed) the database at `path`; failures throw `errorCode` with `advice`.
    init(path: String, errorCode: String = "load.canonical_database",
         advice: String = "check free disk space in the work folder") throws {
        self.path = path; self.errorCode = errorCode; self.advice = advice
        let code = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK else { throw failure() }
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw failure() }
    }

    /// Runs a query and returns its rows as text (NULL as nil): for checks and tests, not hot loops.
    func query(_ sql: String) throws -> [[String?]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw failure() }
        defer { sqlite3_finalize(statement) }
        var rows: [[String?]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw failure() }
            rows.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) }
            })
        }
    }

    /// Prepares one statement.
    func prepare(_ sql: String) throws -> SQLiteStatement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw failure() }
        return SQLiteStatement(statement, connection: self)
    }

    /// Closes the connection (every statement must be finalized first).
    func close() throws {
        guard let open = handle else { return }
        guard sqlite3_close(open) == SQLITE_OK else { throw failure() }
        handle = nil
    }

    deinit { if let handle { sqlite3_close_v2(handle) } }

    /// The connection's last error as a `FapiaoError`.
    func failure() -> FapiaoError {
        let message = handle.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "cannot open"
        return FapiaoError(code: errorCode, message: "cannot write \(path); \(advice)", cause: message)
    }
}

/// A prepared statement whose bindings are set through SQLite's C API; `step()` runs it and resets it
/// (bindings not replaced are kept).
final class SQLiteStatement {
    private var handle: OpaquePointer?
    private let connection: SQLiteConnection

    fileprivate init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle; self.connection = connection
    }

    /// Binds bytes that stay valid until the next `step()` (SQLITE_STATIC); empty text is '' (never NULL).
    func bind(_ position: Int32, bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return try check(sqlite3_bind_text(handle, position, "", 0, nil)) }
        try check(base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
            sqlite3_bind_text(handle, position, $0, Int32(bytes.count), nil)
        })
    }

    /// Binds a copy of a string (SQLITE_TRANSIENT), from its UTF-8 storage (no C-string copy); empty text is ''.
    func bind(_ position: Int32, text: String) throws {
        var text = text
        try check(text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, bytes.count > 0 else { return sqlite3_bind_text(handle, position, "", 0, nil) }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(handle, position, $0, Int32(bytes.count), SQLiteStatement.transient)
            }
        })
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ position: Int32, int: Int64) throws { try check(sqlite3_bind_int64(handle, position, int)) }

    func bindNull(_ position: Int32) throws { try check(sqlite3_bind_null(handle, position)) }

    /// Runs the statement and resets it for the next row.
    func step() throws {
        guard sqlite3_step(handle) == SQLITE_DONE else { sqlite3_reset(handle); throw connection.failure() }
        sqlite3_reset(handle)
    }

    /// Calls `body` with the raw statement, for hot loops binding through the C API themselves (they pass the
    /// OR of the bind result codes to `check(_:)`).
    func withHandle<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R { try body(handle!) }

    /// Releases the statement (before the connection closes).
    func finalize() {
        if let handle { sqlite3_finalize(handle) }
        handle = nil
    }

    deinit { finalize() }

    /// Throws the connection's error unless `code` is SQLITE_OK.
    func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw connection.failure() }
    }
}
