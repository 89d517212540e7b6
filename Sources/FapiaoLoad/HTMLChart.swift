/// The report's trend chart: open discrepancies per night, stacked by severity, as inline SVG (no script needed).
enum HTMLChart {
    private static let width = 960, height = 240
    private static let left = 48, right = 16, top = 16, bottom = 40

    /// The chart section for the nights given (earlier nights in the window, then tonight).
    static func section(_ nights: [NightCounts]) -> String {
        var html = "<section id=\"trend\">\n<h2>未解决差异趋势 <span class=\"en\">Open discrepancies by night</span></h2>\n"
        html += "<p class=\"legend\"><i class=\"sw sev-high\"></i>高 high <i class=\"sw sev-medium\"></i>中 medium "
        html += "<i class=\"sw sev-info\"></i>提示 info · 最近 \(nights.count) 晚 <span class=\"en\">last \(nights.count) nights</span></p>\n"
        return html + svg(nights) + "</section>\n"
    }

    /// The SVG: one stacked bar per night, a y axis with four grid lines, dates under the bars.
    static func svg(_ nights: [NightCounts]) -> String {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let maximum = niceCeiling(nights.map(\.total).max() ?? 0)
        let slot = nights.isEmpty ? plotWidth : plotWidth / nights.count
        let barWidth = max(4, min(48, slot * 2 / 3))
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"open discrepancies by night\">\n"
        for step in 0...4 {
            let value = maximum * step / 4
            let y = top + plotHeight - plotHeight * step / 4
            svg += "<line class=\"grid\" x1=\"\(left)\" x2=\"\(width - right)\" y1=\"\(y)\" y2=\"\(y)\"/>"
            svg += "<text class=\"axis\" x=\"\(left - 6)\" y=\"\(y + 4)\" text-anchor=\"end\">\(value)</text>\n"
        }
        let labelEvery = max(1, (nights.count + 14) / 15)
        for (index, night) in nights.enumerated() {
            let x = left + slot * index + (slot - barWidth) / 2
            var base = top + plotHeight
            svg += "<g><title>\(HTMLReport.esc(night.night))：\(night.total)（高 \(night.high) · 中 \(night.medium) · 提示 \(night.info)）</title>"
            for (value, tone) in [(night.high, "high"), (night.medium, "medium"), (night.info, "info")] where value > 0 {
                let barHeight = max(1, plotHeight * value / max(maximum, 1))
                base -= barHeight
                svg += "<rect class=\"sev-\(tone)\" x=\"\(x)\" y=\"\(base)\" width=\"\(barWidth)\" height=\"\(barHeight)\"/>"
            }
            svg += "</g>"
            if index % labelEvery == 0 || index == nights.count - 1 {
                let label = HTMLReport.esc(String(night.night.suffix(5)))
                let isTonight = index == nights.count - 1
                svg += "<text class=\"axis\(isTonight ? " tonight" : "")\" x=\"\(x + barWidth / 2)\" y=\"\(height - bottom + 16)\" "
                svg += "text-anchor=\"middle\">\(label)</text>"
                if night.total > 0 || isTonight {
                    svg += "<text class=\"val\" x=\"\(x + barWidth / 2)\" y=\"\(base - 4)\" text-anchor=\"middle\">\(night.total)</text>"
                }
            }
            svg += "\n"
        }
        return svg + "</svg>\n"
    }

    /// The smallest of 4, 8, 12, 16, 20, 40, 80, 120, … at or above `value` (4 × 1…5 × a power of ten), so the
    /// four grid lines get whole, round numbers.
    static func niceCeiling(_ value: Int) -> Int {
        var scale = 4
        while scale <= Int.max / 50 {
            for step in 1...5 where step * scale >= value { return step * scale }
            scale *= 10
        }
        return value
    }
}
