import FapiaoCore

/// Turns a worksheet's SAX events into rows for an `XLSXRowMapper` (`XLSXSheetState` does the work).
///
/// A `final class` because libxml2's callbacks reach it by pointer; its whole state is one value.
final class XLSXSheetHandler: XMLEventHandler {
    /// The row being read, the mapper and the file's emitter (handed back by `XLSXFileReader`).
    var state: XLSXSheetState

    init(mapper: XLSXRowMapper, emitter: RecordEmitter, limits: Limits) {
        state = XLSXSheetState(mapper: mapper, emitter: emitter, limits: limits)
    }

    func startElement(
        _ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int, position: XMLPosition
    ) throws {
        try state.startElement(name, attributes: attributes, depth: depth)
    }

    func endElement(depth: Int) throws { try state.endElement(depth: depth) }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) throws { state.text(bytes) }
}

/// Assembles rows from `<row r>`, `<c r t s>`, `<v>` and `<is>` (inline text: `<t>`, rich-text runs, phonetic runs
/// left out). Only the cells the mapper wants (and each row's first non-empty cell) are kept. Rows and the
/// cells of a row must come in ascending order, as the format requires; `r` may be left out (the next row or
/// column then). The row number where the sheet broke is the failure's line.
struct XLSXSheetState {
    var mapper: XLSXRowMapper
    var emitter: RecordEmitter
    private var row = XLSXRow()
    private var rowDepth: Int?
    private var lastRow = 0
    private var cellDepth: Int?
    private var cell = (column: 0, kind: XLSXCellKind.number, style: 0, start: 0, keep: false)
    private var lastColumn = -1
    private var valueDepth: Int?
    private var inlineDepth: Int?
    private var phoneticDepth: Int?
    private let maxFieldBytes: Int
    private let maxRecordBytes: Int
    /// The mapper's wanted columns (nil: all), copied after each row so that a cell costs no access to the mapper.
    private var wanted: [Bool]?

    init(mapper: XLSXRowMapper, emitter: RecordEmitter, limits: Limits) {
        self.mapper = mapper
        self.emitter = emitter
        maxFieldBytes = limits.maxFieldBytes
        maxRecordBytes = limits.maxRecordBytes
    }

    /// The row being read (or the last one).
    var rowNumber: Int { row.number }

    mutating func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int) throws {
        if cellDepth != nil { return openInsideCell(name, depth: depth) }
        if name.elementsEqual(XLSXNames.row) {
            try startRow(attributes, depth: depth)
        } else if rowDepth != nil, name.elementsEqual(XLSXNames.cell) {
            try startCell(attributes, depth: depth)
        }
    }

    mutating func endElement(depth: Int) throws {
        if depth == valueDepth { valueDepth = nil }
        else if depth == phoneticDepth { phoneticDepth = nil }
        else if depth == inlineDepth { inlineDepth = nil }
        else if depth == cellDepth { endCell() }
        else if depth == rowDepth {
            rowDepth = nil
            try mapper.process(row, emitter: &emitter)
            wanted = mapper.wantedColumns
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard valueDepth != nil, cell.keep, row.overflow == nil else { return }
        if row.bytes.count - cell.start + bytes.count > maxFieldBytes { row.overflow = .field; return }
        if row.bytes.count + bytes.count > maxRecordBytes { row.overflow = .record; return }
        row.bytes.append(contentsOf: bytes)
    }

    private mutating func startRow(_ attributes: XMLAttributes, depth: Int) throws {
        var number: Int?
        attributes.forEach { key, value in if key.elementsEqual(XLSXNames.reference) { number = XLSXCellReference.number(value) ?? -1 } }
        let current = number ?? lastRow + 1
        guard current > lastRow else { throw XLSXFailure.order("row \(current) comes after row \(lastRow)", row: lastRow) }
        lastRow = current
        row.reset(number: current)
        rowDepth = depth
        lastColumn = -1
    }

    private mutating func startCell(_ attributes: XMLAttributes, depth: Int) throws {
        var column: Int?, kind = XLSXCellKind.number, style = 0, badReference: String?
        attributes.forEach { key, value in
            if key.elementsEqual(XLSXNames.reference) {
                column = XLSXCellReference.column(value)
                if column == nil { badReference = String(decoding: value, as: UTF8.self) }
            } else if key.elementsEqual(XLSXNames.text) {
                kind = XLSXCellKind(attribute: value)
            } else if key.elementsEqual(XLSXNames.style) {
                style = XLSXCellReference.number(value) ?? 0
            }
        }
        if let badReference { throw XLSXFailure.order("the cell reference \"\(badReference)\" is not valid", row: row.number) }
        let current = column ?? lastColumn + 1
        guard current > lastColumn else {
            throw XLSXFailure.order("a cell of column \(current + 1) comes after column \(lastColumn + 1)", row: row.number)
        }
        lastColumn = current
        cellDepth = depth
        cell = (current, kind, style, row.bytes.count, wants(current) || row.isEmpty)
    }

    private func wants(_ column: Int) -> Bool {
        guard let wanted else { return true }
        return column < wanted.count && wanted[column]
    }

    private mutating func openInsideCell(_ name: UnsafeBufferPointer<UInt8>, depth: Int) {
        guard valueDepth == nil, phoneticDepth == nil else { return }
        if inlineDepth != nil {
            if name.elementsEqual(XLSXNames.phonetic) { phoneticDepth = depth } else if name.elementsEqual(XLSXNames.text) { valueDepth = depth }
        } else if name.elementsEqual(XLSXNames.value) {
            valueDepth = depth
        } else if name.elementsEqual(XLSXNames.inline) {
            inlineDepth = depth
        }
    }

    private mutating func endCell() {
        cellDepth = nil
        guard cell.keep else { return }
        if cell.kind == .text { ExcelText.unescape(&row.bytes, from: cell.start) }
        if !wants(cell.column) && row.bytes.count == cell.start { return }
        row.addCell(column: cell.column, kind: cell.kind, style: cell.style, from: cell.start)
    }
}

/// The element and attribute names of sheet data, as bytes (compared once per element).
enum XLSXNames {
    static let row = Array("row".utf8), cell = Array("c".utf8), value = Array("v".utf8), inline = Array("is".utf8)
    static let text = Array("t".utf8), phonetic = Array("rPh".utf8), reference = Array("r".utf8), style = Array("s".utf8)
}
