import FapiaoCore

/// The digital e-invoice XML format (数电票, format `einvoice-xml`): one invoice per file, root `EInvoice`
/// (DOMAIN.md, "What the tax platform's export looks like"). A source's path may match such files (plain or
/// gzipped) and zip files of them; each file, or each zip entry, is one document whose name is its provenance.
public enum EInvoiceXML {
    /// The root element, which is also the record.
    public static let root = "EInvoice"

    /// The default paths (relative to `EInvoice`) of the fields an einvoice-xml source reads; a source's own
    /// `columns:` replace them field by field. Where the digital XML schema is not confirmed (the red-letter
    /// link's place), alternatives are tried in order.
    public static let defaultColumns: [CanonicalField: ColumnRef] = [
        .digitalNumber: .names(["Header/EIid", "TaxSupervisionInfo/InvoiceNumber"]),
        .issueDate: .names(["TaxSupervisionInfo/IssueTime", "EInvoiceData/BasicInformation/RequestTime"]),
        .sellerTaxID: .names(["EInvoiceData/SellerInformation/SellerIdNum"]),
        .sellerName: .names(["EInvoiceData/SellerInformation/SellerName"]),
        .buyerTaxID: .names(["EInvoiceData/BuyerInformation/BuyerIdNum"]),
        .buyerName: .names(["EInvoiceData/BuyerInformation/BuyerName"]),
        .amount: .names(["EInvoiceData/BasicInformation/TotalAmWithoutTax"]),
        .tax: .names(["EInvoiceData/BasicInformation/TotalTaxAm"]),
        .total: .names(["EInvoiceData/BasicInformation/TotalTax-includedAmount"]),
        .originalInvoiceKey: .names([
            "EInvoiceData/RedEInvoice/OriginalInvoiceCode", "EInvoiceData/BasicInformation/RedEInvoice/OriginalInvoiceCode",
            "EInvoiceData/AdditionalInformation/RedEInvoice/OriginalInvoiceCode", "Header/RedEInvoice/OriginalInvoiceCode",
            "RedEInvoice/OriginalInvoiceCode",
        ]),
        .remark: .names(["EInvoiceData/AdditionalInformation/Remark"]),
    ]

    /// `source` as extract reads it: `xml.root` and `xml.record` are `EInvoice` unless set, and every field its
    /// `columns:` leave out gets its default path. The extract file's columns follow from this spec.
    public static func effective(_ source: SourceSpec) -> SourceSpec {
        guard source.format == .einvoiceXML else { return source }
        var spec = source
        if spec.xml.root.isEmpty { spec.xml.root = root }
        if spec.xml.record.isEmpty { spec.xml.record = root }
        for (field, reference) in defaultColumns where spec.columns[field] == nil { spec.columns[field] = reference }
        return spec
    }

    /// True when a file starts like a zip archive (`PK` 03 04, or 05 06 for an empty one).
    static func isZip(_ firstBytes: [UInt8]) -> Bool {
        firstBytes.count >= 4 && firstBytes[0] == 0x50 && firstBytes[1] == 0x4B
            && ((firstBytes[2] == 3 && firstBytes[3] == 4) || (firstBytes[2] == 5 && firstBytes[3] == 6))
    }

    /// True for a zip entry that is an invoice document: a file whose name ends in `.xml` (any case). Other
    /// entries (the PDF or OFD copies that come with downloads, folders) are left alone.
    static func isDocument(_ entry: ZipEntry) -> Bool {
        !entry.isDirectory && entry.name.lowercased().hasSuffix(".xml")
    }

    /// The provenance (`_file`) of a zip entry: the zip's path, `!/`, the entry's name.
    static func provenance(zip: String, entry: ZipEntry) -> String { zip + "!/" + entry.name }
}
