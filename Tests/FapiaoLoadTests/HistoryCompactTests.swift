import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoLoad

/// History schema v3: rows share text rows with the night before, re-runs and backfills leave no orphan text rows,
/// and v2 databases migrate with their rows intact.
final class HistoryCompactTests: XCTestCase {
    private var root = ""
    private var path: String { root + "/fapiao.sqlite" }
    private let a = "25112000000000000001", b = "25112000000000000002", c = "25112000000000000003"

    override func setUpWithError() throws { root = try TestSupport.temporaryDirectory("fapiao-history-v3") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: root) }

    /// 1: A missing in authority. 2: A still missing, C differs (3 rows). 3: A uploaded (resolved), C still differs.
    /// 4: C differs by another amount (same ids, other texts).
    private func night(_ number: Int) -> NightFixture {
        let authorityTotal = number == 4 ? "228.00" : "227.00"
        let branch = [invoice(a, line: 2), invoice(b, line: 3), invoice(c, line: 4, total: "226.00")]
        let authority = [invoice(b, source: "tax-bureau"), invoice(c, source: "tax-bureau", total: authorityTotal)]
        switch number {
        case 1: return NightFixture(branch: Array(branch.prefix(2)), authority: [authority[0]])
        case 2: return NightFixture(branch: branch, authority: authority)
        default: return NightFixture(branch: branch, authority: [invoice(a, source: "tax-bureau")] + authority)
        }
    }

    /// Loads fixture `number` as night `day` of April 2025 and commits it.
    @discardableResult
    private func load(_ number: Int, day: Int, out: String = "out") throws -> LoadRequest {
        let request = try night(number).write(root: root, date: "2025-04-\(day)", out: out)
        try LoadStage.run(request).commitHistory()
        return request
    }

    private func query(_ sql: String) throws -> [[String?]] {
        let connection = try SQLiteConnection(path: path)
        defer { try? connection.close() }
        return try connection.query(sql)
    }

    /// Every row of the view, in night and seq order.
    private func viewRows() throws -> [[String?]] { try query("SELECT * FROM discrepancies ORDER BY night, seq") }

    /// Text rows no row uses, and text rows their owner night does not use (both must be 0).
    private func assertNoOrphanTexts(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try query("""
            SELECT COUNT(*) FROM discrepancy_texts WHERE text_id NOT IN (SELECT text_id FROM discrepancy_rows)
            """), [["0"]], "orphan text rows", file: file, line: line)
        XCTAssertEqual(try query("""
            SELECT COUNT(*) FROM discrepancy_texts t WHERE NOT EXISTS
            (SELECT 1 FROM discrepancy_rows r WHERE r.night = t.night AND r.text_id = t.text_id)
            """), [["0"]], "text rows their owner does not use", file: file, line: line)
        XCTAssertEqual(try query("""
            SELECT COUNT(*) FROM discrepancy_rows r JOIN discrepancy_texts t USING (text_id) WHERE r.night < t.night
            """), [["0"]], "rows using a later night's text row", file: file, line: line)
    }

    func testAContinuingRowReusesItsTextRowAndChangedTextsGetNewOnes() throws {
        try load(1, day: 15)
        try load(2, day: 16)
        try load(3, day: 17)
        XCTAssertEqual(try query("SELECT night, status, days_open, invoice_key, last_seen, resolved_on FROM discrepancies "
                                 + "WHERE type = 'missing_in_authority' ORDER BY night"), [
            ["2025-04-15", "new", "1", a, "2025-04-15", nil],
            ["2025-04-16", "open", "2", a, "2025-04-16", nil],
            ["2025-04-17", "resolved", "2", a, "2025-04-16", "2025-04-17"],
        ])
        // A's text row (night 15) serves all three nights; C's three rows (night 16) serve 16 and 17.
        XCTAssertEqual(try HistoryDatabase.storageCounts(path: path)["discrepancy_texts"], ["2025-04-15": 1, "2025-04-16": 3])
        XCTAssertEqual(try query("SELECT COUNT(DISTINCT text_id) FROM discrepancy_rows"), [["4"]])
        let request = try load(4, day: 18)
        XCTAssertEqual(try readDiscrepancies(request.outputDirectory + "/discrepancies.csv").map { $0[3] },
                       ["持续 open", "持续 open", "持续 open"], "other texts, same ids: still open")
        XCTAssertEqual(try HistoryDatabase.storageCounts(path: path)["discrepancy_texts"]?["2025-04-18"], 3,
                       "the three messages name the other authority values: new text rows")
        try assertNoOrphanTexts()
    }

    func testRerunningNightsReplacesThemAndLeavesNoOrphanTextRows() throws {
        try load(1, day: 15)
        try load(2, day: 16)
        try load(3, day: 17)
        let rows = try viewRows()
        let counts = try HistoryDatabase.rowCounts(path: path)
        let storage = try HistoryDatabase.storageCounts(path: path)
        try load(3, day: 17, out: "out-rerun")
        XCTAssertEqual(try viewRows(), rows)
        XCTAssertEqual(try HistoryDatabase.rowCounts(path: path), counts, "re-running the latest night")
        XCTAssertEqual(try HistoryDatabase.storageCounts(path: path), storage, "its text rows replaced, none left")
        try load(2, day: 16, out: "out-rerun")
        XCTAssertEqual(try viewRows(), rows)
        XCTAssertEqual(try HistoryDatabase.storageCounts(path: path)["discrepancy_texts"],
                       ["2025-04-15": 1, "2025-04-16": 3, "2025-04-17": 3],
                       "C's text rows, still used by the 17th, pass to it; the re-run writes its own")
        try assertNoOrphanTexts()
        try load(1, day: 15, out: "out-rerun")
        XCTAssertEqual(try viewRows(), rows)
        try assertNoOrphanTexts()
        XCTAssertEqual(try query("SELECT COUNT(*) FROM discrepancy_strings WHERE night NOT IN (SELECT night FROM runs)"),
                       [["0"]])
    }

    func testABackfilledNightReusesTheEarlierNightAndSurvivesItsRerun() throws {
        try load(1, day: 15)
        try load(3, day: 17)
        let backfill = try load(2, day: 16)
        XCTAssertEqual(try readDiscrepancies(backfill.outputDirectory + "/discrepancies.csv").map { [$0[3], $0[5], $0[8]] }, [
            ["持续 open", "2", a], ["新增 new", "1", c], ["新增 new", "1", c], ["新增 new", "1", c],
        ], "statuses against the night before the backfill only")
        XCTAssertEqual(try query("SELECT COUNT(DISTINCT text_id) FROM discrepancy_rows"),
                       [["7"]], "A's text row is shared by 15, 16 and 17; C has rows of its own on 16 and on 17")
        let rows = try viewRows()
        try load(1, day: 15, out: "out-rerun")
        XCTAssertEqual(try viewRows(), rows)
        try assertNoOrphanTexts()
        XCTAssertEqual(try query("""
            SELECT t.night FROM discrepancy_texts t JOIN discrepancy_rows r USING (text_id)
            WHERE r.night = '2025-04-17' AND r.status = 'resolved'
            """), [["2025-04-16"]], "the re-run night's text row passed to the earliest later night using it")
    }

    /// Nights 15–17 written by this version into `reference` (another folder): the view's rows and the runs.
    private func referenceNights(_ nights: Int) throws -> (rows: [[String?]], runs: [[String?]]) {
        let saved = root
        root = try TestSupport.temporaryDirectory("fapiao-history-v3-reference")
        defer { try? FileManager.default.removeItem(atPath: root); root = saved }
        for number in 1...nights { try load(number, day: 14 + number) }
        return (try viewRows(), try query("SELECT * FROM runs ORDER BY night"))
    }

    /// A v2 database (as the version before v3 wrote it) holding `rows` and `runs`.
    private func makeVersion2(rows: [[String?]], runs: [[String?]]) throws {
        try HistoryDatabase.migrate(path: path, upTo: "v2")
        let connection = try SQLiteConnection(path: path)
        defer { try? connection.close() }
        let literal = { (value: String?) in value.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" } ?? "NULL" }
        for (table, values) in [("runs", runs), ("discrepancies", rows)] {
            for row in values {
                try connection.execute("INSERT INTO \(table) VALUES (\(row.map(literal).joined(separator: ", ")))")
            }
        }
        XCTAssertEqual(try connection.query("SELECT COUNT(*) FROM discrepancies"), [[String(rows.count)]])
    }

    func testAVersion2DatabaseMigratesWithItsRowsIntact() throws {
        let reference = try referenceNights(3)
        try makeVersion2(rows: reference.rows, runs: reference.runs)
        try HistoryDatabase.migrate(path: path)
        XCTAssertEqual(try viewRows(), reference.rows)
        XCTAssertEqual(try query("SELECT * FROM runs ORDER BY night"), reference.runs)
        XCTAssertEqual(try HistoryDatabase.storageCounts(path: path)["discrepancy_texts"], ["2025-04-15": 1, "2025-04-16": 3],
                       "equal texts share one row, owned by the first night that has them")
        XCTAssertEqual(try query("SELECT name FROM sqlite_master WHERE name IN ('discrepancies_by_id', 'v3_texts_by_id')"), [])
        XCTAssertEqual(try query("SELECT type FROM sqlite_master WHERE name = 'discrepancies'"), [["view"]])
        XCTAssertEqual(try query("SELECT identifier FROM grdb_migrations ORDER BY identifier"), [["v1"], ["v2"], ["v3"]])
        try assertNoOrphanTexts()
    }

    func testANightOnAVersion2DatabaseReadsItsHistoryAndMigratesIt() throws {
        let reference = try referenceNights(3)
        let twoNights = reference.rows.filter { $0.first == "2025-04-15" || $0.first == "2025-04-16" }
        try makeVersion2(rows: twoNights, runs: Array(reference.runs.prefix(2)))
        try load(3, day: 17)
        XCTAssertEqual(try viewRows(), reference.rows, "statuses set against the v2 rows; the night written in v3")
        XCTAssertEqual(try query("SELECT * FROM runs ORDER BY night"), reference.runs)
        try assertNoOrphanTexts()
    }

    func testANightAfterACrashRollsBackTheHotJournal() throws {
        try load(1, day: 15)
        let crashed = try TestSupport.temporaryDirectory("fapiao-history-crash")
        defer { try? FileManager.default.removeItem(atPath: crashed) }
        do {
            // A night's transaction whose cache spilled into the file (a synced, hot journal), copied as a crash
            // leaves it.
            let connection = try SQLiteConnection(path: path)
            try connection.execute("""
                PRAGMA cache_size = 2; BEGIN IMMEDIATE; DELETE FROM runs;
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
                INSERT INTO discrepancy_strings SELECT '2025-04-16', i, printf('%.1000c', 'x') FROM n;
                """)
            for suffix in ["", "-journal"] {
                try FileManager.default.copyItem(atPath: path + suffix, toPath: crashed + "/fapiao.sqlite" + suffix)
            }
            try connection.execute("ROLLBACK")
            try connection.close()
        }
        root = crashed
        let request = try load(2, day: 16)
        XCTAssertEqual(try readDiscrepancies(request.outputDirectory + "/discrepancies.csv").first?[3], "持续 open",
                       "night 15 read after rolling back the crashed transaction")
        XCTAssertEqual(try HistoryDatabase.rowCounts(path: path)["runs"], ["2025-04-15": 1, "2025-04-16": 1])
        XCTAssertEqual(try HistoryDatabase.storageCounts(path: path)["discrepancy_strings"]?["2025-04-16"], 3)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path + "-journal"))
    }
}
