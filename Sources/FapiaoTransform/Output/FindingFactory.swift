import FapiaoCore

/// Builds the discrepancy rows transform writes, with bilingual messages and an action for finance staff.
struct FindingFactory: Sendable {
    /// The source the records come from.
    let source: SourceSpec

    /// `invalid_record` (high) for a rejected record; `branch` is the branch (or the attributed branch).
    func invalid(_ rejection: Rejection, raw: RawRecord, branch: String) -> Discrepancy {
        let value = raw[rejection.field]
        let label = rejection.field.chineseLabel
        let (zh, en): (String, String)
        switch rejection.reason {
        case .missingKey:
            (zh, en) = ("缺少有效的发票号码（既无20位数电号码，也无发票代码+号码）",
                        "no usable key: neither a 20-digit number nor a code and number")
        case .missingRequired:
            (zh, en) = ("缺少必填字段：\(label)", "required field \(rejection.field.rawValue) is missing")
        case .badDate:
            (zh, en) = ("开票日期无法识别或不存在：\(value)", "issue date cannot be read or does not exist: \(value)")
        case .badAmount, .badTax, .badTotal:
            (zh, en) = ("\(label)无法识别：\(value)", "\(rejection.field.rawValue) cannot be read as money: \(value)")
        }
        return make(.invalidRecord, .high, branch: branch, key: rejection.key, field: rejection.field.rawValue,
                    value: value, at: raw.location, zh: "无效记录，未入库：" + zh, en: "record rejected: " + en,
                    action: "在门店系统中更正该记录后重新导出")
    }

    /// `suspicious_field` (medium) for a kept record's value; `asFound` is the raw value.
    func suspicious(_ value: SuspiciousValue, invoice: Invoice, asFound: String) -> Discrepancy {
        make(.suspiciousField, .medium, branch: invoice.branch, key: invoice.key, field: value.field.rawValue,
             value: asFound, at: invoice.origin, zh: value.messageZh, en: value.messageEn, action: value.action)
    }

    /// `duplicate_in_source`: info when identical to the kept record, high when conflicting.
    func duplicateInSource(_ removed: Invoice, keptFile: String, keptLine: Int, identical: Bool) -> Discrepancy {
        let kept = "\(keptFile):\(keptLine)"
        let (zh, en) = identical
            ? ("同一数据源内重复记录，与 \(kept) 完全相同，已去重", "repeats the identical record at \(kept); removed")
            : ("同一数据源内重复发票，与 \(kept) 的记录内容不同，保留了 \(kept)",
               "same invoice as the record at \(kept) but different values; \(kept) kept")
        return make(.duplicateInSource, identical ? .info : .high, branch: removed.branch, key: removed.key, field: "",
                    value: "", at: removed.origin, zh: zh, en: en,
                    action: identical ? "无需处理" : "核对两条记录，确认正确的发票内容")
    }

    /// `duplicate_across_branches` (high): another branch, listed earlier, exported the same key.
    func duplicateAcrossBranches(_ removed: Invoice, keptSource: String, keptFile: String, keptLine: Int)
        -> Discrepancy
    {
        let kept = "\(keptFile):\(keptLine)"
        return make(.duplicateAcrossBranches, .high, branch: removed.branch, key: removed.key, field: "", value: "",
                    at: removed.origin,
                    zh: "该发票已由门店 \(keptSource) 导出（\(kept)），本门店的记录未入库",
                    en: "branch \(keptSource) already exported this invoice (\(kept)); this branch's record removed",
                    action: "确认发票归属门店，更正错误导出的门店数据")
    }

    private func make(_ type: DiscrepancyType, _ severity: Severity, branch: String, key: String, field: String,
                      value: String, at location: InputLocation, zh: String, en: String, action: String)
        -> Discrepancy
    {
        let isBranch = source.role == .branch
        return Discrepancy(
            type: type, severity: severity, branch: branch, source: source.name, invoiceKey: key, field: field,
            branchValue: isBranch ? value : "", authorityValue: isBranch ? "" : value,
            file: location.file, line: location.line, messageZh: zh, messageEn: en, action: action)
    }
}
