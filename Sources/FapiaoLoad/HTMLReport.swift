import FapiaoCore

/// report.html: one self-contained page (inline CSS, JS and SVG; no external assets, works offline), Chinese
/// first with English beside it. Summary cards, a chart of open discrepancies over the last nights, a per-branch
/// table, a section per discrepancy type with sorting and filtering, and the rows resolved tonight. Every row
/// shows its file and line; every piece of data is HTML-escaped.
enum HTMLReport {
    /// The most rows a section lists; the rest are in discrepancies.csv.
    static let maxRowsPerSection = 1000

    /// The page.
    static func render(_ summary: NightSummary) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>发票对账报告 \(esc(summary.pipeline)) \(esc(summary.date))</title>
            <style>\(HTMLAssets.css)</style>
            </head>
            <body>

            """
        html += header(summary)
        html += filterBar(summary)
        html += "<main>\n"
        html += overview(summary)
        html += HTMLChart.section(summary.history)
        html += HTMLTables.branchSection(summary)
        let (shownByType, countByType) = firstRowsByType(summary.open)
        for type in DiscrepancyType.allCases {
            html += HTMLTables.typeSection(type, rows: shownByType[type] ?? [], total: countByType[type] ?? 0,
                                           money: summary.moneyByType[type] ?? 0)
        }
        html += HTMLTables.resolvedSection(summary.resolved)
        html += "</main>\n"
        html += """
            <footer>完整明细见同目录的 discrepancies.csv（可用 Excel 打开），待重新上传的发票见 repair-batch.csv。
            <span class="en">Full list in discrepancies.csv; invoices to re-upload in repair-batch.csv.</span></footer>
            <script>\(HTMLAssets.script)</script>
            </body>
            </html>

            """
        return html
    }

    /// Per type, its first `maxRowsPerSection` rows (in the given order) and its number of rows: what a type
    /// section shows, without copying every open finding into per-type arrays.
    static func firstRowsByType(_ rows: [Finding]) -> (shown: [DiscrepancyType: [Finding]], count: [DiscrepancyType: Int]) {
        var shown: [DiscrepancyType: [Finding]] = [:], count: [DiscrepancyType: Int] = [:]
        rows.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for index in buffer.indices {
                let type = (base + index).pointee.row.type
                let seen = count[type, default: 0]
                count[type] = seen + 1
                if seen < maxRowsPerSection { shown[type, default: []].append(buffer[index]) }
            }
        }
        return (shown, count)
    }

    private static func header(_ summary: NightSummary) -> String {
        """
        <header>
        <h1>发票对账报告 <span class="en">Invoice reconciliation report</span></h1>
        <p class="meta">业务日期 <span class="en">Business date</span> <b>\(esc(summary.date))</b>
        · 流水线 <span class="en">Pipeline</span> <b>\(esc(summary.pipeline))</b></p>
        </header>

