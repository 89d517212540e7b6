/// One canonical, normalized invoice with its provenance.
public struct Invoice: Hashable, Sendable {
    public var identity: InvoiceIdentity
    public var type: InvoiceType?
    public var issueDate: IssueDate?
    public var sellerTaxID: String
    public var sellerName: String
    public var buyerTaxID: String
    public var buyerName: String
    public var amount: Fen?
    public var tax: Fen?
    public var total: Fen?
    /// Nil when unknown or when the invoice mixes rates.
    public var taxRate: TaxRate?
    public var status: InvoiceStatus
    public var isRed: Bool
    public var originalInvoiceKey: String
    public var remark: String
    /// The branch source name; for authority records, the branch the seller tax ID maps to, else empty.
    public var branch: String
    /// Where the record was read.
    public var origin: InputLocation

    public init(
        identity: InvoiceIdentity, type: InvoiceType? = nil, issueDate: IssueDate? = nil,
        sellerTaxID: String = "", sellerName: String = "", buyerTaxID: String = "", buyerName: String = "",
        amount: Fen? = nil, tax: Fen? = nil, total: Fen? = nil, taxRate: TaxRate? = nil,
        status: InvoiceStatus = .normal, isRed: Bool = false, originalInvoiceKey: String = "",
        remark: String = "", branch: String = "", origin: InputLocation
    ) {
        self.identity = identity; self.type = type; self.issueDate = issueDate
        self.sellerTaxID = sellerTaxID; self.sellerName = sellerName
        self.buyerTaxID = buyerTaxID; self.buyerName = buyerName
        self.amount = amount; self.tax = tax; self.total = total; self.taxRate = taxRate
        self.status = status; self.isRed = isRed; self.originalInvoiceKey = originalInvoiceKey
        self.remark = remark; self.branch = branch; self.origin = origin
    }

    /// The canonical key text (empty when the invoice has no identity, which a kept record never has).
    public var key: String { identity.keyText ?? "" }

    /// The canonical value of one field, as written in the record files.
    public func value(of field: CanonicalField) -> String {
        switch field {
        case .invoiceKey: return key
        case .invoiceCode: return identity.code
        case .invoiceNumber: return identity.number
        case .digitalNumber: return identity.digitalNumber
        case .invoiceType: return type?.rawValue ?? ""
        case .issueDate: return issueDate?.description ?? ""
        case .sellerTaxID: return sellerTaxID
        case .sellerName: return sellerName
        case .buyerTaxID: return buyerTaxID
        case .buyerName: return buyerName
        case .amount: return amount?.description ?? ""
        case .tax: return tax?.description ?? ""
        case .total: return total?.description ?? ""
        case .taxRate: return taxRate?.canonical ?? ""
        case .status: return status.rawValue
        case .isRed: return isRed ? "true" : "false"
        case .originalInvoiceKey: return originalInvoiceKey
        case .remark: return remark
        case .branch: return branch
        }
    }

    /// The record-file row: every canonical field in order, then `_source,_file,_line`.
    public var canonicalRow: [String] {
        CanonicalField.allCases.map { value(of: $0) } + [origin.source, origin.file, String(origin.line)]
    }

    /// The record-file header matching `canonicalRow`.
    public static let canonicalHeader: [String] = CanonicalField.allCases.map(\.rawValue) + ProvenanceColumn.names

    /// Reads a row written by `canonicalRow` (column order given by `canonicalHeader`).
    /// Returns nil when the row has the wrong width or a value that is not canonical.
    public init?(canonicalRow row: [String]) {
        guard row.count == Invoice.canonicalHeader.count, let line = Int(row[21]) else { return nil }
        func text(_ f: CanonicalField) -> String { row[f.order] }
        func money(_ f: CanonicalField) -> Fen?? {
            let t = text(f)
            if t.isEmpty { return .some(nil) }
            return Fen(canonical: t).map { .some($0) }
        }
        guard let amount = money(.amount), let tax = money(.tax), let total = money(.total),
              let status = InvoiceStatus(rawValue: text(.status)) else { return nil }
        self.init(
            identity: InvoiceIdentity(
                code: text(.invoiceCode), number: text(.invoiceNumber), digitalNumber: text(.digitalNumber)),
            type: InvoiceType(rawValue: text(.invoiceType)),
            issueDate: IssueDate(canonical: text(.issueDate)),
            sellerTaxID: text(.sellerTaxID), sellerName: text(.sellerName),
            buyerTaxID: text(.buyerTaxID), buyerName: text(.buyerName),
            amount: amount, tax: tax, total: total,
            taxRate: TaxRate(canonical: text(.taxRate)),
            status: status, isRed: text(.isRed) == "true",
            originalInvoiceKey: text(.originalInvoiceKey), remark: text(.remark), branch: text(.branch),
            origin: InputLocation(source: row[19], file: row[20], line: line))
    }
}
