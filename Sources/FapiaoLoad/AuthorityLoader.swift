import Foundation
import FapiaoCore
import FapiaoIO

/// The kept authority invoices as reconciliation needs them: the index, and where each row starts in
/// authority.csv (so the rows no branch record matched can be read again one by one, without a second pass).
struct AuthorityRows: Sendable {
    var index = AuthorityIndex()
    /// Byte offset of each entry's row in authority.csv, and where the last row ends (the file's size).
    var offsets: [Int] = []
    var end = 0

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
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw FapiaoError(code: "load.input_missing", message: "cannot read \(path) again; re-run load")
        }
        rows.end = Int(info.st_size)
        return rows
    }

    /// The entries no branch row matched, in file order, with what checks that a row read again is theirs.
    func unmatched(_ matched: [Bool]) -> [UnmatchedAuthorityRow] {
        matched.indices.filter { !matched[$0] }.map { entry in
            let held = index.entries[entry]
            let rowEnd = entry + 1 < offsets.count ? offsets[entry + 1] : end
            return UnmatchedAuthorityRow(offset: offsets[entry], length: rowEnd - offsets[entry],
                                         amountFen: held.amountFen, taxFen: held.taxFen, totalFen: held.totalFen,
                                         status: held.status)
        }
    }
}

/// An authority row no branch row matched: where it is in authority.csv and its money and status (a few bytes
/// each, so the index can be freed before these rows are read again).
struct UnmatchedAuthorityRow: Sendable {
    var offset: Int
    /// The row's bytes, its line break included.
    var length: Int
    var amountFen: Int64
    var taxFen: Int64
    var totalFen: Int64
    var status: InvoiceStatus

    /// Reads the row again from `file` (ranges ascend: read the rows in file order): its invoice, that invoice
    /// attributed to `branch(invoice)` when its branch is empty, and the attributed invoice's canonical row,
    /// encoded from the row's bytes (as `EncodedCanonicalRow(attributed)` encodes it, without building its
    /// strings). Throws when the bytes there are not this row (not one whole row, or money or status differ), so
    /// a wrong offset can never pass silently.
    func read(in file: AscendingRangeReader, branch: (Invoice) -> String) throws
        -> (invoice: Invoice, attributed: Invoice, row: EncodedCanonicalRow)
    {
        try file.withBytes(at: offset, count: length) { bytes in
            try RecordRow.withOnlyRow(of: bytes) { row in try decode(row, branch: branch) }
        }
    }

    private func decode(_ row: RecordRow, branch: (Invoice) -> String) throws
        -> (invoice: Invoice, attributed: Invoice, row: EncodedCanonicalRow)
    {
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
