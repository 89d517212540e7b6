import Dispatch
import Foundation
import FapiaoCore
import FapiaoExtract
import FapiaoIO

/// Copies every input file of a night into `<work_dir>/<pipeline>/archive/<D>/<source>/`, so the evidence
/// survives a branch re-exporting, and prunes nights older than `archive.retention_days`.
public enum InputArchive {
    /// Where an input is archived: its path relative to the pipeline folder, without leading `../`.
    public static func archivedPath(layout: RunLayout, source: String, relativePath: String) -> String {
        let parts = relativePath.split(separator: "/").drop { $0 == ".." || $0 == "." }
        return layout.archiveDirectory + "/" + source + "/" + parts.joined(separator: "/")
    }

    /// Copies the night's inputs (replacing an earlier copy of the same night) and returns the inputs pointing
    /// at the archived copies, so that extract reads exactly the bytes kept as evidence. Relative paths (what
    /// reports show) stay the original ones.
    ///
    /// An archived copy that already holds exactly the input's bytes (a re-run of the night) is kept as it
    /// is; any other is replaced. Files are copied two at a time, the largest first.
    public static func store(_ inputs: [SourceInputs], layout: RunLayout) throws -> [SourceInputs] {
        let manager = FileManager.default
        var copies: [(source: String, target: String)] = []
        let archived = try inputs.map { input in
            var archived = input
            archived.files = try input.files.map { file in
                let target = archivedPath(layout: layout, source: input.source.name, relativePath: file.relativePath)
                try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
                copies.append((file.absolutePath, target))
                return ResolvedFile(absolutePath: target, relativePath: file.relativePath)
            }
            return archived
        }
        try copyAll(copies)
        return archived
    }

    /// Runs the copies on two workers, the largest first; throws the first failure in list order.
    private static func copyAll(_ copies: [(source: String, target: String)]) throws {
        let sizes = copies.map { FileCopy.size(of: $0.source) ?? 0 }
        let order = copies.indices.sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
        var failures = [Error?](repeating: nil, count: copies.count)
        failures.withUnsafeMutableBufferPointer { slots in
            DispatchQueue.concurrentPerform(iterations: copies.count) { turn in
                let index = order[turn]
                do {
                    try FileCopy.copy(copies[index].source, to: copies[index].target)
                } catch {
                    slots[index] = error
                }
            }
        }
        if let failure = failures.lazy.compactMap({ $0 }).first { throw failure }
    }

    /// Removes archived nights more than `retentionDays` before `layout.date`.
    public static func prune(layout: RunLayout, retentionDays: Int) {
        let root = layout.pipelineDirectory + "/archive"
        let oldest = layout.date.adding(days: -retentionDays)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] {
            guard let night = IssueDate(canonical: name), night < oldest else { continue }
            try? FileManager.default.removeItem(atPath: root + "/" + name)
        }
    }

}
