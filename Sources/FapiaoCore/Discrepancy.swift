import Crypto

/// How urgently a person should look at a discrepancy.
public enum Severity: String, CaseIterable, Hashable, Sendable, Comparable {
    case high, medium, info

    /// Sort rank: high first.
    public var rank: Int { Severity.allCases.firstIndex(of: self)! }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// Whether a discrepancy is new tonight, was already open, or has disappeared.
public enum DiscrepancyStatus: String, CaseIterable, Hashable, Sendable {
    case new, open, resolved
}

/// The kinds of disagreement fapiao reports (DESIGN.md, "Discrepancy rows").
public enum DiscrepancyType: String, CaseIterable, Hashable, Sendable {
    case missingInAuthority = "missing_in_authority"
    case missingInBranches = "missing_in_branches"
    case fieldMismatch = "field_mismatch"
    case duplicateInSource = "duplicate_in_source"
    case duplicateAcrossBranches = "duplicate_across_branches"
    case invalidRecord = "invalid_record"
    case suspiciousField = "suspicious_field"
    case encodingError = "encoding_error"
    case fileError = "file_error"
    case missingSource = "missing_source"

    /// The Chinese name shown to finance staff.
    public var chineseName: String {
        switch self {
        case .missingInAuthority: return "税务系统缺失"
        case .missingInBranches: return "门店记录缺失"
        case .fieldMismatch: return "字段不一致"
        case .duplicateInSource: return "同源重复"
        case .duplicateAcrossBranches: return "跨门店重复"
        case .invalidRecord: return "无效记录"
        case .suspiciousField: return "可疑字段"
        case .encodingError: return "编码错误"
        case .fileError: return "文件错误"
        case .missingSource: return "数据源缺失"
        }
    }
}

/// One discrepancy row: the columns of `findings.csv` and `out/discrepancies.csv`, in order.
public struct Discrepancy: Hashable, Sendable {
    public var type: DiscrepancyType
    public var severity: Severity
    /// Set by load against history; stage findings carry `.new`.
    public var status: DiscrepancyStatus
    /// `YYYY-MM-DD`, set by load; empty in stage findings.
    public var firstSeen: String
    /// Nights open including tonight, set by load; 0 in stage findings.
    public var daysOpen: Int
    public var branch: String
    public var source: String
    public var invoiceKey: String
    public var field: String
    public var branchValue: String
    public var authorityValue: String
    public var file: String
    /// 0 for file-level rows.
    public var line: Int
    public var messageZh: String
    public var messageEn: String
    public var action: String
    /// For file-level rows: the file's sha256 (hex), used in the id instead of the key.
    public var fileSHA256: String

    public init(
        type: DiscrepancyType, severity: Severity, branch: String = "", source: String, invoiceKey: String = "",
        field: String = "", branchValue: String = "", authorityValue: String = "", file: String = "", line: Int = 0,
        messageZh: String, messageEn: String, action: String = "", fileSHA256: String = "",
        status: DiscrepancyStatus = .new, firstSeen: String = "", daysOpen: Int = 0
    ) {
        self.type = type; self.severity = severity; self.status = status
        self.firstSeen = firstSeen; self.daysOpen = daysOpen
        self.branch = branch; self.source = source; self.invoiceKey = invoiceKey; self.field = field
        self.branchValue = branchValue; self.authorityValue = authorityValue
        self.file = file; self.line = line
        self.messageZh = messageZh; self.messageEn = messageEn; self.action = action
        self.fileSHA256 = fileSHA256
    }

    /// First 16 hex digits of sha256(`type|source|subject|field`), where the subject is the invoice key,
    /// else `file:line` for a record without a key, else the file's sha256 for a file-level row
    /// (else the file path, for a source with no file at all). Duplicate rows are counted per extra row, so
    /// their subject is `key@file:line`: three copies of one key give two distinct ids.
    public var id: String {
        let subject: String
        if !invoiceKey.isEmpty && isPerRow { subject = "\(invoiceKey)@\(file):\(line)" }
        else if !invoiceKey.isEmpty { subject = invoiceKey }
        else if line > 0 { subject = "\(file):\(line)" }
        else if !fileSHA256.isEmpty { subject = fileSHA256 }
        else { subject = file }
        let digest = SHA256.hash(data: Array("\(type.rawValue)|\(source)|\(subject)|\(field)".utf8))
        return digest.prefix(8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Types counted per extra row rather than per key.
    private var isPerRow: Bool { type == .duplicateInSource || type == .duplicateAcrossBranches }

    /// The machine header of `findings.csv` (and, bilingual, of `discrepancies.csv`).
    public static let header = [
        "id", "type", "severity", "status", "first_seen", "days_open", "branch", "source", "invoice_key", "field",
        "branch_value", "authority_value", "file", "line", "message_zh", "message_en", "action",
    ]

    /// The row in `header` order.
    public var row: [String] {
        [id, type.rawValue, severity.rawValue, status.rawValue, firstSeen, String(daysOpen), branch, source,
         invoiceKey, field, branchValue, authorityValue, file, line == 0 ? "" : String(line),
         messageZh, messageEn, action]
    }

    /// Stage findings also carry the file hash; `findings.csv` appends it as a last column `file_sha256`.
    public static let findingsHeader = header + ["file_sha256"]

    /// The row in `findingsHeader` order.
    public var findingsRow: [String] { row + [fileSHA256] }

    /// Reads a `findingsHeader` row; nil when a value is not one this type writes.
    public init?(findingsRow r: [String]) {
        guard r.count == Discrepancy.findingsHeader.count, let type = DiscrepancyType(rawValue: r[1]),
              let severity = Severity(rawValue: r[2]), let status = DiscrepancyStatus(rawValue: r[3]),
              let days = Int(r[5]) else { return nil }
        self.init(
            type: type, severity: severity, branch: r[6], source: r[7], invoiceKey: r[8], field: r[9],
            branchValue: r[10], authorityValue: r[11], file: r[12], line: Int(r[13]) ?? 0,
            messageZh: r[14], messageEn: r[15], action: r[16], fileSHA256: r[17],
            status: status, firstSeen: r[4], daysOpen: days)
    }

    /// The report order: severity, branch, invoice key, field, then type, source, file, line.
    public static func reportOrder(_ a: Discrepancy, _ b: Discrepancy) -> Bool {
        if a.severity != b.severity { return a.severity < b.severity }
        if a.branch != b.branch { return a.branch < b.branch }
        if a.invoiceKey != b.invoiceKey { return a.invoiceKey < b.invoiceKey }
        if a.field != b.field { return a.field < b.field }
        if a.type != b.type { return a.type.rawValue < b.type.rawValue }
        if a.source != b.source { return a.source < b.source }
        if a.file != b.file { return a.file < b.file }
        return a.line < b.line
    }
}
