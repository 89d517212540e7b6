import XCTest
import FapiaoCore
@testable import FapiaoLoad

/// The byte path of discrepancies.csv (`DiscrepancyCSV.appendRow`) against the cell path it replaces.
final class DiscrepancyCSVRowTests: XCTestCase {
    func testRowBytesEqualTheFormattedCells() {
        let texts = ["", "plain", "=1+1", "-1234.50", "-x", "+86", "@a", "\tx", "\rx", "a,b", "say \"hi\"", "l1\nl2",
                     "北京=商贸", "'=", String(repeating: "长", count: 40_000), "=" + String(repeating: "x", count: 40_000)]
        let fields = ["", "total", "status", "remark", "no_such_field", "=odd"]
        var labels: [String: [UInt8]] = [:]
        var index = 0
        for type in DiscrepancyType.allCases {
            for status in DiscrepancyStatus.allCases {
                for field in fields {
                    for line in [0, 7, -3] {
                        let text = texts[index % texts.count], other = texts[(index * 7 + 3) % texts.count]
                        index += 1
                        let row = Discrepancy(
                            type: type, severity: Severity.allCases[index % 3], branch: other, source: text,
                            invoiceKey: text, field: field, branchValue: status == .new ? "voided" : text,
                            authorityValue: other, file: text, line: line, messageZh: other, messageEn: text,
                            action: other, status: status, firstSeen: text, daysOpen: line * 2)
                        let finding = Finding(row: row, stakeFen: 5)
                        var expected: [UInt8] = []
                        CSVFormatter.append(DiscrepancyCSV.cells(finding), to: &expected)
                        var actual: [UInt8] = []
                        withUnsafePointer(to: finding) { DiscrepancyCSV.appendRow($0, fieldLabels: &labels, to: &actual) }
                        XCTAssertEqual(actual, expected, "\(type) \(status) \(field) \(line)")
                    }
                }
            }
        }
        XCTAssertEqual(Set(labels.keys), Set(fields.filter { !$0.isEmpty }))
    }
}
