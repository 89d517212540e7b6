import XCTest
import FapiaoTestSupport

/// Runs the built `fapiao` and checks exit codes and output.
final class CLITests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws { folder = try TestSupport.temporaryDirectory("fapiao-cli") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    private func write(_ name: String, _ text: String) throws -> String {
        let path = folder + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testCheckPrintsEveryErrorWithPlaceAndExits2() throws {
        let path = try write("bad.yaml", """
        version: 1
        pipeline: demo
        sources:
          - name: chaoyang
            path: "exports/{yyyymmdd}/*.csv"
            csv: { delimter: ";" }
            required: maybe
        """)
        let outcome = try CommandRunner.run(["check", path])
        XCTAssertEqual(outcome.status, 2)
        XCTAssertEqual(outcome.stderr, """
        \(path):3:1: error: no source has role: authority; add the tax authority's export as a source with `role: authority`
            sources:
            ^
        \(path):6:12: error: unknown key 'delimter' in sources[1].csv; did you mean 'delimiter'?
                csv: { delimter: ";" }
                       ^
        \(path):7:15: error: 'sources[1].required' must be true or false, got 'maybe'
                required: maybe
                          ^
        3 errors in \(path)

        """)
    }

    func testCheckPrintsThePlanForAValidFile() throws {
        try FileManager.default.createDirectory(atPath: folder + "/tax/20250417", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/tax/20250417/export.csv", contents: Data("a\n".utf8))
        let path = try write("ok.yaml", """
        version: 1
        pipeline: demo
        sources:
          - { name: shop, path: "shop/{yyyymmdd}/*.csv", columns: { invoice_number: 发票号码 } }
          - { name: tax, role: authority, path: "tax/{yyyymmdd}/*.csv" }
        """)
        let outcome = try CommandRunner.run(["check", path, "--date", "2025-04-17"])
        XCTAssertEqual(outcome.status, 0, outcome.stderr)
        XCTAssertTrue(outcome.stdout.contains("shop [branch, csv, auto, required]\n  path: shop/20250417/*.csv\n  files: none  → missing_source\n  invoice_number ← 发票号码"), outcome.stdout)
        XCTAssertTrue(outcome.stdout.contains("tax [authority, csv, auto, required]\n  path: tax/20250417/*.csv\n  file: tax/20250417/export.csv"), outcome.stdout)
    }

    func testUsageErrorsExit2() throws {
        XCTAssertEqual(try CommandRunner.run(["run"]).status, 2)
        XCTAssertEqual(try CommandRunner.run(["frobnicate"]).status, 2)
        let path = try write("p.yaml", "version: 1\npipeline: x\nsources:\n  - { name: t, role: authority, path: t.csv }\n")
        let badDate = try CommandRunner.run(["run", path, "--date", "2025-13-01"])
        XCTAssertEqual(badDate.status, 2)
        XCTAssertEqual(badDate.stderr, "fapiao: --date '2025-13-01' is not a date of the form YYYY-MM-DD\n")
    }

    func testHelpExits0() throws {
        let outcome = try CommandRunner.run(["--help"])
        XCTAssertEqual(outcome.status, 0)
        XCTAssertTrue(outcome.stdout.contains("Reconcile branch invoice exports"))
    }

    func testAStageWhosePredecessorIsMissingExits3NamingTheCommand() throws {
        let path = try write("p.yaml", "version: 1\npipeline: x\nsources:\n  - { name: t, role: authority, path: t.csv }\n")
        let outcome = try CommandRunner.run(["transform", path, "--date", "2025-04-17"])
        XCTAssertEqual(outcome.status, 3)
        XCTAssertTrue(outcome.stderr.contains("run: fapiao extract \(path) --date 2025-04-17"), outcome.stderr)
    }
}
