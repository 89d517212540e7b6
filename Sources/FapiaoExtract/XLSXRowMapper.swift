import Foundation
import FapiaoCore

/// Maps the rows of one worksheet to records: rows above `xlsx.header_row` are skipped, that row is the header
/// (matched like a CSV header), and every later row is a record unless it is empty or its first non-empty
/// cell holds `xlsx.skip_row_when_first_cell` (the totals row, `合计行`). A record's `_line` is its row number.
///
/// Values are written as text: shared and inline strings as they are, booleans as `TRUE`/`FALSE`, numbers as
/// plain decimal text (`ExcelNumber`), and a number as a date (`ExcelDate`, honouring the workbook's 1904
/// system) when its cell style shows a date, or when it fills `issue_date` and is a serial (1 … 2,958,465;
/// an 8-digit `20250417` stays a number).
struct XLSXRowMapper {
    let source: SourceSpec
    let limits: Limits
    let strings: XLSXSharedStrings
    let styles: ExcelDateStyles
    let date1904: Bool
    /// The sheet's name, for messages.
    let sheet: String
    private(set) var plan: ColumnPlan?
    private var wanted: [Bool]?
    /// Data records read.
    private(set) var records = 0
    private var packed: [UInt8] = []
    private var ranges: [Range<Int>?] = []
    private let skipText: String

    init(source: SourceSpec, limits: Limits, strings: XLSXSharedStrings, styles: ExcelDateStyles, date1904: Bool,
         sheet: String) {
        self.source = source
        self.limits = limits
        self.strings = strings
        self.styles = styles
        self.date1904 = date1904
        self.sheet = sheet
        skipText = source.xlsx.skipRowWhenFirstCell.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Per column, whether the sheet reader must keep its cells; nil until the header is read (then all).
    var wantedColumns: [Bool]? { wanted }

    /// Handles one row.
    mutating func process(_ row: XLSXRow, emitter: inout RecordEmitter) throws {
        let headerRow = source.xlsx.headerRow
        if row.number < headerRow { return }
        if row.number == headerRow { return try takeHeader(row, emitter: emitter) }
        guard let plan else { throw XLSXFailure.noHeader(row: headerRow, sheet: sheet) }
        if row.isEmpty || isTotals(row) { return }
        records += 1
        try pack(row, plan: plan)
        if let overflow = row.overflow ?? packedOverflow { return reject(overflow, line: row.number, emitter: &emitter) }
        let ranges = self.ranges
        try packed.withUnsafeBufferPointer { bytes in
            try emitter.write(line: row.number) { index in ranges[index].map { UnsafeBufferPointer(rebasing: bytes[$0]) } }
        }
    }

    /// Fails when the sheet ended without its header row.
    func finish() throws {
        if plan == nil { throw XLSXFailure.noHeader(row: source.xlsx.headerRow, sheet: sheet) }
    }

    private mutating func takeHeader(_ row: XLSXRow, emitter: RecordEmitter) throws {
        guard !row.isEmpty, row.overflow == nil else { throw XLSXFailure.noHeader(row: row.number, sheet: sheet) }
        var names: [String] = []
        for column in 0...row.lastColumn {
            var text: [UInt8] = []
            if let index = row.cell(in: column) { try appendValue(row.cell(index), field: nil, row: row.number, to: &text) }
            names.append(text.withUnsafeBufferPointer { HeaderName.text($0, inspector: emitter.inspector) })
        }
        do {
            let plan = try ColumnPlan.resolve(source: source, header: names, columnCount: names.count)
            var wanted = [Bool](repeating: false, count: names.count)
            for column in plan.columns.compactMap({ $0 }) { wanted[column] = true }
            self.plan = plan
            self.wanted = wanted
        } catch var failure as FileFailure {
            failure.code = "xlsx.columns"
            failure.line = row.number
            throw failure
        }
    }

    private func isTotals(_ row: XLSXRow) -> Bool {
        guard !skipText.isEmpty, let first = row.first else { return false }
        var text: [UInt8] = []
        guard (try? appendValue(row.cell(first), field: nil, row: row.number, to: &text)) != nil else { return false }
        return String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == skipText
    }

    /// Lays each field's value out back to back in `packed`.
    private mutating func pack(_ row: XLSXRow, plan: ColumnPlan) throws {
        // The buffers are moved out while values are appended, so that reading `self` does not copy it.
        var out = packed, spans = ranges
        packed = []
        ranges = []
        defer { packed = out; ranges = spans }
        out.removeAll(keepingCapacity: true)
        spans.removeAll(keepingCapacity: true)
        for (field, column) in zip(plan.fields, plan.columns) {
            guard let column, let index = row.cell(in: column) else { spans.append(nil); continue }
            let start = out.count
            try appendValue(row.cell(index), field: field, row: row.number, to: &out)
            spans.append(start..<out.count)
        }
    }

    private var packedOverflow: CSVOverflow? {
        if ranges.contains(where: { ($0?.count ?? 0) > limits.maxFieldBytes }) { return .field }
        return packed.count > limits.maxRecordBytes ? .record : nil
    }

    /// Appends a cell's value as text.
    private func appendValue(
        _ cell: (kind: XLSXCellKind, style: Int, value: ArraySlice<UInt8>), field: CanonicalField?, row: Int,
        to out: inout [UInt8]
    ) throws {
        switch cell.kind {
        case .text: out.append(contentsOf: cell.value)
        case .boolean: out.append(contentsOf: cell.value == [49] ? Array("TRUE".utf8) : cell.value == [48] ? Array("FALSE".utf8) : Array(cell.value))
        case .sharedString:
            let index = cell.value.withUnsafeBufferPointer(XLSXCellReference.number) ?? -1
            guard strings.withString(index, { out.append(contentsOf: $0) }) != nil else {
                throw XLSXFailure.sharedString(String(decoding: cell.value, as: UTF8.self), count: strings.count, row: row)
            }
        case .number:
            guard let number = cell.value.withUnsafeBufferPointer(ExcelNumber.init) else { return out.append(contentsOf: cell.value) }
            let asDate = styles.formatsDate(cell.style) || field == .issueDate
            if asDate, let date = ExcelDate.text(number, date1904: date1904) { return out.append(contentsOf: date.utf8) }
            number.appendText(to: &out)
        }
    }

    private func reject(_ overflow: CSVOverflow, line: Int, emitter: inout RecordEmitter) {
        let (reason, key, limit) = overflow == .field
            ? ("field_too_large", "limits.max_field_bytes", limits.maxFieldBytes)
            : ("record_too_large", "limits.max_record_bytes", limits.maxRecordBytes)
        emitter.reject(
            line: line, reason: reason, raw: "", zh: "第 \(line) 行的记录超过 \(key)（\(limit) 字节），该记录被拒收",
            en: "the record in row \(line) passes \(key) (\(limit) bytes); rejected")
    }
}
