import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoLoad

/// out/canonical.sqlite (the night's canonical dataset, filled from the canonical rows' spilled runs) and the
/// history database's v2 migration.
final class CanonicalDatabaseTests: XCTestCase {
    private var root = ""

    override func setUpWithError() throws { root = try TestSupport.temporaryDirectory("fapiao-canonical-db") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    /// Branch rows (one missing in authority, one with a different total, a paper invoice) and authority rows
    /// (one only there).
    private var night: NightFixture {
        NightFixture(
            branch: [invoice("25112000000000000003", line: 4, total: "226.00", buyerName: "盛世（北京）, 3层\n订单号"),
                     invoice("25112000000000000001", line: 2),
                     invoice("011002300111-12345678", source: "haidian", line: 7, buyerName: "北京\"某\",公司")],
            authority: [invoice("25112000000000000003", source: "tax-bureau", total: "227.00"),
                        invoice("25112000000000000009", source: "tax-bureau", total: "50.00"),
                        invoice("011002300111-12345678", source: "tax-bureau")])
    }

    private func load(out: String = "out") throws -> LoadRequest {
        let request = try night.write(root: root, date: "2025-04-17", out: out)
        _ = try LoadStage.run(request)
        return request
    }

    private func rows(_ request: LoadRequest, _ sql: String) throws -> [[String?]] {
        let connection = try SQLiteConnection(path: request.outputDirectory + "/" + CanonicalDatabase.fileName)
        defer { try? connection.close() }
        return try connection.query(sql)
    }

    /// canonical.csv's data rows as the table stores them: money as fen (nil when empty), the rest as text.
    private func canonicalCSVRows(_ request: LoadRequest) throws -> [[String?]] {
        var csv: [[String]] = []
        var parser = CSVParser()
        try parser.feed(Array(Data(contentsOf: URL(fileURLWithPath: request.outputDirectory + "/canonical.csv")))) {
            csv.append($0.strings)
        }
        try parser.finish { csv.append($0.strings) }
        XCTAssertEqual(csv.first, Invoice.canonicalHeader)
        let moneyColumns = Set(["amount", "tax", "total"].compactMap { Invoice.canonicalHeader.firstIndex(of: $0) })
        return csv.dropFirst().map { row in
            row.enumerated().map { index, field in
                moneyColumns.contains(index) ? Fen(canonical: field).map { String($0.value) } : field
            }
        }
    }

    /// Rows in a total order, to compare sets of rows (the table's `seq` is its arrival order, not canonical.csv's).
    private func sorted(_ rows: [[String?]]) -> [[String?]] {
        rows.sorted { $0.map { $0 ?? "\u{0}" }.lexicographicallyPrecedes($1.map { $0 ?? "\u{0}" }) }
    }

    func testTheTableHoldsCanonicalCSVRows() throws {
        let request = try load()
        let data = try canonicalCSVRows(request)
        let columns = CanonicalDatabase.invoiceColumns.joined(separator: ", ")
        let table = try rows(request, "SELECT \(columns) FROM invoices ORDER BY \(columns)")
        XCTAssertEqual(table.count, 4)
        XCTAssertEqual(sorted(table), sorted(data))
        XCTAssertEqual(try rows(request, "SELECT seq FROM invoices ORDER BY seq"), (0..<4).map { [String($0)] },
                       "seq numbers the rows from 0")
        XCTAssertEqual(try rows(request, "SELECT typeof(total_fen), typeof(line) FROM invoices GROUP BY 1, 2"),
                       [["integer", "integer"]])
        let paper = try rows(request, "SELECT buyer_name, total_fen, source, line FROM invoices WHERE invoice_key = '011002300111-12345678'")
        XCTAssertEqual(paper, [["北京\"某\",公司", "11300", "haidian", "7"]])
        let quoted = try rows(request, "SELECT buyer_name, line FROM invoices WHERE invoice_key = '25112000000000000003'")
        XCTAssertEqual(quoted, [["盛世（北京）, 3层\n订单号", "4"]], "a quoted field read in place by CSVParser")
    }

    /// The table's `seq` is a rowid (arrival order); finding an invoice by key goes through `invoices_by_key`.
    /// (Changed with the rowid table: the lookup used the `WITHOUT ROWID` table's primary key before.)
    func testTheKeyLookupUsesTheKeyIndex() throws {
        let request = try load()
        let plan = try rows(request, "EXPLAIN QUERY PLAN SELECT * FROM invoices WHERE invoice_key = 'x'")
        let usesIndex = plan.contains { ($0.last ?? nil)?.contains("USING INDEX invoices_by_key (invoice_key=?)") == true }
        XCTAssertTrue(usesIndex, "\(plan)")
        XCTAssertEqual(try rows(request, "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index'"),
                       [["invoices_by_key", "invoices"]])
    }

    func testTheFileIsByteIdenticalAcrossRuns() throws {
        let first = try load(out: "out")
        let second = try load(out: "out-again")
        let a = try Data(contentsOf: URL(fileURLWithPath: first.outputDirectory + "/" + CanonicalDatabase.fileName))
        let b = try Data(contentsOf: URL(fileURLWithPath: second.outputDirectory + "/" + CanonicalDatabase.fileName))
        XCTAssertFalse(a.isEmpty)
        XCTAssertEqual(a, b)
    }

    /// A store spilling many small runs, fed to a writer: 40 rows, some quoted over lines.
    private func writeSpilledRows(to path: String, rowsPerStatement: Int) throws -> Int {
        let writer = CanonicalDatabaseWriter(path: path, rowsPerStatement: rowsPerStatement)
        var store = CanonicalRowStore(spillDirectory: root, runLimit: 700, feed: writer.feed)
        for index in 0..<40 {
            let key = String(format: "2511200000000000%04d", (index * 7) % 40)
            try store.append(invoice(key, line: index + 2, total: "\(index).5\(index % 10)",
                                     buyerName: index % 9 == 0 ? "盛世, \"北京\"\n3层" : "买方\(index)"))
        }
        try store.sort()
        XCTAssertGreaterThan(store.spilledRuns, 5)
        return try writer.finish()
    }

    /// Many runs fed while the store fills, multi-row INSERTs (full batches, then the rest one by one): every row
    /// arrives, and the file is the one single-row INSERTs give.
    func testSpilledRunsFillTheTableWhateverRowsPerStatement() throws {
        var files: [Data] = []
        for rowsPerStatement in [1, 3, 32] {
            let path = "\(root)/canonical-\(rowsPerStatement).sqlite"
            XCTAssertEqual(try writeSpilledRows(to: path, rowsPerStatement: rowsPerStatement), 40)
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        XCTAssertEqual(files[0], files[1])
        XCTAssertEqual(files[0], files[2])
        let connection = try SQLiteConnection(path: "\(root)/canonical-3.sqlite")
        defer { try? connection.close() }
        XCTAssertEqual(try connection.query("SELECT COUNT(*), SUM(seq), SUM(total_fen) FROM invoices"),
                       [["40", "780", String((0..<40).map { $0 * 100 + 50 + $0 % 10 }.reduce(0, +))]])
        let quoted = try connection.query("SELECT buyer_name FROM invoices WHERE invoice_key = '25112000000000000000'")
        XCTAssertEqual(quoted, [["盛世, \"北京\"\n3层"]])
    }

    /// A store with a feed but nowhere to spill cannot hand its rows over: `sort()` says so.
    func testAFeedNeedsASpillFolder() throws {
        let writer = CanonicalDatabaseWriter(path: "\(root)/nowhere.sqlite")
        var store = CanonicalRowStore(spillDirectory: nil, feed: writer.feed)
        try store.append(invoice("25112000000000000001"))
        XCTAssertThrowsError(try store.sort()) { XCTAssertEqual(($0 as? FapiaoError)?.code, "load.spill_failed") }
    }

    /// A writer dropped while it waits for runs that never come stops at once (load failed before its end).
    func testAnAbandonedWriterStops() throws {
        let started = Date()
        do {
            let writer = CanonicalDatabaseWriter(path: "\(root)/abandoned.sqlite")
            var store = CanonicalRowStore(spillDirectory: root, runLimit: 700, feed: writer.feed)
            for index in 0..<20 { try store.append(invoice(String(format: "2511200000000000%04d", index))) }
            XCTAssertGreaterThan(store.spilledRuns, 0)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    }

    /// A database that cannot be created fails `finish()` with a clear error.
    func testAWriterThatCannotCreateTheFileFails() throws {
        let writer = CanonicalDatabaseWriter(path: "\(root)/missing-folder/canonical.sqlite")
        writer.feed.finish()
        XCTAssertThrowsError(try writer.finish()) {
            XCTAssertEqual(($0 as? FapiaoError)?.code, "load.canonical_database")
        }
    }

    func testTheResultCountsTheDatabaseRows() throws {
        let request = try night.write(root: root, date: "2025-04-17")
        let result = try LoadStage.run(request)
        XCTAssertEqual(result.outputs[LoadStage.Output.canonicalDatabase], 4)
        XCTAssertEqual(result.outputs[LoadStage.Output.canonical], 4)
    }

    func testMigrationV2DropsInvoicesAndKeepsTheRest() throws {
        let path = root + "/fapiao.sqlite"
        try HistoryDatabase.migrate(path: path, upTo: "v1")
        let connection = try SQLiteConnection(path: path)
        try connection.execute("""
            INSERT INTO runs VALUES ('2025-04-16', 'test-chain', 1, 2, 0, 0, 2, 0, '{}');
            INSERT INTO invoices (night, seq, \(HistorySchema.invoiceColumns.joined(separator: ", ")))
            VALUES ('2025-04-16', 0, \(HistorySchema.invoiceColumns.map { $0 == "line" ? "2" : $0.hasSuffix("_fen") ? "100" : "'x'" }.joined(separator: ", ")));
            """)
        XCTAssertEqual(try connection.query("SELECT COUNT(*) FROM invoices"), [["1"]])
        try connection.close()
        try HistoryDatabase.migrate(path: path)
        let after = try SQLiteConnection(path: path)
        defer { try? after.close() }
        XCTAssertEqual(try after.query("SELECT name FROM sqlite_master WHERE name LIKE 'invoices%'"), [])
        XCTAssertEqual(try after.query("SELECT night, canonical_rows FROM runs"), [["2025-04-16", "1"]])
        XCTAssertEqual(try after.query("SELECT COUNT(*) FROM discrepancies"), [["0"]])
        XCTAssertEqual(try after.query("SELECT identifier FROM grdb_migrations ORDER BY identifier"), [["v1"], ["v2"], ["v3"]])
    }
}
