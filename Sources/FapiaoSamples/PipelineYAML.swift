import FapiaoCore

/// Writes the sample chain's pipeline file: DESIGN.md's sketch, commented so that a reader learns the
/// format from it. Dialects describe the four export formats; exporting branches are sources with
/// `branches:` lists; a branch without a file tonight is written out in full with its seller's tax ID as a constant.
struct PipelineYAML {
    let plan: ChainPlan
    let truth: SampleTruth
    /// Prepended to every source path: the chain folder relative to the pipeline file's folder (`../samples/`).
    let pathPrefix: String
    let workDir: String
    let date: IssueDate
    /// How the authority's record is given: the CSV export (`sample-chain`) or the tax platform's xlsx and XML
    /// files (`tax-platform`).
    var taxPlatform = false

    /// The pipeline's name.
    var name: String { taxPlatform ? "tax-platform" : "sample-chain" }

    /// The whole file.
    var text: String {
        var lines = preamble()
        lines += dialects()
        lines += sources()
        lines += settings()
        return lines.joined(separator: "\n") + "\n"
    }

    private func preamble() -> [String] {
        let title = taxPlatform
            ? ["# tax-platform: one night (\(date)) of a chain of \(plan.branches.count) branch stores, with the authority's record as the",
               "# e-tax bureau gives it: its xlsx query export and the digital invoices' XML files (docs/samples.md)."]
            : ["# sample-chain: one night (\(date)) of a chain of \(plan.branches.count) branch stores and the e-tax bureau's export."]
        return title + [
            "# Written by `fapiao samples` with the files it reads and their truth.json (docs/samples.md): regenerate, do not edit.",
            "#",
            "# A pipeline file declares where one night's exports are and how to read them. Relative paths (work_dir and",
            "# every source path) resolve against this file's folder, so cron can run fapiao from anywhere.",
            "version: 1                        # the pipeline-file format version",
            "pipeline: \(name)".padded(34) + "# the pipeline's name: runs go to <work_dir>/\(name)/<date>/",
            "timezone: Asia/Shanghai           # the default business date is yesterday in this zone",
            "work_dir: \(workDir)".padded(34) + "# stage folders, the lock and the history database",
            "",
            "# Dialects: reusable export formats, one per branch software version. A source names one with `dialect:`;",
            "# keys the source sets itself override the dialect's.",
            "dialects:",
        ]
    }

    private func dialects() -> [String] {
        var lines: [String] = []
        for (index, dialect) in ExportDialect.allCases.enumerated() {
            lines.append("  \(dialect.name):".padded(34) + "# " + PipelineYAML.summary(dialect))
            lines += PipelineYAML.format(dialect, indent: "    ", explained: index == 0)
            lines += PipelineYAML.columns(dialect.columns, indent: "    ", explained: index == 0)
            lines += PipelineYAML.readingRules(dialect, indent: "    ", explained: index == 0)
        }
        return lines
    }

    private func sources() -> [String] {
        var lines = ["", "# Sources in this order: it decides which record a duplicate across branches keeps (the first listed).", "sources:"]
        for (index, group) in plan.exportingGroups.enumerated() {
            if index == 0 {
                lines.append("  # One source per listed branch: {branch} is replaced in the name and the path.")
            }
            lines += groupSource(group.dialect, group.branches, explained: index == 0)
        }
        for (index, branch) in plan.missingBranches.enumerated() { lines += explicitSource(branch, explained: index == 0) }
        lines += taxPlatform ? taxPlatformSources() : authoritySource()
        return lines
    }

    private func groupSource(_ dialect: ExportDialect, _ branches: [Branch], explained: Bool) -> [String] {
        let names = branches.map(\.name)
        let path = pathPrefix + "exports/{branch}/{yyyymmdd}/" + FileLayout.pattern(dialect)
        var lines = ["  - name: \"{branch}\""]
        lines += PipelineYAML.flowList(names, key: "branches", indent: "    ")
        lines.append(explained ? "    role: branch".padded(34) + "# branch | authority" : "    role: branch")
        lines.append(explained ? "    dialect: \(dialect.name)".padded(34) + "# the format, encoding, options and columns of a dialect" : "    dialect: \(dialect.name)")
        lines.append(explained ? "    path: \"\(path)\"  # {date}=YYYY-MM-DD, {yyyy}, {MM}, {dd}, {yyyymmdd}; globs" : "    path: \"\(path)\"")
        lines.append(explained ? "    required: true".padded(34) + "# no file for the date is a missing_source" : "    required: true")
        lines.append("    required_fields: [invoice_key, issue_date, amount, total]" + (explained ? "   # missing → invalid_record" : ""))
        return lines
    }

