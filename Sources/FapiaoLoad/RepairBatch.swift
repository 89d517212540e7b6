import FapiaoCore

/// `repair-batch.csv`: the kept branch records behind `missing_in_authority` rows and money or status
/// `field_mismatch` rows, with the branch's values, for re-upload. One row per record, sorted by invoice key,
/// source, file and line. Machine-facing: raw canonical values, no BOM.
///
/// Columns default to the authority export's layout (DESIGN.md); `load.repair_columns` maps another layout as
/// header → value name, where a value name is a canonical field, `discrepancy_type`, `discrepancy_fields`
/// (the differing fields, `;`-separated), `_source`, `_file` or `_line`.
enum RepairBatch {
    /// The default layout.
    static let defaultColumns: [(header: String, field: String)] = [
        ("发票代码", "invoice_code"), ("发票号码", "invoice_number"), ("数电发票号码", "digital_number"),
        ("开票日期", "issue_date"), ("购方识别号", "buyer_tax_id"), ("购买方名称", "buyer_name"),
        ("金额", "amount"), ("税额", "tax"), ("价税合计", "total"), ("发票状态", "status"), ("备注", "remark"),
        ("差异类型", "discrepancy_type"),
    ]

    /// Value names other than canonical fields.
    static let extraValueNames = ["discrepancy_type", "discrepancy_fields", "_source", "_file", "_line"]

    /// The layout to write: `load.repair_columns`, or the default when empty. Throws on an unknown value name.
    static func columns(_ options: LoadOptions) throws -> [(header: String, field: String)] {
        let columns = options.repairColumns.isEmpty ? defaultColumns : options.repairColumns
        for column in columns where CanonicalField(rawValue: column.field) == nil && !extraValueNames.contains(column.field) {
            throw FapiaoError(code: "load.repair_columns", message: "load.repair_columns: '\(column.header)' maps to "
                              + "unknown value '\(column.field)'; use a canonical field name or one of "
                              + extraValueNames.joined(separator: ", "))
        }
        return columns
    }

    /// The rows, sorted, in the order of `columns`.
    static func rows(_ items: [RepairItem], columns: [(header: String, field: String)]) -> [[String]] {
        let sorted = items.sorted { a, b in
            let x = a.invoice, y = b.invoice
            if x.key != y.key { return x.key.utf8.lexicographicallyPrecedes(y.key.utf8) }
            if x.origin.source != y.origin.source { return x.origin.source < y.origin.source }
            if x.origin.file != y.origin.file { return x.origin.file < y.origin.file }
            return x.origin.line < y.origin.line
        }
        return sorted.map { item in columns.map { value(of: $0.field, in: item) } }
    }

    private static func value(of name: String, in item: RepairItem) -> String {
        if let field = CanonicalField(rawValue: name) { return item.invoice.value(of: field) }
        switch name {
        case "discrepancy_type": return item.type.rawValue
        case "discrepancy_fields": return item.fields.map(\.rawValue).joined(separator: ";")
        case "_source": return item.invoice.origin.source
        case "_file": return item.invoice.origin.file
        case "_line": return String(item.invoice.origin.line)
        default: return ""
        }
    }
}
