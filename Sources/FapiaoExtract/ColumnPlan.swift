import Foundation
import FapiaoCore

/// Where each extracted field of a source is found in one CSV file's records.
struct ColumnPlan: Equatable {
    /// The fields written, in canonical order (`SourceSpec.extractedFields`).
    let fields: [CanonicalField]
    /// Per field, its 0-based column, or nil when the field is only a constant.
    let columns: [Int?]
    /// The number of fields every record must have.
    let columnCount: Int

    /// Resolves the mapping against a header (or, with `header == nil`, against `columnCount` unnamed
    /// columns); throws a `FileFailure` naming every missing or ambiguous column and the columns found.
    static func resolve(source: SourceSpec, header: [String]?, columnCount: Int) throws -> ColumnPlan {
        let folded = header?.map(HeaderName.fold)
        var columns: [Int?] = []
        var problems: [String] = []
        for field in source.extractedFields {
            switch source.columns[field] {
            case nil:
                columns.append(nil)
            case .index(let position):
                if position >= 1 && position <= columnCount { columns.append(position - 1); continue }
                columns.append(nil)
                problems.append("\(field.rawValue) (column \(position); the file has \(columnCount))")
            case .names(let names):
                columns.append(nil)
                guard let folded else {
                    problems.append("\(field.rawValue) (mapped by name, but csv.header_row is 0)")
                    continue
                }
                switch match(names, in: folded) {
                case .found(let index): columns[columns.count - 1] = index
                case .missing: problems.append("\(field.rawValue) (\(names.joined(separator: " or ")))")
                case .duplicated(let name, let at):
                    let places = at.map { String($0 + 1) }.joined(separator: " and ")
                    problems.append("\(field.rawValue) (header \"\(name)\" appears in columns \(places))")
                }
            }
        }
        guard problems.isEmpty else { throw failure(problems, header: header) }
        return ColumnPlan(fields: source.extractedFields, columns: columns, columnCount: columnCount)
    }

    private enum Match { case found(Int), missing, duplicated(String, [Int]) }

    /// The first alternative present in the header; one present twice is ambiguous.
    private static func match(_ names: [String], in header: [String]) -> Match {
        for name in names {
            let key = HeaderName.fold(name)
            let places = header.indices.filter { header[$0] == key }
            if places.count == 1 { return .found(places[0]) }
            if places.count > 1 { return .duplicated(name, places) }
        }
        return .missing
    }

    private static func failure(_ problems: [String], header: [String]?) -> FileFailure {
        let found = header.map { $0.map { "\"\($0)\"" }.joined(separator: ", ") } ?? "(no header)"
        let undecoded = header?.contains { $0.contains("\\x") } == true
        let hint = undecoded ? "; the header does not decode in the encoding used: check the source's encoding" : ""
        return FileFailure(
            code: "csv.columns",
            zh: "表头与列映射不符：缺失或重复的列 " + problems.joined(separator: "；") + "；文件中的列：" + found,
            en: "the header does not fit the columns mapping: missing or duplicated "
                + problems.joined(separator: "; ") + "; columns found: " + found + hint,
            action: FileFailure.fixMapping)
    }
}

/// Header names as they are compared: trimmed, NFKC-folded, ASCII letters in lower case.
enum HeaderName {
    /// The comparison form of a header name or of a mapped name.
    static func fold(_ name: String) -> String {
        let trimmed = name.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(["\u{FEFF}"]))
        let folded = trimmed.precomposedStringWithCompatibilityMapping
        return String(String.UnicodeScalarView(folded.unicodeScalars.map { scalar in
            (0x41...0x5A).contains(scalar.value) ? Unicode.Scalar(UInt8(scalar.value + 32)) : scalar
        }))
    }

    /// A header cell as text: mojibake repaired, a BOM read as GBK (`锘`) removed, undecodable bytes as `\xNN`.
    static func text(_ cell: UnsafeBufferPointer<UInt8>, inspector: FieldInspector) -> String {
        var bytes = Array(cell)
        if let stripped = stripBOMReadAsGBK(bytes) { bytes = stripped }
        return bytes.withUnsafeBufferPointer { buffer in
            switch inspector.inspect(buffer) {
            case .repaired(let text, _, _): return String(decoding: text, as: UTF8.self)
            default: return display(buffer)
            }
        }
    }

    /// Text runs as they are, undecodable bytes as `\xNN`.
    static func display(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        UndecodableMarker.segments(bytes).map { segment in
            segment.raw ? segment.bytes.map { "\\x" + hex([$0]) }.joined() : String(decoding: segment.bytes, as: UTF8.self)
        }.joined()
    }

    /// A UTF-8 BOM read as GBK turns the start of a header into `锘?`, or `锘` plus a character that swallowed
    /// the next byte; taking the cell back to GB18030 bytes and dropping EF BB BF recovers it.
    static func stripBOMReadAsGBK(_ cell: [UInt8]) -> [UInt8]? {
        let signature: [UInt8] = [0xE9, 0x94, 0x98]  // 锘
        guard cell.starts(with: signature) else { return nil }
        if cell.starts(with: signature + [0x3F]) { return Array(cell.dropFirst(4)) }
        guard let encoded = cell.withUnsafeBufferPointer(GB18030Table.encode), encoded.starts(with: [0xEF, 0xBB, 0xBF])
        else { return Array(cell.dropFirst(3)) }
        let rest = Array(encoded.dropFirst(3))
        let valid = rest.withUnsafeBufferPointer { buffer in
            String(validating: buffer, as: UTF8.self) != nil
        }
        return valid ? rest : Array(cell.dropFirst(3))
    }
}
