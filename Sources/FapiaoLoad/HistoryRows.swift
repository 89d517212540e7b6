import FapiaoCore

/// Writes a night's rows into the history database through SQLite's C API: one prepared statement per table.
enum HistoryRows {
    /// How many rows a night wrote into `discrepancy_rows` and, of those, how many texts it wrote anew.
    struct Written: Equatable {
        var rows: Int
        var texts: Int
    }

    /// Inserts the night's discrepancy rows, in report order, with `seq` = the position in discrepancies.csv.
    ///
    /// A row whose texts equal those of the previous night's row of its id (`night.prior`, read with the snapshot)
    /// reuses that row's `text_id`; any other row gets a new text row owned by tonight. File names and actions
    /// go to `discrepancy_strings`, numbered in order of first use. The findings are read in place through a
    /// pointer: `night.rows[seq].x` would copy the whole `Finding` (retaining its fifteen strings) per field read.
    static func insertDiscrepancies(_ connection: SQLiteConnection, night: NightRecord) throws -> Written {
        let tonight = night.date.description
        let lastSeenResolved = night.previousNight ?? tonight
        let firstTextID = try integer(connection, "SELECT MAX(text_id) FROM discrepancy_texts").map { $0 + 1 } ?? 1
        var nextTextID = firstTextID
        let texts = try connection.prepare(insertSQL(table: "discrepancy_texts",
                                                     columns: ["text_id", "night"] + HistorySchema.textColumns))
        let rows = try connection.prepare(insertSQL(table: "discrepancy_rows",
                                                    columns: ["night", "seq"] + HistorySchema.rowColumns))
        defer { texts.finalize(); rows.finalize() }
        try texts.bind(2, text: tonight)
        try rows.bind(1, text: tonight)
        var strings = NightStrings()
        try night.rows.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for seq in buffer.indices {
                let finding = base + seq
                var textID = reusableTextID(finding, prior: night.prior)
                if textID == nil {
                    try bindTexts(texts, finding, textID: nextTextID)
                    try texts.step()
                    textID = nextTextID
                    nextTextID += 1
                }
                try rows.bind(2, int: Int64(seq))
                try rows.bind(3, int: textID ?? 0)
                try bindRow(rows, finding, strings: &strings)
                if finding.pointee.row.status == .resolved {
                    try rows.bind(10, text: lastSeenResolved)
                    try rows.bind(11, text: tonight)
                } else {
                    try rows.bindNull(10)
                    try rows.bindNull(11)
                }
                try rows.bind(12, int: finding.pointee.stakeFen)
                try rows.step()
            }
        }
        try insertStrings(connection, strings.values, night: tonight)
        return Written(rows: night.rows.count, texts: Int(nextTextID - firstTextID))
    }

    /// The `text_id` of the previous night's row of the finding's id when its texts are the finding's.
    ///
    /// Both rows are compared in place, field by field (a `Discrepancy` copied out of either retains its fifteen
    /// strings, which cost more than the comparison).
    private static func reusableTextID(_ finding: UnsafePointer<Finding>, prior: [String: HistoryRow]) -> Int64? {
        guard let entry = prior[finding.pointee.id], let textID = entry.textID else { return nil }
        let b = finding
        guard entry.row.type == b.pointee.row.type, entry.row.severity == b.pointee.row.severity,
              entry.row.branch == b.pointee.row.branch, entry.row.source == b.pointee.row.source,
              entry.row.invoiceKey == b.pointee.row.invoiceKey, entry.row.field == b.pointee.row.field,
              entry.row.branchValue == b.pointee.row.branchValue,
              entry.row.authorityValue == b.pointee.row.authorityValue,
              entry.row.messageZh == b.pointee.row.messageZh, entry.row.messageEn == b.pointee.row.messageEn,
              entry.row.fileSHA256 == b.pointee.row.fileSHA256 else { return nil }
        return textID
    }

    /// Binds `text_id` and the `HistorySchema.textColumns` of a finding (position 2, the night, is bound once).
    private static func bindTexts(_ statement: SQLiteStatement, _ finding: UnsafePointer<Finding>, textID: Int64) throws {
        try statement.bind(1, int: textID)
        try statement.bind(3, text: finding.pointee.id)
        try statement.bind(4, text: finding.pointee.row.type.rawValue)
        try statement.bind(5, text: finding.pointee.row.severity.rawValue)
        try statement.bind(6, text: finding.pointee.row.branch)
        try statement.bind(7, text: finding.pointee.row.source)
        try statement.bind(8, text: finding.pointee.row.invoiceKey)
        try statement.bind(9, text: finding.pointee.row.field)
        try statement.bind(10, text: finding.pointee.row.branchValue)
        try statement.bind(11, text: finding.pointee.row.authorityValue)
        try statement.bind(12, text: finding.pointee.row.messageZh)
        try statement.bind(13, text: finding.pointee.row.messageEn)
        try statement.bind(14, text: finding.pointee.row.fileSHA256)
    }

    /// Binds `status` … `action_no` of `discrepancy_rows` (positions 4 to 9); `line` is an integer (0 when none).
    private static func bindRow(_ statement: SQLiteStatement, _ finding: UnsafePointer<Finding>,
                                strings: inout NightStrings) throws {
        try statement.bind(4, text: finding.pointee.row.status.rawValue)
        try statement.bind(5, text: finding.pointee.row.firstSeen)
        try statement.bind(6, int: Int64(finding.pointee.row.daysOpen))
        try statement.bind(7, int: strings.number(finding.pointee.row.file, slot: 0))
        try statement.bind(8, int: Int64(finding.pointee.row.line))
        try statement.bind(9, int: strings.number(finding.pointee.row.action, slot: 1))
    }

    /// Inserts the night's `discrepancy_strings`, numbered from 0.
    private static func insertStrings(_ connection: SQLiteConnection, _ values: [String], night: String) throws {
        let statement = try connection.prepare(insertSQL(table: "discrepancy_strings",
                                                         columns: ["night", "string_no", "value"]))
        defer { statement.finalize() }
        try statement.bind(1, text: night)
        for (number, value) in values.enumerated() {
            try statement.bind(2, int: Int64(number))
            try statement.bind(3, text: value)
            try statement.step()
        }
    }

    /// Deletes night `night` (a re-run replaces it): its run, rows and strings, and the text rows it owns that no
    /// other night uses; returns how many text rows went.
    ///
    /// A night's rows only use text rows owned by that night or an earlier one (a night reuses texts of the
    /// latest earlier night only), so only a later night can still use a text row the night owns: those pass to
    /// the earliest later night using them (which reads that night's rows and later ones; re-running the latest
    /// night, the usual case, reads no other night's rows). The rest are deleted.
    static func deleteNight(_ connection: SQLiteConnection, night: String) throws -> Int {
        var statements = ["DELETE FROM runs WHERE night = ?1", "DELETE FROM discrepancy_rows WHERE night = ?1",
                          "DELETE FROM discrepancy_strings WHERE night = ?1"]
        // `night` is a date (YYYY-MM-DD), safe to write into the query.
        if try integer(connection, "SELECT EXISTS (SELECT 1 FROM discrepancy_rows WHERE night > '\(night)')") == 1 {
            statements.append("""
                UPDATE discrepancy_texts SET night = later.night
                FROM (SELECT r.text_id, MIN(r.night) AS night FROM discrepancy_rows r
                      WHERE r.night > ?1 AND r.text_id IN (SELECT text_id FROM discrepancy_texts WHERE night = ?1)
                      GROUP BY r.text_id) AS later
                WHERE discrepancy_texts.text_id = later.text_id
                """)
        }
        statements.append("DELETE FROM discrepancy_texts WHERE night = ?1")
        for sql in statements {
            let statement = try connection.prepare(sql)
            try statement.bind(1, text: night)
            try statement.step()
            statement.finalize()
        }
        return Int(try integer(connection, "SELECT changes()") ?? 0)
    }

    /// The first column of a one-row query as an integer (nil when NULL).
    private static func integer(_ connection: SQLiteConnection, _ sql: String) throws -> Int64? {
        (try connection.query(sql).first?.first ?? nil).flatMap { Int64($0) }
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

/// A night's file names and actions (`discrepancy_strings`), numbered in order of first use.
struct NightStrings {
    /// The strings, by number.
    private(set) var values: [String] = []
    private var numbers: [String: Int64] = [:]
    /// The last string looked up in each slot (file, action) and its number: neighbouring rows mostly share them.
    private var recent: [(value: String, number: Int64)?] = [nil, nil]

    /// The number of `value`, given a number when first seen; `slot` keeps the last lookup of one column.
    mutating func number(_ value: String, slot: Int) -> Int64 {
        if let last = recent[slot], last.value == value { return last.number }
        let number: Int64
        if let known = numbers[value] {
            number = known
        } else {
            number = Int64(values.count)
            values.append(value)
            numbers[value] = number
        }
        recent[slot] = (value, number)
        return number
    }
}
