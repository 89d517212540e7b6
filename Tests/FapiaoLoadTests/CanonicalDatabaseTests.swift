import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoLoad

/// out/canonical.sqlite (the night's canonical dataset) and the history database's v2 migration.
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

    func testTheTableHoldsCanonicalCSVRowsInOrder() throws {
        let request = try load()
        var csv: [[String]] = []
        var parser = CSVParser()
        try parser.feed(Array(Data(contentsOf: URL(fileURLWithPath: request.outputDirectory + "/canonical.csv")))) {
            csv.append($0.strings)
        }
        try parser.finish { csv.append($0.strings) }
        XCTAssertEqual(csv.first, Invoice.canonicalHeader)
        let data = Array(csv.dropFirst())
        let table = try rows(request, "SELECT \(CanonicalDatabase.columns.joined(separator: ", ")) FROM invoices ORDER BY seq")
        XCTAssertEqual(table.count, data.count)
        XCTAssertEqual(table.count, 4)
        let moneyColumns = Set(["amount", "tax", "total"].compactMap { Invoice.canonicalHeader.firstIndex(of: $0) })
        for (seq, (stored, row)) in zip(table, data).enumerated() {
            XCTAssertEqual(stored[0], String(seq))
            for (index, field) in row.enumerated() {
                let value = stored[index + 1]
                if moneyColumns.contains(index) {
                    XCTAssertEqual(value, Fen(canonical: field).map { String($0.value) }, "\(Invoice.canonicalHeader[index]) of row \(seq)")
                } else {
                    XCTAssertEqual(value, field, "\(Invoice.canonicalHeader[index]) of row \(seq)")
                }
            }
        }
        let paper = try rows(request, "SELECT buyer_name, total_fen, source, line FROM invoices WHERE invoice_key = '011002300111-12345678'")
        XCTAssertEqual(paper, [["北京\"某\",公司", "11300", "haidian", "7"]])
        let quoted = try rows(request, "SELECT buyer_name, line FROM invoices WHERE invoice_key = '25112000000000000003'")
        XCTAssertEqual(quoted, [["盛世（北京）, 3层\n订单号", "4"]], "a quoted field read in place by CSVParser")
    }

    func testTheKeyLookupUsesThePrimaryKey() throws {
        let request = try load()
        let plan = try rows(request, "EXPLAIN QUERY PLAN SELECT * FROM invoices WHERE invoice_key = 'x'")
        XCTAssertTrue(plan.contains { ($0.last ?? nil)?.contains("PRIMARY KEY") == true }, "\(plan)")
    }

    func testTheFileIsByteIdenticalAcrossRuns() throws {
        let first = try load(out: "out")
        let second = try load(out: "out-again")
        let a = try Data(contentsOf: URL(fileURLWithPath: first.outputDirectory + "/" + CanonicalDatabase.fileName))
        let b = try Data(contentsOf: URL(fileURLWithPath: second.outputDirectory + "/" + CanonicalDatabase.fileName))
        XCTAssertFalse(a.isEmpty)
        XCTAssertEqual(a, b)
    }

    /// Multi-row INSERTs (full batches, then the rest one by one) give the file single-row INSERTs give.
    func testTheFileDoesNotDependOnRowsPerStatement() throws {
        var store = CanonicalRowStore()
        for index in 0..<40 {
            let key = String(format: "2511200000000000%04d", (index * 7) % 40)
            try store.append(invoice(key, line: index + 2, total: "\(index).5\(index % 10)",
                                     buyerName: index % 9 == 0 ? "盛世, \"北京\"\n3层" : "买方\(index)"))
        }
        try store.sort()
        var files: [Data] = []
        for rowsPerStatement in [1, 3, 32] {
            let path = "\(root)/canonical-\(rowsPerStatement).sqlite"
            let writer = CanonicalDatabaseWriter(path: path, rows: store, rowsPerStatement: rowsPerStatement)
            XCTAssertEqual(try writer.finish(), 40)
            files.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
        XCTAssertEqual(files[0], files[1])
        XCTAssertEqual(files[0], files[2])
        let connection = try SQLiteConnection(path: "\(root)/canonical-3.sqlite")
        defer { try? connection.close() }
        XCTAssertEqual(try connection.query("SELECT COUNT(*), SUM(seq), SUM(total_fen) FROM invoices"),
                       [["40", "780", String((0..<40).map { $0 * 100 + 50 + $0 % 10 }.reduce(0, +))]])
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
