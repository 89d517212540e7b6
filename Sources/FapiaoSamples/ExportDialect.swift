import FapiaoCore

/// The export formats of the chain's branch software; each is one `dialects:` entry of the pipeline file.
enum ExportDialect: CaseIterable {
    /// The stores' POS v3: UTF-8 CSV with a BOM, Chinese headers, 20-digit numbers in the number column.
    case posV3
    /// The legacy invoicing interface: gzipped XML with pinyin tags (FPDM, FPHM, KPRQ, JE, SE, JSHJ…).
    case pinyinXML
    /// The back-office ERP: GB18030 CSV, `;`-delimited, `2025年4月17日` dates, `¥1,234.50` amounts,
    /// leading zeros of codes and numbers dropped.
    case erpGB
    /// The cloud POS: gzipped UTF-8 CSV without BOM, English headers, a separate 20-digit column,
    /// each night split over two files (the first a two-member gzip).
    case cloudPOS

    /// The dialect's name in the pipeline file.
    var name: String {
        switch self {
        case .posV3: return "pos-v3"
        case .pinyinXML: return "fp-xml"
        case .erpGB: return "erp-gb"
        case .cloudPOS: return "cloud-pos"
        }
    }

    var isXML: Bool { self == .pinyinXML }
    var isGB18030: Bool { self == .erpGB }
    /// A UTF-8 CSV dialect (where a GBK-read-as-Latin-1 name can turn up).
    var isUTF8CSV: Bool { self == .posV3 || self == .cloudPOS }
    /// The field delimiter of the CSV dialects.
    var delimiter: String { self == .erpGB ? ";" : "," }

    /// The columns in file order.
    var columns: [ExportColumn] {
        switch self {
        case .posV3:
            return [col("发票代码", .code), col("发票号码", .number, ["发票号"]), col("开票日期", .date),
                    col("发票类型", .type), col("销方识别号", .sellerID), col("购方名称", .buyerName),
                    col("购方税号", .buyerID), col("金额", .amount), col("税率", .rate), col("税额", .tax),
                    col("价税合计", .total), col("发票状态", .status), col("备注", .remark)]
        case .erpGB:
            return [col("单据日期", .date), col("票据代码", .code), col("票据号码", .number), col("票种", .type),
                    col("销方税号", .sellerID), col("客户名称", .buyerName),
                    col("客户纳税人识别号", .buyerID, ["客户税号"]), col("不含税金额", .amount), col("税率", .rate),
                    col("税金", .tax), col("含税金额", .total), col("状态", .status), col("摘要", .remark)]
        case .pinyinXML:
            return [col("FPDM", .code), col("FPHM", .number), col("FPZL", .type), col("KPRQ", .date),
                    col("XSF_NSRSBH", .sellerID), col("XSF_MC", .sellerName), col("GMF/NSRSBH", .buyerID),
                    col("GMF/MC", .buyerName), col("JE", .amount), col("SL", .rate), col("SE", .tax),
                    col("JSHJ", .total), col("ZT", .status), col("BZ", .remark)]
        case .cloudPOS:
            return [col("invoice_code", .code), col("invoice_no", .number), col("digital_no", .digital),
                    col("issued_at", .date), col("kind", .type), col("seller_tax_no", .sellerID),
                    col("buyer_tax_no", .buyerID), col("buyer_name", .buyerName), col("net_amount", .amount),
                    col("tax_rate", .rate), col("tax_amount", .tax), col("gross_amount", .total),
                    col("state", .status), col("note", .remark)]
        }
    }

    private func col(_ header: String, _ slot: Slot, _ alternatives: [String] = []) -> ExportColumn {
        ExportColumn(header: header, slot: slot, alternatives: alternatives)
    }

    /// How a status is written, for the statuses branches export.
    var statusTexts: [(text: String, status: InvoiceStatus)] {
        let texts: [String]
        switch self {
        case .posV3: texts = ["正常", "作废", "已红冲"]
        case .erpGB: texts = ["有效", "作废", "红冲"]
        case .pinyinXML: texts = ["0", "1", "2"]
        case .cloudPOS: texts = ["valid", "void", "reversed"]
        }
        return zip(texts, [InvoiceStatus.normal, .voided, .redReversedFull]).map { ($0, $1) }
    }

    /// The date patterns the pipeline file declares (a trailing time is ignored by the pipeline).
    var dateFormats: [String] {
        switch self {
        case .posV3: return ["yyyy-MM-dd"]
        case .erpGB: return ["yyyy年M月d日"]
        case .pinyinXML: return ["yyyy-MM-dd'T'HH:mm:ss"]
        case .cloudPOS: return ["yyyy/M/d"]
        }
    }

    /// A date that no pattern can read, as this software writes a broken one.
    var unreadableDate: String {
        switch self {
        case .posV3: return "0000-00-00 00:00:00"
        case .erpGB: return "#VALUE!"
        case .pinyinXML: return "0000-00-00T00:00:00"
        case .cloudPOS: return "N/A"
        }
    }
}
