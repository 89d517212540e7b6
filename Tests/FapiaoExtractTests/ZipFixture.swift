import Foundation
import FapiaoIO

/// Builds zip files for tests: entries stored or deflated (the raw deflate data and CRC-32 taken from a gzip
/// member made by zlib), names as given.
enum ZipFixture {
    /// One entry: its name's bytes, content, and whether it is deflated.
    struct Entry {
        var name: [UInt8]
        var content: [UInt8]
        var deflate = true

        init(_ name: String, _ content: [UInt8], deflate: Bool = true) {
            self.name = Array(name.utf8)
            self.content = content
            self.deflate = deflate
        }

        init(_ name: String, _ text: String, deflate: Bool = true) { self.init(name, Array(text.utf8), deflate: deflate) }
    }

    /// The zip bytes of `entries`, in order.
    static func zip(_ entries: [Entry]) -> [UInt8] {
        var out: [UInt8] = []
        var directory: [UInt8] = []
        for entry in entries {
            let (data, crc) = compressed(entry)
            let offset = UInt32(out.count)
            out += header(0x0403_4B50, entry: entry, data: data, crc: crc, central: false) + entry.name + data
            directory += header(0x0201_4B50, entry: entry, data: data, crc: crc, central: true) + le32(offset) + entry.name
        }
        let start = UInt32(out.count)
        out += directory
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(UInt32(directory.count)) + le32(start) + le16(0)
        return out
    }

    /// The raw deflate bytes (or the content, stored) and the content's CRC-32.
    static func compressed(_ entry: Entry) -> ([UInt8], UInt32) {
        let member = (try? GzipDeflater.gzip(entry.content)) ?? []
        let trailer = member.suffix(8)
        let crc = trailer.prefix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        return (entry.deflate ? Array(member.dropFirst(10).dropLast(8)) : entry.content, crc)
    }

    /// A local (30 bytes) or central (42 bytes, before the offset) header.
    private static func header(_ signature: UInt32, entry: Entry, data: [UInt8], crc: UInt32, central: Bool) -> [UInt8] {
        var out = le32(signature)
        if central { out += le16(20) }
        out += le16(20) + le16(0x0800) + le16(entry.deflate ? 8 : 0) + le16(0) + le16(0x21)
        out += le32(crc) + le32(UInt32(data.count)) + le32(UInt32(entry.content.count))
        out += le16(UInt16(entry.name.count)) + le16(0)
        if central { out += le16(0) + le16(0) + le16(0) + le32(0) }
        return out
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { le16(UInt16(value & 0xFFFF)) + le16(UInt16(value >> 16)) }
}

/// Builds xlsx workbooks for tests: sheets of rows written as cells (`<c>` elements), optional shared strings,
/// styles and the 1904 date system.
struct XLSXFixture {
    /// Sheets by name, each its `<sheetData>` body.
    var sheets: [(name: String, rows: String)] = []
    var sharedStrings: [String]? = nil
    var date1904 = false
    /// Custom number formats (id, code) and the numFmtId of each cell style.
    var formats: [(Int, String)] = []
    var cellStyles: [Int] = [0]

    /// The workbook's zip bytes.
    var bytes: [UInt8] {
        var entries = [
            ZipFixture.Entry("[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>"),
            ZipFixture.Entry("_rels/.rels", rels([("rId1", "officeDocument", "xl/workbook.xml")])),
            ZipFixture.Entry("xl/workbook.xml", workbook),
        ]
        var links = sheets.indices.map { ("rId\($0 + 1)", "worksheet", "worksheets/sheet\($0 + 1).xml") }
        links.append(("rIdS", "styles", "styles.xml"))
        if sharedStrings != nil { links.append(("rIdSS", "sharedStrings", "/xl/sharedStrings.xml")) }
        entries.append(ZipFixture.Entry("xl/_rels/workbook.xml.rels", rels(links)))
        for (index, sheet) in sheets.enumerated() {
            entries.append(ZipFixture.Entry("xl/worksheets/sheet\(index + 1).xml", XLSXFixture.sheet(sheet.rows)))
        }
        entries.append(ZipFixture.Entry("xl/styles.xml", styles))
        if let sharedStrings {
            let items = sharedStrings.map { $0.hasPrefix("<") ? "<si>\($0)</si>" : "<si><t>\($0)</t></si>" }.joined()
            entries.append(ZipFixture.Entry("xl/sharedStrings.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<sst xmlns=\"\(XLSXFixture.main)\" count=\"\(sharedStrings.count)\">\(items)</sst>"))
        }
        return ZipFixture.zip(entries)
    }

    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

    /// A worksheet part around `rows`.
    static func sheet(_ rows: String) -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"\(main)\"><dimension ref=\"A1\"/>"
            + "<sheetData>\(rows)</sheetData></worksheet>"
    }

    private var workbook: String {
        let list = sheets.indices.map { "<sheet name=\"\(sheets[$0].name)\" sheetId=\"\($0 + 1)\" r:id=\"rId\($0 + 1)\"/>" }
        return "<?xml version=\"1.0\"?>\n<workbook xmlns=\"\(XLSXFixture.main)\" "
            + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
            + (date1904 ? "<workbookPr date1904=\"1\"/>" : "<workbookPr/>") + "<sheets>" + list.joined() + "</sheets></workbook>"
    }

    private var styles: String {
        let formats = self.formats.map { "<numFmt numFmtId=\"\($0.0)\" formatCode=\"\($0.1.replacingOccurrences(of: "\"", with: "&quot;"))\"/>" }.joined()
        let xfs = cellStyles.map { "<xf numFmtId=\"\($0)\" fontId=\"0\"/>" }.joined()
        return "<?xml version=\"1.0\"?>\n<styleSheet xmlns=\"\(XLSXFixture.main)\"><numFmts>\(formats)</numFmts>"
            + "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs><cellXfs>\(xfs)</cellXfs></styleSheet>"
    }

    private func rels(_ links: [(String, String, String)]) -> String {
        let base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        let items = links.map { "<Relationship Id=\"\($0.0)\" Type=\"\(base)\($0.1)\" Target=\"\($0.2)\"/>" }
        return "<?xml version=\"1.0\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            + items.joined() + "</Relationships>"
    }
}
