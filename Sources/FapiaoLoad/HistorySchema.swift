import FapiaoCore
internal import GRDB

/// The history database's tables (documented in docs/reports.md) and how rows map onto them.
///
/// Since v3 a night's discrepancy rows are stored in three tables, read together through the view
/// `discrepancies` (v2's table, same columns in the same order):
/// - `discrepancy_rows`: one slim row per row of the night (`night, seq`): status, first seen, days open, the line,
///   the numbers of its file and action in `discrepancy_strings`, and the `text_id` of its texts.
/// - `discrepancy_texts`: the long texts (id, type, …, messages, file_sha256), shared by the nights whose rows
///   have the same texts: a row equal in texts to the previous night's row of its id reuses that text row.
///   `night` is the text row's owner, a night that uses it (the one that wrote it, unless that night was re-run).
/// - `discrepancy_strings`: the file names and actions of one night, numbered (a few dozen a night).
enum HistorySchema {
    /// The discrepancy columns, in `Discrepancy.findingsHeader` order.
    static let findingColumns: [String] = Discrepancy.findingsHeader

    /// Positions in `findingColumns` stored as INTEGER: `days_open`, `line`.
    static let integerFindingColumns: Set<Int> = [
        Discrepancy.findingsHeader.firstIndex(of: "days_open") ?? 5,
        Discrepancy.findingsHeader.firstIndex(of: "line") ?? 13,
    ]

    /// The columns of `discrepancy_texts` after `text_id, night`: the texts a continuing discrepancy keeps.
    static let textColumns = ["id", "type", "severity", "branch", "source", "invoice_key", "field", "branch_value",
                              "authority_value", "message_zh", "message_en", "file_sha256"]

    /// The columns of `discrepancy_rows` after `night, seq`: what changes from night to night.
    static let rowColumns = ["text_id", "status", "first_seen", "days_open", "file_no", "line", "action_no",
                             "last_seen", "resolved_on", "money_at_stake_fen"]

    /// The columns of version 1's `invoices` table after `night, seq` (dropped by v2).
    static let invoiceColumns: [String] = CanonicalDatabase.invoiceColumns

