import FapiaoCore
import FapiaoIO

/// What the transform stage did, for its manifest.
public struct TransformResult: Sendable {
    /// Per source: records in, kept, rejected, duplicates (balancing).
    public var sources: [SourceCounts]
    /// Output file name → data rows.
    public var outputs: [String: Int]

    public init(sources: [SourceCounts], outputs: [String: Int]) {
        self.sources = sources
        self.outputs = outputs
    }
}

/// The transform stage: normalizes, validates and dedupes extract's record files.
public enum TransformStage {
    /// Reads `extractDirectory`, writes into `outputDirectory` (an existing, empty staging folder).
    public static func run(spec: PipelineSpec, extractDirectory: String, outputDirectory: String) throws -> TransformResult {
        throw FapiaoError(code: "not_implemented", message: "transform is not implemented yet")
    }
}
