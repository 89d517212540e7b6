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
    public static func store(_ inputs: [SourceInputs], layout: RunLayout) throws -> [SourceInputs] {
        let manager = FileManager.default
        return try inputs.map { input in
            var archived = input
            archived.files = try input.files.map { file in
                let target = archivedPath(layout: layout, source: input.source.name, relativePath: file.relativePath)
                try manager.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                            withIntermediateDirectories: true)
                try copy(file.absolutePath, to: target)
                return ResolvedFile(absolutePath: target, relativePath: file.relativePath)
            }
            return archived
        }
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

    private static func copy(_ source: String, to target: String) throws {
        let reader = try FileChunkReader(path: source)
        let writer = try AtomicFileWriter(path: target)
        while try reader.withNextChunk({ try writer.write(Array($0)) }) {}
        try writer.commit()
    }
}
