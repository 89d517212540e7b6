import FapiaoCore

/// The kind of a scalar value in a pipeline file.
public enum ScalarKind: Hashable, Sendable {
    case string
    case integer(min: Int64)
    case boolean
    /// One of a fixed list of words.
    case oneOf([String])

    /// How the kind reads in docs and messages.
    public var label: String {
        switch self {
        case .string: return "string"
        case .integer(let min): return min > 0 ? "integer ≥ \(min)" : "integer"
        case .boolean: return "boolean"
        case .oneOf(let words): return words.joined(separator: " | ")
        }
    }
}

/// The shape of a value in a pipeline file: what the linter checks and the reference documents.
public indirect enum ValueShape: Sendable {
    case scalar(ScalarKind)
    /// A mapping with a fixed set of keys.
    case object([KeySpec])
    /// A mapping whose keys are of one kind (e.g. canonical field names) and values of one shape.
    case mapOf(key: ScalarKind, value: ValueShape)
    case listOf(ValueShape)
    /// A column reference: a name, a list of alternative names, or `{index: N}`.
    case columnRef

    /// How the shape reads in the reference.
    public var label: String {
        switch self {
        case .scalar(let kind): return kind.label
        case .object: return "mapping"
        case .mapOf(let key, let value): return "mapping of \(key.label) → \(value.label)"
        case .listOf(let element): return "list of \(element.label)"
        case .columnRef: return "column name, list of names, or {index: N}"
        }
    }
}

/// One key of a pipeline-file mapping, with its documentation.
public struct KeySpec: Sendable {
    public var name: String
    public var shape: ValueShape
    public var required: Bool
    /// The default as documented (empty when none).
    public var defaultValue: String
    public var doc: String

    public init(_ name: String, _ shape: ValueShape, required: Bool = false, default defaultValue: String = "",
                _ doc: String) {
        self.name = name; self.shape = shape; self.required = required
        self.defaultValue = defaultValue; self.doc = doc
    }
}

/// The one table of pipeline-file keys: the linter, the loader's defaults and `docs/pipeline-reference.md`
/// all come from it.
public enum PipelineSchema {
    static let fieldNames = CanonicalField.mappable.map(\.rawValue)
    static let statusNames = InvoiceStatus.allCases.map(\.rawValue)

    /// Keys shared by a source and a dialect (a source's own keys override its dialect's).
    public static let formatKeys: [KeySpec] = [
        KeySpec("format", .scalar(.oneOf(SourceFormat.allCases.map(\.rawValue))), default: "csv",
                "File format of the export."),
        KeySpec("encoding", .scalar(.oneOf(SourceEncoding.allCases.map(\.rawValue))), default: "auto",
                "Text encoding; `auto` detects per file: BOM, then strict UTF-8, then GB18030. GBK and GB2312 decode as GB18030."),
        KeySpec("csv", .object(csvKeys), "CSV options."),
        KeySpec("xml", .object(xmlKeys), "XML options."),
        KeySpec("xlsx", .object(xlsxKeys), "xlsx options."),
        KeySpec("columns", .mapOf(key: .oneOf(fieldNames), value: .columnRef),
                "Canonical field → the source's column: a name, a list of alternative names (first found wins), or `{index: N}` (1-based). XML: a path below the record element (`Buyer/Name`, `@id`)."),
        KeySpec("constants", .mapOf(key: .oneOf(fieldNames), value: .scalar(.string)),
                "Canonical field → a value every record gets when its own is empty (e.g. the branch's seller_tax_id)."),
        KeySpec("date_formats", .listOf(.scalar(.string)),
                "Extra Unicode date patterns (letters y M d H m s) tried before the built-in notations; a trailing time is ignored."),
        KeySpec("status_map", .mapOf(key: .string, value: .scalar(.oneOf(statusNames))),
                "The source's status text → canonical status, tried before the built-in vocabulary."),
        KeySpec("required_fields", .listOf(.scalar(.oneOf(["invoice_key"] + fieldNames))),
                default: "[invoice_key, issue_date, amount, total]",
                "Fields a record must have; a record missing one is an `invalid_record`."),
    ]

    static let csvKeys: [KeySpec] = [
        KeySpec("delimiter", .scalar(.string), default: "\",\"", "Field delimiter: one character; `\\t` for tab."),
        KeySpec("quote", .scalar(.string), default: "\"\\\"\"", "Quote character; empty for none."),
        KeySpec("header_row", .scalar(.integer(min: 0)), default: "1", "1-based row of the header (after skipped rows); 0 for none."),
        KeySpec("skip_rows", .scalar(.integer(min: 0)), default: "0", "Rows to skip before the header (banner lines)."),
    ]

    static let xmlKeys: [KeySpec] = [
        KeySpec("root", .scalar(.string), "Expected root element (local name); a file with another root is a `file_error`."),
        KeySpec("record", .scalar(.string), required: true, "Local name of the element holding one invoice."),
    ]

