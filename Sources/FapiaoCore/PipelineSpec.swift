/// A validated pipeline file: the configuration values every stage reads. Built by FapiaoPipeline's loader.
public struct PipelineSpec: Hashable, Sendable {
    /// `version:` (1).
    public var version: Int
    /// `pipeline:` the pipeline's name; names the work folder.
    public var name: String
    /// `timezone:` an IANA zone; the default business date is yesterday there.
    public var timezone: String
    /// `work_dir:` as written (relative paths resolve against the pipeline file's folder).
    public var workDir: String
    /// Sources in file order, `branches:` lists already expanded.
    public var sources: [SourceSpec]
    public var limits: Limits
    public var transform: TransformOptions
    public var load: LoadOptions
    public var archive: ArchiveOptions
    public var alerts: AlertOptions
    /// `metrics_file:` a Prometheus textfile path, or empty.
    public var metricsFile: String

    public init(
        version: Int = 1, name: String, timezone: String = "Asia/Shanghai", workDir: String = "work",
        sources: [SourceSpec], limits: Limits = Limits(), transform: TransformOptions = TransformOptions(),
        load: LoadOptions = LoadOptions(), archive: ArchiveOptions = ArchiveOptions(),
        alerts: AlertOptions = AlertOptions(), metricsFile: String = ""
    ) {
        self.version = version; self.name = name; self.timezone = timezone; self.workDir = workDir
        self.sources = sources; self.limits = limits; self.transform = transform; self.load = load
        self.archive = archive; self.alerts = alerts; self.metricsFile = metricsFile
    }

    /// Branch sources in file order (their order decides which duplicate across branches is kept).
    public var branchSources: [SourceSpec] { sources.filter { $0.role == .branch } }
    /// Authority sources in file order.
    public var authoritySources: [SourceSpec] { sources.filter { $0.role == .authority } }
    /// The source with a name.
    public func source(named name: String) -> SourceSpec? { sources.first { $0.name == name } }
}

/// Whose record a source is.
public enum SourceRole: String, CaseIterable, Hashable, Sendable {
    /// A branch store's export of the invoices it issued.
    case branch
    /// The tax authority's record.
    case authority
}

/// The file format of a source.
public enum SourceFormat: String, CaseIterable, Hashable, Sendable {
    case csv, xml, xlsx
    case einvoiceXML = "einvoice-xml"
}

/// The text encoding of a source.
public enum SourceEncoding: String, CaseIterable, Hashable, Sendable {
    /// BOM → strict UTF-8 → GB18030, per file.
    case auto
    case utf8 = "utf-8"
    case gb18030, gbk
    case gb2312
    case utf16 = "utf-16"
    case utf16le = "utf-16le"
    case utf16be = "utf-16be"
}

/// Where a canonical field's value comes from in a source's records.
public enum ColumnRef: Hashable, Sendable {
    /// A header name, or alternatives tried in order (header names are compared trimmed and NFKC-folded).
    case names([String])
    /// A 1-based column position (CSV and xlsx).
    case index(Int)
}

/// `csv:` options.
public struct CSVOptions: Hashable, Sendable {
    public var delimiter: String
    public var quote: String
    /// 1-based row holding the header; 0 for no header (then columns are mapped by `{index: N}`).
    public var headerRow: Int
    /// Rows to skip before the header row (banner lines some software writes).
    public var skipRows: Int

    public init(delimiter: String = ",", quote: String = "\"", headerRow: Int = 1, skipRows: Int = 0) {
        self.delimiter = delimiter; self.quote = quote; self.headerRow = headerRow; self.skipRows = skipRows
    }
}

/// `xml:` options.
public struct XMLOptions: Hashable, Sendable {
    /// The expected root element's local name, or empty for any.
    public var root: String
    /// The local name of the element that holds one record.
    public var record: String

    public init(root: String = "", record: String = "") {
        self.root = root; self.record = record
    }
}

/// `xlsx:` options.
public struct XLSXOptions: Hashable, Sendable {
    /// The sheet's name, or its 1-based index written as a number.
    public var sheet: String
    public var headerRow: Int
    /// Skip rows whose first column holds this text (the totals row).
    public var skipRowWhenFirstCell: String

    public init(sheet: String = "发票基础信息", headerRow: Int = 1, skipRowWhenFirstCell: String = "合计行") {
        self.sheet = sheet; self.headerRow = headerRow; self.skipRowWhenFirstCell = skipRowWhenFirstCell
    }
}

