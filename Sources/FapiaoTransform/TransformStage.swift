import FapiaoCore
import FapiaoIO

/// What the transform stage did, for its manifest.
public struct TransformResult: Sendable {
    /// Per source, in pipeline order: records in, kept, rejected, duplicates (balancing).
    public var sources: [SourceCounts]
    /// Output file name → data rows.
    public var outputs: [String: Int]

    /// Wraps the counts and row totals.
    public init(sources: [SourceCounts], outputs: [String: Int]) {
        self.sources = sources
        self.outputs = outputs
    }
}

/// The transform stage: normalizes, validates and dedupes extract's record files.
///
/// Branch sources are read first, in pipeline order (so the first exporter of a key is kept and authority
/// records can be attributed to a branch), then authority sources. Every output is written through a
/// temporary file and sorted: record files by source (pipeline order), `_file`, `_line`; findings by
/// `Discrepancy.reportOrder`.
public enum TransformStage {
    /// The files transform writes.
    public static let outputFiles = ["invoices.csv", "authority.csv", "rejects.csv", "duplicates.csv", "findings.csv"]

    /// Reads `extractDirectory`, writes into `outputDirectory` (an existing, empty staging folder).
    /// Throws a `FapiaoError` when an extract file is missing or malformed or an output cannot be written.
    public static func run(spec: PipelineSpec, extractDirectory: String, outputDirectory: String) throws -> TransformResult {
        try run(spec: spec, extractDirectory: extractDirectory, outputDirectory: outputDirectory, fastPath: true)
    }

    /// `run`, with the byte fast path switched off when `fastPath` is false (every record the `String` way:
    /// tests compare the two).
    static func run(spec: PipelineSpec, extractDirectory: String, outputDirectory: String, fastPath: Bool) throws
        -> TransformResult
    {
        let spool = try Spool(outputDirectory: outputDirectory)
        defer { spool.remove() }
        let extractRejects = try ExtractRejects.split(
            path: extractDirectory + "/rejects.csv", spec: spec, spool: spool)
        var run = try TransformRun(spec: spec, outputDirectory: outputDirectory, spool: spool, fastPath: fastPath)
        let order = spec.sources.indices.filter { spec.sources[$0].role == .branch }
            + spec.sources.indices.filter { spec.sources[$0].role == .authority }
        try run.process(order: order, extractDirectory: extractDirectory)
        for index in order {
            run.counts[index].recordsIn += extractRejects[index].rowCount
            run.counts[index].rejected += extractRejects[index].rowCount
        }
        let outputs = try run.finish(outputDirectory: outputDirectory, extractRejects: extractRejects)
        return TransformResult(sources: run.counts, outputs: outputs)
    }
}

/// Splits `extract/rejects.csv` into one spool file per source, keeping its order.
enum ExtractRejects {
    /// Returns the spool of each source (pipeline position); a missing file means extract rejected nothing.
    static func split(path: String, spec: PipelineSpec, spool: Spool) throws -> [SpoolWriter] {
        let writers = spec.sources.indices.map {
            SpoolWriter(path: spool.path("extract-rejects", source: $0), header: RejectsFile.header)
        }
        let positions = Dictionary(spec.sources.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
        if FileStatus.exists(path) {
            try RecordFileReader(path: path).forEachRow(header: { header in
                guard header == RejectsFile.header else {
                    throw FapiaoError(code: "transform.extract_header", location: InputLocation(source: "", file: path, line: 1),
                                      message: "\(path) does not have the rejects columns; re-run extract")
                }
            }, row: { row, line in
                guard row.count == RejectsFile.header.count, let position = positions[row[0]] else {
                    throw FapiaoError(code: "transform.extract_row", location: InputLocation(source: "", file: path, line: line),
                                      message: "\(path):\(line) names no source of the pipeline or has the wrong width")
                }
                try writers[position].write(row)
            })
        }
        for writer in writers { try writer.commit() }
        return writers
    }
}
