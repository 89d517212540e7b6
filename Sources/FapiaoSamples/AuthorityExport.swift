import FapiaoCore

/// The e-tax bureau's full invoice query export (全量发票查询), as the chain downloads it:
/// a gzipped UTF-8 CSV with a BOM and the bureau's columns (DOMAIN.md).
final class AuthorityExport {
    /// The bureau's column names, in order.
    static let header = [
        "序号", "发票代码", "发票号码", "数电发票号码", "销方识别号", "销方名称", "购方识别号", "购买方名称", "开票日期",
        "金额", "税额", "价税合计", "发票来源", "发票票种", "发票状态", "是否正数发票", "发票风险等级", "开票人", "备注",
    ]
    /// How the bureau writes each status.
    static let statusTexts: [(text: String, status: InvoiceStatus)] = [
        ("正常", .normal), ("已作废", .voided), ("已红冲-全额", .redReversedFull), ("部分红冲", .redReversedPartial),
        ("失控", .outOfControl), ("异常", .abnormal),
    ]
    /// The file's path relative to the chain folder.
    static func relativePath(_ date: IssueDate) -> String { "authority/\(date.compact)/tax-export.csv.gz" }

    private let file: ExportFile
    /// Data rows written.
    private(set) var rows = 0

    /// Creates the file and writes the BOM and header.
    init(path: String) throws {
        file = try ExportFile(path: path, compression: .gzip)
        try file.append { out in
            out += [0xEF, 0xBB, 0xBF]
            CSVFormatter.append(AuthorityExport.header, to: &out)
        }
    }

    /// Writes one invoice as the bureau records it.
    func write(_ facts: InvoiceFacts) throws {
        rows += 1
        let row = AuthorityExport.row(facts, serial: rows)
        try file.append { CSVFormatter.append(row, to: &$0) }
    }

    /// Puts the file in place.
    func close() throws { try file.close() }

    /// The bureau's row: plain amounts, `YYYY-MM-DD HH:MM:SS`, `--` for a legacy invoice's 20-digit number.
    static func row(_ facts: InvoiceFacts, serial: Int) -> [String] {
        let status = statusTexts.first { $0.status == facts.status }?.text ?? "正常"
        return [
            String(serial), facts.code, facts.number, facts.isLegacy ? "--" : facts.digital,
            facts.sellerID, facts.sellerName, facts.buyerID, facts.buyerName, "\(facts.date) \(facts.timeText)",
            MoneyText.plain(facts.amount), MoneyText.plain(facts.tax), MoneyText.plain(facts.total),
            facts.isLegacy ? "增值税发票管理系统" : "电子发票服务平台", ExportDialect.typeName(facts.type), status,
            facts.isRed ? "否" : "是", "正常", facts.clerk, facts.remark,
        ]
    }
}
