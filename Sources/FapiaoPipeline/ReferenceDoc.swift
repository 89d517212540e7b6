import Foundation
/// Generates `docs/pipeline-reference.md` from `PipelineSchema`, so the reference cannot drift from the linter.
public enum ReferenceDoc {
    /// The whole reference page as Markdown.
    public static func markdown() -> String {
        var out = """
        # Pipeline file reference

        Generated from `PipelineSchema`, the table the loader lints against (`FAPIAO_RECORD_DOCS=1 swift test
        --filter DocsAndExamples` rewrites it); a test fails when this page and the table disagree. Unknown keys are errors (with a suggestion), every
        error names `file:line:column`, and all errors are reported at once.

        A source's format keys may also come from a named entry of `dialects:` (the source's own keys win,
        key by key inside `csv`, `xml`, `xlsx`, `columns`, `constants` and `status_map`). A source with a
        `branches:` list stands for one source per listed value, with `{branch}` substituted in name and path.


        """
        out += section("Top level", PipelineSchema.topLevel, prefix: "")
        out += example
        return out
    }

    private static func section(_ title: String, _ keys: [KeySpec], prefix: String) -> String {
        var out = "## \(title)\n\n| key | type | default | required | meaning |\n|---|---|---|---|---|\n"
        var nested: [(String, [KeySpec])] = []
        for key in keys {
            let name = prefix + key.name
            out += "| `\(name)` | \(escape(key.shape.label)) | \(key.defaultValue.isEmpty ? "" : "`\(key.defaultValue)`") "
            out += "| \(key.required ? "yes" : "") | \(escape(key.doc)) |\n"
            switch key.shape {
            case .object(let children): nested.append((name, children))
            case .listOf(.object(let children)): nested.append(("\(name)[]", children))
            case .mapOf(_, .object(let children)): nested.append(("\(name).<name>", children))
            default: break
            }
        }
        out += "\n"
        for (name, children) in nested { out += section("`\(name)`", children, prefix: "\(name).") }
        return out
    }

    private static let example = """
    ## A complete example

    ```yaml
    version: 1
    pipeline: beijing-chain
    timezone: Asia/Shanghai
    work_dir: work
    dialects:
      pos-v3:                                   # one branch software version
        format: csv
        encoding: utf-8
        columns: { invoice_code: 发票代码, invoice_number: 发票号码, issue_date: 开票日期, amount: 金额, tax: 税额, total: 价税合计 }
    sources:
      - name: chaoyang
        role: branch
        path: "exports/chaoyang/{yyyymmdd}/*.csv.gz"
        required: true
        format: csv
        encoding: gb18030
        csv: { delimiter: ";", quote: "\\"", header_row: 1, skip_rows: 0 }
        columns:
          invoice_code: 发票代码
          invoice_number: [发票号码, 发票号]
          issue_date: 开票日期
          amount: 金额
          total: 价税合计
        constants: { seller_tax_id: 91110105MA00AAAA0P }
        date_formats: ["yyyy年M月d日", "yyyy/M/d"]
        status_map: { 有效: normal, 作废: voided }
        required_fields: [invoice_key, issue_date, amount, total]
      - name: haidian
        role: branch
        path: "exports/haidian/{date}/*.xml.gz"
        format: xml
        xml: { root: Invoices, record: Invoice }
        columns: { invoice_code: FPDM, invoice_number: FPHM, issue_date: KPRQ, amount: JE, total: JSHJ, buyer_name: Buyer/Name }
      - name: "store-{branch}"
        branches: ["017", "018", "023"]
        dialect: pos-v3
        path: "exports/{branch}/{yyyymmdd}/*.csv.gz"
      - name: tax-bureau
        role: authority
        path: "authority/{yyyymmdd}/tax-export.csv.gz"
        format: csv
        columns: { invoice_code: 发票代码, invoice_number: 发票号码, digital_number: 数电发票号码, issue_date: 开票日期,
                   seller_tax_id: 销方识别号, amount: 金额, tax: 税额, total: 价税合计, status: 发票状态 }
    limits: { max_inflated_bytes: 4294967296, max_field_bytes: 1048576, max_record_bytes: 4194304, max_xml_depth: 64 }
    transform: { tax_tolerance_fen: 127 }
    load: { history_nights: 30, repair_columns: {} }
    archive: { retention_days: 400 }
    alerts:
      fail_on: { types: { missing_in_authority: 50 }, severity: { high: 200 } }
      command: "./notify.sh"
    metrics_file: metrics/fapiao.prom
    ```

    """

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
