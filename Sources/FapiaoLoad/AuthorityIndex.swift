import FapiaoCore

/// The fields of one kept authority invoice that reconciliation compares, held compactly: money as fen
/// (`AuthorityEntry.none` when empty), text (issue date, tax IDs, buyer name) as `BytePool` indices.
struct AuthorityEntry: Sendable {
    /// The money sentinel for an empty value (no canonical amount reaches it).
    static let none = Int64.min

    var amountFen: Int64
    var taxFen: Int64
    var totalFen: Int64
    /// The issue date as written (a pool index).
    var issueDateText: Int32
    var sellerTaxID: Int32
    var buyerTaxID: Int32
    var buyerName: Int32
    var status: InvoiceStatus

    var amount: Fen? { AuthorityEntry.fen(amountFen) }
    var tax: Fen? { AuthorityEntry.fen(taxFen) }
    var total: Fen? { AuthorityEntry.fen(totalFen) }

    /// The issue date as `Invoice(canonicalRow:)` reads it.
    func issueDate(_ pool: BytePool) -> IssueDate? { IssueDate(canonical: pool[issueDateText]) }

    static func fen(_ value: Int64) -> Fen? { value == none ? nil : Fen(value) }
}

/// Every kept authority invoice, held compactly and found by either identity: the packed 20-digit number
/// or the packed code + number (a digital-platform paper invoice carries both).
struct AuthorityIndex: Sendable {
    private(set) var entries: [AuthorityEntry] = []
    private var byDigital = PackedKeyTable()
    private var byLegacy = PackedKeyTable()
    /// Keys that pack neither way (a number without a code): looked up by text.
    private var byText: [String: Int32] = [:]
    private(set) var pool = BytePool()
    /// Kept authority red-letter invoices by the blue invoice they reverse.
    private(set) var reds = RedLedger()

    /// Adds a kept authority invoice row; when an identity is already indexed, the first invoice keeps it.
    mutating func add(_ row: RecordRow, _ values: CanonicalRowValues) throws {
        typealias C = CanonicalRowValues.Column
        let index = Int32(entries.count)
        entries.append(AuthorityEntry(
            amountFen: values.amount ?? AuthorityEntry.none, taxFen: values.tax ?? AuthorityEntry.none,
            totalFen: values.total ?? AuthorityEntry.none, issueDateText: pool.intern(row[C.issueDate]),
            sellerTaxID: pool.intern(row[C.sellerTaxID]), buyerTaxID: pool.intern(row[C.buyerTaxID]),
            buyerName: pool.intern(row[C.buyerName]), status: values.status))
        let keys = RowIdentity(row)
        if let digital = keys.digital { byDigital.insertIfAbsent(digital, index) }
        if let legacy = keys.legacy { byLegacy.insertIfAbsent(legacy, index) }
        if keys.digital == nil, keys.legacy == nil {
            let key = RowIdentity.keyText(row)
            if byText[key] == nil { byText[key] = index }
        }
        if CanonicalRowValues.isRedWithOriginal(row) { reds.add(try LoadInputs.invoice(row)) }
    }

    /// The entry matching a row's identity: on the 20-digit number first, then on code + number.
    func lookup(_ row: RecordRow) -> Int? {
        let keys = RowIdentity(row)
        if let digital = keys.digital, let index = byDigital.value(for: digital) { return Int(index) }
        if let legacy = keys.legacy, let index = byLegacy.value(for: legacy) { return Int(index) }
        if keys.digital == nil, keys.legacy == nil, let index = byText[RowIdentity.keyText(row)] { return Int(index) }
        return nil
    }

    /// The number of kept authority invoices.
    var count: Int { entries.count }
}

/// The packed identities of a canonical row (`InvoiceIdentity.packedDigital` / `packedLegacy`), from its bytes.
struct RowIdentity {
    var digital: PackedKey?
    var legacy: PackedKey?

    init(_ row: RecordRow) {
        typealias C = CanonicalRowValues.Column
        digital = ByteParse.packedDigital(row[C.digital])
        legacy = ByteParse.packedLegacy(code: row[C.code], number: row[C.number])
    }

    /// `Invoice.key` of a row whose identity does not pack (rare: a number without a code, odd characters).
    static func keyText(_ row: RecordRow) -> String {
        typealias C = CanonicalRowValues.Column
        let identity = InvoiceIdentity(code: row.string(C.code), number: row.string(C.number),
                                       digitalNumber: row.string(C.digital))
        return identity.keyText ?? ""
    }
}

/// Kept red-letter invoices grouped by the key of the blue invoice they reverse (`original_invoice_key`).
struct RedLedger: Sendable {
    /// Original key → red invoice key → the red's total (negative).
    private var byOriginal: [String: [String: Fen]] = [:]

    /// Records a red invoice that names its original and has a total; ignores anything else.
    mutating func add(_ invoice: Invoice) {
        guard invoice.isRed, !invoice.originalInvoiceKey.isEmpty, let total = invoice.total else { return }
        byOriginal[invoice.originalInvoiceKey, default: [:]][invoice.key] = total
    }

    /// The reds reversing a blue invoice, found under either of its key forms (20-digit or `code-number`).
    func reds(of blue: InvoiceIdentity) -> [String: Fen] {
        var found: [String: Fen] = [:]
        for key in RedLedger.keyForms(of: blue) {
            for (red, total) in byOriginal[key] ?? [:] where found[red] == nil { found[red] = total }
        }
        return found
    }

    /// The key texts an original_invoice_key may use for an identity.
    static func keyForms(of identity: InvoiceIdentity) -> [String] {
        var forms: [String] = []
        if !identity.digitalNumber.isEmpty { forms.append(identity.digitalNumber) }
        if !identity.code.isEmpty, !identity.number.isEmpty { forms.append("\(identity.code)-\(identity.number)") }
        if let key = identity.keyText, !forms.contains(key) { forms.append(key) }
        return forms
    }

    /// The union of two ledgers' reds for a blue invoice; `self` wins when both hold the same red.
    func reds(of blue: InvoiceIdentity, merging other: RedLedger) -> [String: Fen] {
        reds(of: blue).merging(other.reds(of: blue)) { mine, _ in mine }
    }
}

/// The sum of red totals (negative or zero).
func sumOfTotals(_ reds: [String: Fen]) -> Fen {
    reds.values.reduce(Fen.zero, +)
}
