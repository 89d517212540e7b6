import Foundation
import FapiaoCore
import FapiaoIO

/// Re-hashes a night's inputs (the archived copies when present) against extract's manifest.
public enum ArchiveVerifier {
    /// The outcome of a verification.
    public struct Result: Sendable {
        public var lines: [String]
        public var allMatch: Bool
        public var text: String { lines.joined(separator: "\n") }
    }

    /// Verifies every input of the night's extract manifest.
    public static func verify(layout: RunLayout, pipelineDirectory: String) throws -> Result {
        guard let manifest = ManifestIO.read(from: layout.stageDirectory(.extract)) else {
            throw RunError.failed("no extract manifest for \(layout.date); run: fapiao extract PIPELINE --date \(layout.date)")
        }
        var lines: [String] = []
        var ok = true
        for input in manifest.inputs {
            let archived = InputArchive.archivedPath(layout: layout, source: input.source, relativePath: input.path)
            let path = FileManager.default.fileExists(atPath: archived)
                ? archived : PathResolver.absolute(input.path, relativeTo: pipelineDirectory)
            let actual = (try? SHA256Hasher.hex(ofFile: path)) ?? "unreadable"
            let match = actual == input.sha256
            ok = ok && match
            lines.append("\(match ? "ok      " : "MISMATCH") \(input.source) \(input.path)\(match ? "" : " (expected \(input.sha256), got \(actual))")")
        }
        return Result(lines: lines, allMatch: ok)
    }
}
