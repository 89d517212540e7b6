import FapiaoCore

/// A problem that makes one input file untrustworthy: it becomes one `file_error` and none of its records
/// is kept. Carries a stable code, the line where it broke (0 when unknown), and bilingual text.
struct FileFailure: Error, Equatable {
    /// A stable code such as `gzip.truncated`, `csv.unclosed_quote`, `xml.malformed`.
    var code: String
    /// The line where the file broke, or 0.
    var line: Int
    /// For finance staff.
    var messageZh: String
    /// For operators; names what broke and where.
    var messageEn: String
    /// What to do about it.
    var action: String

    static let reExport = "请门店重新导出并上传该文件 / Ask the branch to re-export and upload the file again"
    static let fixMapping = "请核对流水线文件中的列映射，或请门店按约定格式导出 / Fix the source's columns in the pipeline file, "
        + "or ask the branch for the agreed export layout"
    static let notLoaded = ("，本文件记录均未载入", "; none of this file's records was loaded")

    /// A failure with the standard "nothing loaded" ending added to both messages.
    init(code: String, line: Int = 0, zh: String, en: String, action: String = FileFailure.reExport) {
        self.code = code
        self.line = line
        messageZh = zh + FileFailure.notLoaded.0
        messageEn = en + FileFailure.notLoaded.1
        self.action = action
    }

    /// The failure for a byte-level error (I/O, gzip, size limit).
    init(_ error: FapiaoError, line: Int = 0) {
        let en = error.cause.map { "\(error.message) (\($0))" } ?? error.message
        switch error.code {
        case "gzip.truncated":
            self.init(code: error.code, line: line, zh: "文件被截断（gzip 数据不完整）", en: en)
        case "gzip.crc", "gzip.length", "gzip.corrupt":
            self.init(code: error.code, line: line, zh: "gzip 数据损坏（校验失败）", en: en)
        case "gzip.trailing_garbage":
            self.init(code: error.code, line: line, zh: "gzip 数据之后有多余的字节，文件已损坏", en: en)
        case "limit.inflated_bytes":
            self.init(
                code: error.code, line: line, zh: "文件（解压后）超过大小上限 limits.max_inflated_bytes", en: en,
                action: "请核对该文件；如确属正常，可调高 limits.max_inflated_bytes / Check the file; "
                    + "raise limits.max_inflated_bytes if it is genuine")
        default:
            self.init(
                code: error.code, line: line, zh: "无法读取文件", en: en,
                action: "请检查文件权限与磁盘 / Check the file's permissions and the disk")
        }
    }

    /// An unclosed quote at the end of a CSV file.
    static func unclosedQuote(line: Int) -> FileFailure {
        FileFailure(
            code: "csv.unclosed_quote", line: line,
            zh: "第 \(line) 行开始的引号直到文件末尾都未闭合（文件可能被截断）",
            en: "the quoted field opened on line \(line) is still open at the end of the file (the file may be cut short)")
    }

    /// A file with no header row at all.
    static func noHeader() -> FileFailure {
        FileFailure(code: "csv.no_header", zh: "文件为空（没有表头行）", en: "the file is empty: it has no header row")
    }
}
