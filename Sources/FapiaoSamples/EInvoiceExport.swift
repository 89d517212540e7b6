import FapiaoCore
import FapiaoIO

/// The digital invoices as the e-tax bureau's bulk download gives them: one XML file per invoice (root `EInvoice`,
/// DOMAIN.md), in batches of `batchSize`. The first batch lies unpacked in `einvoices/<yyyymmdd>/` (someone opened
/// it); later batches stay zipped (`einvoices-02.zip`, …). A file is named after the invoice's 20-digit number; a
/// second copy of one invoice in a batch gets `-1`, `-2`, … (`<number>-1.xml` sorts before `<number>.xml`).
final class EInvoiceExport {
    /// The folder relative to the chain folder.
    static func relativeFolder(_ date: IssueDate) -> String { "einvoices/\(date.compact)" }
    /// Invoices per batch.
    static let batchSize = 100

    private let folder: String
    private var zip: ZipWriter?
    private var namesInBatch: [String: Int] = [:]
    /// Invoice files written.
    private(set) var files = 0

    /// Writes into `folder` (which must exist).
    init(folder: String) { self.folder = folder }

    /// Writes one invoice.
    func write(_ facts: InvoiceFacts) throws {
        let batch = files / EInvoiceExport.batchSize
        if files % EInvoiceExport.batchSize == 0 {
            try zip?.close()
            zip = batch == 0 ? nil : try ZipWriter(path: folder + "/einvoices-" + EInvoiceExport.twoDigits(batch + 1) + ".zip")
            namesInBatch = [:]
        }
        files += 1
        let copies = namesInBatch[facts.digital, default: 0]
        namesInBatch[facts.digital] = copies + 1
        let name = facts.digital + (copies == 0 ? "" : "-\(copies)") + ".xml"
        let bytes = Array(EInvoiceExport.document(facts).utf8)
        if let zip { try zip.add(name, bytes) } else { try AtomicFileWriter.write(bytes, to: folder + "/" + name) }
    }

    /// Ends the last zip.
    func close() throws {
        try zip?.close()
        zip = nil
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// The invoice's XML: header, seller, buyer, totals (negative for a red-letter invoice, which also names the
    /// blue invoice it reverses in `RedEInvoice/OriginalInvoiceCode`), one item line, the remark, and the tax
    /// bureau's supervision block with the number and the time of issue.
    static func document(_ facts: InvoiceFacts) -> String {
        let original = facts.remark.hasPrefix(bluePrefix) ? String(facts.remark.dropFirst(bluePrefix.count)) : ""
        let red = facts.isRed && !original.isEmpty
            ? "\n    <RedEInvoice><OriginalInvoiceCode>\(original)</OriginalInvoiceCode></RedEInvoice>" : ""
        let kind = facts.type == .digitalSpecial ? "增值税专用发票" : "普通发票"
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <EInvoice>
              <Header><EIid>\(facts.digital)</EIid><EInvoiceTag>SWEI1100</EInvoiceTag><Version>0.1</Version>
                <InherentLabel><GeneralOrSpecialVAT><LabelName>\(kind)</LabelName></GeneralOrSpecialVAT></InherentLabel></Header>
              <EInvoiceData>
                <SellerInformation><SellerIdNum>\(facts.sellerID)</SellerIdNum><SellerName>\(XMLText.escaped(facts.sellerName))</SellerName></SellerInformation>
                <BuyerInformation><BuyerIdNum>\(facts.buyerID)</BuyerIdNum><BuyerName>\(XMLText.escaped(facts.buyerName))</BuyerName></BuyerInformation>
                <BasicInformation><TotalAmWithoutTax>\(MoneyText.plain(facts.amount))</TotalAmWithoutTax><TotalTaxAm>\(MoneyText.plain(facts.tax))</TotalTaxAm><TotalTax-includedAmount>\(MoneyText.plain(facts.total))</TotalTax-includedAmount><Drawer>\(XMLText.escaped(facts.clerk))</Drawer></BasicInformation>\(red)
                <IssuItemInformation><ItemName>*日用品*商品</ItemName><Amount>\(MoneyText.plain(facts.amount))</Amount><TaxRate>\(rate(facts.rate))</TaxRate><ComTaxAm>\(MoneyText.plain(facts.tax))</ComTaxAm><TotaltaxIncludedAmount>\(MoneyText.plain(facts.total))</TotaltaxIncludedAmount></IssuItemInformation>
                <AdditionalInformation><Remark>\(XMLText.escaped(facts.remark))</Remark></AdditionalInformation>
              </EInvoiceData>
              <TaxSupervisionInfo><InvoiceNumber>\(facts.digital)</InvoiceNumber><IssueTime>\(facts.date) \(facts.timeText)</IssueTime><TaxBureauCode>11100000000</TaxBureauCode></TaxSupervisionInfo>
            </EInvoice>

            """
    }

    private static let bluePrefix = "被红冲蓝字数电票号码："

    /// `0.13`, `0.09`, …, `0` (exempt and not taxable as 0, as the item line carries them).
    private static func rate(_ rate: TaxRate) -> String {
        let percent = rate.percentValue
        return percent == 0 ? "0" : "0." + (percent < 10 ? "0\(percent)" : "\(percent)")
    }
}
