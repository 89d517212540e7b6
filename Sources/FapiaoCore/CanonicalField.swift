/// The canonical invoice fields, in the column order of the record files (DESIGN.md).
public enum CanonicalField: String, CaseIterable, Hashable, Sendable, Comparable {
    case invoiceKey = "invoice_key"
    case invoiceCode = "invoice_code"
    case invoiceNumber = "invoice_number"
    case digitalNumber = "digital_number"
    case invoiceType = "invoice_type"
    case issueDate = "issue_date"
    case sellerTaxID = "seller_tax_id"
    case sellerName = "seller_name"
    case buyerTaxID = "buyer_tax_id"
    case buyerName = "buyer_name"
    case amount
    case tax
    case total
    case taxRate = "tax_rate"
    case status
    case isRed = "is_red"
    case originalInvoiceKey = "original_invoice_key"
    case remark
    case branch

    /// Fields a source may map to one of its columns (the key and branch are derived).
    public static let mappable: [CanonicalField] = allCases.filter { $0 != .invoiceKey && $0 != .branch }

    /// Position in the canonical column order.
    public var order: Int { CanonicalField.allCases.firstIndex(of: self)! }

    public static func < (lhs: CanonicalField, rhs: CanonicalField) -> Bool { lhs.order < rhs.order }
}

/// The provenance columns that follow the fields in every record file.
public enum ProvenanceColumn {
    /// `_source,_file,_line`.
    public static let names = ["_source", "_file", "_line"]
}
