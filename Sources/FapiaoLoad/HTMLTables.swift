import Foundation
import FapiaoCore

/// The report's tables: per branch, per discrepancy type, and resolved tonight.
enum HTMLTables {
    private static let esc = HTMLReport.esc

    /// Branch groups in pipeline order, then any other group (an authority source's unattributed rows), sorted.
    static func branchGroups(_ summary: NightSummary) -> [String] {
        var found = Set<String>()
        for list in [summary.open, summary.resolved] {
            list.withUnsafeBufferPointer { list in
                for index in list.indices { found.insert(NightSummary.group(of: list[index].row)) }
            }
        }
        return summary.branches + found.subtracting(summary.branches).sorted()
    }

    /// The per-branch table.
    static func branchSection(_ summary: NightSummary) -> String {
        let groups = branchGroups(summary)
        let types = DiscrepancyType.allCases.filter { (summary.counts[$0] ?? 0) > 0 }
        var html = "<section id=\"branches\">\n<h2>各门店情况 <span class=\"en\">By branch</span></h2>\n"
        html += "<div class=\"scroll\"><table class=\"sortable branches\">\n<thead><tr>"
        html += th("门店", "Branch") + th("记录数", "Records", num: true) + th("未解决", "Open", num: true)
        html += th("新增", "New", num: true) + th("高", "High", num: true) + th("中", "Medium", num: true)
        html += th("提示", "Info", num: true)
        for type in types { html += th(type.chineseName, type.rawValue, num: true, breakable: true) }
        html += th("涉及金额", "Money", num: true) + th("已解决", "Resolved", num: true) + "</tr></thead>\n<tbody>\n"
        let (byGroup, total) = GroupTally.tally(summary)
        for group in groups {
            let records = summary.branches.contains(group) ? summary.recordsBySource[group] : nil
            html += branchRow(group, byGroup[group] ?? GroupTally(), records: records, types: types)
        }
        html += "</tbody>\n<tfoot>"
        let records = summary.branches.compactMap { summary.recordsBySource[$0] }.reduce(0, +)
        html += branchRow("合计 Total", total, records: records, types: types)
        return html + "</tfoot>\n</table></div>\n</section>\n"
    }

    private static func branchRow(_ name: String, _ tally: GroupTally, records: Int?, types: [DiscrepancyType]) -> String {
        var cells = "<td>\(esc(name))</td>" + numberCell(records.map(Int64.init), text: records.map(String.init) ?? "—")
        cells += numberCell(Int64(tally.open)) + numberCell(Int64(tally.new))
        for (rank, severity) in Severity.allCases.enumerated() { cells += numberCell(Int64(tally.bySeverity[rank]), tone: severity) }
        for type in types { cells += numberCell(Int64(tally.byType[GroupTally.typeIndex(type)])) }
        cells += numberCell(tally.money, text: tally.money > 0 ? Labels.yuan(tally.money) : "") + numberCell(Int64(tally.resolved))
        return "<tr>\(cells)</tr>\n"
    }

    /// One discrepancy type's section: what it means, what to do, and its rows.
    /// `rows` are the section's first rows (at most `HTMLReport.maxRowsPerSection`), `total` its number of rows.
    static func typeSection(_ type: DiscrepancyType, rows: [Finding], total: Int, money: Int64) -> String {
        let guide = TypeGuide.of(type)
        var html = "<section id=\"\(type.rawValue)\" class=\"type-section\(total == 0 ? " empty" : "")\">\n"
        html += "<h2>\(esc(type.chineseName)) <span class=\"en\">\(type.rawValue)</span> <span class=\"count\">\(total)</span>"
        html += money > 0 ? " <span class=\"money\">\(esc(Labels.yuan(money)))</span>" : ""
        html += "</h2>\n<p class=\"guide\">\(esc(guide.meaningZh)) <span class=\"en\">\(esc(guide.meaningEn))</span><br>"
        html += "处理 <span class=\"en\">To do</span>：\(esc(guide.actionZh))</p>\n"
        guard total > 0 else { return html + "<p class=\"none\">今晚无此类差异 <span class=\"en\">None tonight</span></p>\n</section>\n" }
        return html + rowTable(rows, total: total) + "</section>\n"
    }

