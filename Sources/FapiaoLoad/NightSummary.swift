import FapiaoCore

/// Record counts of the three stages, for summary.json's `records_by_stage`.
struct StageCounts: Sendable {
    /// Records extract read, summed over sources; nil without extract's manifest.
    var extractRecords: Int?
    /// Records of failed files, summed over sources; nil without extract's manifest.
    var extractInFailedFiles: Int?
    /// Transform's counts per source (records_in = kept + rejected + duplicates).
    var transform: [SourceCounts]
    var branchInvoices: Int
    var authorityInvoices: Int
    var authorityOnly: Int
    var canonicalRows: Int
}

/// Tonight's numbers, computed once and shared by summary.json, report.html and the load result.
struct NightSummary: Sendable {
    var date: String
    var pipeline: String
    /// Source names in pipeline order.
    var sources: [String]
    /// Branch source names in pipeline order.
    var branches: [String]
    /// Tonight's discrepancies (new and open), in report order.
    let open: [Finding]
    /// Discrepancies resolved tonight, in report order.
    let resolved: [Finding]
    /// Transform's records_in per source.
    var recordsBySource: [String: Int]
    var stages: StageCounts
    /// Open counts of earlier nights in the chart window, then tonight.
    var history: [NightCounts]

    /// How many top items summary.json and the terminal list.
    static let topItemCount = 10

    /// Open rows per type, every type present.
    let counts: [DiscrepancyType: Int]
    /// Resolved rows per type, every type present.
    let resolvedCounts: [DiscrepancyType: Int]
    /// Open rows per severity, every severity present.
    let countsBySeverity: [Severity: Int]
    /// New rows tonight.
    let newCount: Int
    /// Money at stake per type (fen), every type present.
    let moneyByType: [DiscrepancyType: Int64]

    /// Tonight's numbers; the per-type, per-severity and money totals are computed once, here (the report
    /// reads them many times).
    init(date: String, pipeline: String, sources: [String], branches: [String], open: [Finding], resolved: [Finding],
         recordsBySource: [String: Int], stages: StageCounts, history: [NightCounts]) {
        self.date = date; self.pipeline = pipeline; self.sources = sources; self.branches = branches
        self.open = open; self.resolved = resolved; self.recordsBySource = recordsBySource; self.stages = stages
        self.history = history
        counts = NightSummary.countByType(open)
        resolvedCounts = NightSummary.countByType(resolved)
        var bySeverity = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0, 0) })
        var money = Dictionary(uniqueKeysWithValues: DiscrepancyType.allCases.map { ($0, Int64(0)) })
        var new = 0
        for finding in open {
            bySeverity[finding.row.severity, default: 0] += 1
            money[finding.row.type, default: 0] += finding.stakeFen
            if finding.row.status == .new { new += 1 }
        }
        countsBySeverity = bySeverity; moneyByType = money; newCount = new
    }

    /// Open rows per source column, every source of the spec and every type present.
    var countsBySource: [String: [DiscrepancyType: Int]] {
        grouped(by: { $0.row.source }, defaults: sources)
    }

    /// The group a row belongs to in per-branch tables: its branch, else its source.
    static func group(of finding: Finding) -> String {
        finding.row.branch.isEmpty ? finding.row.source : finding.row.branch
    }

    /// Open rows per branch group, every branch source and every type present.
    var countsByBranch: [String: [DiscrepancyType: Int]] {
        grouped(by: NightSummary.group(of:), defaults: branches)
    }

    /// Money at stake per branch group (fen), every branch source present.
    var moneyByBranch: [String: Int64] {
        var result = Dictionary(branches.map { ($0, Int64(0)) }, uniquingKeysWith: { first, _ in first })
        for finding in open { result[NightSummary.group(of: finding), default: 0] += finding.stakeFen }
        return result
    }

    /// The rows people should look at first: high severity first; within it, whole files that did not load
    /// (`file_error`, `missing_source`), then the most money, then report order. One row per invoice and type.
    var topItems: [Finding] {
        let ranked = open.indices.sorted { a, b in
            let x = open[a], y = open[b]
            if x.row.severity != y.row.severity { return x.row.severity < y.row.severity }
            if NightSummary.isFileLevel(x) != NightSummary.isFileLevel(y) { return NightSummary.isFileLevel(x) }
            if x.stakeFen != y.stakeFen { return x.stakeFen > y.stakeFen }
            return a < b
        }
        var seen = Set<[String]>()
        var items: [Finding] = []
        for finding in ranked.lazy.map({ open[$0] }) where items.count < NightSummary.topItemCount {
            let row = finding.row
            if !row.invoiceKey.isEmpty, !seen.insert([row.type.rawValue, row.source, row.invoiceKey]).inserted { continue }
            items.append(finding)
        }
        return items
    }

    private static func isFileLevel(_ finding: Finding) -> Bool {
        finding.row.type == .fileError || finding.row.type == .missingSource
    }

    private func grouped(by key: (Finding) -> String, defaults: [String]) -> [String: [DiscrepancyType: Int]] {
        var result = Dictionary(defaults.map { ($0, NightSummary.countByType([])) }, uniquingKeysWith: { first, _ in first })
        for finding in open { result[key(finding), default: NightSummary.countByType([])][finding.row.type, default: 0] += 1 }
        return result
    }

    private static func countByType(_ findings: [Finding]) -> [DiscrepancyType: Int] {
        var counts = Dictionary(uniqueKeysWithValues: DiscrepancyType.allCases.map { ($0, 0) })
        for finding in findings { counts[finding.row.type, default: 0] += 1 }
        return counts
    }

    /// Tonight's open counts by severity, as a chart point.
    var tonight: NightCounts {
        let bySeverity = countsBySeverity
        return NightCounts(night: date, high: bySeverity[.high] ?? 0, medium: bySeverity[.medium] ?? 0,
                           info: bySeverity[.info] ?? 0)
    }
}
