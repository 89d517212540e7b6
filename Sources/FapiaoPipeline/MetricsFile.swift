import Foundation
import FapiaoCore
import FapiaoIO

/// Writes the Prometheus textfile (for node_exporter's textfile collector) after a night, atomically.
public enum MetricsFile {
    /// The metrics of one finished night.
    public static func text(pipeline: String, date: BusinessDate, seconds: Double, records: [SourceCounts],
                            counts: [String: Int], finishedAt: Date) -> String {
        let label = "pipeline=\"\(escape(pipeline))\""
        var lines = [
            "# HELP fapiao_run_duration_seconds Wall time of the last run.",
            "# TYPE fapiao_run_duration_seconds gauge",
            "fapiao_run_duration_seconds{\(label)} \(String(format: "%.3f", seconds))",
            "# HELP fapiao_business_date_seconds The business date of the last successful run (midnight UTC).",
            "# TYPE fapiao_business_date_seconds gauge",
            "fapiao_business_date_seconds{\(label)} \(date.daysSinceEpoch * 86400)",
            "# HELP fapiao_last_success_timestamp_seconds When the last successful run finished.",
            "# TYPE fapiao_last_success_timestamp_seconds gauge",
            "fapiao_last_success_timestamp_seconds{\(label)} \(Int(finishedAt.timeIntervalSince1970))",
            "# HELP fapiao_records Records read per source in the last run.",
            "# TYPE fapiao_records gauge",
        ]
        for source in records {
            lines.append("fapiao_records{\(label),source=\"\(escape(source.source))\"} \(source.recordsIn)")
        }
        lines += ["# HELP fapiao_discrepancies Open discrepancies per type in the last run.",
                  "# TYPE fapiao_discrepancies gauge"]
        for type in DiscrepancyType.allCases {
            lines.append("fapiao_discrepancies{\(label),type=\"\(type.rawValue)\"} \(counts[type.rawValue] ?? 0)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes the metrics of a night into `path` (creating its folder).
    public static func write(path: String, layout: RunLayout, pipeline: String, seconds: Double) throws {
        let records = ManifestIO.read(from: layout.stageDirectory(.transform))?.sources ?? []
        var counts: [String: Int] = [:]
        if let data = FileManager.default.contents(atPath: layout.stageDirectory(.load) + "/summary.json"),
           let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            counts = json["counts"] as? [String: Int] ?? [:]
        }
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        let body = text(pipeline: pipeline, date: layout.date, seconds: seconds, records: records,
                        counts: counts, finishedAt: Date())
        try AtomicFileWriter.write(Array(body.utf8), to: path)
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
