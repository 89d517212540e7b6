import Dispatch
import FapiaoCore
import FapiaoIO

/// One input file matched for the night.
public struct ResolvedFile: Hashable, Sendable {
    /// Absolute path to open.
    public var absolutePath: String
    /// Path relative to the pipeline file's folder: what provenance columns and reports show.
    public var relativePath: String

    /// A file at `absolutePath`, shown as `relativePath`.
    public init(absolutePath: String, relativePath: String) {
        self.absolutePath = absolutePath
        self.relativePath = relativePath
    }
}

/// A source and the files matched for it (sorted by relative path).
public struct SourceInputs: Hashable, Sendable {
    /// The source, as the pipeline file declares it.
    public var source: SourceSpec
    /// Its files for the night, sorted by relative path.
    public var files: [ResolvedFile]

    /// A source and its files.
    public init(source: SourceSpec, files: [ResolvedFile]) {
        self.source = source
        self.files = files
    }
}

/// What the extract stage did, for its manifest.
public struct ExtractResult: Sendable {
    /// Per source, in pipeline order: `recordsIn` = records read from files that did not fail; `kept` = rows
    /// written to `<source>.csv`; `rejected` = rows written to `rejects.csv`; `inFailedFiles` = records
    /// read from files that failed (counted under their `file_error`).
    public var sources: [SourceCounts]
    /// Every input file, in pipeline then path order.
    public var inputs: [InputFileInfo]
    /// Rows written to `findings.csv`.
    public var findings: Int
    /// Rows written to `rejects.csv`.
    public var rejects: Int

    /// A result with its counts.
    public init(sources: [SourceCounts], inputs: [InputFileInfo], findings: Int, rejects: Int = 0) {
        self.sources = sources
        self.inputs = inputs
        self.findings = findings
        self.rejects = rejects
    }
}

/// The extract stage: reads every source's files and writes `<source>.csv` (one per source of the spec,
/// header only when it has no records), `rejects.csv` and `findings.csv`.
///
/// Sources run in parallel; every output is sorted by a stated key, so it does not depend on scheduling:
/// `<source>.csv` in file (relative path) then line order, `rejects.csv` in pipeline source order then file
/// then line, `findings.csv` in `Discrepancy.reportOrder`.
public enum ExtractStage {
    /// The header of `rejects.csv`.
    public static let rejectsHeader = ["_source", "_file", "_line", "reason", "field", "raw"]

    /// Runs extract into `outputDirectory` (an existing, empty staging folder). Throws only when the stage
    /// cannot produce a result (an output cannot be written, or `prepare` threw); a bad input file is a
    /// `file_error` finding. `prepare` runs on a source's worker just before its files are read, with the
    /// source's name (the pipeline archives the source's files there, so that archiving overlaps extraction).
    public static func run(spec: PipelineSpec, inputs: [SourceInputs], outputDirectory: String,
                           prepare: @escaping @Sendable (String) throws -> Void = { _ in }) throws -> ExtractResult {
        XMLFileReader.prepareLibrary()
        let jobs = spec.sources.map { source in
            SourceInputs(source: source, files: inputs.first { $0.source.name == source.name }?.files ?? [])
        }
        let results = try runInParallel(jobs, limits: spec.limits, outputDirectory: outputDirectory, prepare: prepare)
        BackgroundByteStream.releaseSpares()  // the next stage of the same process need not carry them
        let rejects = results.flatMap(\.rejects)
        try RecordFileWriter.write(path: outputDirectory + "/rejects.csv", header: rejectsHeader, rows: rejects)
        let findings = results.flatMap(\.findings).sorted(by: findingsOrder)
        try RecordFileWriter.write(
            path: outputDirectory + "/findings.csv", header: Discrepancy.findingsHeader,
            rows: findings.map(\.findingsRow))
        return ExtractResult(
            sources: results.map(\.counts), inputs: results.flatMap(\.inputs), findings: findings.count,
            rejects: rejects.count)
    }

    /// `Discrepancy.reportOrder`, then the whole row, so that equal keys still sort one way.
    static func findingsOrder(_ a: Discrepancy, _ b: Discrepancy) -> Bool {
        if Discrepancy.reportOrder(a, b) { return true }
        if Discrepancy.reportOrder(b, a) { return false }
        return a.findingsRow.lexicographicallyPrecedes(b.findingsRow)
    }

    /// Runs each source on its own worker (as many at once as there are cores), `prepare` first, the costliest
    /// first so that the largest source does not start last; results in job order (the first failure in job
    /// order is thrown).
    private static func runInParallel(
        _ jobs: [SourceInputs], limits: Limits, outputDirectory: String, prepare: @escaping @Sendable (String) throws -> Void
    ) throws -> [SourceExtraction] {
        let order = ExtractCost.order(jobs)
        var results = [Result<SourceExtraction, Error>?](repeating: nil, count: jobs.count)
        results.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: jobs.count) { turn in
                let index = order[turn]
                slots[index] = Result {
                    try prepare(jobs[index].source.name)
                    return try SourceExtractor.run(jobs[index], limits: limits, outputDirectory: outputDirectory)
                }
            }
        }
        return try results.map { try ($0 ?? .failure(FapiaoError(code: "extract.internal", message: "a source did not run"))).get() }
    }
}
