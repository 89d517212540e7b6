import FapiaoCore
import FapiaoIO

/// The inputs and outputs of one night's load.
public struct LoadRequest: Sendable {
    public var spec: PipelineSpec
    public var date: BusinessDate
    /// The published `extract/` folder (for its findings).
    public var extractDirectory: String
    /// The published `transform/` folder.
    public var transformDirectory: String
    /// An existing, empty staging folder that becomes `out/`.
    public var outputDirectory: String
    /// `<work_dir>/<pipeline>/fapiao.sqlite`.
    public var historyDatabasePath: String

    public init(spec: PipelineSpec, date: BusinessDate, extractDirectory: String, transformDirectory: String,
                outputDirectory: String, historyDatabasePath: String) {
        self.spec = spec; self.date = date; self.extractDirectory = extractDirectory
        self.transformDirectory = transformDirectory; self.outputDirectory = outputDirectory
        self.historyDatabasePath = historyDatabasePath
    }
}

/// What load produced; `commitHistory` must be called after `out/` is published.
public struct LoadResult: Sendable {
    /// Open (new or open) discrepancies per type tonight.
    public var openCountsByType: [DiscrepancyType: Int]
    /// Open discrepancies per severity tonight.
    public var openCountsBySeverity: [Severity: Int]
    /// Output file name → data rows.
    public var outputs: [String: Int]
    /// Applies tonight's rows to the history database in one transaction, replacing the night if present.
    public var commitHistory: @Sendable () throws -> Void

    public init(openCountsByType: [DiscrepancyType: Int], openCountsBySeverity: [Severity: Int],
                outputs: [String: Int], commitHistory: @escaping @Sendable () throws -> Void) {
        self.openCountsByType = openCountsByType; self.openCountsBySeverity = openCountsBySeverity
        self.outputs = outputs; self.commitHistory = commitHistory
    }
}

/// The load stage: reconciles, writes the canonical dataset and the reports.
public enum LoadStage {
    /// Runs load into `request.outputDirectory`.
    public static func run(_ request: LoadRequest) throws -> LoadResult {
        throw FapiaoError(code: "not_implemented", message: "load is not implemented yet")
    }
}