    /// v1 creates the tables; v2 drops `invoices`, whose rows now live in each night's `out/canonical.sqlite`
    /// (docs/contract-notes.md, "Decision: the canonical SQLite is per night"); v3 splits `discrepancies` into
    /// `discrepancy_rows`, `discrepancy_texts` and `discrepancy_strings` and drops the index on `id, night`.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    night TEXT PRIMARY KEY NOT NULL, pipeline TEXT NOT NULL, canonical_rows INTEGER NOT NULL,
                    open_high INTEGER NOT NULL, open_medium INTEGER NOT NULL, open_info INTEGER NOT NULL,
                    new_count INTEGER NOT NULL, resolved_count INTEGER NOT NULL, summary_json TEXT NOT NULL);
                """)
            try db.execute(sql: """
                CREATE TABLE discrepancies (
                    night TEXT NOT NULL, seq INTEGER NOT NULL, \(findingColumnDefinitions),
                    last_seen TEXT NOT NULL, resolved_on TEXT, money_at_stake_fen INTEGER NOT NULL,
                    PRIMARY KEY (night, seq));
                CREATE INDEX discrepancies_by_id ON discrepancies (id, night);
                """)
            try db.execute(sql: """
                CREATE TABLE invoices (
                    night TEXT NOT NULL, seq INTEGER NOT NULL, \(invoiceColumnDefinitions),
                    PRIMARY KEY (night, seq));
                CREATE INDEX invoices_by_key ON invoices (invoice_key, night);
                """)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: "DROP INDEX IF EXISTS invoices_by_key; DROP TABLE IF EXISTS invoices")
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: compactTables)
            try db.execute(sql: convertV2Rows)
            try db.execute(sql: "DROP INDEX discrepancies_by_id; DROP TABLE discrepancies; \(discrepanciesView)")
        }
        return migrator
    }

    /// v3's tables. `discrepancy_texts_by_night` finds the text rows a night owns when it is re-run; it grows in
    /// night order (appended, not inserted at random like v2's index on `id`).
    private static let compactTables = """
        CREATE TABLE discrepancy_texts (
            text_id INTEGER PRIMARY KEY, night TEXT NOT NULL,
            \(textColumns.map { "\($0) TEXT NOT NULL" }.joined(separator: ", ")));
        CREATE INDEX discrepancy_texts_by_night ON discrepancy_texts (night);
        CREATE TABLE discrepancy_strings (
            night TEXT NOT NULL, string_no INTEGER NOT NULL, value TEXT NOT NULL,
            PRIMARY KEY (night, string_no)) WITHOUT ROWID;
        CREATE TABLE discrepancy_rows (
            night TEXT NOT NULL, seq INTEGER NOT NULL, text_id INTEGER NOT NULL, status TEXT NOT NULL,
            first_seen TEXT NOT NULL, days_open INTEGER NOT NULL, file_no INTEGER NOT NULL, line INTEGER NOT NULL,
            action_no INTEGER NOT NULL, last_seen TEXT, resolved_on TEXT, money_at_stake_fen INTEGER NOT NULL,
            PRIMARY KEY (night, seq)) WITHOUT ROWID;
        """

    /// v2's rows into v3's tables: one text row per distinct texts, owned by the first night that has them; each
    /// night's file names and actions numbered in text order. `last_seen` is NULL when it is the row's night.
    private static let convertV2Rows = """
        INSERT INTO discrepancy_texts (night, \(textColumns.joined(separator: ", ")))
            SELECT MIN(night), \(textColumns.joined(separator: ", ")) FROM discrepancies
            GROUP BY \(textColumns.joined(separator: ", ")) ORDER BY MIN(night), MIN(seq);
        CREATE INDEX v3_texts_by_id ON discrepancy_texts (id);
        INSERT INTO discrepancy_strings (night, string_no, value)
            SELECT night, ROW_NUMBER() OVER (PARTITION BY night ORDER BY value) - 1, value
            FROM (SELECT night, file AS value FROM discrepancies UNION SELECT night, action FROM discrepancies);
        CREATE INDEX v3_strings_by_value ON discrepancy_strings (night, value);
        INSERT INTO discrepancy_rows (night, seq, \(rowColumns.joined(separator: ", ")))
            SELECT d.night, d.seq, t.text_id, d.status, d.first_seen, d.days_open, f.string_no, d.line, a.string_no,
                   NULLIF(d.last_seen, d.night), d.resolved_on, d.money_at_stake_fen
            FROM discrepancies d
            JOIN discrepancy_texts t ON \(textColumns.map { "t.\($0) = d.\($0)" }.joined(separator: " AND "))
            JOIN discrepancy_strings f ON f.night = d.night AND f.value = d.file
            JOIN discrepancy_strings a ON a.night = d.night AND a.value = d.action
            ORDER BY d.night, d.seq;
        DROP INDEX v3_texts_by_id; DROP INDEX v3_strings_by_value;
        """

    /// The view with v2's `discrepancies` columns, in v2's order, so queries written for v2 keep working.
    static let discrepanciesView = """
        CREATE VIEW discrepancies AS
            SELECT r.night, r.seq, t.id, t.type, t.severity, r.status, r.first_seen, r.days_open, t.branch, t.source,
                   t.invoice_key, t.field, t.branch_value, t.authority_value, f.value AS file, r.line, t.message_zh,
                   t.message_en, a.value AS action, t.file_sha256, COALESCE(r.last_seen, r.night) AS last_seen,
                   r.resolved_on, r.money_at_stake_fen
            FROM discrepancy_rows r JOIN discrepancy_texts t ON t.text_id = r.text_id
            JOIN discrepancy_strings f ON f.night = r.night AND f.string_no = r.file_no
            JOIN discrepancy_strings a ON a.night = r.night AND a.string_no = r.action_no;
        """

    private static var findingColumnDefinitions: String {
        findingColumns.enumerated().map { index, name in
            "\(name) \(integerFindingColumns.contains(index) ? "INTEGER" : "TEXT") NOT NULL"
        }.joined(separator: ", ")
    }

    private static var invoiceColumnDefinitions: String {
        invoiceColumns.map { name in
            name.hasSuffix("_fen") ? "\(name) INTEGER" : name == "line" ? "line INTEGER NOT NULL" : "\(name) TEXT NOT NULL"
        }.joined(separator: ", ")
    }
}
