import FapiaoCore
import FapiaoIO

extension SampleChain {
    /// Writes the tax-platform variant of a chain into `directory`: the same branch exports as `write` (same
    /// options, same bytes), but the authority's record as the e-tax bureau gives it: the xlsx query export
    /// (`authority/<yyyymmdd>/tax-export.xlsx`) and the digital invoices' XML files (`einvoices/<yyyymmdd>/`, the
    /// first batch loose, the others zipped), with its own `truth.json` and pipeline file (`pipeline: tax-platform`;
    /// `directory/pipeline.yaml` with `work_dir: work` unless `pipelineFile` names another, whose `work_dir` is then
    /// `work` beside the pipeline file's folder). Routing and counting: `TaxPlatformExport`.
    @discardableResult
    public static func writeTaxPlatform(to directory: String, options: SampleOptions,
                                        pipelineFile: String? = nil) throws -> SampleSummary {
        try options.validate()
        try prepare(directory, folders: ["exports", "authority", "einvoices"])
        let date = businessDate
        let plan = ChainPlan(count: options.branches, seed: options.seed)
        var ledger = TruthLedger(sources: plan.pipelineOrder.map(\.name) + TaxPlatformExport.sources)
        ledger.authorityRoutes = TaxPlatformExport.routes
        let authority = try TaxPlatformExport(directory: directory, date: date)
        try writeExports(plan: plan, options: options, directory: directory, ledger: &ledger, authority: authority)
        let truth = ledger.truth(date: date)
        try AtomicFileWriter.write(Array(truth.json.utf8), to: directory + "/truth.json")
        let pipelinePath = pipelineFile ?? directory + "/pipeline.yaml"
        // `work` beside the pipeline file's folder (pipelines/ → ../work, as for sample-chain, although this chain's
        // folder sits one level deeper, in samples/).
        let layout = RelativePaths(chain: directory, pipelineFile: pipelineFile,
                                   workBeside: pipelineFile.map { PathText.parent(of: $0) })
        var yaml = PipelineYAML(plan: plan, truth: truth, pathPrefix: layout.pathPrefix, workDir: layout.workDir, date: date)
        yaml.taxPlatform = true
        try makeFolder(PathText.parent(of: pipelinePath))
        try AtomicFileWriter.write(Array(yaml.text.utf8), to: pipelinePath)
        var injections = Dictionary(uniqueKeysWithValues: ledger.injections.map { ($0.key.rawValue, $0.value) })
        injections[heldByBothAuthorities] = ledger.heldByBothAuthorities
        return SampleSummary(truth: truth, invoices: options.branches * options.invoicesPerBranch,
                             pipelineFile: pipelinePath, injections: injections)
    }

    /// The key of `SampleSummary.injections` counting the invoices in both authority sources of a tax-platform
    /// chain (each one `duplicate_in_source` of `tax-einvoices`).
    public static let heldByBothAuthorities = "authority_in_both_sources"
}

extension PipelineYAML {
    /// The two authority sources of a tax-platform chain: the workbook first, then the XML files.
    func taxPlatformSources() -> [String] {
        let fields = PipelineYAML.authorityColumns
        var lines = [
            "  # The e-tax bureau's full invoice query export (全量发票查询), downloaded as an xlsx workbook: sheet 发票基础信息,",
            "  # one row per invoice, amounts as numbers, `--` in 数电发票号码 on legacy rows, a totals row (序号 = 合计行) last.",
            "  # Listed before the XML files: an invoice in both is kept from here (the XML copy is a duplicate_in_source of",
            "  # tax-einvoices). 是否正数发票 is not mapped to is_red (its 是 means blue); is_red follows the sign of the total.",
            "  - name: \(TaxPlatformExport.workbookSource)", "    role: authority",
            "    path: \"\(pathPrefix)\(XLSXAuthorityExport.relativePath(date).replacingDate(date))\"",
            "    required: true".padded(34) + "# without it a run fails (exit 3)",
            "    format: xlsx",
            "    xlsx: { sheet: \(XLSXAuthorityExport.invoiceSheet), header_row: 1, skip_row_when_first_cell: 合计行 }"
                + "   # a sheet's name or 1-based position",
            "    columns:",
        ]
        lines += fields.map { "      \($0.0.rawValue): \($0.1)" + ($0.0 == .digitalNumber ? "  # `--` on legacy rows: none" : "") }
        lines.append("    date_formats: [\"yyyy-MM-dd\"]")
        lines.append("    status_map: { " + AuthorityExport.statusTexts.map { "\($0.text): \($0.status.rawValue)" }.joined(separator: ", ") + " }")
        lines.append("    required_fields: [invoice_key, issue_date, amount, total]")
        lines += [
            "  # The digital invoices (数电票), one XML file each (root EInvoice), from the bureau's bulk download: the first batch",
            "  # unpacked, the others still zipped; the path matches both. No columns: every field has its default path",
            "  # (Header/EIid, EInvoiceData/BasicInformation/TotalAmWithoutTax, …; docs/extract.md). The XML shows the invoice",
            "  # as issued: a later reversal or voiding is only in the workbook.",
            "  - name: \(TaxPlatformExport.einvoiceSource)", "    role: authority",
            "    path: \"\(pathPrefix)\(EInvoiceExport.relativeFolder(date).replacingDate(date))/*\"",
            "    required: true", "    format: einvoice-xml",
            "    required_fields: [invoice_key, issue_date, amount, total]",
        ]
        return lines
    }
}
