import FapiaoCore

/// Reads `_rels/*.rels` parts: relationship id → type and target.
final class XLSXRelationships: XMLEventHandler {
    /// (Id, Type, Target) in document order, external targets left out.
    private(set) var relationships: [(id: String, type: String, target: String)] = []

    func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int, position: XMLPosition) {
        guard name.elementsEqual("Relationship".utf8) else { return }
        var id = "", type = "", target = "", external = false
        attributes.forEach { key, value in
            let text = String(decoding: value, as: UTF8.self)
            if key.elementsEqual("Id".utf8) { id = text }
            if key.elementsEqual("Type".utf8) { type = text }
            if key.elementsEqual("Target".utf8) { target = text }
            if key.elementsEqual("TargetMode".utf8) { external = text == "External" }
        }
        if !external { relationships.append((id, type, target)) }
    }

    func endElement(depth: Int) {}
    func text(_ bytes: UnsafeBufferPointer<UInt8>) {}

    /// The target of the first relationship whose type ends with `/suffix`.
    func target(ofType suffix: String) -> String? { relationships.first { $0.type.hasSuffix("/" + suffix) }?.target }

    /// The target of relationship `id`.
    func target(id: String) -> String? { relationships.first { $0.id == id }?.target }
}

/// Reads `xl/workbook.xml`: the sheets in order (name and relationship id) and the date system.
final class XLSXWorkbookPart: XMLEventHandler {
    /// Sheets in workbook order.
    private(set) var sheets: [(name: String, relationship: String)] = []
    /// True when dates count from 1904-01-01 (`<workbookPr date1904="1"/>`).
    private(set) var date1904 = false

    func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int, position: XMLPosition) {
        if name.elementsEqual("workbookPr".utf8) {
            attributes.forEach { key, value in
                if key.elementsEqual("date1904".utf8) { date1904 = value.elementsEqual("1".utf8) || value.elementsEqual("true".utf8) }
            }
        } else if name.elementsEqual("sheet".utf8) {
            var sheet = (name: "", relationship: "")
            attributes.forEach { key, value in
                if key.elementsEqual("name".utf8) { sheet.name = String(decoding: value, as: UTF8.self) }
                if key.elementsEqual("id".utf8) { sheet.relationship = String(decoding: value, as: UTF8.self) }
            }
            sheets.append(sheet)
        }
    }

    func endElement(depth: Int) {}
    func text(_ bytes: UnsafeBufferPointer<UInt8>) {}
}

/// Reads `xl/styles.xml`: for each cell style of `cellXfs`, whether its number format shows a date.
final class XLSXStylesPart: XMLEventHandler {
    private var customFormats: [Int: String] = [:]
    private var formatIDs: [Int] = []
    private var cellXfsDepth: Int?

    func startElement(_ name: UnsafeBufferPointer<UInt8>, attributes: XMLAttributes, depth: Int, position: XMLPosition) {
        if name.elementsEqual("numFmt".utf8) {
            var id: Int?, code = ""
            attributes.forEach { key, value in
                if key.elementsEqual("numFmtId".utf8) { id = Int(String(decoding: value, as: UTF8.self)) }
                if key.elementsEqual("formatCode".utf8) { code = String(decoding: value, as: UTF8.self) }
            }
            if let id { customFormats[id] = code }
        } else if name.elementsEqual("cellXfs".utf8) {
            cellXfsDepth = depth
        } else if name.elementsEqual("xf".utf8), let parent = cellXfsDepth, depth == parent + 1 {
            var id = 0
            attributes.forEach { key, value in
                if key.elementsEqual("numFmtId".utf8) { id = Int(String(decoding: value, as: UTF8.self)) ?? 0 }
            }
            formatIDs.append(id)
        }
    }

    func endElement(depth: Int) { if depth == cellXfsDepth { cellXfsDepth = nil } }
    func text(_ bytes: UnsafeBufferPointer<UInt8>) {}

    /// The date styles found.
    var dateStyles: ExcelDateStyles {
        ExcelDateStyles(isDate: formatIDs.map { id in
            customFormats[id].map(ExcelDateStyles.isDateFormat) ?? ExcelDateStyles.isBuiltInDate(id)
        })
    }
}

/// Part names inside a workbook: relationship targets resolved against the folder of the part that names them,
/// as text only (`..` and `.` segments folded; a target never becomes a file-system path).
enum XLSXPartName {
    /// `target` as seen from the part `base` (`xl/workbook.xml` + `worksheets/sheet1.xml` → `xl/worksheets/sheet1.xml`;
    /// a target starting with `/` is from the package root).
    static func resolve(_ target: String, from base: String) -> String {
        var segments: [Substring] = target.hasPrefix("/") ? [] : base.split(separator: "/").dropLast()
        for segment in target.split(separator: "/") {
            if segment == "." { continue }
            if segment == ".." { _ = segments.popLast(); continue }
            segments.append(segment)
        }
        return segments.joined(separator: "/")
    }

    /// The relationships part of `part` (`xl/workbook.xml` → `xl/_rels/workbook.xml.rels`).
    static func relationships(of part: String) -> String {
        var segments = part.split(separator: "/").map(String.init)
        let file = segments.popLast() ?? ""
        return (segments + ["_rels", file + ".rels"]).joined(separator: "/")
    }
}
