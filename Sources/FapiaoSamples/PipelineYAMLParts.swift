/// The pieces of the pipeline file that describe how one dialect is read.
extension PipelineYAML {
    /// A one-line description of a dialect, for its comment.
    static func summary(_ dialect: ExportDialect) -> String {
        switch dialect {
        case .posV3: return "the stores' POS v3: UTF-8 CSV with a BOM, Chinese headers"
        case .pinyinXML: return "the legacy invoicing interface: gzipped XML, pinyin tags"
        case .erpGB: return "the back-office ERP: GB18030, `;`, 2025年4月17日, ¥1,234.50"
        case .cloudPOS: return "the cloud POS: gzipped UTF-8 CSV, two files a night"
        }
    }

    /// `format`, `encoding` and the `csv` or `xml` options.
    static func format(_ dialect: ExportDialect, indent: String, explained: Bool) -> [String] {
        var lines = [
            explained ? "\(indent)format: \(dialect.isXML ? "xml" : "csv")".padded(34) + "# csv | xml | xlsx | einvoice-xml"
                : "\(indent)format: \(dialect.isXML ? "xml" : "csv")",
            explained ? "\(indent)encoding: \(dialect.isGB18030 ? "gb18030" : "utf-8")".padded(34)
                + "# auto (BOM, strict UTF-8, then GB18030) | utf-8 | gb18030 | gbk | utf-16"
                : "\(indent)encoding: \(dialect.isGB18030 ? "gb18030" : "utf-8")",
        ]
        if dialect.isXML {
            lines.append("\(indent)xml: { root: FPXX, record: FP }".padded(34) + "# elements matched by local name")
        } else {
            let options = "\(indent)csv: { delimiter: \"\(dialect.delimiter)\", quote: \"\\\"\", header_row: 1, skip_rows: 0 }"
            lines.append(explained ? options + "   # rows are 1-based" : options)
        }
        return lines
    }

    /// The `columns:` map: canonical field → header name, alternatives, or an XML path.
    static func columns(_ columns: [ExportColumn], indent: String, explained: Bool) -> [String] {
        var lines = [explained
            ? "\(indent)columns:".padded(34) + "# canonical field: a header name, a list of alternatives, or {index: N} (1-based)"
            : "\(indent)columns:"]
        for column in columns {
            var line = "\(indent)  \(column.slot.field.rawValue): "
            var notes: [String] = []
            if column.alternatives.isEmpty {
                line += column.header
            } else {
                line += "[" + ([column.header] + column.alternatives).joined(separator: ", ") + "]"
                notes.append("alternatives, tried in order")
            }
            if column.header.contains("/") { notes.append("a path below the record element (attributes: @name)") }
            if column.slot == .number && explained { notes.append("a 20-digit number here is the digital number") }
            lines.append(notes.isEmpty ? line : line.padded(34) + "# " + notes.joined(separator: "; "))
        }
        return lines
    }

    /// `date_formats` and `status_map`.
    static func readingRules(_ dialect: ExportDialect, indent: String, explained: Bool) -> [String] {
        let formats = "\(indent)date_formats: [" + dialect.dateFormats.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        let statuses = dialect.statusTexts.map { "\(yamlKey($0.text)): \($0.status.rawValue)" }.joined(separator: ", ")
        let map = "\(indent)status_map: { \(statuses) }"
        guard explained else { return [formats, map] }
        return [
            formats.padded(34) + "# Unicode (ICU) patterns, tried before the built-in notations; a trailing time is ignored",
            map.padded(34) + "# the export's status text → canonical status, tried before the built-in vocabulary",
        ]
    }

    /// A flow list under `key`, wrapped every eight names.
    static func flowList(_ names: [String], key: String, indent: String) -> [String] {
        var rows: [String] = []
        var start = 0
        while start < names.count {
            rows.append(names[start..<min(start + 8, names.count)].joined(separator: ", "))
            start += 8
        }
        guard rows.count > 1 else { return ["\(indent)\(key): [\(rows.first ?? "")]"] }
        var lines = ["\(indent)\(key): ["]
        for (index, row) in rows.enumerated() {
            lines.append("\(indent)  \(row)\(index == rows.count - 1 ? "" : ",")")
        }
        lines.append("\(indent)]")
        return lines
    }

    /// A mapping key, quoted when YAML would read it as something other than a string.
    static func yamlKey(_ text: String) -> String {
        text.allSatisfy(\.isASCIIDigit) ? "\"\(text)\"" : text
    }
}
