import Foundation
import FapiaoCore
import FapiaoIO

/// The inputs and outputs of one night's load.
public struct LoadRequest: Sendable {
    /// The validated pipeline file.
    public var spec: PipelineSpec
    /// The business date D.
    public var date: BusinessDate
    /// The published `extract/` folder (for its findings).
    public var extractDirectory: String
    /// The published `transform/` folder.
    public var transformDirectory: String
    /// An existing, empty staging folder that becomes `out/`.
    public var outputDirectory: String
    /// `<work_dir>/<pipeline>/fapiao.sqlite`.
    public var historyDatabasePath: String

    /// A request for night `date`.
    public init(spec: PipelineSpec, date: BusinessDate, extractDirectory: String, transformDirectory: String,
                outputDirectory: String, historyDatabasePath: String) {
        self.spec = spec; self.date = date; self.extractDirectory = extractDirectory
        self.transformDirectory = transformDirectory; self.outputDirectory = outputDirectory
        self.historyDatabasePath = historyDatabasePath
    }
}

/// What load produced; `commitHistory` must be called after `out/` is published.
public struct LoadResult: Sendable {
    /// Open (new or open) discrepancies per type tonight; every type present (0 when none).
    public var openCountsByType: [DiscrepancyType: Int]
    /// Open discrepancies per severity tonight; every severity present.
    public var openCountsBySeverity: [Severity: Int]
    /// Output file name → data rows (`canonical.csv`, `discrepancies.csv`, `repair-batch.csv`).
    public var outputs: [String: Int]
    /// Applies tonight's rows to the history database in one transaction, replacing the night if present.
    public var commitHistory: @Sendable () throws -> Void

    /// A result.
    public init(openCountsByType: [DiscrepancyType: Int], openCountsBySeverity: [Severity: Int],
                outputs: [String: Int], commitHistory: @escaping @Sendable () throws -> Void) {
        self.openCountsByType = openCountsByType; self.openCountsBySeverity = openCountsBySeverity
        self.outputs = outputs; self.commitHistory = commitHistory
    }
}

/// The load stage: reconciles, writes the canonical dataset and the reports.
///
/// Reads `transform/` (invoices.csv, authority.csv, rejects.csv, findings.csv, manifest.json), `extract/findings.csv`
/// and the history before D; writes canonical.csv, discrepancies.csv, summary.json, report.html and
/// repair-batch.csv and canonical.sqlite into `request.outputDirectory`. The history database changes only in
/// `commitHistory`.
public enum LoadStage {
    /// The output file names.
    public enum Output {
        /// The canonical dataset (machine-facing).
        public static let canonical = "canonical.csv"
        /// The canonical dataset as SQLite (table `invoices`, found by `invoice_key`).
        public static let canonicalDatabase = CanonicalDatabase.fileName
        /// The discrepancy rows for people (BOM, bilingual header, formula-safe).
        public static let discrepancies = "discrepancies.csv"
        /// Counts, money at stake and top items; what `fapiao report` and alerts read.
        public static let summary = "summary.json"
        /// The self-contained HTML report.
        public static let report = "report.html"
        /// Branch records to re-upload.
        public static let repairBatch = "repair-batch.csv"
    }

    /// Runs load into `request.outputDirectory`.
    public static func run(_ request: LoadRequest) throws -> LoadResult {
        let paths = LoadInputPaths(request)
        let repairColumns = try RepairBatch.columns(request.spec.load)
        LoadTimings.mark("start")
        // The history: what tonight is compared with is read first; then a thread opens the night's transaction and
        // deletes an earlier run of night D (a re-run), while reconciliation runs, off the stage's last seconds.
        let snapshot = try HistoryDatabase.snapshot(
            path: request.historyDatabasePath, before: request.date, chartNights: request.spec.load.historyNights)
        let (historyPath, date) = (request.historyDatabasePath, request.date)
        let historyOpened = BackgroundWork(name: "fapiao-history") { _ in try HistoryTransaction(path: historyPath, date: date) }
        LoadTimings.mark("history snapshot")
        // canonical.sqlite is filled from the start, with each sorted run of canonical rows reconciliation spills.
        let database = CanonicalDatabaseWriter(path: "\(request.outputDirectory)/\(Output.canonicalDatabase)")
        var (stageFindings, reconciliation) = try reconcile(request, paths: paths, canonicalFeed: database.feed)
        LoadTimings.mark("reconcile")
        // canonical.csv depends on nothing else: it is merged from the sorted runs on a thread of its own while
        // this one summarizes and writes the reports, so that the last second is not one core's.
        let canonical = reconciliation.canonical, canonicalPath = "\(request.outputDirectory)/\(Output.canonical)"
        let canonicalFile = BackgroundWork(name: "fapiao-canonical-csv") { _ in
            try canonical.write(path: canonicalPath)
            LoadTimings.mark("canonical.csv")
            return canonical.count
        }
        let summary = try summarize(request, paths: paths, stageFindings: stageFindings,
                                    reconciliation: &reconciliation, snapshot: snapshot)
        LoadTimings.mark("summarize")
        let rows = mergeForReport(summary.open, summary.resolved)
        LoadTimings.mark("sort rows")
        let summaryText = SummaryJSON.document(summary).text
        LoadTimings.mark("summary.json")
        let night = NightRecord(
            date: request.date, pipeline: request.spec.name, previousNight: snapshot.latestNight, rows: rows,
            prior: snapshot.openRows, canonicalRows: reconciliation.canonical.count, open: summary.tonight,
            newCount: summary.newCount, resolvedCount: summary.resolved.count, summaryJSON: summaryText)
        let historyWork = BackgroundWork(name: "fapiao-history-rows") { _ in
            let transaction = try historyOpened.result()
            try transaction.insert(night)
            return transaction
        }
        var outputs = try writeOutputs(request.outputDirectory, reconciliation: reconciliation, rows: rows,
                                       summary: summary, summaryText: summaryText, repairColumns: repairColumns)
        outputs[Output.canonical] = try canonicalFile.result()
        LoadTimings.mark("canonical.csv (wait)")
        let history = Result { try historyWork.result() }
        LoadTimings.mark("history rows (wait)")
        let databaseRows = try database.finish()
        fsyncDirectory(request.outputDirectory)
        LoadTimings.mark("sqlite wait")
        return LoadResult(openCountsByType: summary.counts, openCountsBySeverity: summary.countsBySeverity,
                          outputs: outputs.merging([Output.canonicalDatabase: databaseRows]) { $1 }, commitHistory: {
            try history.get().commit()
            LoadTimings.mark("history commit")
        })
    }

