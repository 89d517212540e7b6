import XCTest
import FapiaoCore
@testable import FapiaoPipeline

final class PipelineLoaderTests: XCTestCase {
    private func errors(_ yaml: String) -> [String] {
        do {
            _ = try PipelineLoader.parse(text: yaml, path: "p.yaml")
            return []
        } catch let error as PipelineFileError {
            return error.diagnostics.map(\.description)
        } catch {
            return ["unexpected \(error)"]
        }
    }

    func testReportsMisspeltKeyWrongTypeAndNoAuthorityAtOnce() {
        let yaml = """
        version: 1
        pipeline: demo
        sources:
          - name: chaoyang
            path: "exports/{yyyymmdd}/*.csv"
            csv: { delimter: ";" }
            required: maybe
        """
        XCTAssertEqual(errors(yaml), [
            "p.yaml:3:1: error: no source has role: authority; add the tax authority's export as a source with `role: authority`",
            "p.yaml:6:12: error: unknown key 'delimter' in sources[1].csv; did you mean 'delimiter'?",
            "p.yaml:7:15: error: 'sources[1].required' must be true or false, got 'maybe'",
        ])
    }

    func testRendersSourceLineAndCaret() throws {
        let yaml = "version: 1\npipeline: x\nsourcse: []\n"
        do {
            _ = try PipelineLoader.parse(text: yaml, path: "p.yaml")
            XCTFail("expected errors")
        } catch let error as PipelineFileError {
            XCTAssertEqual(error.description, """
            p.yaml:1:1: error: missing required key 'sources' in pipeline
                version: 1
                ^
            p.yaml:3:1: error: unknown key 'sourcse' in pipeline; did you mean 'sources'?
                sourcse: []
                ^
            2 errors in p.yaml
            """)
        }
    }

    func testUnknownEnumValueSuggestsAndListsChoices() {
        let yaml = """
        version: 1
        pipeline: x
        sources:
          - { name: a, role: authorty, path: a.csv, format: csvv }
        """
        XCTAssertEqual(errors(yaml), [
            "p.yaml:3:1: error: no source has role: authority; add the tax authority's export as a source with `role: authority`",
            "p.yaml:4:22: error: unknown value for 'sources[1].role': 'authorty'; did you mean 'authority'? (expected one of: branch, authority)",
            "p.yaml:4:53: error: unknown value for 'sources[1].format': 'csvv'; did you mean 'csv'? (expected one of: csv, xml, xlsx, einvoice-xml)",
        ])
    }

    func testDuplicateSourceNamesAndUnknownDialectAndPlaceholder() {
        let yaml = """
        version: 1
        pipeline: x
        sources:
          - { name: a, path: "a/{yyyymmd}.csv", dialect: posv3 }
          - { name: a, path: a.csv }
          - { name: t, role: authority, path: t.csv }
        """
        XCTAssertEqual(errors(yaml), [
            "p.yaml:4:22: error: unknown placeholder '{yyyymmd}' in path; did you mean 'yyyymmdd'? (known: {date}, {yyyy}, {MM}, {dd}, {yyyymmdd}, {branch})",
            "p.yaml:4:50: error: unknown dialect 'posv3'",
            "p.yaml:5:13: error: duplicate source name 'a'",
        ])
    }

    func testDialectsAndBranchListsExpandWithOwnKeysWinning() throws {
        let yaml = """
        version: 1
        pipeline: chain
        dialects:
          pos-v3:
            format: csv
            encoding: gb18030
            csv: { delimiter: ";", header_row: 2 }
            columns: { invoice_number: 发票号码, amount: 金额 }
        sources:
          - name: "store-{branch}"
            branches: ["017", "018"]
            dialect: pos-v3
            path: "exports/{branch}/{yyyymmdd}/*.csv.gz"
            csv: { delimiter: "\\t" }
            columns: { amount: [金额, 不含税金额] }
            constants: { seller_tax_id: 91110000600037341L }
          - { name: tax, role: authority, path: "tax/{date}.csv", columns: { digital_number: { index: 4 } } }
        """
        let spec = try PipelineLoader.parse(text: yaml, path: "p.yaml")
        XCTAssertEqual(spec.sources.map(\.name), ["store-017", "store-018", "tax"])
        let store = spec.sources[1]
        XCTAssertEqual(store.path, "exports/018/{yyyymmdd}/*.csv.gz")
        XCTAssertEqual(store.encoding, .gb18030)
        XCTAssertEqual(store.csv, CSVOptions(delimiter: "\t", headerRow: 2))
        XCTAssertEqual(store.columns[.invoiceNumber], .names(["发票号码"]))
        XCTAssertEqual(store.columns[.amount], .names(["金额", "不含税金额"]))
        XCTAssertEqual(store.constants[.sellerTaxID], "91110000600037341L")
        XCTAssertEqual(spec.sources[2].columns[.digitalNumber], .index(4))
        XCTAssertEqual(spec.sources[2].role, .authority)
        XCTAssertEqual(spec.limits, Limits())
        XCTAssertEqual(spec.transform.taxToleranceFen, 127)
    }

    func testYAMLSyntaxErrorHasPlace() {
        XCTAssertEqual(errors("version: 1\npipeline: [x\n"), [
            "p.yaml:3:1: error: YAML syntax: did not find expected ',' or ']'",
        ])
    }
}
