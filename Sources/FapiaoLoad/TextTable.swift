/// The parts of summary.json the terminal summary reads (keys decoded from snake_case).
struct SummaryFile: Decodable {
    /// One of `top_items`.
    struct Item: Decodable {
        var type: String
        var severity: String
        var branch: String
        var source: String
        var invoiceKey: String
        var file: String
        var line: Int
        var moneyAtStakeFen: Int64
        var messageZh: String
    }

    var date: String
    var pipeline: String?
    var counts: [String: Int]
    var countsBySeverity: [String: Int]?
    var countsByBranch: [String: [String: Int]]?
    var moneyAtStakeFen: [String: Int64]?
    var moneyAtStakeFenByBranch: [String: Int64]?
    var new: Int?
    var resolved: [String: Int]?
    var canonicalRows: Int
    var topItems: [Item]?
}

/// A plain-text table for terminals, aligned by display width (CJK characters take two columns).
enum TextTable {
    /// The header, a rule, and the rows; columns in `rightAligned` are aligned right.
    static func render(header: [String], rightAligned: Set<Int>, rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { displayWidth($0.indices.contains(column) ? $0[column] : "") }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            let padded = widths.indices.map { column -> String in
                let text = cells.indices.contains(column) ? cells[column] : ""
                let fill = String(repeating: " ", count: widths[column] - displayWidth(text))
                return rightAligned.contains(column) ? fill + text : text + fill
            }
            return "  " + padded.joined(separator: "  ").trimmingTrailingSpaces
        }
        let rule = "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return [line(header), rule] + rows.map(line)
    }

    /// Terminal columns a text takes: 2 for East Asian wide and full-width characters, 1 otherwise.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in width + (isWide(scalar) ? 2 : 1) }
    }

    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

extension String {
    /// The text without trailing spaces.
    var trimmingTrailingSpaces: String {
        var text = self
        while text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
