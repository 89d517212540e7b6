import FapiaoCore
import FapiaoIO

/// One input file matched for the night.
public struct ResolvedFile: Hashable, Sendable {
    /// Absolute path to open.
    public var absolutePath: String
    /// Path relative to the pipeline file's folder: what provenance columns and reports show.
    public var relativePath: String

    public init(absolutePath: String, relativePath: String) {
        self.absolutePath = absolutePath
        self.relativePath = relativePath
    }
}

/// A source and the files matched for it (sorted by relative path).
public struct SourceInputs: Hashable, Sendable {
    public var source: SourceSpec
    public var files: [ResolvedFile]

    public init(source: SourceSpec, files: [ResolvedFile]) {
        self.source = source
        self.files = files
    }
}

/// What the extract stage did, for its manifest.
public struct ExtractResult: Sendable {
    /// Per source: `recordsIn` = records extracted; `kept` = records written; `rejected` = rows rejected here.
    public var sources: [SourceCounts]
    public var inputs: [InputFileInfo]
    /// Rows written to `findings.csv`.
    public var findings: Int

    public init(sources: [SourceCounts], inputs: [InputFileInfo], findings: Int) {
        self.sources = sources
        self.inputs = inputs
        self.findings = findings
    }
}

/// The extract stage: reads every source's files and writes `<source>.csv` and `findings.csv`.
public enum ExtractStage {
    /// Runs extract into `outputDirectory` (an existing, empty staging folder).
    public static func run(spec: PipelineSpec, inputs: [SourceInputs], outputDirectory: String) throws -> ExtractResult {
        throw FapiaoError(code: "not_implemented", message: "extract is not implemented yet")
    }
}
