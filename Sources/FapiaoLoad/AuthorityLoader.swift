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

    /// Calls `body` with entry `entry`'s row, read again from `file`; throws when it is not the row the index
    /// holds (money, status, issue date, tax IDs or buyer name differ), so a wrong offset can never pass.
    func withRow<T>(_ entry: Int, in file: RecordRowFile, _ body: (RecordRow) throws -> T) throws -> T {
        try file.withRow(at: offsets[entry]) { row in
            typealias C = CanonicalRowValues.Column
            let held = index.entries[entry], pool = index.pool
            guard let values = CanonicalRowValues(row), values.status == held.status,
                  (values.amount ?? AuthorityEntry.none) == held.amountFen, (values.tax ?? AuthorityEntry.none) == held.taxFen,
                  (values.total ?? AuthorityEntry.none) == held.totalFen, pool.equals(held.issueDateText, row[C.issueDate]),
                  pool.equals(held.sellerTaxID, row[C.sellerTaxID]), pool.equals(held.buyerTaxID, row[C.buyerTaxID]),
                  pool.equals(held.buyerName, row[C.buyerName]) else {
                throw FapiaoError(code: "load.corrupt_input", message: "authority.csv changed while load read it; re-run load")
            }
            return try body(row)
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
