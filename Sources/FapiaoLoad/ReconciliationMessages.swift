import FapiaoCore

/// Why an authority invoice has no kept branch record, when load can tell (contract-notes.md).
enum MissingCause: Equatable, Sendable {
    /// The branch had the invoice but the record was rejected (`rejects.csv`).
    case rejected(source: String, reason: String, field: String, file: String, line: Int)
    /// The attributed branch's file failed tonight (`file_error`).
    case fileFailed(file: String)
    /// The attributed branch sent no file tonight (`missing_source`).
    case sourceMissing
}

/// Builds the reconciler's discrepancy rows with messages a finance clerk can act on.
enum ReconciliationMessages {
    /// A kept branch invoice the authority's record lacks.
    static func missingInAuthority(_ invoice: Invoice) -> Discrepancy {
        Discrepancy(
            type: .missingInAuthority, severity: .high, branch: invoice.origin.source, source: invoice.origin.source,
            invoiceKey: invoice.key, branchValue: invoice.value(of: .total), file: invoice.origin.file,
            line: invoice.origin.line,
            messageZh: "门店已开具但税务系统无此发票（价税合计 \(invoice.value(of: .total))，开票日期 \(invoice.value(of: .issueDate))）",
            messageEn: "Issued at the branch but not in the tax authority's record (total \(invoice.value(of: .total)), issued \(invoice.value(of: .issueDate)))",
            action: "核实是否已上传，必要时重新上传（见 repair-batch.csv） / Check the upload; re-upload if needed (see repair-batch.csv)")
    }

    /// An authority invoice no kept branch record has; `branch` is the branch its seller tax ID maps to.
    static func missingInBranches(_ invoice: Invoice, branch: String, cause: MissingCause?) -> Discrepancy {
        let (zh, en, action) = causeTexts(cause, branch: branch)
        return Discrepancy(
            type: .missingInBranches, severity: .high, branch: branch, source: invoice.origin.source,
            invoiceKey: invoice.key, authorityValue: invoice.value(of: .total), file: invoice.origin.file,
            line: invoice.origin.line,
            messageZh: "税务系统有此发票，但门店导出中没有（价税合计 \(invoice.value(of: .total))）" + zh,
            messageEn: "In the tax authority's record but in no branch export (total \(invoice.value(of: .total)))" + en,
            action: action)
    }

    private static func causeTexts(_ cause: MissingCause?, branch: String) -> (String, String, String) {
        switch cause {
        case .rejected(let source, let reason, let field, let file, let line):
            let why = rejectReasonChinese(reason, field: field)
            return ("；门店记录被拒：\(why)（\(source) \(file) 第 \(line) 行）",
                    "; rejected at the branch: \(reason)\(field.isEmpty ? "" : " (\(field))") (\(file):\(line))",
                    "修正该门店记录后重跑 / Fix the branch record and re-run")
        case .fileFailed(let file):
            return ("；门店文件 \(file) 读取失败", "; the branch's file \(file) failed",
                    "请门店重新导出该文件后重跑 / Ask the branch to export the file again, then re-run")
        case .sourceMissing:
            return ("；门店 \(branch) 今晚没有导出文件", "; the branch \(branch) sent no file tonight",
                    "联系门店补传文件后重跑 / Ask the branch for its file, then re-run")
        case nil:
            let owner = branch.isEmpty ? "销方识别号未对应任何门店" : "应属门店 \(branch)"
            let ownerEn = branch.isEmpty ? "the seller tax ID matches no branch" : "expected from branch \(branch)"
            return ("；\(owner)", "; \(ownerEn)",
                    "核实门店是否漏导出或已作废 / Check whether the branch left it out of its export")
        }
    }

    /// The Chinese wording of a reject reason (`rejects.csv`), with the field it names.
    static func rejectReasonChinese(_ reason: String, field: String) -> String {
        let label = Labels.chineseField(field) ?? field
        switch reason {
        case "missing_key": return "缺少发票号码"
        case "missing_required": return "缺少必填字段 \(label)"
        case "bad_amount": return "金额无法识别"
        case "bad_tax": return "税额无法识别"
        case "bad_total": return "价税合计无法识别"
        case "bad_date": return "开票日期无法识别"
        default: return field.isEmpty ? reason : "\(reason)（\(label)）"
        }
    }

    /// One `field_mismatch` row for a differing field of a matched invoice.
    static func fieldMismatch(_ branch: Invoice, _ difference: FieldDifference) -> Discrepancy {
        let field = difference.field.rawValue
        let label = Labels.chineseField(field) ?? field
        let mine = Labels.valueLabel(field: field, value: difference.branchValue)
        let theirs = Labels.valueLabel(field: field, value: difference.authorityValue)
        var zh = "\(label)不一致：门店为 \(mine)，税务系统为 \(theirs)"
        var en = "\(field) differs: branch \(difference.branchValue), authority \(difference.authorityValue)"
        if let remaining = difference.remaining {
            zh = "税务系统显示部分红冲，剩余金额 \(remaining)；门店记录为正常"
            en = "Partially reversed at the authority, remaining amount \(remaining); the branch shows it as normal"
        }
        return Discrepancy(
            type: .fieldMismatch, severity: difference.severity, branch: branch.origin.source,
            source: branch.origin.source, invoiceKey: branch.key, field: field, branchValue: difference.branchValue,
            authorityValue: difference.authorityValue, file: branch.origin.file, line: branch.origin.line,
            messageZh: zh, messageEn: en, action: mismatchAction(difference))
    }

    private static func mismatchAction(_ difference: FieldDifference) -> String {
        if difference.remaining != nil {
            return "在门店系统登记对应的红字发票 / Record the red-letter invoice in the branch system"
        }
        switch difference.field {
        case .amount, .tax, .total:
            return "核对金额；门店记录有误则更正，发票开错则红冲后重开 / Check the amounts; correct the branch record, or reverse and re-issue a wrong invoice"
        case .status:
            return "核对作废或红冲是否已同步到门店系统 / Check that voiding or reversal reached the branch system"
        case .issueDate:
            return "核对开票日期 / Check the issue date"
        case .sellerTaxID:
            return "核对门店的销方识别号配置 / Check the branch's seller tax ID setting"
        default:
            return "核对购方信息；专票信息有误需红冲后重开 / Check the buyer details; a wrong special invoice must be reversed and re-issued"
        }
    }
}
