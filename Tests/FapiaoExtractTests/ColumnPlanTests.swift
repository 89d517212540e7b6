import XCTest
import FapiaoCore
@testable import FapiaoExtract

final class ColumnPlanTests: XCTestCase {
    private func source(_ columns: [CanonicalField: ColumnRef], constants: [CanonicalField: String] = [:]) -> SourceSpec {
        SourceSpec(name: "chaoyang", role: .branch, path: "x/*.csv", columns: columns, constants: constants)
    }

    func testNamesAlternativesIndexAndConstants() throws {
        let spec = source(
            [.invoiceNumber: .names(["发票号", "发票号码"]), .amount: .names(["Amount"]), .total: .index(4)],
            constants: [.sellerTaxID: "91110105MA00AAAA0P"])
        let plan = try ColumnPlan.resolve(source: spec, header: ["发票号码", " AMOUNT ", "x", "y"], columnCount: 4)
        XCTAssertEqual(plan.fields, [.invoiceNumber, .sellerTaxID, .amount, .total])
        XCTAssertEqual(plan.columns, [0, nil, 1, 3])
        XCTAssertEqual(plan.columnCount, 4)
    }

    func testMissingAndDuplicatedColumnsNameEverythingFound() {
        let spec = source([.invoiceNumber: .names(["发票号码", "发票号"]), .amount: .names(["金额"]), .tax: .index(9)])
        XCTAssertThrowsError(try ColumnPlan.resolve(source: spec, header: ["金额", "税额", "金额"], columnCount: 3)) { error in
            let failure = error as? FileFailure
            XCTAssertEqual(failure?.code, "csv.columns")
            XCTAssertEqual(failure?.messageEn,
                "the header does not fit the columns mapping: missing or duplicated invoice_number (发票号码 or 发票号); "
                + "amount (header \"金额\" appears in columns 1 and 3); tax (column 9; the file has 3); "
                + "columns found: \"金额\", \"税额\", \"金额\"; none of this file's records was loaded")
        }
    }

    func testADuplicatedHeaderNoMappingUsesIsFine() throws {
        let plan = try ColumnPlan.resolve(source: source([.amount: .names(["金额"])]), header: ["备注", "金额", "备注"], columnCount: 3)
        XCTAssertEqual(plan.columns, [1])
    }

    func testXMLPathsBuildATree() throws {
        let spec = source([.invoiceNumber: .names(["FPHM", "Number"]), .buyerName: .names(["Buyer/Name"]),
                           .buyerTaxID: .names(["Buyer/@id"]), .remark: .names(["@note"])])
        let table = try XMLPathTable(source: spec)
        XCTAssertEqual(table.slotCount, 5)
        XCTAssertEqual(table.fieldSlots, [[0, 1], [2], [3], [4]])
        let buyer = Array("Buyer".utf8).withUnsafeBufferPointer { table.child(of: 0, named: $0) }
        XCTAssertEqual(buyer.map { table.nodes[$0].attributeSlots.map(\.slot) }, [2])
        XCTAssertEqual(table.nodes[0].attributeSlots.map(\.slot), [4])
        XCTAssertThrowsError(try XMLPathTable(source: source([.amount: .names(["a//b"])])))
        XCTAssertThrowsError(try XMLPathTable(source: source([.amount: .index(2)])))
    }
}