    /// Reads the stage findings and reconciles kept branch invoices against kept authority invoices (the canonical
    /// rows' sorted runs also go to `canonicalFeed`).
    private static func reconcile(_ request: LoadRequest, paths: LoadInputPaths,
                                  canonicalFeed: CanonicalRunFeed) throws -> ([Discrepancy], Reconciliation) {
        let spec = request.spec
        let authority = AuthorityLoader(path: paths.authorityInvoices)  // indexes on a second thread meanwhile
        let stageFindings = try LoadInputs.readFindings(paths: [paths.extractFindings, paths.transformFindings])
        let rejects = try LoadInputs.readRejects(path: paths.rejects, branchSources: Set(spec.branchSources.map(\.name)))
        let reconciler = Reconciler(spec: spec, facts: InputFacts(findings: stageFindings), rejects: rejects,
                                    spillDirectory: request.outputDirectory, canonicalFeed: canonicalFeed)
        let reconciliation = try reconciler.run(branchPath: paths.branchInvoices, authorityPath: paths.authorityInvoices,
                                                loader: authority)
        try requireAuthority(spec: spec, facts: reconciler.facts, kept: reconciliation.authorityInvoices)
        return (stageFindings, reconciliation)
    }

    /// Sets statuses against history and gathers tonight's numbers; leaves `reconciliation.findings` empty.
    private static func summarize(_ request: LoadRequest, paths: LoadInputPaths, stageFindings: [Discrepancy],
                                  reconciliation: inout Reconciliation, snapshot: HistorySnapshot) throws -> NightSummary {
        let spec = request.spec
        // Tonight's reconciliation findings are taken out of `reconciliation` (nothing reads them there later) and
        // the stage findings put in front: the elements move, where `stage + reconciliation.findings` copied each.
        var findings: [Finding] = []
        swap(&findings, &reconciliation.findings)
        findings.insert(contentsOf: stageFindings.map { Finding(row: $0) }, at: 0)
        let resolved = HistoryTracker.apply(&findings, date: request.date, snapshot: snapshot)
        let (stages, records) = try StageCountsReader.read(paths: paths, spec: spec, reconciliation: reconciliation)
        sortForReportInPlace(&findings)
        let sortedOpen = findings
        var summary = NightSummary(
            date: request.date.description, pipeline: spec.name, sources: spec.sources.map(\.name),
            branches: spec.branchSources.map(\.name), open: sortedOpen, resolved: resolved,
            recordsBySource: records, stages: stages, history: snapshot.nights)
        summary.history.append(summary.tonight)
        return summary
    }

    /// Throws `load.no_authority` when no authority record was kept and every authority source had no file or
    /// only failed files: reconciling against nothing would report every branch invoice as missing.
    static func requireAuthority(spec: PipelineSpec, facts: InputFacts, kept: Int) throws {
        let sources = spec.authoritySources.map(\.name)
        guard kept == 0, !sources.isEmpty,
              sources.allSatisfy({ facts.missingSources.contains($0) || facts.failedFiles[$0] != nil }) else { return }
        throw FapiaoError(code: "load.no_authority", message: "the authority source \(sources.joined(separator: ", ")) "
                          + "has no usable file tonight (see extract/findings.csv); fix the authority export and re-run")
    }

    /// Writes the reports (canonical.csv and canonical.sqlite are written on threads of their own meanwhile).
    private static func writeOutputs(_ directory: String, reconciliation: Reconciliation, rows: [Finding],
                                     summary: NightSummary, summaryText: String,
                                     repairColumns: [(header: String, field: String)]) throws -> [String: Int] {
        try DiscrepancyCSV.write(rows, path: "\(directory)/\(Output.discrepancies)")
        LoadTimings.mark("discrepancies.csv")
        try AtomicFileWriter.write(Array(summaryText.utf8), to: "\(directory)/\(Output.summary)")
        try AtomicFileWriter.write(Array(HTMLReport.render(summary).utf8), to: "\(directory)/\(Output.report)")
        LoadTimings.mark("report.html")
        let repairRows = RepairBatch.rows(reconciliation.repairs, columns: repairColumns)
        try RecordFileWriter.write(path: "\(directory)/\(Output.repairBatch)", header: repairColumns.map(\.header),
                                   rows: repairRows)
        LoadTimings.mark("repair-batch.csv")
        return [Output.discrepancies: rows.count, Output.repairBatch: repairRows.count]
    }
}
