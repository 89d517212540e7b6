/// Record counts of one source in one stage: `recordsIn == kept + rejected + duplicates`.
public struct SourceCounts: Codable, Hashable, Sendable {
    public var source: String
    public var recordsIn: Int
    public var kept: Int
    public var rejected: Int
    public var duplicates: Int
    /// Records of files that failed (counted under their `file_error`, not in `recordsIn`).
    public var inFailedFiles: Int

    public init(source: String, recordsIn: Int = 0, kept: Int = 0, rejected: Int = 0, duplicates: Int = 0,
                inFailedFiles: Int = 0) {
        self.source = source; self.recordsIn = recordsIn; self.kept = kept; self.rejected = rejected
        self.duplicates = duplicates; self.inFailedFiles = inFailedFiles
    }

    /// True when every record is accounted for.
    public var balances: Bool { recordsIn == kept + rejected + duplicates }

    enum CodingKeys: String, CodingKey {
        case source, kept, rejected, duplicates
        case recordsIn = "records_in"
        case inFailedFiles = "in_failed_files"
    }
}

/// One input file a stage read.
public struct InputFileInfo: Codable, Hashable, Sendable {
    public var source: String
    /// Relative to the pipeline file's folder.
    public var path: String
    public var compressedBytes: Int64
    public var inflatedBytes: Int64
    public var sha256: String
    /// The encoding used to decode it (`utf-8`, `gb18030`, …) or the XML declaration's.
    public var encoding: String
    public var records: Int
    /// The file error's message, when the file failed.
    public var error: String?

    public init(source: String, path: String, compressedBytes: Int64 = 0, inflatedBytes: Int64 = 0,
                sha256: String = "", encoding: String = "", records: Int = 0, error: String? = nil) {
        self.source = source; self.path = path; self.compressedBytes = compressedBytes
        self.inflatedBytes = inflatedBytes; self.sha256 = sha256; self.encoding = encoding
        self.records = records; self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case source, path, sha256, encoding, records, error
        case compressedBytes = "compressed_bytes"
        case inflatedBytes = "inflated_bytes"
    }
}

/// What one stage did: written last into its folder; the only output that holds timings and host facts.
public struct StageManifest: Codable, Hashable, Sendable {
    public var stage: String
    public var pipeline: String
    public var date: String
    public var programVersion: String
    public var pipelineSHA256: String
    public var sources: [SourceCounts]
    public var inputs: [InputFileInfo]
    /// Output file name → row count.
    public var outputs: [String: Int]
    /// Step name → seconds.
    public var timings: [String: Double]
    public var host: String
    /// RFC 3339 time the stage finished.
    public var finishedAt: String

    public init(stage: String, pipeline: String = "", date: String = "", programVersion: String = "",
                pipelineSHA256: String = "", sources: [SourceCounts] = [], inputs: [InputFileInfo] = [],
                outputs: [String: Int] = [:], timings: [String: Double] = [:], host: String = "",
                finishedAt: String = "") {
        self.stage = stage; self.pipeline = pipeline; self.date = date; self.programVersion = programVersion
        self.pipelineSHA256 = pipelineSHA256; self.sources = sources; self.inputs = inputs
        self.outputs = outputs; self.timings = timings; self.host = host; self.finishedAt = finishedAt
    }

    enum CodingKeys: String, CodingKey {
        case stage, pipeline, date, sources, inputs, outputs, timings, host
        case programVersion = "program_version"
        case pipelineSHA256 = "pipeline_sha256"
        case finishedAt = "finished_at"
    }
}
