import Foundation
import FapiaoCore

/// One column of the report's discrepancy tables: its bilingual header and how a row fills its cell.
struct HTMLColumn: Sendable {
    var zh: String
    var en: String
    /// Sorts by number (`data-v`).
    var numeric: Bool
    /// Left out of a table where every row's cell is empty.
    var optional: Bool
    /// Whether the row has nothing to show in this column.
    var isEmpty: @Sendable (Finding) -> Bool
    /// The `<td>`.
    var cell: @Sendable (Finding) -> String

    private static let esc = HTMLReport.esc

    /// The columns in display order.
    static let all: [HTMLColumn] = [
        HTMLColumn(zh: "严重程度·状态", en: "Severity · status", numeric: true, optional: false, isEmpty: { _ in false },
                   cell: badges),
        HTMLColumn(zh: "门店", en: "Branch", numeric: false, optional: false, isEmpty: { _ in false }, cell: branch),
        HTMLColumn(zh: "发票号", en: "Invoice", numeric: false, optional: true, isEmpty: { $0.row.invoiceKey.isEmpty },
                   cell: { "<td class=\"mono\">\(esc($0.row.invoiceKey))</td>" }),
        HTMLColumn(zh: "字段", en: "Field", numeric: false, optional: true, isEmpty: { $0.row.field.isEmpty },
                   cell: field),
        HTMLColumn(zh: "门店值", en: "Branch value", numeric: false, optional: true,
                   isEmpty: { $0.row.field.isEmpty || $0.row.branchValue.isEmpty }, cell: { value($0, $0.row.branchValue) }),
        HTMLColumn(zh: "税务系统值", en: "Authority value", numeric: false, optional: true,
                   isEmpty: { $0.row.field.isEmpty || $0.row.authorityValue.isEmpty }, cell: { value($0, $0.row.authorityValue) }),
        HTMLColumn(zh: "涉及金额", en: "Money", numeric: true, optional: true, isEmpty: { $0.stakeFen == 0 }, cell: money),
        HTMLColumn(zh: "说明", en: "Message", numeric: false, optional: false, isEmpty: { _ in false }, cell: message),
        HTMLColumn(zh: "处理建议", en: "Action", numeric: false, optional: true, isEmpty: { $0.row.action.isEmpty },
                   cell: action),
        HTMLColumn(zh: "文件:行", en: "File:line", numeric: false, optional: false, isEmpty: { _ in false }, cell: location),
        HTMLColumn(zh: "持续天数·首次", en: "Days open · first seen", numeric: true, optional: false, isEmpty: { _ in false }, cell: days),
    ]

    private static func badges(_ finding: Finding) -> String {
        let severity = finding.row.severity, status = finding.row.status
        return "<td class=\"badges\" data-v=\"\(severity.rank)\"><span class=\"badge sev-\(severity.rawValue)\">"
            + "\(Labels.chinese(severity)) <span class=\"en\">\(severity.rawValue)</span></span> "
            + "<span class=\"badge st-\(status.rawValue)\">\(Labels.chinese(status)) <span class=\"en\">\(status.rawValue)</span></span></td>"
    }

    private static func days(_ finding: Finding) -> String {
        let row = finding.row
        return "<td class=\"num\" data-v=\"\(row.daysOpen)\">\(row.daysOpen)<div class=\"en nowrap\">\(esc(row.firstSeen))</div></td>"
    }

    private static func branch(_ finding: Finding) -> String {
        let group = NightSummary.group(of: finding)
        let source = finding.row.source
        let via = source != group && !source.isEmpty ? "<div class=\"en nowrap\">\(esc(source))</div>" : ""
        return "<td>\(esc(group))\(via)</td>"
    }

    private static func field(_ finding: Finding) -> String {
        let raw = finding.row.field
        guard let zh = Labels.chineseField(raw) else { return "<td class=\"field\">\(esc(raw))</td>" }
        return "<td class=\"field\">\(esc(zh))<div class=\"en\">\(esc(raw))</div></td>"
    }

    private static func value(_ finding: Finding, _ text: String) -> String {
        let field = finding.row.field
        if DiscrepancyCSV.isPlainNumber(text) {
            return "<td class=\"num\(text.hasPrefix("-") ? " neg" : "")\" data-v=\"\(esc(text))\">\(esc(text))</td>"
        }
        if field == CanonicalField.status.rawValue, let zh = Labels.chineseInvoiceStatus(text) {
            return "<td>\(esc(zh))<div class=\"en\">\(esc(text))</div></td>"
        }
        return "<td class=\"val\">\(HTMLReport.escShort(text))</td>"
    }

    private static func money(_ finding: Finding) -> String {
        let text = finding.stakeFen > 0 ? Labels.yuan(finding.stakeFen) : ""
        return "<td class=\"num\" data-v=\"\(finding.stakeFen)\">\(esc(text))</td>"
    }

    private static func message(_ finding: Finding) -> String {
        "<td class=\"msg\">\(HTMLReport.escShort(finding.row.messageZh))"
            + "<div class=\"en\">\(HTMLReport.escShort(finding.row.messageEn))</div></td>"
    }

    private static func action(_ finding: Finding) -> String {
        let (chinese, rest) = HTMLText.splitAction(finding.row.action)
        let english = rest.map { "<div class=\"en\">\(esc($0))</div>" } ?? ""
        return "<td class=\"act\">\(esc(chinese))\(english)</td>"
    }

    private static func location(_ finding: Finding) -> String {
        let row = finding.row
        let text = row.line > 0 ? "\(row.file):\(row.line)" : row.file
        return "<td class=\"mono file\">\(HTMLText.breakableSlashes(esc(text)))</td>"
    }
}
