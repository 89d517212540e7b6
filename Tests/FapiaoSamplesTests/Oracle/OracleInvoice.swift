import Foundation
import FapiaoCore
@testable import FapiaoSamples

/// A record normalized by the contract's rules, written independently of the generator.
struct OracleInvoice {
    var source: String
    var code = "", number = "", digital = ""
    var date = ""
    var sellerID = "", buyerID = "", buyerName = ""
    var amount: Int64 = 0, tax: Int64?, total: Int64 = 0
    var ratePercent: Int?
    var status = ""
    var remark = ""
    var lostFields: Set<String> = []
    /// Money fields written with more than two decimals.
    var longDecimals: [String] = []

    var key: String { digital.isEmpty ? "\(code)-\(number)" : digital }
    /// Every compared or canonical value, for the identical-duplicate test.
    var canonicalValues: [String] {
        [code, number, digital, date, sellerID, buyerID, buyerName, "\(amount)", "\(tax ?? -1)", "\(total)",
         "\(ratePercent ?? -1)", status, remark]
    }

    /// Normalizes a record; nil means rejected (`invalid_record`).
    init?(_ record: OracleRecord, statusMap: [String: String]) {
        source = record.source
        lostFields = record.lostFields
        guard !record.ragged else { return nil }
        let f = record.fields
        code = OracleInvoice.digits(f["invoice_code"])
        number = OracleInvoice.digits(f["invoice_number"])
        digital = OracleInvoice.digits(f["digital_number"])
        if number.count == 20 { (digital, number) = (number, "") }
        if (1...7).contains(number.count) { number = String(repeating: "0", count: 8 - number.count) + number }
        if code.count == 9 || code.count == 11 { code = "0" + code }
        guard !digital.isEmpty || (!code.isEmpty && !number.isEmpty) else { return nil }
        guard let date = OracleInvoice.date(f["issue_date"] ?? "") else { return nil }
        self.date = date
        guard let amount = money("amount", f["amount"]), let total = money("total", f["total"]) else { return nil }
        (self.amount, self.total) = (amount, total)
        let taxText = OracleInvoice.trimmed(f["tax"])
        tax = taxText.isEmpty ? nil : money("tax", taxText)
        guard taxText.isEmpty || tax != nil else { return nil }
        sellerID = OracleInvoice.trimmed(f["seller_tax_id"]).uppercased()
        buyerID = OracleInvoice.trimmed(f["buyer_tax_id"]).uppercased()
        buyerName = OracleInvoice.trimmed(f["buyer_name"])
        ratePercent = OracleInvoice.rate(OracleInvoice.trimmed(f["tax_rate"]))
        status = statusMap[OracleInvoice.trimmed(f["status"])] ?? "normal"
        remark = OracleInvoice.trimmed(f["remark"])
    }

    /// The blue invoice a red one names in its remark.
    var originalKey: String? {
        let text = remark.replacingOccurrences(of: "：", with: ":")
        if let range = text.range(of: #"被红冲蓝字数电票号码:\s*\d{20}"#, options: .regularExpression) {
            return String(text[range].suffix(20))
        }
        guard let range = text.range(of: #"对应正数发票代码:\s*\d{10,12}\s*号码:\s*\d{8}"#, options: .regularExpression) else {
            return nil
        }
        let groups = text[range].split { !$0.isNumber }
        return groups.count == 2 ? "\(groups[0])-\(groups[1])" : nil
    }

    static func trimmed(_ text: String?) -> String {
        (text ?? "").precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func digits(_ text: String?) -> String {
        let value = trimmed(text)
        return value == "--" ? "" : value
    }

    /// Fen, rounded half-up to two decimals; nil when not a number.
    private mutating func money(_ field: String, _ text: String?) -> Int64? {
        var value = OracleInvoice.trimmed(text)
        for noise in ["¥", "￥", ",", "元"] { value = value.replacingOccurrences(of: noise, with: "") }
        let negative = value.hasPrefix("-")
        if negative { value.removeFirst() }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard !value.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let whole = Int64(parts[0]) else { return nil }
        var decimals = parts.count == 2 ? String(parts[1]) : ""
        if decimals.count > 2 { longDecimals.append(field) }
        let roundUp = decimals.count > 2 && (decimals.dropFirst(2).first?.wholeNumberValue ?? 0) >= 5
        decimals = String((decimals + "00").prefix(2))
        let fen = whole * 100 + (Int64(decimals) ?? 0) + (roundUp ? 1 : 0)
        return negative ? -fen : fen
    }

    private static func date(_ text: String) -> String? {
        let value = trimmed(text)
        guard let range = value.range(of: #"^\d{4}[-/年]\d{1,2}[-/月]\d{1,2}"#, options: .regularExpression) else { return nil }
        let parts = value[range].split { !$0.isNumber }.compactMap { Int($0) }
        guard parts.count == 3, let date = IssueDate(year: parts[0], month: parts[1], day: parts[2]) else { return nil }
        return date.description
    }

    private static func rate(_ text: String) -> Int? {
        if text == "免税" || text == "exempt" || text == "不征税" { return 0 }
        if text.hasSuffix("%") { return Int(text.dropLast()) }
        if text.hasPrefix("0.") { return Int(text.dropFirst(2)).map { text.count == 3 ? $0 * 10 : $0 } }
        return Int(text)
    }
}
