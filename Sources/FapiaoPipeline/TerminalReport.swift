import Foundation
import FapiaoCore

/// The terminal summary of a run folder.
public enum TerminalReport {
    /// Reads `<run>/out/summary.json` and formats it for a terminal.
    public static func text(runDirectory: String) throws -> String {
        let path = runDirectory + "/out/summary.json"
        guard let data = FileManager.default.contents(atPath: path),
              let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw RunError.failed("no summary at \(path); run the load stage first")
        }
        var lines = ["summary of \(runDirectory)"]
        let counts = json["counts"] as? [String: Int] ?? [:]
        for type in DiscrepancyType.allCases {
            lines.append(String(format: "  %-28@ %6d  %@", type.rawValue, counts[type.rawValue] ?? 0, type.chineseName))
        }
        if let rows = json["canonical_rows"] as? Int { lines.append("  canonical rows: \(rows)") }
        return lines.joined(separator: "\n")
    }
}
