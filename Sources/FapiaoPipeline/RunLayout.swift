import Foundation
import FapiaoCore

/// Where one pipeline's runs live: `<work_dir>/<pipeline>/<D>/{extract,transform,out}`, the lock,
/// the history database and the input archive.
public struct RunLayout: Sendable {
    /// `<work_dir>/<pipeline>` (absolute).
    public var pipelineDirectory: String
    public var date: BusinessDate

    /// The layout of a loaded pipeline for a business date.
    public init(pipeline: LoadedPipeline, date: BusinessDate) {
        let workDir = PathResolver.absolute(pipeline.spec.workDir, relativeTo: pipeline.directory)
        pipelineDirectory = (workDir as NSString).appendingPathComponent(pipeline.spec.name)
        self.date = date
    }

    /// `<work_dir>/<pipeline>/<D>`.
    public var runDirectory: String { pipelineDirectory + "/" + date.description }
    /// A stage's published folder.
    public func stageDirectory(_ stage: Stage) -> String { runDirectory + "/" + stage.folder }
    /// The pipeline's lock file.
    public var lockPath: String { pipelineDirectory + "/.lock" }
    /// The history database.
    public var historyDatabasePath: String { pipelineDirectory + "/fapiao.sqlite" }
    /// The night's input archive.
    public var archiveDirectory: String { pipelineDirectory + "/archive/" + date.description }
}

/// The three stages, in order.
public enum Stage: String, CaseIterable, Sendable {
    case extract, transform, load

    /// The stage's folder name inside a run.
    public var folder: String { self == .load ? "out" : rawValue }

    /// The stage that must be complete before this one runs.
    public var previous: Stage? {
        switch self {
        case .extract: return nil
        case .transform: return .extract
        case .load: return .transform
        }
    }
}

/// Resolves paths written in a pipeline file.
public enum PathResolver {
    /// `path` if absolute, else `base/path`, standardized.
    public static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }

    /// `path` relative to the folder `base`, with `..` where it lies outside (`../samples/x.csv`).
    public static func relative(_ path: String, to base: String) -> String {
        let target = (path as NSString).standardizingPath.split(separator: "/")
        let from = (base as NSString).standardizingPath.split(separator: "/")
        var common = 0
        while common < min(target.count, from.count), target[common] == from[common] { common += 1 }
        let ups = Array(repeating: "..", count: from.count - common)
        return (ups + target[common...].map(String.init)).joined(separator: "/")
    }
}