        """
    }

    private static func filterBar(_ summary: NightSummary) -> String {
        let groups = HTMLTables.branchGroups(summary)
        var html = "<nav class=\"filters\">\n<label>门店 <span class=\"en\">Branch</span> <select id=\"f-branch\">"
        html += "<option value=\"\">全部 All</option>"
        for group in groups { html += "<option value=\"\(esc(group))\">\(esc(group))</option>" }
        html += "</select></label>\n<label>状态 <span class=\"en\">Status</span> <select id=\"f-status\">"
        html += "<option value=\"\">全部 All</option><option value=\"new\">新增 new</option><option value=\"open\">持续 open</option>"
        html += "</select></label>\n<span class=\"jump\">跳转 <span class=\"en\">Jump to</span>："
        html += "<a href=\"#branches\">门店</a>"
        for type in DiscrepancyType.allCases where (summary.counts[type] ?? 0) > 0 {
            html += " <a href=\"#\(type.rawValue)\">\(esc(type.chineseName))</a>"
        }
        html += " <a href=\"#resolved\">已解决</a></span>\n</nav>\n"
        return html
    }

    private static func overview(_ summary: NightSummary) -> String {
        let severity = summary.countsBySeverity
        let money = summary.moneyByType.values.reduce(0, +)
        var html = "<section id=\"overview\">\n<div class=\"cards\">\n"
        html += card("未解决差异", "Open discrepancies", String(summary.open.count), note: "新增 \(summary.newCount) new", tone: "")
        html += card("高严重度", "High severity", String(severity[.high] ?? 0),
                     note: "中 \(severity[.medium] ?? 0) medium · 提示 \(severity[.info] ?? 0) info", tone: "high")
        html += card("涉及金额", "Money at stake", Labels.yuan(money), note: "价税合计 incl. tax", tone: "")
        html += card("今晚已解决", "Resolved tonight", String(summary.resolved.count), note: "", tone: "ok")
        html += card("规范发票", "Canonical invoices", String(summary.stages.canonicalRows),
                     note: "门店 \(summary.stages.branchInvoices) · 仅税务 \(summary.stages.authorityOnly)", tone: "")
        html += "</div>\n<div class=\"types\">\n"
        for type in DiscrepancyType.allCases {
            let count = summary.counts[type] ?? 0
            let stake = summary.moneyByType[type] ?? 0
            html += "<a class=\"type\(count == 0 ? " zero" : "")\" href=\"#\(type.rawValue)\"><b>\(count)</b>"
            html += "<span>\(esc(type.chineseName))</span><span class=\"en\">\(type.rawValue)</span>"
            html += stake > 0 ? "<span class=\"money\">\(esc(Labels.yuan(stake)))</span>" : ""
            html += "</a>\n"
        }
        return html + "</div>\n</section>\n"
    }

    private static func card(_ zh: String, _ en: String, _ value: String, note: String, tone: String) -> String {
        "<div class=\"card \(tone)\"><div class=\"label\">\(esc(zh)) <span class=\"en\">\(esc(en))</span></div>"
            + "<div class=\"value\">\(esc(value))</div><div class=\"note\">\(esc(note))</div></div>\n"
    }

    /// The most characters of one value a table cell shows (the full value is in discrepancies.csv).
    static let maxCellCharacters = 300

    /// A value cut to `maxCellCharacters`, ending in `…`, then escaped.
    static func escShort(_ text: String) -> String {
        guard text.utf8.count > maxCellCharacters else { return esc(text) }  // never more characters than bytes
        return esc(text.count > maxCellCharacters ? String(text.prefix(maxCellCharacters)) + "…" : text)
    }

    /// Whether a byte is one `esc` replaces: `&`, `<`, `>`, `"`, `'`.
    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == 0x26 || byte == 0x3C || byte == 0x3E || byte == 0x22 || byte == 0x27
    }

    /// HTML-escapes text for element content and quoted attribute values.
    ///
    /// Works on bytes; a character to replace that touches a non-ASCII byte (which could join it into a
    /// larger grapheme cluster, left alone by the per-character rule) takes the per-character path.
    static func esc(_ text: String) -> String {
        guard text.utf8.contains(where: HTMLReport.isSpecial) else { return text }
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count + 32)
        var previous: UInt8 = 0
        var pending: UInt8? = nil
        for byte in text.utf8 {
            if let special = pending {
                guard byte < 0x80 else { return escCharacters(text) }
                bytes.append(contentsOf: entity(special)); pending = nil
            }
            if isSpecial(byte) {
                guard previous < 0x80 else { return escCharacters(text) }
                pending = byte
            } else {
                bytes.append(byte)
            }
            previous = byte
        }
        if let special = pending { bytes.append(contentsOf: entity(special)) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func entity(_ byte: UInt8) -> [UInt8] {
        switch byte {
        case 0x26: return Array("&amp;".utf8)
        case 0x3C: return Array("&lt;".utf8)
        case 0x3E: return Array("&gt;".utf8)
        case 0x22: return Array("&quot;".utf8)
        default: return Array("&#39;".utf8)
        }
    }

    /// The per-character rule: a character that is exactly `&`, `<`, `>`, `"` or `'` is replaced.
    static func escCharacters(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
