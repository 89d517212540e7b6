import FapiaoCore
import FapiaoIO

/// The e-tax bureau's full invoice query export as the chain downloads it: an xlsx workbook (DOMAIN.md) with the
/// sheet 发票基础信息 (one row per invoice, the bureau's 19 columns, a totals row 合计行 last) and 信息汇总表 (one
/// line-item row per invoice). Amounts and 序号 are numeric cells (`6876.1`); codes, numbers and dates are text;
/// values that repeat (seller, source, type, status, flags, clerk, `--`) are shared strings, the rest inline
/// strings; an empty value leaves its cell out. Streamed: the first sheet is deflated row by row.
final class XLSXAuthorityExport {
    /// The file's path relative to the chain folder.
    static func relativePath(_ date: IssueDate) -> String { "authority/\(date.compact)/tax-export.xlsx" }
    /// The invoice sheet's name (the source's `xlsx.sheet`).
    static let invoiceSheet = "发票基础信息"
    static let itemSheet = "信息汇总表"
    private static let numericColumns: Set<Int> = [0, 9, 10, 11]
    private static let sharedColumns: Set<Int> = [4, 5, 12, 13, 14, 15, 16, 17]
    private static let itemHeader = ["发票代码", "发票号码", "数电发票号码", "货物或应税劳务名称", "金额", "税额", "价税合计"]

    private let zip: ZipWriter
    private var strings = SharedStringTable()
    private let items: GzipDeflater
    private var itemBytes: [UInt8] = []
    private var itemSize = 0
    private var totals: (amount: Int64, tax: Int64, total: Int64) = (0, 0, 0)
    /// Data rows written (the header and the totals row not counted).
    private(set) var rows = 0

    /// Every text value a shared string (as Excel writes a workbook it saved), not only those that repeat.
    private let allShared: Bool

    /// Creates the workbook and starts the invoice sheet; `allShared` writes every text as a shared string.
    init(path: String, allShared: Bool = false) throws {
        self.allShared = allShared
        zip = try ZipWriter(path: path)
        items = try GzipDeflater(level: 6)
        try XLSXAuthorityExport.writePackage(zip)
        try zip.begin("xl/worksheets/sheet1.xml")
        try zip.write(Array((XLSXAuthorityExport.sheetStart + row(1, AuthorityExport.header.map { ($0, true) })).utf8))
        appendItem(XLSXAuthorityExport.sheetStart + row(1, XLSXAuthorityExport.itemHeader.map { ($0, false) }))
    }

    /// Writes one invoice as the bureau records it.
    func write(_ facts: InvoiceFacts) throws {
        rows += 1
        let values = AuthorityExport.row(facts, serial: rows)
        let cells = values.enumerated().map { index, value -> (String, Bool) in
            XLSXAuthorityExport.numericColumns.contains(index) ? (XLSXAuthorityExport.number(value), false)
                : (value, allShared || XLSXAuthorityExport.sharedColumns.contains(index) || value == "--")
        }
        try zip.write(Array(row(rows + 1, cells, numeric: XLSXAuthorityExport.numericColumns).utf8))
        totals = (totals.amount + facts.amount, totals.tax + facts.tax, totals.total + facts.total)
        let item = [values[1], values[2], values[3], "*日用品*商品", values[9], values[10], values[11]]
        appendItem(row(rows + 1, item.enumerated().map { ($0.element, false) }, numeric: [4, 5, 6]))
    }

    /// Ends the sheets (the totals row last) and writes the shared strings and the zip's directory.
    func close() throws {
        var last = [(String, Bool)](repeating: ("", false), count: AuthorityExport.header.count)
        last[0] = ("合计行", true)
        last[9] = (MoneyText.plain(totals.amount), false)
        last[10] = (MoneyText.plain(totals.tax), false)
        last[11] = (MoneyText.plain(totals.total), false)
        try zip.write(Array((row(rows + 2, last, numeric: [9, 10, 11]) + XLSXAuthorityExport.sheetEnd).utf8))
        appendItem(XLSXAuthorityExport.sheetEnd)
        items.finish(into: &itemBytes)
        try zip.add("xl/worksheets/sheet2.xml", gzipMember: itemBytes, size: itemSize)
        try zip.add("xl/sharedStrings.xml", Array(strings.part.utf8))
        try zip.close()
    }

    private func appendItem(_ text: String) {
        let bytes = Array(text.utf8)
        items.deflate(bytes, into: &itemBytes)
        itemSize += bytes.count
    }

