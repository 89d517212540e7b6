import FapiaoCore

/// Why a record is rejected: the `reason` column of `rejects.csv` (contract-notes.md, "Reject reasons").
public enum RejectReason: String, CaseIterable, Sendable {
    /// No digital number and no code + number.
    case missingKey = "missing_key"
    /// A field the source requires is blank.
    case missingRequired = "missing_required"
    /// Money that cannot be read, in a mapped, non-empty field.
    case badAmount = "bad_amount", badTax = "bad_tax", badTotal = "bad_total"
    /// An issue date that cannot be read or does not exist.
    case badDate = "bad_date"
}

/// A rejected record: the reason, the field it names, and the key when the record had one.
struct Rejection: Equatable, Sendable {
    var reason: RejectReason
    var field: CanonicalField
    var key: String
}

/// A normalized record, its packed key, and the money fields written with more than two decimals.
struct NormalizedRecord: Sendable {
    var invoice: Invoice
    var key: PackedKey
    var moreDecimals: [CanonicalField]
}

/// What normalization made of a record.
enum RecordOutcome: Sendable {
    case kept(NormalizedRecord)
    case rejected(Rejection)
}

/// Normalizes and validates the records of one source: identity → required fields → field formats.
struct RecordNormalizer: Sendable {
    let source: SourceSpec
    private let dates: DateNormalizer
    private let statusMap: [String: InvoiceStatus]

    /// Compiles the source's date formats and status map; throws when a date format is not supported.
    init(source: SourceSpec) throws {
        self.source = source
        do {
            dates = try DateNormalizer(dateFormats: source.dateFormats)
        } catch var error as FapiaoError {
            error.message = "source \(source.name): " + error.message
            throw error
        }
        statusMap = VocabularyNormalizer.matchingStatusMap(source.statusMap)
    }

    /// Normalizes one record, or says why it is rejected.
    func normalize(_ raw: RawRecord) -> RecordOutcome {
        let identity = IdentityNormalizer.identity(
            code: raw[.invoiceCode], number: raw[.invoiceNumber], digital: raw[.digitalNumber])
        guard let key = IdentityNormalizer.key(of: identity),
              let packed = IdentityNormalizer.packedKey(of: identity) else {
            return .rejected(Rejection(reason: .missingKey, field: .invoiceKey, key: ""))
        }
        for field in source.requiredFields where field != .invoiceKey && field != .branch {
            if TextNormalizer.clean(raw[field], folding: .nfkc).isEmpty {
                return .rejected(Rejection(reason: .missingRequired, field: field, key: key))
            }
        }
        let date = dates.parse(raw[.issueDate])
        if date == .invalid { return .rejected(Rejection(reason: .badDate, field: .issueDate, key: key)) }
        var money: [Parsed<ParsedMoney>] = []
        for (field, reason) in [(CanonicalField.amount, RejectReason.badAmount), (.tax, .badTax), (.total, .badTotal)] {
            let parsed = MoneyNormalizer.parse(raw[field])
            if parsed == .invalid { return .rejected(Rejection(reason: reason, field: field, key: key)) }
            money.append(parsed)
        }
        var invoice = Invoice(identity: identity, issueDate: date.value, origin: raw.location)
        invoice.amount = money[0].value?.fen
        invoice.tax = money[1].value?.fen
        invoice.total = money[2].value?.fen
        fillDescriptiveFields(of: &invoice, from: raw)
        let moreDecimals = zip([CanonicalField.amount, .tax, .total], money)
            .filter { $0.1.value?.hadMoreDecimals == true }.map(\.0)
        return .kept(NormalizedRecord(invoice: invoice, key: packed, moreDecimals: moreDecimals))
    }

    /// Fields that never reject a record: type, parties, rate, status, red-letter facts, remark.
    private func fillDescriptiveFields(of invoice: inout Invoice, from raw: RawRecord) {
        invoice.type = VocabularyNormalizer.type(raw[.invoiceType]).value
        invoice.sellerTaxID = TaxpayerID.normalize(raw[.sellerTaxID])
        invoice.sellerName = TextNormalizer.clean(raw[.sellerName], folding: .nfc)
        invoice.buyerTaxID = TaxpayerID.normalize(raw[.buyerTaxID])
        invoice.buyerName = TextNormalizer.clean(raw[.buyerName], folding: .nfc)
        if case .value(.single(let rate)) = TaxRateNormalizer.parse(raw[.taxRate]) { invoice.taxRate = rate }
        invoice.status = VocabularyNormalizer.status(raw[.status], statusMap: statusMap).value ?? .normal
        invoice.remark = TextNormalizer.remark(raw[.remark])
        let mappedOriginal = IdentityNormalizer.originalKey(raw[.originalInvoiceKey])
        invoice.originalInvoiceKey = mappedOriginal.isEmpty
            ? RedLetterLink.originalKey(inRemark: invoice.remark) : mappedOriginal
        let sign = invoice.total ?? invoice.amount ?? .zero
        invoice.isRed = VocabularyNormalizer.isRed(raw[.isRed]).value ?? (sign < .zero)
        invoice.branch = source.role == .branch ? source.name : ""
    }
}
