import FapiaoCore

/// Interns repeated strings (seller tax IDs recur on every invoice of a branch, buyers recur too),
/// so the authority index holds each distinct value once. Index 0 is the empty string.
struct StringPool: Sendable {
    private var indices: [String: Int32] = ["": 0]
    private var strings: [String] = [""]

    /// The index of `text`, adding it when new.
    mutating func intern(_ text: String) -> Int32 {
        if let index = indices[text] { return index }
        let index = Int32(strings.count)
        strings.append(text)
        indices[text] = index
        return index
    }

    /// The string at an index.
    subscript(index: Int32) -> String { strings[Int(index)] }
}

/// The fields of one kept authority invoice that reconciliation compares; text fields are pool indices.
struct AuthorityEntry: Sendable {
    var amount: Fen?
    var tax: Fen?
    var total: Fen?
    var issueDate: IssueDate?
    var status: InvoiceStatus
    var sellerTaxID: Int32
    var buyerTaxID: Int32
    var buyerName: Int32
}

/// Every kept authority invoice, held compactly and found by either identity: the packed 20-digit number
/// or the packed code + number (a digital-platform paper invoice carries both).
struct AuthorityIndex: Sendable {
    private(set) var entries: [AuthorityEntry] = []
    private var byDigital: [PackedKey: Int32] = [:]
    private var byLegacy: [PackedKey: Int32] = [:]
    /// Keys that pack neither way (a number without a code): looked up by text.
    private var byText: [String: Int32] = [:]
    private(set) var pool = StringPool()
    /// Kept authority red-letter invoices by the blue invoice they reverse.
    private(set) var reds = RedLedger()

    /// Adds a kept authority invoice; when an identity is already indexed, the first invoice keeps it.
    mutating func add(_ invoice: Invoice) {
        let index = Int32(entries.count)
        entries.append(AuthorityEntry(
            amount: invoice.amount, tax: invoice.tax, total: invoice.total, issueDate: invoice.issueDate,
            status: invoice.status, sellerTaxID: pool.intern(invoice.sellerTaxID),
            buyerTaxID: pool.intern(invoice.buyerTaxID), buyerName: pool.intern(invoice.buyerName)))
        let identity = invoice.identity
        if let digital = identity.packedDigital, byDigital[digital] == nil { byDigital[digital] = index }
        if let legacy = identity.packedLegacy, byLegacy[legacy] == nil { byLegacy[legacy] = index }
        if identity.packedPrimary == nil, byText[invoice.key] == nil { byText[invoice.key] = index }
        reds.add(invoice)
    }

    /// The entry matching an identity: on the 20-digit number first, then on code + number.
    func lookup(_ identity: InvoiceIdentity) -> Int? {
        if let digital = identity.packedDigital, let index = byDigital[digital] { return Int(index) }
        if let legacy = identity.packedLegacy, let index = byLegacy[legacy] { return Int(index) }
        if identity.packedPrimary == nil, let key = identity.keyText, let index = byText[key] { return Int(index) }
        return nil
    }

    /// The number of kept authority invoices.
    var count: Int { entries.count }
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