    /// One `<row>`: numeric cells as `<v>`, shared strings as indexes, other text inline; empty values left out.
    private func row(_ number: Int, _ cells: [(String, Bool)], numeric: Set<Int> = []) -> String {
        var out = "<row r=\"\(number)\">"
        for (index, cell) in cells.enumerated() where !cell.0.isEmpty {
            let reference = XLSXAuthorityExport.column(index) + String(number)
            if numeric.contains(index) {
                out += "<c r=\"\(reference)\"><v>\(XLSXAuthorityExport.number(cell.0))</v></c>"
            } else if cell.1 {
                out += "<c r=\"\(reference)\" t=\"s\"><v>\(strings.index(of: cell.0))</v></c>"
            } else {
                out += "<c r=\"\(reference)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">\(XMLText.escaped(cell.0))</t></is></c>"
            }
        }
        return out + "</row>"
    }

    /// `A`…`Z` (the sheets have at most 19 columns).
    private static func column(_ index: Int) -> String { String(UnicodeScalar(UInt8(65 + index))) }

    /// A plain amount as a spreadsheet writes the number: `1234.50` → `1234.5`, `100.00` → `100`.
    static func number(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var trimmed = Substring(text)
        while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
        if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
        return trimmed == "-0" ? "0" : String(trimmed)
    }

    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let sheetStart = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"\(main)\"><sheetData>"
    private static let sheetEnd = "</sheetData></worksheet>"
}

/// The shared strings of a workbook being written: each distinct text once, in order of first use.
struct SharedStringTable {
    private var indexes: [String: Int] = [:]
    private var texts: [String] = []

    /// The index of `text`, added when new.
    mutating func index(of text: String) -> Int {
        if let index = indexes[text] { return index }
        indexes[text] = texts.count
        texts.append(text)
        return texts.count - 1
    }

    /// The `xl/sharedStrings.xml` part.
    var part: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
            + "count=\"\(texts.count)\" uniqueCount=\"\(texts.count)\">"
            + texts.map { "<si><t>\(XMLText.escaped($0))</t></si>" }.joined() + "</sst>"
    }
}

/// Text escaped for XML content and attribute values.
enum XMLText {
    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}

extension XLSXAuthorityExport {
    private static let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    private static let package = "http://schemas.openxmlformats.org/package/2006"

    /// The parts around the sheets: content types, relationships, the workbook (two sheets, 1900 dates), styles.
    static func writePackage(_ zip: ZipWriter) throws {
        let declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        let sheetType = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
        try zip.add("[Content_Types].xml", Array((declaration + "<Types xmlns=\"\(package)/content-types\">"
            + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
            + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
            + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
            + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"\(sheetType)\"/>"
            + "<Override PartName=\"/xl/worksheets/sheet2.xml\" ContentType=\"\(sheetType)\"/>"
            + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
            + "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
            + "</Types>").utf8))
        try zip.add("_rels/.rels", Array((declaration + "<Relationships xmlns=\"\(package)/relationships\">"
            + link("rId1", "officeDocument", "xl/workbook.xml") + "</Relationships>").utf8))
        try zip.add("xl/workbook.xml", Array((declaration + "<workbook xmlns=\"\(main)\" xmlns:r=\"\(relationships)\">"
            + "<workbookPr/><sheets><sheet name=\"\(invoiceSheet)\" sheetId=\"1\" r:id=\"rId1\"/>"
            + "<sheet name=\"\(itemSheet)\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>").utf8))
        try zip.add("xl/_rels/workbook.xml.rels", Array((declaration + "<Relationships xmlns=\"\(package)/relationships\">"
            + link("rId1", "worksheet", "worksheets/sheet1.xml") + link("rId2", "worksheet", "worksheets/sheet2.xml")
            + link("rId3", "styles", "styles.xml") + link("rId4", "sharedStrings", "sharedStrings.xml")
            + "</Relationships>").utf8))
        try zip.add("xl/styles.xml", Array((declaration + "<styleSheet xmlns=\"\(main)\"><fonts count=\"1\"><font/></fonts>"
            + "<fills count=\"1\"><fill/></fills><borders count=\"1\"><border/></borders>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\"/></cellStyleXfs><cellXfs count=\"1\"><xf numFmtId=\"0\" xfId=\"0\"/></cellXfs>"
            + "</styleSheet>").utf8))
    }

    private static func link(_ id: String, _ type: String, _ target: String) -> String {
        "<Relationship Id=\"\(id)\" Type=\"\(relationships)/\(type)\" Target=\"\(target)\"/>"
    }
}