/// One source after dialect and `branches:` expansion.
public struct SourceSpec: Hashable, Sendable {
    public var name: String
    public var role: SourceRole
    /// The path pattern with `{date}`, `{yyyy}`, `{MM}`, `{dd}`, `{yyyymmdd}` placeholders and globs.
    public var path: String
    public var required: Bool
    public var format: SourceFormat
    public var encoding: SourceEncoding
    public var csv: CSVOptions
    public var xml: XMLOptions
    public var xlsx: XLSXOptions
    /// Canonical field → where its value is; in canonical field order when iterated via `mappedFields`.
    public var columns: [CanonicalField: ColumnRef]
    /// Canonical field → a value every record of the source gets (e.g. the branch's own seller tax ID).
    public var constants: [CanonicalField: String]
    /// Extra Unicode date patterns tried before the built-in notations.
    public var dateFormats: [String]
    /// Source status text → canonical status, tried before the built-in vocabulary.
    public var statusMap: [String: InvoiceStatus]
    /// Fields a record must have; missing → `invalid_record`.
    public var requiredFields: [CanonicalField]

    public init(
        name: String, role: SourceRole, path: String, required: Bool = true, format: SourceFormat = .csv,
        encoding: SourceEncoding = .auto, csv: CSVOptions = CSVOptions(), xml: XMLOptions = XMLOptions(),
        xlsx: XLSXOptions = XLSXOptions(), columns: [CanonicalField: ColumnRef] = [:],
        constants: [CanonicalField: String] = [:], dateFormats: [String] = [],
        statusMap: [String: InvoiceStatus] = [:], requiredFields: [CanonicalField] = SourceSpec.defaultRequiredFields
    ) {
        self.name = name; self.role = role; self.path = path; self.required = required; self.format = format
        self.encoding = encoding; self.csv = csv; self.xml = xml; self.xlsx = xlsx; self.columns = columns
        self.constants = constants; self.dateFormats = dateFormats; self.statusMap = statusMap
        self.requiredFields = requiredFields
    }

    /// `[invoice_key, issue_date, amount, total]`.
    public static let defaultRequiredFields: [CanonicalField] = [.invoiceKey, .issueDate, .amount, .total]

    /// Fields the source maps to a column, in canonical order.
    public var mappedFields: [CanonicalField] { CanonicalField.mappable.filter { columns[$0] != nil } }

    /// Fields an extract file of this source holds: mapped columns and constants, in canonical order.
    public var extractedFields: [CanonicalField] {
        CanonicalField.mappable.filter { columns[$0] != nil || constants[$0] != nil }
    }
}

/// `limits:` safety limits on input.
public struct Limits: Hashable, Sendable {
    public var maxInflatedBytes: Int64
    public var maxFieldBytes: Int
    public var maxRecordBytes: Int
    public var maxXMLDepth: Int

    public init(
        maxInflatedBytes: Int64 = 4 << 30, maxFieldBytes: Int = 1 << 20, maxRecordBytes: Int = 4 << 20,
        maxXMLDepth: Int = 64
    ) {
        self.maxInflatedBytes = maxInflatedBytes; self.maxFieldBytes = maxFieldBytes
        self.maxRecordBytes = maxRecordBytes; self.maxXMLDepth = maxXMLDepth
    }
}

/// `transform:` options.
public struct TransformOptions: Hashable, Sendable {
    /// |round(amount × rate) − tax| above this (in fen) is a `suspicious_field`.
    public var taxToleranceFen: Int64

    public init(taxToleranceFen: Int64 = 127) { self.taxToleranceFen = taxToleranceFen }
}

/// `load:` options.
public struct LoadOptions: Hashable, Sendable {
    /// Nights of history the report's chart shows.
    public var historyNights: Int
    /// Repair-batch column header → canonical field (or `discrepancy_type`); empty for the authority layout.
    public var repairColumns: [(header: String, field: String)]

    public init(historyNights: Int = 30, repairColumns: [(header: String, field: String)] = []) {
        self.historyNights = historyNights; self.repairColumns = repairColumns
    }

    public static func == (a: LoadOptions, b: LoadOptions) -> Bool {
        a.historyNights == b.historyNights && a.repairColumns.map(\.header) == b.repairColumns.map(\.header)
            && a.repairColumns.map(\.field) == b.repairColumns.map(\.field)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(historyNights)
        for column in repairColumns { hasher.combine(column.header); hasher.combine(column.field) }
    }
}

/// `archive:` options.
public struct ArchiveOptions: Hashable, Sendable {
    public var retentionDays: Int
    public init(retentionDays: Int = 400) { self.retentionDays = retentionDays }
}

/// `alerts:` thresholds and the command to run when one is reached.
public struct AlertOptions: Hashable, Sendable {
    /// Type → open count that fires.
    public var failOnTypes: [DiscrepancyType: Int]
    /// Severity → open count that fires.
    public var failOnSeverity: [Severity: Int]
    /// A shell command run with the summary path as `$1`, or empty.
    public var command: String

    public init(failOnTypes: [DiscrepancyType: Int] = [:], failOnSeverity: [Severity: Int] = [:], command: String = "") {
        self.failOnTypes = failOnTypes; self.failOnSeverity = failOnSeverity; self.command = command
    }
}
