import Foundation
import XCTest
import FapiaoCore
import FapiaoTestSupport
@testable import FapiaoSamples

/// Writes the workbooks of docs/BENCHMARKS.md ("xlsx") when FAPIAO_BENCH_DIR is set: the bureau's export with
/// 100,000 and 1,000,000 invoice rows, repeating texts shared (`xlsx-<n>/`) or every text shared as Excel saves it
/// (`xlsx-<n>-shared/`), each with a pipeline file reading it as the authority.
final class XLSXBenchmarkFiles: XCTestCase {
    func testWriteBenchmarkWorkbooks() throws {
        guard let folder = ProcessInfo.processInfo.environment["FAPIAO_BENCH_DIR"] else { return }
        for rows in [100_000, 1_000_000] {
            for allShared in [false, true] {
                let name = "xlsx-\(rows)" + (allShared ? "-shared" : "")
                try write(rows: rows, allShared: allShared, into: folder + "/" + name)
            }
        }
    }

    private func write(rows: Int, allShared: Bool, into folder: String) throws {
        try FileManager.default.createDirectory(atPath: folder + "/authority/20250417", withIntermediateDirectories: true)
        let export = try XLSXAuthorityExport(path: folder + "/authority/20250417/tax-export.xlsx", allShared: allShared)
        let date = SampleChain.businessDate
        for index in 0..<rows { try export.write(XLSXBenchmarkFiles.facts(index, date: date)) }
        try export.close()
        let pipeline = """
            version: 1
            pipeline: xlsx-bench
            work_dir: work
            sources:
              - name: tax-bureau
                role: authority
                path: "authority/{yyyymmdd}/tax-export.xlsx"
                format: xlsx
                columns: { invoice_code: 发票代码, invoice_number: 发票号码, digital_number: 数电发票号码, issue_date: 开票日期, seller_tax_id: 销方识别号, seller_name: 销方名称, buyer_tax_id: 购方识别号, buyer_name: 购买方名称, amount: 金额, tax: 税额, total: 价税合计, invoice_type: 发票票种, status: 发票状态, remark: 备注 }

            """
        try pipeline.write(toFile: folder + "/pipeline.yaml", atomically: true, encoding: .utf8)
    }

    /// A plausible invoice: 40% legacy, amounts up to 50,000 yuan, a few buyers and remarks.
    static func facts(_ index: Int, date: IssueDate) -> InvoiceFacts {
        var facts = InvoiceFacts(date: date)
        if index % 5 < 2 {
            facts.code = "0110025100" + String(10 + index % 90)
            facts.number = String(String(100_000_000 + index).dropFirst())
            facts.type = .vatEGeneral
        } else {
            facts.digital = "25112000" + String(String(1_000_000_000_000 + index).dropFirst())
        }
        facts.secondOfDay = 28_800 + index % 50_400
        facts.sellerID = "91110105MA00AAAA0P"
        facts.sellerName = ChainPlan.chainName + "朝阳店"
        facts.buyerID = index % 3 == 0 ? "" : "9111000060003\(String(10_000 + index % 10_000).dropFirst())L"
        facts.buyerName = index % 3 == 0 ? "个人" : "北京客户\(index % 10_000)号有限公司"
        facts.setMoney(amount: Int64(500 + (index * 7919) % 4_999_500))
        facts.remark = index % 4 == 0 ? "订单号：PO\(20_250_417_000 + index)" : ""
        facts.clerk = "收银员\(index % 20)"
        return facts
    }
}
