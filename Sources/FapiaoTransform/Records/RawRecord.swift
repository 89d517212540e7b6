import FapiaoCore

/// The columns of an extract record file: `_source,_file,_line`, then canonical fields.
struct RecordLayout: Sendable {
    /// For each canonical field (by `order`), its column, or nil when the source does not map it.
    let columns: [Int?]
    /// The fields the file holds, in column order.
    let fields: [CanonicalField]

    /// Reads a header; throws `transform.extract_header` naming the file when it is not an extract header.
    init(header: [String], path: String) throws {
        guard header.count >= 3, Array(header.prefix(3)) == ProvenanceColumn.names else {
            throw FapiaoError(code: "transform.extract_header", location: InputLocation(source: "", file: path, line: 1),
                              message: "\(path) does not start with _source,_file,_line; re-run extract")
        }
        var columns = [Int?](repeating: nil, count: CanonicalField.allCases.count)
        var fields: [CanonicalField] = []
        for (offset, name) in header.dropFirst(3).enumerated() {
            guard let field = CanonicalField(rawValue: name), columns[field.order] == nil else {
                throw FapiaoError(code: "transform.extract_header", location: InputLocation(source: "", file: path, line: 1),
                                  message: "\(path) has an unknown or repeated column '\(name)'; re-run extract")
            }
            columns[field.order] = offset + 3
            fields.append(field)
        }
        self.columns = columns
        self.fields = fields
    }
}

/// One record of an extract file: where it came from and its raw values, nothing normalized.
struct RawRecord: Sendable {
    /// Source, file and line.
    let location: InputLocation
    private let row: [String]
    private let layout: RecordLayout

    /// Wraps a row; throws `transform.extract_row` when its width or provenance is wrong.
    init(row: [String], rowLine: Int, layout: RecordLayout, path: String) throws {
        guard row.count == layout.fields.count + 3, let line = Int(row[2]) else {
            throw FapiaoError(code: "transform.extract_row", location: InputLocation(source: "", file: path, line: rowLine),
                              message: "\(path):\(rowLine) has \(row.count) columns or a bad _line; re-run extract")
        }
        location = InputLocation(source: row[0], file: row[1], line: line)
        self.row = row
        self.layout = layout
    }

    /// The raw value of a field; empty when the source does not map it.
    subscript(field: CanonicalField) -> String {
        guard let column = layout.columns[field.order] else { return "" }
        return row[column]
    }

    /// True when the source maps the field (a column or a constant).
    func maps(_ field: CanonicalField) -> Bool { layout.columns[field.order] != nil }

    /// The `raw` column of `rejects.csv`: `field=value` pairs joined with ` | `.
    var rejectText: String {
        layout.fields.map { "\($0.rawValue)=\(self[$0])" }.joined(separator: " | ")
    }
}
