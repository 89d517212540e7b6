import FapiaoCore

/// One compared field that differs between the kept branch record and the authority record.
struct FieldDifference: Equatable, Sendable {
    var field: CanonicalField
    var branchValue: String
    var authorityValue: String
    var severity: Severity
    /// Set for a partial red-letter reversal: the blue total plus the totals of the reds reversing it.
    var remaining: Fen?
}

/// How a status difference reconciles (contract-notes.md, "Load rules").
enum StatusVerdict: Equatable, Sendable {
    /// Equal, or a full reversal the branch also recorded.
    case consistent
    /// `normal` at the branch, `red_reversed_partial` at the authority: medium, naming the remaining amount.
    case partial(remaining: Fen)
    /// Any other difference: high.
    case mismatch
}

/// Compares a kept branch record with its authority record, field by field.
///
/// A field is compared only when both sides have a value (an empty value was not exported there), and not
/// at all when the branch lost it to an `encoding_error`. Names compare after folding full-width brackets
/// and removing whitespace: `北京（朝阳）店` equals `北京(朝阳) 店`.
enum FieldComparator {
    /// The fields reconciliation compares, in report order; status is judged by `statusVerdict`.
    static let comparedFields: [CanonicalField] = [
        .amount, .tax, .total, .issueDate, .buyerTaxID, .buyerName, .sellerTaxID, .status,
    ]

    /// Money fields: a difference is high severity.
    static let moneyFields: Set<CanonicalField> = [.amount, .tax, .total]

    /// The differing fields other than status.
    static func differences(branch: Invoice, authority: AuthorityEntry, pool: BytePool,
                            skipping skipped: Set<CanonicalField>) -> [FieldDifference] {
        let pairs: [(CanonicalField, String, String)] = [
            (.amount, branch.value(of: .amount), authority.amount?.description ?? ""),
            (.tax, branch.value(of: .tax), authority.tax?.description ?? ""),
            (.total, branch.value(of: .total), authority.total?.description ?? ""),
            (.issueDate, branch.value(of: .issueDate), authority.issueDate(pool)?.description ?? ""),
            (.buyerTaxID, branch.buyerTaxID, pool[authority.buyerTaxID]),
            (.buyerName, branch.buyerName, pool[authority.buyerName]),
            (.sellerTaxID, branch.sellerTaxID, pool[authority.sellerTaxID]),
        ]
        return pairs.compactMap { field, mine, theirs in
            guard !skipped.contains(field), !mine.isEmpty, !theirs.isEmpty, !same(field, mine, theirs) else { return nil }
            let severity: Severity = moneyFields.contains(field) ? .high : .medium
            return FieldDifference(field: field, branchValue: mine, authorityValue: theirs, severity: severity)
        }
    }

    /// Whether two non-empty values of a field agree.
    static func same(_ field: CanonicalField, _ a: String, _ b: String) -> Bool {
        switch field {
        case .buyerName, .sellerName: return foldName(a) == foldName(b)
        case .buyerTaxID, .sellerTaxID: return a.uppercased() == b.uppercased()
        default: return a == b
        }
    }

    /// A name folded for comparison: `（）` → `()`, every whitespace character removed.
    static func foldName(_ name: String) -> String {
        var folded = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            switch scalar {
            case "（": folded.append("(")
            case "）": folded.append(")")
            default: if !scalar.properties.isWhitespace { folded.append(scalar) }
            }
        }
        return String(folded)
    }

    /// Judges a status pair.
    /// - Parameters:
    ///   - blueTotal: the blue invoice's total (the authority's when it has one, else the branch's).
    ///   - branchTotal: the branch record's total, for the full-reversal check.
    ///   - branchReds: kept branch reds reversing this invoice.
    ///   - allReds: kept reds of both sides reversing it (each red once).
    static func statusVerdict(branch: InvoiceStatus, authority: InvoiceStatus, blueTotal: Fen?, branchTotal: Fen?,
                              branchReds: [String: Fen], allReds: [String: Fen]) -> StatusVerdict {
        if branch == authority { return .consistent }
        guard branch == .normal else { return .mismatch }
        switch authority {
        case .redReversedPartial:
            return .partial(remaining: (blueTotal ?? .zero) + sumOfTotals(allReds))
        case .redReversedFull:
            guard let branchTotal, !branchReds.isEmpty, branchTotal + sumOfTotals(branchReds) == .zero else {
                return .mismatch
            }
            return .consistent
        default:
            return .mismatch
        }
    }

    /// The status difference row, or nil when the statuses reconcile.
    static func statusDifference(branch: Invoice, authority: AuthorityEntry, branchReds: RedLedger,
                                 authorityReds: RedLedger) -> FieldDifference? {
        guard branch.status != authority.status else { return nil }
        let verdict = statusVerdict(
            branch: branch.status, authority: authority.status, blueTotal: authority.total ?? branch.total,
            branchTotal: branch.total, branchReds: branchReds.reds(of: branch.identity),
            allReds: authorityReds.reds(of: branch.identity, merging: branchReds))
        let difference = FieldDifference(field: .status, branchValue: branch.status.rawValue,
                                         authorityValue: authority.status.rawValue, severity: .high)
        switch verdict {
        case .consistent: return nil
        case .mismatch: return difference
        case .partial(let remaining):
            var partial = difference
            partial.severity = .medium
            partial.remaining = remaining
            return partial
        }
    }
}
