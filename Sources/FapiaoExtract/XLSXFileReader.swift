import Foundation
import FapiaoCore

/// Reads one xlsx workbook into a `RecordEmitter`: the zip is opened with `ZipArchive`, the package's parts are
/// found through their relationships (`_rels/.rels` → workbook → sheets, shared strings, styles), and the chosen
/// sheet streams through libxml2's SAX2 push parser, one row at a time (never the whole sheet in memory; only
/// the shared strings are held).
///
/// The sheet is `xlsx.sheet`: a sheet's name, else (when it is a number) its 1-based position. A broken part is a
/// `FileFailure` naming the part; nothing of the file is kept.
struct XLSXFileReader {
    private let source: SourceSpec
    private let limits: Limits
    /// Data records read so far.
    private(set) var records = 0
    /// Bytes inflated from the workbook's parts.
    private(set) var inflatedBytes: Int64 = 0

    /// A reader for one workbook of `source`.
    init(source: SourceSpec, limits: Limits) {
        self.source = source
        self.limits = limits
    }

    /// Reads the workbook at `path`; throws a `FileFailure` when the file must be dropped.
    mutating func read(path: String, into emitter: inout RecordEmitter) throws {
        let archive = try ZipArchive(path: path)
        let workbookName = try officeDocument(archive)
        let workbook = XLSXWorkbookPart()
        try parse(workbookName, in: archive, with: workbook)
        let relationships = XLSXRelationships()
        try parse(XLSXPartName.relationships(of: workbookName), in: archive, with: relationships, optional: true)
        let (sheetName, sheetPart) = try chooseSheet(workbook, relationships, base: workbookName)
        let strings = XLSXSharedStringsPart()
        if let target = relationships.target(ofType: "sharedStrings") {
            try parse(XLSXPartName.resolve(target, from: workbookName), in: archive, with: strings)
        }
        let styles = XLSXStylesPart()
        if let target = relationships.target(ofType: "styles") {
            try parse(XLSXPartName.resolve(target, from: workbookName), in: archive, with: styles)
        }
        let mapper = XLSXRowMapper(source: source, limits: limits, strings: strings.strings, styles: styles.dateStyles,
                                   date1904: workbook.date1904, sheet: sheetName)
        let sheet = XLSXSheetHandler(mapper: mapper, emitter: emitter, limits: limits)
        defer {
            emitter = sheet.state.emitter
            records = sheet.state.mapper.records
        }
        try parse(sheetPart, in: archive, with: sheet, row: { sheet.state.rowNumber })
        try sheet.state.mapper.finish()
    }

    /// The workbook part named by the package relationships (`xl/workbook.xml` when they do not say).
    private mutating func officeDocument(_ archive: ZipArchive) throws -> String {
        let package = XLSXRelationships()
        try parse("_rels/.rels", in: archive, with: package, optional: true)
        return package.target(ofType: "officeDocument").map { XLSXPartName.resolve($0, from: "") } ?? "xl/workbook.xml"
    }

    private func chooseSheet(
        _ workbook: XLSXWorkbookPart, _ relationships: XLSXRelationships, base: String
    ) throws -> (String, String) {
        let wanted = source.xlsx.sheet.trimmingCharacters(in: .whitespaces)
        let byName = workbook.sheets.first { $0.name == wanted }
        let byIndex = Int(wanted).flatMap { $0 >= 1 && $0 <= workbook.sheets.count ? workbook.sheets[$0 - 1] : nil }
        guard let sheet = byName ?? byIndex else { throw XLSXFailure.noSheet(wanted, found: workbook.sheets.map(\.name)) }
        guard let target = relationships.target(id: sheet.relationship) else {
            throw XLSXFailure.missingPart("the sheet \(sheet.name)'s part (relationship \(sheet.relationship))")
        }
        return (sheet.name, XLSXPartName.resolve(target, from: base))
    }

    /// Streams part `name` through `handler`; a part's failure names the part (and, for the sheet, the row).
    private mutating func parse(
        _ name: String, in archive: ZipArchive, with handler: XMLEventHandler, optional: Bool = false,
        row: () -> Int = { 0 }
    ) throws {
        guard let entry = archive.entry(named: name) else {
            if optional { return }
            throw XLSXFailure.missingPart("the part \(name)")
        }
        var feeder = XMLDocumentFeeder(handler: handler, sourceEncoding: .auto, maxDepth: limits.maxXMLDepth)
        do {
            try archive.read(entry, maxInflatedBytes: limits.maxInflatedBytes) { bytes in
                inflatedBytes += Int64(bytes.count)
                try feeder.feed(bytes)
            }
            try feeder.finish()
        } catch var failure as FileFailure {
            let line = feeder.line
            failure.messageEn = "part \(name) (XML line \(line)): " + failure.messageEn
            failure.messageZh = "部件 \(name)（XML 第 \(line) 行）：" + failure.messageZh
            if failure.code.hasPrefix("xml.") || failure.line == 0 { failure.line = row() }
            throw failure
        }
    }
}

/// The `FileFailure`s of xlsx workbooks.
enum XLSXFailure {
    /// The chosen sheet is not in the workbook.
    static func noSheet(_ wanted: String, found: [String]) -> FileFailure {
        let list = found.map { "\"\($0)\"" }.joined(separator: ", ")
        return FileFailure(
            code: "xlsx.sheet", zh: "工作簿中没有工作表 \(wanted)；现有工作表：\(list)",
            en: "the workbook has no sheet \"\(wanted)\" (xlsx.sheet: a name, or a 1-based position); its sheets: \(list)",
            action: FileFailure.fixMapping)
    }

    /// A part the workbook needs is missing.
    static func missingPart(_ what: String) -> FileFailure {
        FileFailure(code: "xlsx.structure", zh: "xlsx 工作簿缺少 \(what)", en: "the xlsx workbook lacks \(what)")
    }

    /// The header row is empty or missing.
    static func noHeader(row: Int, sheet: String) -> FileFailure {
        FileFailure(
            code: "xlsx.no_header", line: row, zh: "工作表 \(sheet) 的第 \(row) 行（表头行）为空",
            en: "row \(row) of sheet \(sheet) (xlsx.header_row) is empty or missing: it must hold the column names",
            action: FileFailure.fixMapping)
    }

    /// Rows or cells out of order, or a cell reference that is not one.
    static func order(_ what: String, row: Int) -> FileFailure {
        FileFailure(code: "xlsx.sheet_data", line: row, zh: "工作表数据格式错误：\(what)", en: "the sheet's data is malformed: \(what)")
    }

    /// A shared-string cell whose index is not in the table.
    static func sharedString(_ index: String, count: Int, row: Int) -> FileFailure {
        FileFailure(
            code: "xlsx.shared_string", line: row, zh: "第 \(row) 行的共享字符串编号 \(index) 不存在",
            en: "row \(row) refers to shared string \(index), but the workbook has \(count)")
    }
}
