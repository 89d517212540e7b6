import FapiaoCore

/// Maps status, type and red-flag vocabularies (Chinese, English, codes) to DESIGN.md's names.
///
/// Values are matched after NFKC folding (`（）` → `()`), trimming and lower-casing.
public enum VocabularyNormalizer {
    /// The matching form of a vocabulary value.
    public static func key(_ raw: String) -> String {
        TextNormalizer.clean(raw, folding: .nfkc).lowercased()
    }

    static let statuses: [String: InvoiceStatus] = table([
        (.normal, ["正常", "有效", "正常发票", "normal", "valid", "0", "n"]),
        (.voided, ["已作废", "作废", "作废发票", "voided", "void", "cancelled", "canceled", "1", "y"]),
        (.redReversedFull, ["已红冲-全额", "已红冲", "全额红冲", "已全额红冲", "红冲", "reversed", "2", "red_reversed_full"]),
        (.redReversedPartial, ["已红冲-部分", "部分红冲", "已部分红冲", "red_reversed_partial"]),
        (.outOfControl, ["失控", "失控发票", "out_of_control"]),
        (.abnormal, ["异常", "异常发票", "abnormal"]),
    ])

    static let types: [String: InvoiceType] = table([
        (.vatSpecial, ["01", "1", "增值税专用发票"]),
        (.vatGeneral, ["04", "4", "增值税普通发票"]),
        (.vatESpecial, ["08", "8", "增值税电子专用发票"]),
        (.vatEGeneral, ["10", "增值税电子普通发票"]),
        (.vatRoll, ["11", "增值税普通发票(卷式)", "增值税普通发票(卷票)", "卷式普通发票"]),
        (.tollEGeneral, ["14", "通行费电子普通发票", "增值税电子普通发票(通行费)"]),
        (.digitalSpecial, ["81", "数电发票(增值税专用发票)", "电子发票(增值税专用发票)", "数电票(增值税专用发票)",
                           "全电发票(增值税专用发票)"]),
        (.digitalGeneral, ["82", "数电发票(普通发票)", "电子发票(普通发票)", "数电票(普通发票)", "全电发票(普通发票)"]),
        (.digitalPaperSpecial, ["85", "纸质发票(增值税专用发票)", "数电纸质发票(增值税专用发票)"]),
        (.digitalPaperGeneral, ["86", "纸质发票(普通发票)", "数电纸质发票(普通发票)"]),
        (.motorVehicle, ["03", "3", "机动车销售统一发票"]),
        (.usedVehicle, ["15", "二手车销售统一发票"]),
        (.railwayTicket, ["51", "电子发票(铁路电子客票)", "铁路电子客票"]),
        (.airItinerary, ["61", "电子发票(航空运输电子客票行程单)", "航空运输电子客票行程单"]),
        (.other, ["其他", "其它"]),
    ])

    static let redWords: [String: Bool] = [
        "true": true, "1": true, "y": true, "yes": true, "是": true, "红": true, "红字": true, "红票": true,
        "false": false, "0": false, "n": false, "no": false, "否": false, "蓝": false, "蓝字": false, "蓝票": false,
    ]

    /// A status: the source's `status_map` (keys matched the same way) first, then the built-in vocabulary.
    /// Blank is `normal`; an unknown value is `.invalid` (the record keeps `normal`).
    public static func status(_ raw: String, statusMap: [String: InvoiceStatus] = [:]) -> Parsed<InvoiceStatus> {
        let text = key(raw)
        if text.isEmpty { return .empty }
        if let mapped = statusMap[text] ?? statuses[text] ?? InvoiceStatus(rawValue: text) { return .value(mapped) }
        return .invalid
    }

    /// An invoice type from a code (`01`, `82`) or a name (`增值税专用发票`, `数电发票（普通发票）`).
    public static func type(_ raw: String) -> Parsed<InvoiceType> {
        let text = key(raw)
        if text.isEmpty { return .empty }
        return (types[text] ?? InvoiceType(rawValue: text)).map { .value($0) } ?? .invalid
    }

    /// A red-letter flag: `true/1/Y/是/红/红字` → true, `false/0/N/否/蓝/蓝字` → false.
    public static func isRed(_ raw: String) -> Parsed<Bool> {
        let text = key(raw)
        if text.isEmpty { return .empty }
        return redWords[text].map { .value($0) } ?? .invalid
    }

    /// A source's `status_map` with its keys in matching form.
    public static func matchingStatusMap(_ map: [String: InvoiceStatus]) -> [String: InvoiceStatus] {
        var result: [String: InvoiceStatus] = [:]
        for (text, status) in map.sorted(by: { $0.key < $1.key }) where result[key(text)] == nil {
            result[key(text)] = status
        }
        return result
    }

    private static func table<Value>(_ rows: [(Value, [String])]) -> [String: Value] {
        var result: [String: Value] = [:]
        for (value, names) in rows { for name in names { result[key(name)] = value } }
        return result
    }
}
