import Foundation
import FapiaoCore

/// The terminal summary `fapiao report` prints, read back from a published `out/summary.json`.
public enum ReportSummary {
    /// The summary of the run whose `out/` folder is `outputDirectory`: counts per type and per branch, money at
    /// stake, the top items. Resident ID numbers are masked (console output). Throws a `FapiaoError`
    /// (`report.missing`, `report.corrupt`) when summary.json is absent or unreadable.
    public static func terminalText(outputDirectory: String) throws -> String {
        let path = outputDirectory + "/" + LoadStage.Output.summary
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FapiaoError(code: "report.missing", message: "\(path) not found; run `fapiao load` for that night first")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return terminalText(try decoder.decode(SummaryFile.self, from: data))
        } catch {
            throw FapiaoError(code: "report.corrupt", message: "\(path) is not a fapiao summary; re-run `fapiao load`",
                              cause: "\(error)")
        }
    }

    /// The summary text of a decoded summary.json.
    static func terminalText(_ file: SummaryFile) -> String {
        let money = file.moneyAtStakeFen ?? [:]
        let resolved = (file.resolved ?? [:]).values.reduce(0, +)
        let open = file.counts.values.reduce(0, +)
        let severity = file.countsBySeverity ?? [:]
        var lines = [
            "发票对账摘要 Reconciliation summary · \(file.pipeline ?? "") · \(file.date)",
            "未解决 open \(open)（新增 new \(file.new ?? 0)）· 今晚已解决 resolved \(resolved) · "
                + "规范发票 canonical \(file.canonicalRows) · 涉及金额 money \(Labels.yuan(money.values.reduce(0, +)))",
            "严重程度 severity：高 high \(severity["high"] ?? 0) · 中 medium \(severity["medium"] ?? 0) · 提示 info \(severity["info"] ?? 0)",
            "",
        ]
        lines += TextTable.render(header: ["类型 type", "数量 count", "涉及金额 money"], rightAligned: [1, 2],
                                  rows: DiscrepancyType.allCases.map { type in
                                      [Labels.bilingual(type.chineseName, type.rawValue), String(file.counts[type.rawValue] ?? 0),
                                       Labels.yuan(money[type.rawValue] ?? 0)]
                                  })
        lines.append("")
        lines += TextTable.render(header: ["门店 branch", "未解决 open", "涉及金额 money", "主要类型 main types"],
                                  rightAligned: [1, 2], rows: branchRows(file))
        lines.append("")
        lines.append("重点条目 top items")
        for (index, item) in (file.topItems ?? []).enumerated() { lines += topItem(index + 1, item) }
        if (file.topItems ?? []).isEmpty { lines.append("  （无 none）") }
        return maskResidentIDs(lines.joined(separator: "\n") + "\n")
    }

    private static func branchRows(_ file: SummaryFile) -> [[String]] {
        let byBranch = file.countsByBranch ?? [:]
        let money = file.moneyAtStakeFenByBranch ?? [:]
        return byBranch.keys.sorted().map { branch in
            let counts = byBranch[branch] ?? [:]
            let main = DiscrepancyType.allCases.compactMap { type -> (DiscrepancyType, Int)? in
                let n = counts[type.rawValue] ?? 0
                return n > 0 ? (type, n) : nil
            }.sorted { $0.1 > $1.1 }.prefix(3).map { "\($0.0.chineseName) \($0.1)" }
            return [branch, String(counts.values.reduce(0, +)), Labels.yuan(money[branch] ?? 0), main.joined(separator: "，")]
        }
    }

    private static func topItem(_ rank: Int, _ item: SummaryFile.Item) -> [String] {
        let type = DiscrepancyType(rawValue: item.type)
        let severity = Severity(rawValue: item.severity).map(Labels.chinese) ?? item.severity
        let where_ = item.line > 0 ? "\(item.file):\(item.line)" : item.file
        var head = "\(rank < 10 ? " " : "")\(rank). [\(severity)] \(type?.chineseName ?? item.type)  \(item.branch.isEmpty ? item.source : item.branch)"
        if !item.invoiceKey.isEmpty { head += "  \(item.invoiceKey)" }
        if item.moneyAtStakeFen > 0 { head += "  \(Labels.yuan(item.moneyAtStakeFen))" }
        return [head, "    \(item.messageZh)", "    \(where_)"]
    }

    /// Replaces the middle of 18-character resident ID numbers (valid mod-11 check) with `*`.
    static func maskResidentIDs(_ text: String) -> String {
        var scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
            guard isIDScalar(scalars[index]) else { index += 1; continue }
            var end = index
            while end < scalars.count, isIDScalar(scalars[end]) { end += 1 }
            if end - index == 18, residentCheckPasses(scalars[index..<end]) {
                for position in (index + 6)..<(index + 14) { scalars[position] = "*" }
            }
            index = end
        }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars)
        return String(out)
    }

    private static func isIDScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("0"..."9").contains(scalar) || scalar == "X"
    }

    private static func residentCheckPasses(_ id: ArraySlice<Unicode.Scalar>) -> Bool {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let characters = Array(id)
        var sum = 0
        for (position, weight) in weights.enumerated() {
            guard let digit = Int(String(characters[position])) else { return false }
            sum += digit * weight
        }
        let check = Array("10X98765432".unicodeScalars)[sum % 11]
        return characters[17] == check
    }
}
