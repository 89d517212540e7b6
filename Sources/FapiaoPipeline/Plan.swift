import FapiaoCore
import FapiaoExtract

/// The plan `fapiao check` prints: each source, its format, the files matched for the night, its mapping.
public enum Plan {
    /// The plan as text.
    public static func text(pipeline: LoadedPipeline, date: BusinessDate) -> String {
        let spec = pipeline.spec
        var lines = ["pipeline \(spec.name) (\(pipeline.path)) is valid", "night \(date), timezone \(spec.timezone)",
                     "run folder: \(RunLayout(pipeline: pipeline, date: date).runDirectory)", ""]
        for declared in spec.sources {
            let source = EInvoiceXML.effective(declared)
            let files = FileMatcher.files(for: source, date: date, pipelineDirectory: pipeline.directory)
            lines.append("\(source.name) [\(source.role.rawValue), \(source.format.rawValue), \(source.encoding.rawValue)\(source.required ? ", required" : "")]")
            lines.append("  path: \(FileMatcher.substitute(source.path, date: date))")
            if files.isEmpty {
                lines.append("  files: none\(source.required ? "  → missing_source" : "")")
            }
            for file in files.prefix(12) { lines.append("  file: \(file.relativePath)") }
            if files.count > 12 { lines.append("  … and \(files.count - 12) more files (\(files.count) in all)") }
            for field in source.mappedFields {
                lines.append("  \(field.rawValue) ← \(describe(source.columns[field]))")
            }
            for (field, value) in source.constants.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(field.rawValue) = \(value) (constant)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ column: ColumnRef?) -> String {
        switch column {
        case .names(let names)?: return names.joined(separator: " | ")
        case .index(let index)?: return "column \(index)"
        case nil: return ""
        }
    }
}
