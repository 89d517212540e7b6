import FapiaoCore

/// `discrepancies.csv` rows written straight into the file buffer: the bytes of
/// `CSVFormatter.append(DiscrepancyCSV.cells(finding))` without the seventeen-string array and the labels built
/// again for every row (the type, severity, status and field labels are made once, through the same functions).
extension DiscrepancyCSV {
    /// Appends one finding's row (read in place) and its line break; `fieldLabels` caches field-label cells.
    static func appendRow(_ finding: UnsafePointer<Finding>, fieldLabels: inout [String: [UInt8]],
                          to output: inout [UInt8]) {
        appendCell(finding.pointee.id, to: &output)
        output.append(0x2C); output.append(contentsOf: typeCells[finding.pointee.row.type] ?? [])
        output.append(0x2C); output.append(contentsOf: severityCells[finding.pointee.row.severity] ?? [])
        output.append(0x2C); output.append(contentsOf: statusCells[finding.pointee.row.status] ?? [])
        output.append(0x2C); appendCell(finding.pointee.row.firstSeen, to: &output)
        output.append(0x2C); appendCell(String(finding.pointee.row.daysOpen), to: &output)
        output.append(0x2C); appendCell(finding.pointee.row.branch, to: &output)
        output.append(0x2C); appendCell(finding.pointee.row.source, to: &output)
        output.append(0x2C); appendCell(finding.pointee.row.invoiceKey, to: &output)
        appendFieldAndValues(finding, fieldLabels: &fieldLabels, to: &output)
        output.append(0x2C); appendCell(finding.pointee.row.file, to: &output)
        let line = finding.pointee.row.line
        output.append(0x2C); if line != 0 { appendCell(String(line), to: &output) }
        output.append(0x2C); appendCell(finding.pointee.row.messageZh, to: &output)
        output.append(0x2C); appendCell(finding.pointee.row.messageEn, to: &output)
        output.append(0x2C); appendCell(finding.pointee.row.action, to: &output)
        output.append(0x0A)
    }

    /// The `field`, `branch_value` and `authority_value` cells, each after a comma.
    private static func appendFieldAndValues(_ finding: UnsafePointer<Finding>, fieldLabels: inout [String: [UInt8]],
                                             to output: inout [UInt8]) {
        let field = finding.pointee.row.field
        output.append(0x2C)
        if !field.isEmpty {
            if let cached = fieldLabels[field] {
                output.append(contentsOf: cached)
            } else {
                var cell: [UInt8] = []
                appendCell(Labels.fieldLabel(field), to: &cell)
                fieldLabels[field] = cell
                output.append(contentsOf: cell)
            }
        }
        let isStatus = field == CanonicalField.status.rawValue
        let (branch, authority) = (finding.pointee.row.branchValue, finding.pointee.row.authorityValue)
        output.append(0x2C); appendCell(isStatus ? Labels.valueLabel(field: field, value: branch) : branch, to: &output)
        output.append(0x2C)
        appendCell(isStatus ? Labels.valueLabel(field: field, value: authority) : authority, to: &output)
    }

    /// Appends `CSVFormatter.appendField(safeCell(fitted(text)))`: the bytes as they are when the text is short
    /// enough and cannot start a formula (nearly every cell), else through those functions.
    static func appendCell(_ text: String, to output: inout [UInt8]) {
        var text = text
        let done = text.withUTF8 { bytes -> Bool in
            guard bytes.count <= maxCellCharacters else { return false }
            if let first = bytes.first, first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40
                || first == 0x09 || first == 0x0D { return false }
            CSVFormatter.appendField(bytes: bytes, to: &output)
            return true
        }
        if !done { CSVFormatter.appendField(safeCell(fitted(text)), to: &output) }
    }

    private static let typeCells = cellTable(DiscrepancyType.allCases) { Labels.bilingual($0.chineseName, $0.rawValue) }
    private static let severityCells = cellTable(Severity.allCases) { Labels.bilingual(Labels.chinese($0), $0.rawValue) }
    private static let statusCells = cellTable(DiscrepancyStatus.allCases) {
        Labels.bilingual(Labels.chinese($0), $0.rawValue)
    }

    /// Each case's finished cell bytes.
    private static func cellTable<Case: Hashable>(_ cases: [Case], label: (Case) -> String) -> [Case: [UInt8]] {
        Dictionary(uniqueKeysWithValues: cases.map { item in
            var cell: [UInt8] = []
            appendCell(label(item), to: &cell)
            return (item, cell)
        })
    }
}
