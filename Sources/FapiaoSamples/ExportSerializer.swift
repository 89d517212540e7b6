import Foundation
import FapiaoCore

/// Encodes text for a file: UTF-8, or GB18030 through Foundation with a cache for repeated strings.
struct TextEncoder {
    /// Foundation's GB18030 encoding on this toolchain.
    static let gb18030 = String.Encoding(rawValue: 0x8000_0632)
    let usesGB18030: Bool
    private var cache: [String: [UInt8]] = [:]

    init(usesGB18030: Bool) { self.usesGB18030 = usesGB18030 }

    /// The bytes of `text` in the file's encoding.
    mutating func bytes(_ text: String) throws -> [UInt8] {
        guard usesGB18030, !text.utf8.allSatisfy({ $0 < 0x80 }) else { return Array(text.utf8) }
        if let cached = cache[text] { return cached }
        guard let data = text.data(using: TextEncoder.gb18030) else {
            throw FapiaoError(code: "samples.encoding", message: "cannot encode \(text) as GB18030")
        }
        let encoded = [UInt8](data)
        if cache.count < 4096 { cache[text] = encoded }
        return encoded
    }
}

/// Writes one dialect's export rows as bytes: CSV (RFC 4180 quoting) or pinyin-tag XML.
struct ExportSerializer {
    let dialect: ExportDialect
    private let columns: [ExportColumn]
    private let delimiter: UInt8
    private let lineEnd: [UInt8]
    private var encoder: TextEncoder

    init(dialect: ExportDialect) {
        self.dialect = dialect
        columns = dialect.columns
        delimiter = dialect.delimiter.utf8.first ?? UInt8(ascii: ",")
        lineEnd = dialect == .erpGB ? [0x0D, 0x0A] : [0x0A]  // the Windows ERP writes CRLF
        encoder = TextEncoder(usesGB18030: dialect.isGB18030)
    }

    /// The start of a file: BOM and header line, or the XML prolog and root element.
    mutating func header(batch: String) throws -> [UInt8] {
        if dialect.isXML {
            return Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FPXX>\n  <PCH>\(batch)</PCH>\n".utf8)
        }
        var out: [UInt8] = dialect == .posV3 ? [0xEF, 0xBB, 0xBF] : []
        for (index, column) in columns.enumerated() {
            if index > 0 { out.append(delimiter) }
            out += try encoder.bytes(column.header)
        }
        return out + lineEnd
    }

    /// The end of a file (the XML root's end tag).
    func footer() -> [UInt8] { dialect.isXML ? Array("</FPXX>\n".utf8) : [] }

    /// Appends one row.
    mutating func append(_ row: RowText, to out: inout [UInt8]) throws {
        if dialect.isXML { appendXML(row, to: &out) } else { try appendCSV(row, to: &out) }
    }

    private mutating func appendCSV(_ row: RowText, to out: inout [UInt8]) throws {
        for (index, column) in columns.prefix(row.keptColumns ?? columns.count).enumerated() {
            if index > 0 { out.append(delimiter) }
            let bytes: [UInt8]
            if column.slot == .buyerName, let raw = row.rawBuyerName { bytes = raw } else { bytes = try encoder.bytes(row[column.slot]) }
            ExportSerializer.appendField(bytes, delimiter: delimiter, to: &out)
        }
        out += lineEnd
    }

    /// Appends one field, quoted (RFC 4180) when it holds the delimiter, a quote or a line break.
    private static func appendField(_ bytes: [UInt8], delimiter: UInt8, to out: inout [UInt8]) {
        guard bytes.contains(where: { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            out += bytes
            return
        }
        out.append(0x22)
        for byte in bytes {
            if byte == 0x22 { out.append(0x22) }
            out.append(byte)
        }
        out.append(0x22)
    }

    private func appendXML(_ row: RowText, to out: inout [UInt8]) {
        out += Array("  <FP>\n".utf8)
        var group = ""
        for column in columns {
            let parts = column.header.split(separator: "/").map(String.init)
            let parent = parts.count > 1 ? parts[0] : ""
            if parent != group {
                if !group.isEmpty { out += Array("    </\(group)>\n".utf8) }
                if !parent.isEmpty { out += Array("    <\(parent)>\n".utf8) }
                group = parent
            }
            let tag = parts.last ?? column.header
            let indent = parent.isEmpty ? "    " : "      "
            let text = row.unescaped ? row[column.slot] : ExportSerializer.escaped(row[column.slot])
            out += Array("\(indent)<\(tag)>\(text)</\(tag)>\n".utf8)
        }
        if !group.isEmpty { out += Array("    </\(group)>\n".utf8) }
        out += Array("  </FP>\n".utf8)
    }

    /// Text with `&`, `<` and `>` escaped for XML content.
    static func escaped(_ text: String) -> String {
        guard text.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" }) else { return text }
        var out = ""
        for char in text {
            switch char {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(char)
            }
        }
        return out
    }
}
