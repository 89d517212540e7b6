import XCTest
import Foundation
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoLoad

/// Spilling sorted runs to disk and merging them must give byte-for-byte the in-memory order and output.
final class CanonicalRowStoreTests: XCTestCase {
    private let keys = ["25110000000000000001", "25110000000000000002", "2511000000000000000", ""]
    private let codes = ["011002510000", "", "1,2"]
    private let numbers = ["01233527", "", "x\"y", "01233528"]
    private let sources = ["chaoyang", "tax-bureau", "haidian", "a,b"]
    private let totals = ["5.72", "", "-5.72", "113.00", "7"]
    private let lines = ["2", "3", "10", "11", "100"]

    /// A canonical row with few distinct keys, so many rows tie on the key and the source and line decide.
    private func row(_ pick: (Int) -> Int) -> [String] {
        let total = totals[pick(totals.count)]
        return [keys[pick(keys.count)] + "x", codes[pick(codes.count)], numbers[pick(numbers.count)],
                keys[pick(keys.count)], "vat_e_general", "2025-04-17", "91110102MA06GDM5CE", "北京禾丰",
                "91110112MA05MG7XMW", ["盛世（北京）餐饮", "a,b", ""][pick(3)], total, "", total, "13",
                ["normal", "voided"][pick(2)], ["false", "true"][pick(2)], "", "", "chaoyang",
                sources[pick(sources.count)], "exports/a.csv", lines[pick(lines.count)]]
    }

    func testSpilledRunsMergeToTheInMemoryOrder() throws {
        let root = try TestSupport.temporaryDirectory("fapiao-spill")
        defer { try? FileManager.default.removeItem(atPath: root) }
        var memory = CanonicalRowStore()
        var spilled = CanonicalRowStore(spillDirectory: root, runLimit: 700)
        var seed: UInt64 = 0x5eed
        func pick(_ count: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int((seed >> 33) % UInt64(count))
        }
        for round in 0..<3000 {
            let fields = row(pick)
            if round % 7 == 0, let invoice = Invoice(canonicalRow: fields) {
                try memory.append(invoice); try spilled.append(invoice); continue
            }
            var encoded: [UInt8] = []
            CSVFormatter.append(fields, to: &encoded)
            var parser = CSVParser(maxFieldBytes: Int.max, maxRecordBytes: Int.max)
            try encoded.withUnsafeBufferPointer { buffer in
                try parser.feedRows(buffer) { view in
                    let row = RecordRow(view: view)
                    guard let values = CanonicalRowValues(row) else { return }
                    try memory.append(row, values); try spilled.append(row, values)
                }
            }
        }
        try memory.sort(); try spilled.sort()
        XCTAssertGreaterThan(spilled.spilledRuns, 10)
        XCTAssertEqual(spilled.count, memory.count)
        XCTAssertGreaterThan(memory.count, 2000)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root), [], "the spill file is unlinked")

        try memory.write(path: "\(root)/memory.csv")
        try spilled.write(path: "\(root)/spilled.csv")
        let expected = try Data(contentsOf: URL(fileURLWithPath: "\(root)/memory.csv"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: "\(root)/spilled.csv")), expected)

        var memoryRows: [[String]] = [], spilledRows: [[String]] = []
        try memory.forEachRow { memoryRows.append($0.strings) }
        try spilled.forEachRow { spilledRows.append($0.strings) }
        XCTAssertEqual(spilledRows, memoryRows)
        XCTAssertEqual(spilledRows.count, memory.count)
    }
}
