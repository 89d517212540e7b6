import XCTest
import FapiaoCore
@testable import FapiaoLoad

/// The in-place report order (`sortForReport`, `mergeForReport`, `TopRanks`) against the plain definitions.
final class FindingOrderTests: XCTestCase {
    /// Findings that tie on every field but one, in every position of the order.
    private var findings: [Finding] {
        var rows: [Finding] = []
        for (index, type) in [DiscrepancyType.missingInAuthority, .fieldMismatch, .missingInBranches].enumerated() {
            for branch in ["haidian", "chaoyang", ""] {
                for key in ["25112000000000000002", "25112000000000000001"] {
                    for field in ["total", "amount", ""] {
                        for line in [3, 2] {
                            let invoice = invoice(key, source: branch.isEmpty ? "tax-bureau" : branch, line: line)
                            var row = ReconciliationMessages.missingInAuthority(invoice)
                            row.type = type; row.field = field; row.branch = branch
                            row.severity = Severity.allCases[(index + line) % Severity.allCases.count]
                            rows.append(Finding(row: row, stakeFen: Int64(line * 100 + index)))
                        }
                    }
                }
            }
        }
        return rows.reversed()
    }

    func testSortForReportOrdersAsTheRowComparison() {
        let expected = findings.sorted { reportPrecedes($0.row, $1.row) }
        XCTAssertEqual(sortForReport(findings), expected)
    }

    func testSortInPlaceEqualsSortForReport() {
        var generator = SystemRandomNumberGenerator()
        for count in [0, 1, 2, 7, findings.count] {
            var rows = Array(findings.shuffled(using: &generator).prefix(count))
            rows += rows.prefix(count / 3)  // equal findings too
            let expected = sortForReport(rows)
            sortForReportInPlace(&rows)
            XCTAssertEqual(rows, expected)
            XCTAssertEqual(rows.map(\.stakeFen), expected.map(\.stakeFen))
        }
    }

    func testMergeForReportEqualsSortingTheConcatenation() {
        let all = sortForReport(findings)
        let open = all.enumerated().filter { $0.offset % 3 != 0 }.map(\.element)
        let resolved = all.enumerated().filter { $0.offset % 3 == 0 }.map(\.element)
        XCTAssertEqual(mergeForReport(open, resolved), sortForReport(open + resolved))
    }

    func testTopRanksSelectTheBestInOrder() {
        let all = findings
        let ranks = all.indices.map { index in
            TopRanks(severity: Severity.allCases.firstIndex(of: all[index].row.severity) ?? 0,
                     fileLevel: false, stakeFen: all[index].stakeFen, index: Int32(index))
        }.sorted()
        XCTAssertEqual(TopRanks.best(of: all, limit: 7), Array(ranks.prefix(7)))
        XCTAssertEqual(TopRanks.best(of: all, limit: 10_000), ranks)
    }

    func testTheCachedIdAndMachineRowEqualTheRows() {
        var all = findings
        all[0].row.line = 0
        all[1].row.type = .duplicateInSource
        all[2].row.invoiceKey = ""
        for index in 0..<3 { all[index] = Finding(row: all[index].row) }
        for finding in all {
            XCTAssertEqual(finding.id, finding.row.id)
            XCTAssertEqual(finding.machineRow, finding.row.row)
            XCTAssertEqual(DiscrepancyCSV.cells(finding), DiscrepancyCSV.cells(finding.row))
        }
    }
}
