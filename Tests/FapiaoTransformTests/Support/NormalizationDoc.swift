import Foundation
import FapiaoTestSupport

/// The example tables of `docs/normalization.md`: one section per normalizer, identified by the id in
/// backticks at the end of its `##` heading.
struct NormalizationDoc {
    /// One table: the section id and its data rows (cells decoded, header and separator dropped).
    struct Section {
        var id: String
        var rows: [[String]]
    }

    let sections: [Section]

    /// Reads and parses the document from the repository.
    static func load() throws -> NormalizationDoc {
        let path = TestSupport.repositoryRoot + "/docs/normalization.md"
        return NormalizationDoc(text: try String(contentsOfFile: path, encoding: .utf8))
    }

    init(text: String) {
        var sections: [Section] = []
        var inTable = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                let parts = line.split(separator: "`")
                sections.append(Section(id: parts.count >= 2 ? String(parts[parts.count - 2]) : "", rows: []))
                inTable = false
            } else if line.hasPrefix("|"), !sections.isEmpty {
                if !inTable { inTable = true; continue }  // header row
                if line.hasPrefix("|---") || line.hasPrefix("| ---") { continue }
                sections[sections.count - 1].rows.append(NormalizationDoc.cells(of: String(line)))
            } else {
                inTable = false
            }
        }
        self.sections = sections
    }

    /// Splits a table row on unescaped pipes and decodes each cell.
    static func cells(of line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in line.dropFirst() {
            if escaped { current.append(character == "|" ? "|" : "\\\(character)"); escaped = false; continue }
            if character == "\\" { escaped = true; continue }
            if character == "|" { cells.append(decode(current)); current = ""; continue }
            current.append(character)
        }
        return cells
    }

    /// `(empty)` → "", `` `x` `` → x with escapes decoded, anything else trimmed.
    static func decode(_ cell: String) -> String {
        let trimmed = cell.trimmingCharacters(in: .whitespaces)
        if trimmed == "(empty)" { return "" }
        guard trimmed.count >= 2, trimmed.hasPrefix("`"), trimmed.hasSuffix("`") else { return trimmed }
        return unescape(String(trimmed.dropFirst().dropLast()))
    }

    /// Decodes `\u{XXXX}`, `\t`, `\r`, `\n`.
    static func unescape(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let slash = rest.firstIndex(of: "\\") {
            out += rest[..<slash]
            let after = rest[rest.index(after: slash)...]
            if after.hasPrefix("u{"), let close = after.firstIndex(of: "}"),
               let value = UInt32(after[after.index(after.startIndex, offsetBy: 2)..<close], radix: 16),
               let scalar = Unicode.Scalar(value) {
                out.unicodeScalars.append(scalar)
                rest = after[after.index(after: close)...]
            } else if let first = after.first, let mapped = ["t": "\t", "r": "\r", "n": "\n"][first] {
                out += mapped
                rest = after.dropFirst()
            } else {
                out += "\\"
                rest = after
            }
        }
        return out + rest
    }
}
