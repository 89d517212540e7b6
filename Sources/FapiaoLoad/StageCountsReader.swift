import FapiaoCore

/// Reads the record counts summary.json reports: transform's `records_in` per source (from its manifest, or
/// counted from its files when the manifest is absent) and the totals of each stage.
enum StageCountsReader {
    /// The stage counts and `records_by_source` (every source of the spec, 0 when it had no records).
    static func read(paths: LoadInputPaths, spec: PipelineSpec,
                     reconciliation: Reconciliation) throws -> (StageCounts, [String: Int]) {
        let transform = try transformCounts(paths: paths, spec: spec)
        let extract = LoadInputs.readManifestSources(path: paths.extractManifest)
        let stages = StageCounts(
            extractRecords: extract.map { $0.reduce(0) { $0 + $1.recordsIn } },
            extractInFailedFiles: extract.map { $0.reduce(0) { $0 + $1.inFailedFiles } },
            transform: transform, branchInvoices: reconciliation.branchInvoices,
            authorityInvoices: reconciliation.authorityInvoices, authorityOnly: reconciliation.authorityOnly,
            canonicalRows: reconciliation.canonical.count)
        var records = Dictionary(spec.sources.map { ($0.name, 0) }, uniquingKeysWith: { first, _ in first })
        for counts in transform { records[counts.source, default: 0] += counts.recordsIn }
        return (stages, records)
    }

    /// Transform's per-source counts: its manifest's `sources`, else kept + rejected + duplicates counted from
    /// invoices.csv, authority.csv, rejects.csv and duplicates.csv.
    static func transformCounts(paths: LoadInputPaths, spec: PipelineSpec) throws -> [SourceCounts] {
        if let sources = LoadInputs.readManifestSources(path: paths.transformManifest), !sources.isEmpty {
            return sources
        }
        let sourceColumn = CanonicalField.allCases.count
        var kept = try LoadInputs.rowsPerSource(path: paths.branchInvoices, sourceColumn: sourceColumn)
        kept.merge(try LoadInputs.rowsPerSource(path: paths.authorityInvoices, sourceColumn: sourceColumn)) { $0 + $1 }
        let rejected = try LoadInputs.rowsPerSource(path: paths.rejects, sourceColumn: 0)
        let duplicates = try LoadInputs.rowsPerSource(path: paths.duplicates, sourceColumn: sourceColumn)
        let known = spec.sources.map(\.name)
        let extra = Set(kept.keys).union(rejected.keys).union(duplicates.keys).subtracting(known).sorted()
        return (known + extra).map { name in
            let k = kept[name] ?? 0, r = rejected[name] ?? 0, d = duplicates[name] ?? 0
            return SourceCounts(source: name, recordsIn: k + r + d, kept: k, rejected: r, duplicates: d)
        }
    }
}
