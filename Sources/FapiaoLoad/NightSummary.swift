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
        open.withUnsafeBufferPointer { open in
            for index in open.indices {
                bySeverity[open[index].row.severity, default: 0] += 1
                money[open[index].row.type, default: 0] += open[index].stakeFen
                if open[index].row.status == .new { new += 1 }
            }
        }
        countsBySeverity = bySeverity; moneyByType = money; newCount = new
    }

    /// Open rows per source column, every source of the spec and every type present.
    var countsBySource: [String: [DiscrepancyType: Int]] {
        grouped(by: { $0.source }, defaults: sources)
    }

    /// The group a row belongs to in per-branch tables: its branch, else its source.
    static func group(of finding: Finding) -> String { group(of: finding.row) }

    /// The group of a discrepancy row: its branch, else its source.
    static func group(of row: Discrepancy) -> String { row.branch.isEmpty ? row.source : row.branch }

    /// Open rows per branch group, every branch source and every type present.
    var countsByBranch: [String: [DiscrepancyType: Int]] {
        grouped(by: { NightSummary.group(of: $0) }, defaults: branches)
    }

    /// Money at stake per branch group (fen), every branch source present.
    var moneyByBranch: [String: Int64] {
        var result = Dictionary(branches.map { ($0, Int64(0)) }, uniquingKeysWith: { first, _ in first })
        open.withUnsafeBufferPointer { open in
            for index in open.indices where open[index].stakeFen != 0 {
                result[NightSummary.group(of: open[index].row), default: 0] += open[index].stakeFen
            }
        }
        return result
    }

    /// The rows people should look at first: high severity first; within it, whole files that did not load
    /// (`file_error`, `missing_source`), then the most money, then report order. One row per invoice and type.
    ///
    /// Selects rather than sorts: keeps the best `limit` rows by rank (compact keys), takes the first
    /// `topItemCount` distinct ones, and widens the selection only when repeats used it up.
    var topItems: [Finding] {
        var limit = 64
        while true {
            let best = TopRanks.best(of: open, limit: limit)
            var seen = Set<[String]>()
            var items: [Finding] = []
            for rank in best where items.count < NightSummary.topItemCount {
                let row = open[Int(rank.index)].row
                if !row.invoiceKey.isEmpty, !seen.insert([row.type.rawValue, row.source, row.invoiceKey]).inserted { continue }
                items.append(open[Int(rank.index)])
            }
            if items.count == NightSummary.topItemCount || best.count < limit { return items }
            limit *= 8
        }
    }

    private static func isFileLevel(_ finding: Finding) -> Bool {
        finding.row.type == .fileError || finding.row.type == .missingSource
    }

    private func grouped(by key: (Discrepancy) -> String, defaults: [String]) -> [String: [DiscrepancyType: Int]] {
        var result = Dictionary(defaults.map { ($0, NightSummary.countByType([])) }, uniquingKeysWith: { first, _ in first })
        open.withUnsafeBufferPointer { open in
            for index in open.indices {
                result[key(open[index].row), default: NightSummary.countByType([])][open[index].row.type, default: 0] += 1
            }
        }
        return result
    }

    private static func countByType(_ findings: [Finding]) -> [DiscrepancyType: Int] {
        var counts = Dictionary(uniqueKeysWithValues: DiscrepancyType.allCases.map { ($0, 0) })
        findings.withUnsafeBufferPointer { findings in
            for index in findings.indices { counts[findings[index].row.type, default: 0] += 1 }
        }
        return counts
    }

    /// Tonight's open counts by severity, as a chart point.
    var tonight: NightCounts {
        let bySeverity = countsBySeverity
        return NightCounts(night: date, high: bySeverity[.high] ?? 0, medium: bySeverity[.medium] ?? 0,
                           info: bySeverity[.info] ?? 0)
    }
}

/// The rank of an open row for `NightSummary.topItems`, as a compact key: severity, file-level first, the most
/// money first, then position (report order).
struct TopRanks: Comparable {
    var severity: Int
    var fileLevel: Bool
    var stakeFen: Int64
    var index: Int32

    static func < (x: TopRanks, y: TopRanks) -> Bool {
        if x.severity != y.severity { return x.severity < y.severity }
        if x.fileLevel != y.fileLevel { return x.fileLevel }
        if x.stakeFen != y.stakeFen { return x.stakeFen > y.stakeFen }
        return x.index < y.index
    }

    /// The `limit` best ranks of `findings`, best first.
    static func best(of findings: [Finding], limit: Int) -> [TopRanks] {
        var best: [TopRanks] = []
        best.reserveCapacity(limit + 1)
        let severityRanks = Severity.allCases
        findings.withUnsafeBufferPointer { findings in
            for index in findings.indices {
                let type = findings[index].row.type
                let rank = TopRanks(severity: severityRanks.firstIndex(of: findings[index].row.severity) ?? 0,
                                    fileLevel: type == .fileError || type == .missingSource,
                                    stakeFen: findings[index].stakeFen, index: Int32(index))
                if best.count == limit, let last = best.last, !(rank < last) { continue }
                let position = best.partitioningIndex { rank < $0 }
                best.insert(rank, at: position)
                if best.count > limit { best.removeLast() }
            }
        }
        return best
    }
}

extension Array {
    /// The first index whose element satisfies `belongs` (the elements satisfying it form a suffix).
    func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
