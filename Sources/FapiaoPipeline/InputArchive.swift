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

    /// Plans the archiving of the night's inputs: creates the folders and returns the inputs pointing at the
    /// archived copies (relative paths, what reports show, stay the original ones), with the copies to make.
    /// Extract reads the archived copies, so that it reads exactly the bytes kept as evidence: `ArchivePlan.store`
    /// makes a source's copies before its files are read.
    public static func plan(_ inputs: [SourceInputs], layout: RunLayout) throws -> ArchivePlan {
        let manager = FileManager.default
        var copies: [String: [ArchivePlan.Copy]] = [:]
        let archived = try inputs.map { input in
            var archived = input
            archived.files = try input.files.map { file in
                let target = archivedPath(layout: layout, source: input.source.name, relativePath: file.relativePath)
                try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
                copies[input.source.name, default: []].append(ArchivePlan.Copy(source: file.absolutePath, target: target))
                return ResolvedFile(absolutePath: target, relativePath: file.relativePath)
            }
            return archived
        }
        return ArchivePlan(archived: archived, copies: copies)
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

/// The archiving of one night's inputs (`InputArchive.plan`): where each input goes, and the copies to make.
///
/// An archived copy that already holds exactly the input's bytes (a re-run of the night) is kept as it is; any
/// other is replaced (`FileCopy.copy`). `fapiao run` and `fapiao extract` archive each source just before extract
/// reads it, on extract's worker for that source, so that the copying (or, on a re-run, the comparing) overlaps
/// the extraction of the sources before it rather than holding up the stage's start.
public struct ArchivePlan: Sendable {
    /// One input and where its archived copy goes.
    struct Copy: Sendable {
        var source: String
        var target: String
    }

    /// The inputs pointing at their archived copies.
    public let archived: [SourceInputs]
    /// Per source name, its copies.
    let copies: [String: [Copy]]

    /// Archives the files of source `name`, largest first; throws the first failure.
    public func store(source name: String) throws {
        let files = copies[name] ?? []
        let sizes = files.map { FileCopy.size(of: $0.source) ?? 0 }
        for index in files.indices.sorted(by: { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }) {
            try FileCopy.copy(files[index].source, to: files[index].target)
        }
    }
}