    static let xlsxKeys: [KeySpec] = [
        KeySpec("sheet", .scalar(.string), default: "发票基础信息", "Sheet name, or its 1-based index."),
        KeySpec("header_row", .scalar(.integer(min: 1)), default: "1", "1-based row of the header."),
        KeySpec("skip_row_when_first_cell", .scalar(.string), default: "合计行", "Skip rows whose first cell holds this text (the totals row)."),
    ]

    /// Keys of one entry of `sources:`.
    public static let sourceKeys: [KeySpec] = [
        KeySpec("name", .scalar(.string), required: true,
                "Source name: names its extract file and appears in every report row. With `branches:`, contains `{branch}`."),
        KeySpec("role", .scalar(.oneOf(SourceRole.allCases.map(\.rawValue))), default: "branch",
                "`branch` (a store's export) or `authority` (the tax authority's record)."),
        KeySpec("path", .scalar(.string), required: true,
                "File pattern relative to the pipeline file: placeholders {date} (YYYY-MM-DD), {yyyy}, {MM}, {dd}, {yyyymmdd}, {branch}; globs * ? [..]."),
        KeySpec("required", .scalar(.boolean), default: "true", "A night without a file for this source is a `missing_source`."),
        KeySpec("dialect", .scalar(.string), "Name of an entry of `dialects:` whose keys this source takes."),
        KeySpec("branches", .listOf(.scalar(.string)),
                "One branch source per listed value, `{branch}` substituted in name and path."),
    ] + formatKeys

    static let limitKeys: [KeySpec] = [
        KeySpec("max_inflated_bytes", .scalar(.integer(min: 1)), default: "4294967296", "Stop inflating a file past this size (a gzip bomb): `file_error`."),
        KeySpec("max_field_bytes", .scalar(.integer(min: 1)), default: "1048576", "Largest field."),
        KeySpec("max_record_bytes", .scalar(.integer(min: 1)), default: "4194304", "Largest record."),
        KeySpec("max_xml_depth", .scalar(.integer(min: 1)), default: "64", "Deepest XML nesting."),
    ]

    static let alertKeys: [KeySpec] = [
        KeySpec("fail_on", .object([
            KeySpec("types", .mapOf(key: .oneOf(DiscrepancyType.allCases.map(\.rawValue)), value: .scalar(.integer(min: 1))),
                    "Discrepancy type → open count tonight that fires the alert (exit 1)."),
            KeySpec("severity", .mapOf(key: .oneOf(Severity.allCases.map(\.rawValue)), value: .scalar(.integer(min: 1))),
                    "Severity → open count tonight that fires the alert (exit 1)."),
        ]), "Thresholds."),
        KeySpec("command", .scalar(.string), "Shell command run when an alert fires: gets the summary path as $1 and FAPIAO_* variables."),
    ]

    /// The top-level keys.
    public static let topLevel: [KeySpec] = [
        KeySpec("version", .scalar(.integer(min: 1)), required: true, "Pipeline-file format version: 1."),
        KeySpec("pipeline", .scalar(.string), required: true, "Pipeline name: names the work folder `<work_dir>/<pipeline>/`."),
        KeySpec("timezone", .scalar(.string), default: "Asia/Shanghai", "IANA zone; the default business date is yesterday there."),
        KeySpec("work_dir", .scalar(.string), default: "work", "Where runs are written, relative to the pipeline file."),
        KeySpec("dialects", .mapOf(key: .string, value: .object(formatKeys)),
                "Reusable export formats (one per branch software version), named."),
        KeySpec("sources", .listOf(.object(sourceKeys)), required: true,
                "Branch exports and the authority export, in order (the first listed branch wins a duplicate across branches)."),
        KeySpec("limits", .object(limitKeys), "Safety limits on input."),
        KeySpec("transform", .object([
            KeySpec("tax_tolerance_fen", .scalar(.integer(min: 0)), default: "127",
                    "Largest accepted |round(amount × rate) − tax| in fen before a `suspicious_field`."),
        ]), "Transform options."),
        KeySpec("load", .object([
            KeySpec("history_nights", .scalar(.integer(min: 1)), default: "30", "Nights the report's history chart shows."),
            KeySpec("repair_columns", .mapOf(key: .string, value: .scalar(.oneOf(["discrepancy_type"] + CanonicalField.allCases.map(\.rawValue)))),
                    "Repair-batch header → canonical field (or `discrepancy_type`); empty for the authority layout."),
        ]), "Load options."),
        KeySpec("archive", .object([
            KeySpec("retention_days", .scalar(.integer(min: 1)), default: "400", "Days input archives are kept."),
        ]), "Input archive options."),
        KeySpec("alerts", .object(alertKeys), "When a night should wake someone."),
        KeySpec("metrics_file", .scalar(.string), "Prometheus textfile written after each run, relative to the pipeline file."),
    ]
}
