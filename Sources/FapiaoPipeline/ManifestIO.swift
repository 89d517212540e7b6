import Foundation
import FapiaoCore
import FapiaoIO

/// Reads and writes `manifest.json`.
public enum ManifestIO {
    /// The manifest file name; written last into a stage folder.
    public static let fileName = "manifest.json"

    /// Writes a manifest atomically into `directory`.
    public static func write(_ manifest: StageManifest, into directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(manifest)
        try AtomicFileWriter.write(Array(data) + [0x0A], to: directory + "/" + fileName)
    }

    /// Reads the manifest of a published stage folder, or nil when the stage is not complete.
    public static func read(from directory: String) -> StageManifest? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + fileName) else { return nil }
        return try? JSONDecoder().decode(StageManifest.self, from: data)
    }
}
