import FapiaoCore

/// Chinese and English labels for the values finance staff read in the reports.
///
/// People-facing cells are written `中文 raw` (e.g. `高 high`, `金额 amount`): the Chinese first,
/// the machine value last, so the raw value stays recoverable as the text after the last space.
enum Labels {
    /// `高`, `中`, `提示`.
    static func chinese(_ severity: Severity) -> String {
        switch severity {
        case .high: return "高"
        case .medium: return "中"
        case .info: return "提示"
        }
    }

    /// `新增`, `持续`, `已解决`.
    static func chinese(_ status: DiscrepancyStatus) -> String {
        switch status {
        case .new: return "新增"
        case .open: return "持续"
        case .resolved: return "已解决"
        }
    }

    /// The Chinese column name of a canonical field as the authority's export writes it; nil for other names.
    static func chineseField(_ raw: String) -> String? {
        guard let field = CanonicalField(rawValue: raw) else { return nil }
        switch field {
        case .invoiceKey: return "发票号"
        case .invoiceCode: return "发票代码"
        case .invoiceNumber: return "发票号码"
        case .digitalNumber: return "数电发票号码"
        case .invoiceType: return "发票票种"
        case .issueDate: return "开票日期"
        case .sellerTaxID: return "销方识别号"
        case .sellerName: return "销方名称"
        case .buyerTaxID: return "购方识别号"
        case .buyerName: return "购买方名称"
        case .amount: return "金额"
        case .tax: return "税额"
        case .total: return "价税合计"
        case .taxRate: return "税率"
        case .status: return "发票状态"
        case .isRed: return "红字发票"
        case .originalInvoiceKey: return "原蓝字发票"
        case .remark: return "备注"
        case .branch: return "门店"
        }
    }

    /// The authority's wording of an invoice status; nil for text that is not a canonical status.
    static func chineseInvoiceStatus(_ raw: String) -> String? {
        guard let status = InvoiceStatus(rawValue: raw) else { return nil }
        switch status {
        case .normal: return "正常"
        case .voided: return "已作废"
        case .redReversedFull: return "已红冲-全额"
        case .redReversedPartial: return "部分红冲"
        case .outOfControl: return "失控"
        case .abnormal: return "异常"
        }
    }

    /// `中文 raw`, or just `raw` when there is no Chinese label (or the value is empty).
    static func bilingual(_ chinese: String?, _ raw: String) -> String {
        guard let chinese, !chinese.isEmpty, !raw.isEmpty else { return raw }
        return "\(chinese) \(raw)"
    }

    /// A field name as people read it: `金额 amount`.
    static func fieldLabel(_ raw: String) -> String { bilingual(chineseField(raw), raw) }

    /// A compared value as people read it: statuses get their Chinese wording, other values stay as written.
    static func valueLabel(field: String, value: String) -> String {
        field == CanonicalField.status.rawValue ? bilingual(chineseInvoiceStatus(value), value) : value
    }

    /// `¥1,234.50`-style yuan text with thousands separators (for reports, never for data files).
    static func yuan(_ fen: Int64) -> String {
        let text = Fen(fen).description
        let negative = text.hasPrefix("-")
        let unsigned = negative ? String(text.dropFirst()) : text
        let parts = unsigned.split(separator: ".", maxSplits: 1)
        var whole = String(parts.first ?? "0")
        var grouped = ""
        while whole.count > 3 {
            grouped = "," + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let decimals = parts.count > 1 ? String(parts[1]) : "00"
        return "\(negative ? "-" : "")¥\(whole)\(grouped).\(decimals)"
    }
}

/// What each discrepancy type means and what to do, in both languages (shared by the HTML report and docs).
struct TypeGuide: Sendable {
    var meaningZh: String
    var meaningEn: String
    var actionZh: String

    /// The guide for a type.
    static func of(_ type: DiscrepancyType) -> TypeGuide {
        switch type {
        case .missingInAuthority:
            return TypeGuide(meaningZh: "门店已开具，但税务系统记录中没有这张发票", meaningEn: "Issued at a branch, absent from the tax authority's record",
                             actionZh: "核实是否已上传；未上传的按 repair-batch.csv 重新上传")
        case .missingInBranches:
            return TypeGuide(meaningZh: "税务系统有这张发票，但没有任何门店导出它", meaningEn: "In the tax authority's record, exported by no branch",
                             actionZh: "按说明中的原因核查门店导出（记录被拒、文件失败或未导出）")
        case .fieldMismatch:
            return TypeGuide(meaningZh: "门店与税务系统的同一张发票字段不一致", meaningEn: "The same invoice differs between branch and authority",
                             actionZh: "逐字段核对；金额和状态不一致优先处理")
        case .duplicateInSource:
            return TypeGuide(meaningZh: "同一来源中同一发票出现多次", meaningEn: "The same invoice appears again in one source",
                             actionZh: "内容相同可忽略；内容冲突请核对哪一行正确")
        case .duplicateAcrossBranches:
            return TypeGuide(meaningZh: "两个门店导出了同一张发票", meaningEn: "Two branches exported the same invoice",
                             actionZh: "核对发票归属门店，修正错误门店的导出")
        case .invalidRecord:
            return TypeGuide(meaningZh: "记录无法识别为发票（缺号码、金额或日期无法解析等），未入库", meaningEn: "A record that cannot be an invoice; not loaded",
                             actionZh: "按文件和行号修正源数据后重跑")
        case .suspiciousField:
            return TypeGuide(meaningZh: "已入库的记录中有需要人工核对的值", meaningEn: "A loaded record holds a value a person should check",
                             actionZh: "核对该字段；确认无误可忽略")
        case .encodingError:
            return TypeGuide(meaningZh: "文字编码无法识别，该字段已置空（或已自动修复）", meaningEn: "Text that did not decode; the field was left empty (or repaired)",
                             actionZh: "检查门店软件的导出编码设置")
        case .fileError:
            return TypeGuide(meaningZh: "文件损坏或格式不符，整个文件未加载", meaningEn: "A broken file; none of its records were loaded",
                             actionZh: "请门店重新导出该文件后重跑")
        case .missingSource:
            return TypeGuide(meaningZh: "必需的数据源今晚没有文件", meaningEn: "A required source sent no file tonight",
                             actionZh: "联系门店补传文件后重跑")
        }
    }
}