    /// The rows resolved tonight.
    static func resolvedSection(_ rows: [Finding]) -> String {
        var html = "<section id=\"resolved\" class=\"type-section\(rows.isEmpty ? " empty" : "")\">\n"
        html += "<h2>今晚已解决 <span class=\"en\">Resolved tonight</span> <span class=\"count\">\(rows.count)</span></h2>\n"
        html += "<p class=\"guide\">上一晚仍未解决、今晚不再出现的差异。<span class=\"en\">Open on the previous night, gone tonight.</span></p>\n"
        guard !rows.isEmpty else { return html + "<p class=\"none\">无 <span class=\"en\">None</span></p>\n</section>\n" }
        return html + rowTable(rows, total: rows.count) + "</section>\n"
    }

    /// A filterable, sortable table of discrepancy rows (at most `HTMLReport.maxRowsPerSection`).
    /// `total` is the number of rows of which `rows` are the first.
    static func rowTable(_ rows: [Finding], total: Int) -> String {
        let shown = Array(rows.prefix(HTMLReport.maxRowsPerSection))
        let columns = HTMLColumn.all.filter { column in !column.optional || shown.contains { !column.isEmpty($0) } }
        var html = "<div class=\"tools\"><input class=\"filter\" type=\"search\" placeholder=\"筛选 Filter：发票号、门店、文件…\">"
        html += " 显示 <span class=\"en\">showing</span> <span class=\"shown\">\(shown.count)</span> / \(total)"
        if total > shown.count {
            html += " <span class=\"cap\">（仅列前 \(shown.count) 条，完整列表见 discrepancies.csv）</span>"
        }
        html += "</div>\n<div class=\"scroll\"><table class=\"rows sortable\">\n<thead><tr>"
        html += columns.map { th($0.zh, $0.en, num: $0.numeric) }.joined() + "</tr></thead>\n<tbody>\n"
        for finding in shown {
            html += "<tr data-branch=\"\(esc(NightSummary.group(of: finding)))\" data-status=\"\(finding.row.status.rawValue)\">"
            html += columns.map { $0.cell(finding) }.joined() + "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    /// A header cell; numeric columns sort by number.
    /// `breakable` lets a long raw name wrap after its underscores (`missing_in_authority`).
    static func th(_ zh: String, _ en: String, num: Bool = false, breakable: Bool = false) -> String {
        let english = breakable ? esc(en).replacingOccurrences(of: "_", with: "_<wbr>") : esc(en)
        return "<th\(num ? " data-type=\"num\"" : "")>\(esc(zh))<span class=\"en\">\(english)</span></th>"
    }

    private static func numberCell(_ value: Int64?, text: String? = nil, tone: Severity? = nil) -> String {
        let shown = text ?? value.map(String.init) ?? ""
        let toneClass = tone.map { value ?? 0 > 0 ? " sev-\($0.rawValue)" : "" } ?? ""
        return "<td class=\"num\(toneClass)\" data-v=\"\(value ?? -1)\">\(esc(shown))</td>"
    }
}

/// One row of the per-branch table: counts of a group's open rows (by status, severity, type), their money,
/// and its resolved rows; gathered in one pass over the findings, without copying them.
struct GroupTally {
    var open = 0
    var new = 0
    var bySeverity = [Int](repeating: 0, count: Severity.allCases.count)
    var byType = [Int](repeating: 0, count: DiscrepancyType.allCases.count)
    var money: Int64 = 0
    var resolved = 0

    /// The position of `type` in `DiscrepancyType.allCases`.
    static func typeIndex(_ type: DiscrepancyType) -> Int { DiscrepancyType.allCases.firstIndex(of: type) ?? 0 }

    private mutating func add(_ finding: Finding) {
        open += 1
        if finding.row.status == .new { new += 1 }
        bySeverity[Severity.allCases.firstIndex(of: finding.row.severity) ?? 0] += 1
        byType[GroupTally.typeIndex(finding.row.type)] += 1
        money += finding.stakeFen
    }

    /// Tallies per group (`NightSummary.group(of:)`) and over all groups.
    static func tally(_ summary: NightSummary) -> (byGroup: [String: GroupTally], total: GroupTally) {
        var byGroup: [String: GroupTally] = [:]
        var total = GroupTally()
        summary.open.withUnsafeBufferPointer { open in
            for index in open.indices {
                byGroup[NightSummary.group(of: open[index].row), default: GroupTally()].add(open[index])
                total.add(open[index])
            }
        }
        summary.resolved.withUnsafeBufferPointer { resolved in
            for index in resolved.indices { byGroup[NightSummary.group(of: resolved[index].row), default: GroupTally()].resolved += 1 }
        }
        total.resolved = summary.resolved.count
        return (byGroup, total)
    }
}
