import FapiaoCore
import FapiaoIO

/// `discrepancies.csv`: the one CSV made for people (Excel on Chinese Windows).
///
/// UTF-8 with a BOM (so Excel does not read it as GBK), a bilingual header (`类型 type`), people-facing values
/// written `中文 raw` (`高 high`, `税务系统缺失 missing_in_authority`, `金额 amount`, `正常 normal`) so the raw
/// value stays the last word, and formula-safe text: a cell starting with `=`, `+`, `-`, `@`, tab or CR gets a
/// `'` prefix unless it is a plain number such as `-1234.50`, which stays a number Excel can sum.
enum DiscrepancyCSV {
    /// The bilingual header, in `Discrepancy.header` order.
    static let header: [String] = Discrepancy.header.map { name in "\(chineseColumn[name] ?? name) \(name)" }

    private static let chineseColumn: [String: String] = [
        "id": "编号", "type": "类型", "severity": "严重程度", "status": "状态", "first_seen": "首次发现",
        "days_open": "持续天数", "branch": "门店", "source": "数据来源", "invoice_key": "发票号", "field": "字段",
        "branch_value": "门店值", "authority_value": "税务系统值", "file": "文件", "line": "行号",
        "message_zh": "说明", "message_en": "英文说明", "action": "处理建议",
    ]

    /// The people-facing cells of one row, formula-safe.
    static func cells(_ row: Discrepancy) -> [String] { cells(row, machineRow: row.row) }

    /// The cells of a finding (its id is computed once, in `Finding`).
    static func cells(_ finding: Finding) -> [String] { cells(finding.row, machineRow: finding.machineRow) }

    private static func cells(_ row: Discrepancy, machineRow: [String]) -> [String] {
        var cells = machineRow
        cells[1] = Labels.bilingual(row.type.chineseName, row.type.rawValue)
        cells[2] = Labels.bilingual(Labels.chinese(row.severity), row.severity.rawValue)
        cells[3] = Labels.bilingual(Labels.chinese(row.status), row.status.rawValue)
        cells[9] = Labels.fieldLabel(row.field)
        cells[10] = Labels.valueLabel(field: row.field, value: row.branchValue)
        cells[11] = Labels.valueLabel(field: row.field, value: row.authorityValue)
        return cells.map { safeCell(fitted($0)) }
    }

    /// Excel's limit on the characters of a cell.
    static let maxCellCharacters = 32_767

    /// A cell cut to Excel's limit (ending in `…`), so one huge raw value cannot break the sheet.
    static func fitted(_ text: String) -> String {
        guard text.utf8.count > maxCellCharacters, text.utf16.count > maxCellCharacters else { return text }
        return String(text.prefix(maxCellCharacters - 1000)) + "…"
    }

    /// Writes the file: BOM, header, rows in the given order.
    static func write(_ rows: [Discrepancy], path: String) throws {
        try write(rows.map { Finding(row: $0) }, path: path)
    }

    /// Writes the file from findings.
    static func write(_ findings: [Finding], path: String) throws {
        let writer = try AtomicFileWriter(path: path)
        try writer.write([0xEF, 0xBB, 0xBF])
        try writer.append { CSVFormatter.append(header, to: &$0) }
        var fieldLabels: [String: [UInt8]] = [:]
        try findings.withUnsafeBufferPointer { rows in
            guard let base = rows.baseAddress else { return }
            for index in rows.indices {
                try writer.append { appendRow(base + index, fieldLabels: &fieldLabels, to: &$0) }
            }
        }
        try writer.commit()
    }

    /// A cell Excel will not run as a formula: text starting with `=`, `+`, `-`, `@`, tab or CR gets a `'`.
    static func safeCell(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first),
              !isPlainNumber(text) else { return text }
        return "'" + text
    }

    /// `-1234.50`, `7`, `0.5`: an optional minus, digits, optionally a point and digits.
    static func isPlainNumber(_ text: String) -> Bool {
        var bytes = Substring(text).utf8[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.count <= 2 else { return false }
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { $0 >= 48 && $0 <= 57 } }
    }
}
