import Foundation
import FapiaoCore
import Yams

/// Builds a `PipelineSpec` from a linted node tree: applies defaults, dialects and `branches:` lists,
/// and reports the problems that need more than one key to see (duplicate names, no authority source…).
struct SpecBuilder {
    let path: String
    let root: Node
    private(set) var diagnostics: [Diagnostic] = []

    init(path: String, root: Node) {
        self.path = path
        self.root = root
    }

    mutating func report(_ node: Node?, _ message: String) {
        let mark = node?.mark ?? root.mark
        diagnostics.append(Diagnostic(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    /// The spec, or nil when something essential is missing (diagnostics say what).
    mutating func build() -> PipelineSpec? {
        guard root.mapping != nil else { return nil }
        if let version = root["version"], let value = version.int, value != 1 {
            report(version, "unsupported version \(value); this fapiao reads version 1")
        }
        let name = root["pipeline"]?.string ?? ""
        let timezone = root["timezone"]?.string ?? "Asia/Shanghai"
        if TimeZone(identifier: timezone) == nil {
            report(root["timezone"], "unknown time zone '\(timezone)' (use an IANA name such as Asia/Shanghai)")
        }
        let sources = buildSources()
        return PipelineSpec(
            version: 1, name: name, timezone: timezone, workDir: root["work_dir"]?.string ?? "work",
            sources: sources, limits: limits(root["limits"]), transform: TransformOptions(
                taxToleranceFen: int64(root["transform"]?["tax_tolerance_fen"]) ?? 127),
            load: loadOptions(root["load"]), archive: ArchiveOptions(
                retentionDays: int(root["archive"]?["retention_days"]) ?? 400),
            alerts: alerts(root["alerts"]), metricsFile: root["metrics_file"]?.string ?? "")
    }

    private mutating func buildSources() -> [SourceSpec] {
        guard let list = root["sources"]?.sequence else { return [] }
        let dialects = root["dialects"]?.mapping
        var result: [SourceSpec] = []
        var seen: [String: Node] = [:]
        for node in list where node.mapping != nil {
            for source in expand(node, dialects: dialects) {
                if seen[source.name] != nil {
                    report(node["name"] ?? node, "duplicate source name '\(source.name)'")
                }
                seen[source.name] = node
                result.append(source)
            }
        }
        if !list.isEmpty && !result.contains(where: { $0.role == .authority }) {
            report(keyNode("sources"), "no source has role: authority; add the tax authority's export as a source with `role: authority`")
        }
        if list.isEmpty { report(keyNode("sources"), "'sources' lists no source") }
        return result
    }

    /// One source node → one spec, or one per `branches:` value.
    private mutating func expand(_ node: Node, dialects: Node.Mapping?) -> [SourceSpec] {
        var dialect: Node?
        if let dialectName = node["dialect"] {
            dialect = dialects?[dialectName.string ?? ""]
            if dialect == nil {
                let known = dialects.map { $0.keys.compactMap(\.string) } ?? []
                report(dialectName, "unknown dialect '\(dialectName.string ?? "")'\(Suggestion.phrase(for: dialectName.string ?? "", in: known))")
            }
        }
        let settings = SourceSettings(own: node, dialect: dialect)
        let name = node["name"]?.string ?? ""
        guard let branches = node["branches"]?.sequence else {
            if name.contains("{branch}") { report(node["name"], "'{branch}' in a name needs a 'branches:' list") }
            return [build(name: name, path: node["path"]?.string ?? "", settings: settings, at: node)]
        }
        if !name.contains("{branch}") {
            report(node["name"], "a source with 'branches:' must have '{branch}' in its name, e.g. \"store-{branch}\"")
        }
        return branches.compactMap(\.string).map { branch in
            build(name: name.replacingOccurrences(of: "{branch}", with: branch),
                  path: (node["path"]?.string ?? "").replacingOccurrences(of: "{branch}", with: branch),
                  settings: settings, at: node)
        }
    }

    private mutating func build(name: String, path: String, settings: SourceSettings, at node: Node) -> SourceSpec {
        checkPlaceholders(path, at: node["path"])
        let format = SourceFormat(rawValue: settings.scalar("format") ?? "csv") ?? .csv
        if format == .xml && settings.value("xml", "record") == nil {
            report(node, "source '\(name)' has format xml but no xml.record (the element holding one invoice)")
        }
        var csv = CSVOptions()
        csv.delimiter = unescape(settings.value("csv", "delimiter") ?? ",")
        csv.quote = settings.value("csv", "quote") ?? "\""
        csv.headerRow = Int(settings.value("csv", "header_row") ?? "") ?? 1
        csv.skipRows = Int(settings.value("csv", "skip_rows") ?? "") ?? 0
        if csv.delimiter.utf8.count != 1 {
            report(settings.node("csv", "delimiter"), "csv.delimiter must be one ASCII character (got '\(csv.delimiter)')")
        }
        if csv.quote.utf8.count > 1 { report(settings.node("csv", "quote"), "csv.quote must be one ASCII character or empty") }
        var xlsx = XLSXOptions()
        if let sheet = settings.value("xlsx", "sheet") { xlsx.sheet = sheet }
        if let row = settings.value("xlsx", "header_row").flatMap(Int.init) { xlsx.headerRow = row }
        if let skip = settings.value("xlsx", "skip_row_when_first_cell") { xlsx.skipRowWhenFirstCell = skip }
        return SourceSpec(
            name: name, role: SourceRole(rawValue: settings.scalar("role") ?? "branch") ?? .branch, path: path,
            required: settings.scalar("required").map { $0 == "true" } ?? true, format: format,
            encoding: SourceEncoding(rawValue: settings.scalar("encoding") ?? "auto") ?? .auto, csv: csv,
            xml: XMLOptions(root: settings.value("xml", "root") ?? "", record: settings.value("xml", "record") ?? ""),
            xlsx: xlsx, columns: settings.columns(), constants: settings.constants(),
            dateFormats: settings.list("date_formats"), statusMap: settings.statusMap(),
            requiredFields: settings.list("required_fields").isEmpty
                ? SourceSpec.defaultRequiredFields
                : settings.list("required_fields").compactMap(CanonicalField.init(rawValue:)))
    }

    private mutating func checkPlaceholders(_ path: String, at node: Node?) {
        let known = ["date", "yyyy", "MM", "dd", "yyyymmdd", "branch"]
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                report(node, "unclosed '{' in path '\(path)'")
                return
            }
            let word = String(rest[rest.index(after: open)..<close])
            if !known.contains(word) {
                report(node, "unknown placeholder '{\(word)}' in path\(Suggestion.phrase(for: word, in: known)) (known: {date}, {yyyy}, {MM}, {dd}, {yyyymmdd}, {branch})")
            }
            rest = rest[rest.index(after: close)...]
        }
    }

    /// The key node of a top-level key (its position is where the key is written).
    func keyNode(_ key: String) -> Node? {
        root.mapping?.first { $0.key.string == key }?.key
    }

    private func unescape(_ text: String) -> String { text == "\\t" ? "\t" : text }
}
