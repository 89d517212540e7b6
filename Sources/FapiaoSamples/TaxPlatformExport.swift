import FapiaoCore
import FapiaoIO

/// Where the authority's rows of a sample chain go.
protocol AuthoritySink: AnyObject {
    /// Writes one invoice as the authority records it.
    func write(_ facts: InvoiceFacts) throws
    /// Puts the files in place.
    func close() throws
}

extension AuthorityExport: AuthoritySink {}

/// The authority's record as the tax platform really gives it (`SampleChain.writeTaxPlatform`): the bureau's xlsx
/// query export (source `tax-bureau`) and the digital invoices' XML files (source `tax-einvoices`).
///
/// Routing, per invoice: a legacy invoice is a row of the workbook only; a digital invoice is an XML file, and
/// also a row of the workbook when its status at the authority is not `normal` (the XML file is the invoice as
/// issued and never shows a later reversal or voiding; the query export does). Such an invoice is in both
/// sources: the pipeline lists the workbook first, so the XML copy is the `duplicate_in_source` of `tax-einvoices`.
final class TaxPlatformExport: AuthoritySink {
    /// The workbook's source name.
    static let workbookSource = ChainPlan.authoritySource
    /// The XML files' source name.
    static let einvoiceSource = "tax-einvoices"
    /// The authority sources in pipeline order.
    static let sources = [workbookSource, einvoiceSource]

    private let workbook: XLSXAuthorityExport
    private let einvoices: EInvoiceExport

    /// Creates the workbook in `directory`'s authority folder and the XML folder.
    init(directory: String, date: IssueDate) throws {
        try SampleChain.makeFolder("\(directory)/authority/\(date.compact)")
        try SampleChain.makeFolder(directory + "/" + EInvoiceExport.relativeFolder(date))
        workbook = try XLSXAuthorityExport(path: directory + "/" + XLSXAuthorityExport.relativePath(date))
        einvoices = EInvoiceExport(folder: directory + "/" + EInvoiceExport.relativeFolder(date))
    }

    /// The sources holding `facts`, in pipeline order.
    static func routes(_ facts: InvoiceFacts) -> [String] {
        if facts.isLegacy { return [workbookSource] }
        return facts.status == .normal ? [einvoiceSource] : sources
    }

    func write(_ facts: InvoiceFacts) throws {
        for route in TaxPlatformExport.routes(facts) {
            if route == TaxPlatformExport.workbookSource { try workbook.write(facts) } else { try einvoices.write(facts) }
        }
    }

    func close() throws {
        try workbook.close()
        try einvoices.close()
    }
}

extension TruthLedger {
    /// Attributes the authority's part of one invoice's (or pair's) truth once its rows are known: each row is read
    /// once per source holding it; a key held more than once is kept in the first source (pipeline order) and every
    /// other copy is a `duplicate_in_source` of its own source; the other authority findings noted meanwhile
    /// (`missing_in_branches`, `suspicious_field`) go to the source of the kept copy. Without routes, nothing to do.
    mutating func settle(authorityRows rows: [InvoiceFacts]) {
        guard let routes = authorityRoutes else { return }
        var copies: [String: [String: Int]] = [:]
        var keys: [String] = []
        for facts in rows {
            if copies[facts.key] == nil { keys.append(facts.key) }
            for source in routes(facts) {
                copies[facts.key, default: [:]][source, default: 0] += 1
                read(source, direct: true)
            }
        }
        var kept = TaxPlatformExport.workbookSource
        for key in keys {
            let held = TaxPlatformExport.sources.filter { (copies[key]?[$0] ?? 0) > 0 }
            guard let first = held.first else { continue }
            if key == keys[0] { kept = first }
            if held.count > 1 { heldByBothAuthorities += 1 }
            for source in held {
                let extra = (copies[key]?[source] ?? 0) - (source == first ? 1 : 0)
                if extra > 0 { add(.duplicateInSource, source: source, count: extra) }
            }
        }
        for type in takePendingAuthority() { add(type, source: kept, count: 1) }
    }
}
