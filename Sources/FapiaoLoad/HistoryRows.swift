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
        let isInteger = HistorySchema.findingColumns.indices.map { HistorySchema.integerFindingColumns.contains($0) }
        try statement.bind(1, text: tonight)
        try night.rows.withUnsafeBufferPointer { rows in
            guard let base = rows.baseAddress else { return }
            for seq in rows.indices {
                let finding = base + seq
                try statement.bind(2, int: Int64(seq))
                let values = finding.pointee.machineRow
                for (index, text) in values.enumerated() {
                    if isInteger[index] {
                        try statement.bind(Int32(index + 3), int: Int64(Int(text) ?? 0))
                    } else {
                        try statement.bind(Int32(index + 3), text: text)
                    }
                }
                let sha = Int32(values.count + 3), next = sha + 1, resolved = finding.pointee.row.status == .resolved
                try statement.bind(sha, text: finding.pointee.row.fileSHA256)
                try statement.bind(next, text: resolved ? lastSeenResolved : tonight)
                if resolved { try statement.bind(next + 1, text: tonight) } else { try statement.bindNull(next + 1) }
                try statement.bind(next + 2, int: finding.pointee.stakeFen)
                try statement.step()
            }
        }
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
