import FapiaoCore

/// The `encoding_error` findings a record's field can raise.
extension RecordEmitter {
    private static let reExportAction =
        "请门店以正确编码重新导出，或在流水线文件中设置该数据源的 encoding / "
        + "Ask the branch to re-export in the right encoding, or set the source's encoding in the pipeline file"

    /// Bytes that do not decode (or NUL bytes): medium, the field left empty, raw bytes in hex.
    func undecodable(hex: String, field: CanonicalField, line: Int, nul: Bool) -> Discrepancy {
        let encoding = inspector.encoding.rawValue
        let zh = nul
            ? "字段 \(field.rawValue) 含有 NUL（0x00）字节，不是文本，已留空；原始字节（十六进制）见 branch_value"
            : "字段 \(field.rawValue) 含有无法按 \(encoding) 解码的字节，已留空；原始字节（十六进制）见 branch_value"
        let en = nul
            ? "field \(field.rawValue) holds NUL (0x00) bytes, which are not text; left empty (raw bytes in hex in branch_value)"
            : "field \(field.rawValue) holds bytes that do not decode as \(encoding); "
                + "left empty (raw bytes in hex in branch_value)"
        return finding(.medium, field: field, value: hex, line: line, zh: zh, en: en, action: Self.reExportAction)
    }

    /// Mojibake whose text is gone: medium, the field left empty, the text as found in `branch_value`.
    func textLost(found: String, kind: Mojibake, field: CanonicalField, line: Int) -> Discrepancy {
        finding(
            .medium, field: field, value: found, line: line,
            zh: "字段 \(field.rawValue) 为乱码：\(kind.description.zh)，原文已丢失，已留空",
            en: "field \(field.rawValue) is mojibake: \(kind.description.en); the text is lost, the field is left empty",
            action: "请门店核对原始单据并重新导出 / Ask the branch to check the original invoice and re-export")
    }

    /// Mojibake repaired exactly: info, the repaired text written, the text as found in `branch_value`.
    func repaired(text: [UInt8], found: String, kind: Mojibake, field: CanonicalField, line: Int) -> Discrepancy {
        let fixed = String(decoding: text, as: UTF8.self)
        return finding(
            .info, field: field, value: found, line: line,
            zh: "字段 \(field.rawValue) 为乱码（\(kind.description.zh)），已无损修复为“\(fixed)”",
            en: "field \(field.rawValue) was mojibake (\(kind.description.en)), repaired losslessly to \"\(fixed)\"",
            action: "无需处理；建议门店修正导出设置 / Nothing to do; the branch may fix its export settings")
    }

    private func finding(
        _ severity: Severity, field: CanonicalField, value: String, line: Int, zh: String, en: String, action: String
    ) -> Discrepancy {
        let (source, file) = location
        return Discrepancy(
            type: .encodingError, severity: severity, branch: source.role == .branch ? source.name : "",
            source: source.name, field: field.rawValue, branchValue: value, file: file, line: line,
            messageZh: zh, messageEn: en, action: action)
    }
}
