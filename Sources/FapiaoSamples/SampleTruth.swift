import FapiaoCore

/// What a correct pipeline run over a sample chain reports: `samples/truth.json` (DESIGN.md's schema),
/// counted from the generator's own injection log, independently of the pipeline's code.
public struct SampleTruth: Hashable, Sendable {
    /// The business date, `YYYY-MM-DD`.
    public var date: String
    /// Discrepancy rows per type (every type present, 0 when absent).
    public var counts: [DiscrepancyType: Int]
    /// Discrepancy rows per source name and type (every source of the pipeline, every type).
    public var countsBySource: [String: [DiscrepancyType: Int]]
    /// Data records read per source from files that did not fail (headers excluded).
    public var recordsBySource: [String: Int]
    /// Kept branch invoices after dedupe plus authority invoices no branch record matches.
    public var canonicalRows: Int

    /// The JSON text: keys sorted at every level, two-space indentation, a final newline.
    public var json: String {
        var lines = ["{"]
        lines.append("  \"canonical_rows\": \(canonicalRows),")
        lines.append("  \"counts\": " + SampleTruth.object(typeCounts(counts), indent: 2) + ",")
        let bySource = countsBySource.keys.sorted().map { ($0, SampleTruth.object(typeCounts(countsBySource[$0] ?? [:]), indent: 4)) }
        lines.append("  \"counts_by_source\": " + SampleTruth.object(bySource, indent: 2) + ",")
        lines.append("  \"date\": \"\(date)\",")
        let records = recordsBySource.keys.sorted().map { ($0, String(recordsBySource[$0] ?? 0)) }
        lines.append("  \"records_by_source\": " + SampleTruth.object(records, indent: 2))
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private func typeCounts(_ counts: [DiscrepancyType: Int]) -> [(String, String)] {
        DiscrepancyType.allCases.map(\.rawValue).sorted().map { name in
            (name, String(DiscrepancyType(rawValue: name).flatMap { counts[$0] } ?? 0))
        }
    }

    /// A JSON object of already-written values, one member per line.
    private static func object(_ members: [(String, String)], indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        let body = members.map { "\(pad)  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n")
        return "{\n" + body + "\n" + pad + "}"
    }
}

/// The injection log reduced to counts as the generator writes: each planted fact adds what DESIGN.md's
/// "counted" column and docs/contract-notes.md say a correct run reports.
struct TruthLedger {
    private(set) var countsBySource: [String: [DiscrepancyType: Int]] = [:]
    private(set) var recordsBySource: [String: Int] = [:]
    private(set) var canonicalRows = 0
    /// How many times each injection kind was planted.
    private(set) var injections: [InjectionKind: Int] = [:]
    /// When set (a tax-platform chain), the sources holding an authority row: the authority's reads and findings
    /// then wait for `settle(authorityRows:)` to be attributed to its sources.
    var authorityRoutes: ((InvoiceFacts) -> [String])?
    private var pendingAuthority: [DiscrepancyType] = []
    /// Invoices held by two authority sources (routed chains only).
    var heldByBothAuthorities = 0

    /// A ledger for these sources, all counts 0.
    init(sources: [String]) {
        for source in sources {
            countsBySource[source] = Dictionary(uniqueKeysWithValues: DiscrepancyType.allCases.map { ($0, 0) })
            recordsBySource[source] = 0
        }
    }

    /// `count` discrepancy rows of `type` with `source` in their source column (the authority's wait for
    /// `settle(authorityRows:)` when rows are routed; its duplicates are counted there from the copies).
    mutating func report(_ type: DiscrepancyType, source: String, count: Int = 1) {
        if authorityRoutes != nil && source == ChainPlan.authoritySource {
            if type != .duplicateInSource { pendingAuthority += Array(repeating: type, count: count) }
            return
        }
        add(type, source: source, count: count)
    }

    /// `count` data records read from a file of `source` that does not fail (the authority's are counted by
    /// `settle(authorityRows:)` when rows are routed).
    mutating func read(_ source: String, count: Int = 1, direct: Bool = false) {
        if !direct && authorityRoutes != nil && source == ChainPlan.authoritySource { return }
        recordsBySource[source, default: 0] += count
    }

    /// Counts discrepancy rows as they are.
    mutating func add(_ type: DiscrepancyType, source: String, count: Int) {
        countsBySource[source, default: [:]][type, default: 0] += count
    }

    /// The authority findings noted since the last call.
    mutating func takePendingAuthority() -> [DiscrepancyType] {
        defer { pendingAuthority = [] }
        return pendingAuthority
    }

    /// `count` rows of the canonical dataset.
    mutating func canonical(_ count: Int = 1) { canonicalRows += count }

    /// Notes that one injection of `kind` was planted.
    mutating func planted(_ kind: InjectionKind) { injections[kind, default: 0] += 1 }

    /// The truth for `date`.
    func truth(date: IssueDate) -> SampleTruth {
        var totals = Dictionary(uniqueKeysWithValues: DiscrepancyType.allCases.map { ($0, 0) })
        for counts in countsBySource.values {
            for (type, count) in counts { totals[type, default: 0] += count }
        }
        return SampleTruth(date: date.description, counts: totals, countsBySource: countsBySource,
                           recordsBySource: recordsBySource, canonicalRows: canonicalRows)
    }
}
