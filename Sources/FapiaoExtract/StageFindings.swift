import FapiaoCore

/// The file-level findings of the extract stage.
extension SourceExtractor {
    /// One `file_error` (high) for a failed file: line where it broke (0 when unknown), the file's sha256.
    static func fileError(_ failure: FileFailure, source: SourceSpec, file: String, sha256: String) -> Discrepancy {
        Discrepancy(
            type: .fileError, severity: .high, branch: source.role == .branch ? source.name : "", source: source.name,
            file: file, line: failure.line, messageZh: "文件 \(file)：" + failure.messageZh,
            messageEn: "file \(file): " + failure.messageEn, action: failure.action, fileSHA256: sha256)
    }

    /// One `missing_source` (high) for a required source with no file tonight.
    static func missingSource(_ source: SourceSpec) -> Discrepancy {
        Discrepancy(
            type: .missingSource, severity: .high, branch: source.role == .branch ? source.name : "",
            source: source.name,
            messageZh: "数据源 \(source.name) 本日没有文件（路径 \(source.path)）",
            messageEn: "required source \(source.name) has no file for this date (path \(source.path))",
            action: "请确认门店已导出并上传当日文件 / Check that the branch exported and uploaded tonight's file")
    }
}
