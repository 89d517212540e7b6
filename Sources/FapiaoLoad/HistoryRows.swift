import FapiaoCore

/// Writes a night's rows into the history database through SQLite's C API: one prepared statement per table.
enum HistoryRows {
    /// Inserts the night's discrepancy rows, in report order, with `seq` = the position in discrepancies.csv.
    ///
    /// The findings are read in place through a pointer: `night.rows[seq].x` would copy the whole `Finding`
    /// (retaining its fifteen strings) for every field read.
    static func insertDiscrepancies(_ connection: SQLiteConnection, night: NightRecord) throws {
        let columns = ["night", "seq"] + HistorySchema.findingColumns + ["last_seen", "resolved_on", "money_at_stake_fen"]
        let statement = try connection.prepare(insertSQL(table: "discrepancies", columns: columns))
        defer { statement.finalize() }
        let tonight = night.date.description
        let lastSeenResolved = night.previousNight ?? tonight
        try statement.bind(1, text: tonight)
        try night.rows.withUnsafeBufferPointer { rows in
            guard let base = rows.baseAddress else { return }
            for seq in rows.indices {
                let finding = base + seq
                try statement.bind(2, int: Int64(seq))
                try bindFinding(statement, finding, from: 3)
                let sha = Int32(Discrepancy.header.count + 3), next = sha + 1
                let resolved = finding.pointee.row.status == .resolved
                try statement.bind(sha, text: finding.pointee.row.fileSHA256)
                try statement.bind(next, text: resolved ? lastSeenResolved : tonight)
                if resolved { try statement.bind(next + 1, text: tonight) } else { try statement.bindNull(next + 1) }
                try statement.bind(next + 2, int: finding.pointee.stakeFen)
                try statement.step()
            }
        }
    }

    /// Binds the `Discrepancy.header` columns of a finding from position `first` on, read in place: the values of
    /// `Finding.machineRow`, with `days_open` and `line` bound as integers (an empty line is 0) without going
    /// through text.
    private static func bindFinding(_ statement: SQLiteStatement, _ finding: UnsafePointer<Finding>,
                                    from first: Int32) throws {
        try statement.bind(first, text: finding.pointee.id)
        try statement.bind(first + 1, text: finding.pointee.row.type.rawValue)
        try statement.bind(first + 2, text: finding.pointee.row.severity.rawValue)
        try statement.bind(first + 3, text: finding.pointee.row.status.rawValue)
        try statement.bind(first + 4, text: finding.pointee.row.firstSeen)
        try statement.bind(first + 5, int: Int64(finding.pointee.row.daysOpen))
        try statement.bind(first + 6, text: finding.pointee.row.branch)
        try statement.bind(first + 7, text: finding.pointee.row.source)
        try statement.bind(first + 8, text: finding.pointee.row.invoiceKey)
        try statement.bind(first + 9, text: finding.pointee.row.field)
        try statement.bind(first + 10, text: finding.pointee.row.branchValue)
        try statement.bind(first + 11, text: finding.pointee.row.authorityValue)
        try statement.bind(first + 12, text: finding.pointee.row.file)
        try statement.bind(first + 13, int: Int64(finding.pointee.row.line))
        try statement.bind(first + 14, text: finding.pointee.row.messageZh)
        try statement.bind(first + 15, text: finding.pointee.row.messageEn)
        try statement.bind(first + 16, text: finding.pointee.row.action)
    }

    /// Inserts the night's `runs` row.
    static func insertRun(_ connection: SQLiteConnection, night: NightRecord) throws {
        let statement = try connection.prepare(insertSQL(table: "runs", columns: [
            "night", "pipeline", "canonical_rows", "open_high", "open_medium", "open_info", "new_count",
            "resolved_count", "summary_json"]))
        defer { statement.finalize() }
        try statement.bind(1, text: night.date.description)
        try statement.bind(2, text: night.pipeline)
        let counts = [night.canonicalRows, night.open.high, night.open.medium, night.open.info, night.newCount,
                      night.resolvedCount]
        for (offset, count) in counts.enumerated() { try statement.bind(Int32(3 + offset), int: Int64(count)) }
        try statement.bind(9, text: night.summaryJSON)
        try statement.step()
    }

    /// `INSERT INTO table (columns) VALUES (?, …)`.
    private static func insertSQL(table: String, columns: [String]) -> String {
        "INSERT INTO \(table) (\(columns.joined(separator: ", "))) "
            + "VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    }
}
