import FapiaoCore
internal import GRDB

/// The history database's tables (documented in docs/reports.md) and how rows map onto them.
enum HistorySchema {
    /// The discrepancy columns, in `Discrepancy.findingsHeader` order.
    static let findingColumns: [String] = Discrepancy.findingsHeader

    /// Positions in `findingColumns` stored as INTEGER: `days_open`, `line`.
    static let integerFindingColumns: Set<Int> = [
        Discrepancy.findingsHeader.firstIndex(of: "days_open") ?? 5,
        Discrepancy.findingsHeader.firstIndex(of: "line") ?? 13,
    ]

    /// The columns of version 1's `invoices` table after `night, seq` (dropped by v2).
    static let invoiceColumns: [String] = CanonicalDatabase.invoiceColumns

    /// Creates the tables (version 1); v2 drops `invoices`, whose rows now live in each night's
    /// `out/canonical.sqlite` (docs/contract-notes.md, "Decision: the canonical SQLite is per night").
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
        return migrator
    }

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
