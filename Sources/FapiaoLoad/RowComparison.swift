import FapiaoCore

/// The fast path of reconciliation: whether a branch row and its authority entry agree on every compared field
/// byte for byte (or a side is empty, which is never compared).
///
/// True means `FieldComparator` would find no difference and the statuses are equal; false means "maybe not",
/// and the caller takes the `Invoice` path. Byte-equal text gives equal parsed values, so this never hides a
/// difference.
enum RowComparison {
    /// Whether the row needs no `field_mismatch` check at all.
    static func sameCompared(_ row: RecordRow, _ values: CanonicalRowValues, _ entry: AuthorityEntry,
                             pool: BytePool) -> Bool {
        typealias C = CanonicalRowValues.Column
        guard values.status == entry.status,
              sameMoney(values.amount, entry.amountFen), sameMoney(values.tax, entry.taxFen),
              sameMoney(values.total, entry.totalFen) else { return false }
        return sameText(row[C.issueDate], entry.issueDateText, pool)
            && sameText(row[C.buyerTaxID], entry.buyerTaxID, pool)
            && sameText(row[C.buyerName], entry.buyerName, pool)
            && sameText(row[C.sellerTaxID], entry.sellerTaxID, pool)
    }

    private static func sameMoney(_ branch: Int64?, _ authority: Int64) -> Bool {
        guard let branch, authority != AuthorityEntry.none else { return true }
        return branch == authority
    }

    private static func sameText(_ branch: UnsafeBufferPointer<UInt8>, _ authority: Int32, _ pool: BytePool) -> Bool {
        branch.isEmpty || pool.isEmpty(authority) || pool.equals(authority, branch)
    }
}

/// Seller tax ID → the branch sources whose kept records carry it (for `BranchAttribution`), gathered from
/// row bytes; consecutive rows of one branch repeat the pair, so only changes are looked up.
struct SellerSources {
    private struct Pair: Hashable {
        var seller: [UInt8]
        var source: [UInt8]
    }

    private var pairs = Set<Pair>()
    private var last = Pair(seller: [], source: [])

    /// Notes the row's seller tax ID and source (nothing when the seller is empty).
    mutating func add(_ row: RecordRow) {
        typealias C = CanonicalRowValues.Column
        let seller = row[C.sellerTaxID], source = row[C.source]
        guard !seller.isEmpty else { return }
        let repeated = last.seller.withUnsafeBufferPointer { RecordRow.equal($0, seller) }
            && last.source.withUnsafeBufferPointer { RecordRow.equal($0, source) }
        guard !repeated else { return }
        last = Pair(seller: Array(seller), source: Array(source))
        pairs.insert(last)
    }

    /// The pairs as `BranchAttribution` takes them.
    var bySeller: [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for pair in pairs {
            let seller = String(decoding: pair.seller, as: UTF8.self)
            result[seller, default: []].insert(String(decoding: pair.source, as: UTF8.self))
        }
        return result
    }
}
