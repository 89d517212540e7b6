import Foundation
import FapiaoCore

/// The kept authority invoices as reconciliation needs them: the index, and where each row starts in
/// authority.csv (so the rows no branch record matched can be read again one by one, without a second pass).
struct AuthorityRows: Sendable {
    var index = AuthorityIndex()
    /// Byte offset of each entry's row in authority.csv.
    var offsets: [Int] = []

    /// Reads authority.csv.
    static func read(path: String, stop: () -> Bool = { false }) throws -> AuthorityRows {
        var rows = AuthorityRows()
        var count = 0
        try LoadInputs.forEachCanonicalRowWithOffset(path: path) { row, values, offset in
            if count & 4095 == 0, stop() { throw FapiaoError(code: "load.abandoned", message: "load stopped") }
            count += 1
            try rows.index.add(row, values)
            rows.offsets.append(offset)
        }
        return rows
    }

    /// The entries no branch row matched, in file order, with what checks that a row read again is theirs.
    func unmatched(_ matched: [Bool]) -> [UnmatchedAuthorityRow] {
        matched.indices.filter { !matched[$0] }.map { entry in
            let held = index.entries[entry]
            return UnmatchedAuthorityRow(offset: offsets[entry], amountFen: held.amountFen, taxFen: held.taxFen,
                                         totalFen: held.totalFen, status: held.status)
        }
    }
}

/// An authority row no branch row matched: where it starts in authority.csv and its money and status (a few
/// bytes each, so the index can be freed before these rows are read again).
struct UnmatchedAuthorityRow: Sendable {
    var offset: Int
    var amountFen: Int64
    var taxFen: Int64
    var totalFen: Int64
    var status: InvoiceStatus

    /// The row's invoice, read again from `file`; throws when the row there is not this one (money or status
    /// differ), so a wrong offset can never pass silently.
    func invoice(in file: RecordRowFile) throws -> Invoice {
        try read(in: file, branch: { _ in "" }).invoice
    }

    /// Reads the row again from `file` (checked as `invoice(in:)` does): its invoice, that invoice attributed to
    /// `branch(invoice)` when its branch is empty, and the attributed invoice's canonical row, encoded from the
    /// row's bytes (as `EncodedCanonicalRow(attributed)` encodes it, without building its strings).
    func read(in file: RecordRowFile, branch: (Invoice) -> String) throws
        -> (invoice: Invoice, attributed: Invoice, row: EncodedCanonicalRow)
    {
        try file.withRow(at: offset) { row in
            guard let values = CanonicalRowValues(row), values.status == status,
                  (values.amount ?? AuthorityEntry.none) == amountFen, (values.tax ?? AuthorityEntry.none) == taxFen,
                  (values.total ?? AuthorityEntry.none) == totalFen else {
                throw FapiaoError(code: "load.corrupt_input", message: "authority.csv changed while load read it; re-run load")
            }
            let invoice = try LoadInputs.invoice(row)
            var attributed = invoice
            if attributed.branch.isEmpty { attributed.branch = branch(invoice) }
            var bytes: [UInt8] = []
            let keyLength = Array(attributed.branch.utf8).withUnsafeBufferPointer { branch in
                CanonicalBytes.append(row, values: values, branch: branch, to: &bytes)
            }
            return (invoice, attributed, EncodedCanonicalRow(bytes: bytes, keyLength: keyLength, source: attributed.origin.source))
        }
    }
}

/// Reads authority.csv into `AuthorityRows` on a thread of its own, while load's thread reads the branch file.
typealias AuthorityLoader = BackgroundWork<AuthorityRows>

extension BackgroundWork where Value == AuthorityRows {
    /// Starts reading `path`.
    convenience init(path: String) {
        self.init(name: "fapiao-authority") { stop in try AuthorityRows.read(path: path, stop: stop) }
    }

    /// Waits for the rows; rethrows what reading threw.
    func rows() throws -> AuthorityRows { try result() }
}