    private func explicitSource(_ branch: Branch, explained: Bool) -> [String] {
        let dialect = branch.dialect
        let path = pathPrefix + "exports/\(branch.name)/{yyyymmdd}/" + FileLayout.pattern(dialect)
        var lines = explained ? [
            "  # \(branch.name) is written out in full, without a dialect, and names its seller tax ID as a constant",
            "  # (instead of a column): it sent no file tonight, and the constant is how the authority's invoices of",
            "  # this seller are still attributed to it.",
        ] : []
        lines += ["  - name: \(branch.name)", "    role: branch", "    path: \"\(path)\"", "    required: true"]
        lines += PipelineYAML.format(dialect, indent: "    ", explained: false)
        lines += PipelineYAML.columns(dialect.columns.filter { $0.slot != .sellerID }, indent: "    ", explained: false)
        lines.append("    constants: { seller_tax_id: \(branch.sellerID) }")
        lines += PipelineYAML.readingRules(dialect, indent: "    ", explained: false)
        lines.append("    required_fields: [invoice_key, issue_date, amount, total]")
        return lines
    }

    /// The authority export's columns as the pipeline maps them (the CSV export and the xlsx workbook alike).
    static var authorityColumns: [(CanonicalField, String)] {
        let header = AuthorityExport.header
        return [
            (.invoiceCode, header[1]), (.invoiceNumber, header[2]), (.digitalNumber, header[3]), (.invoiceType, header[13]),
            (.issueDate, header[8]), (.sellerTaxID, header[4]), (.sellerName, header[5]), (.buyerTaxID, header[6]),
            (.buyerName, header[7]), (.amount, header[9]), (.tax, header[10]), (.total, header[11]),
            (.status, header[14]), (.remark, header[18]),
        ]
    }

    private func authoritySource() -> [String] {
        let fields = PipelineYAML.authorityColumns
        var lines = [
            "  # The e-tax bureau's full invoice query export, downloaded each night. 是否正数发票 (\"is a blue invoice\") is",
            "  # deliberately not mapped to is_red (its 是 means blue); is_red then follows the sign of the total.",
            "  - name: \(ChainPlan.authoritySource)", "    role: authority",
            "    path: \"\(pathPrefix)\(AuthorityExport.relativePath(date).replacingDate(date))\"",
            "    required: true".padded(34) + "# without it a run fails (exit 3)",
            "    format: csv", "    encoding: utf-8", "    csv: { delimiter: \",\", quote: \"\\\"\", header_row: 1, skip_rows: 0 }",
            "    columns:",
        ]
        lines += fields.map { "      \($0.0.rawValue): \($0.1)" + ($0.0 == .digitalNumber ? "  # `--` on legacy rows: none" : "") }
        lines.append("    date_formats: [\"yyyy-MM-dd\"]")
        lines.append("    status_map: { " + AuthorityExport.statusTexts.map { "\($0.text): \($0.status.rawValue)" }.joined(separator: ", ") + " }")
        lines.append("    required_fields: [invoice_key, issue_date, amount, total]")
        return lines
    }

    private func settings() -> [String] {
        let highBound = truth.counts.values.reduce(0, +)
        var types: [String] = []
        for type in [DiscrepancyType.missingInAuthority, .missingInBranches, .fieldMismatch, .fileError, .missingSource] {
            types.append("\(type.rawValue): \(PipelineYAML.threshold(above: truth.counts[type] ?? 0))")
        }
        return [
            "",
            "limits: { max_inflated_bytes: 4294967296, max_field_bytes: 1048576, max_record_bytes: 4194304, max_xml_depth: 64 }",
            "transform: { tax_tolerance_fen: 127 }   # |round(amount × rate) − tax| above this is a suspicious_field",
            "load: { history_nights: 30 }            # nights the report's history covers",
            "alerts:                                 # a run exits 1 when a night's open count reaches a value",
            "  fail_on:                              # (set above this sample's injected counts, so it exits 0)",
            "    types: { " + types.joined(separator: ", ") + " }",
            "    severity: { high: \(PipelineYAML.threshold(above: highBound)) }",
        ]
    }

    /// A round number comfortably above `count`.
    static func threshold(above count: Int) -> Int { (count * 3 / 2 + 19) / 10 * 10 }
}

extension String {
    /// The text padded with spaces to `width` characters (for aligned comments).
    func padded(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }

    /// The authority path with the date folder turned back into its placeholder.
    func replacingDate(_ date: IssueDate) -> String {
        split(separator: "/", omittingEmptySubsequences: false)
            .map { $0 == date.compact ? "{yyyymmdd}" : String($0) }.joined(separator: "/")
    }
}
