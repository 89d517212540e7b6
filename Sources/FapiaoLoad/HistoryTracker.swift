import FapiaoCore

/// Open discrepancies of one night, by severity (the report's chart).
struct NightCounts: Equatable, Sendable {
    /// `YYYY-MM-DD`.
    var night: String
    var high: Int
    var medium: Int
    var info: Int

    /// All open discrepancies of the night.
    var total: Int { high + medium + info }
}

/// The history as of night D: only nights strictly before D count, so re-running D gives the same result.
struct HistorySnapshot: Sendable {
    /// The latest night before D in the history, if any.
    var latestNight: String?
    /// Discrepancies new or open on `latestNight`, by id (the first row of an id), with their text rows.
    var openRows: [String: HistoryRow] = [:]
    /// Open counts of the nights before D inside the chart window, oldest first.
    var nights: [NightCounts] = []

    /// No history.
    static let empty = HistorySnapshot(latestNight: nil)
}

/// A row of the latest earlier night and the `discrepancy_texts` row holding its texts.
///
/// A class, so the history writer compares a row it looks up in place (a struct copied out of the dictionary
/// retains its fifteen strings, which cost more than comparing them).
final class HistoryRow: Sendable {
    let row: Discrepancy
    /// nil when the row was read from a v2 database (its texts are not yet in `discrepancy_texts`).
    let textID: Int64?

    init(row: Discrepancy, textID: Int64?) { self.row = row; self.textID = textID }
}

/// Sets each discrepancy's status against history (DESIGN.md "Discrepancy rows", contract-notes "History").
///
/// - `open`: new or open on the latest earlier night in the history; `first_seen` carries over and
///   `days_open` = D − first_seen + 1 in calendar days (first seen D−1, still there on D → 2).
/// - `new`: anything else, including a discrepancy that was resolved and came back; `first_seen` = D,
///   `days_open` = 1.
/// - `resolved`: open on the latest earlier night and absent tonight; written once, on D, with
///   `days_open` = D − first_seen (the days it stayed open).
enum HistoryTracker {
    /// Updates tonight's findings in place and returns the rows resolved tonight, in report order.
    static func apply(_ findings: inout [Finding], date: BusinessDate, snapshot: HistorySnapshot) -> [Finding] {
        let tonight = date.description
        var present = Set<String>()
        for index in findings.indices {
            let id = findings[index].id
            present.insert(id)
            if let prior = snapshot.openRows[id]?.row, let first = IssueDate(canonical: prior.firstSeen), first <= date {
                findings[index].row.status = .open
                findings[index].row.firstSeen = prior.firstSeen
                findings[index].row.daysOpen = date.daysSinceEpoch - first.daysSinceEpoch + 1
            } else {
                findings[index].row.status = .new
                findings[index].row.firstSeen = tonight
                findings[index].row.daysOpen = 1
            }
        }
        var resolved: [Finding] = []
        for (id, prior) in snapshot.openRows where !present.contains(id) {
            var row = prior.row
            row.status = .resolved
            let first = IssueDate(canonical: prior.row.firstSeen) ?? date
            row.daysOpen = max(1, date.daysSinceEpoch - first.daysSinceEpoch)
            resolved.append(Finding(row: row))
        }
        return sortForReport(resolved)
    }
}

/// A discrepancy row and the money it puts at stake.
struct Finding: Hashable, Sendable {
    /// The row. Only `status`, `firstSeen` and `daysOpen` may change after the finding is made (they are not
    /// part of `id`).
    var row: Discrepancy
    /// |价税合计| of the invoice behind the row, in fen; set on one row per invoice and type, else 0.
    var stakeFen: Int64 = 0
    /// `row.id` (a SHA-256), computed once: history, discrepancies.csv and the database all need it.
    let id: String

    /// A finding for `row`.
    init(row: Discrepancy, stakeFen: Int64 = 0) {
        self.row = row; self.stakeFen = stakeFen; id = row.id
    }

    /// `row.row` (the `Discrepancy.header` columns) with the cached id.
    var machineRow: [String] {
        let r = row
        return [id, r.type.rawValue, r.severity.rawValue, r.status.rawValue, r.firstSeen, String(r.daysOpen), r.branch,
                r.source, r.invoiceKey, r.field, r.branchValue, r.authorityValue, r.file, r.line == 0 ? "" : String(r.line),
                r.messageZh, r.messageEn, r.action]
    }
}

/// Sorts findings by `Discrepancy.reportOrder`, then by id and the whole row, so the order never depends on input order.
///
/// Sorts positions rather than the (large) findings themselves, comparing the findings in place (borrowed from
/// the array's buffer, never copied), then gathers them once.
func sortForReport(_ findings: [Finding]) -> [Finding] {
    findings.withUnsafeBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return [] }
        var order = (0..<Int32(buffer.count)).map { $0 }
        order.sort { reportPrecedes(base + Int($0), base + Int($1)) }
        return order.map { buffer[Int($0)] }
    }
}

/// `findings = sortForReport(findings)` without copying a finding: the same order (positions sorted by
/// `reportPrecedes`), applied by moving the findings along the permutation's cycles (swaps move, they do not
/// retain), so neither a second array nor the destruction of the first is paid.
func sortForReportInPlace(_ findings: inout [Finding]) {
    findings.withUnsafeMutableBufferPointer { buffer in
        guard let base = buffer.baseAddress else { return }
        var order = (0..<Int32(buffer.count)).map { $0 }
        order.sort { reportPrecedes(base + Int($0), base + Int($1)) }
        var placed = [Bool](repeating: false, count: buffer.count)
        for start in buffer.indices where !placed[start] {
            // Position j gets the finding at order[j]; the finding from `start` travels along until its place.
            var position = start
            while true {
                placed[position] = true
                let from = Int(order[position])
                if from == start { break }
                buffer.swapAt(position, from)
                position = from
            }
        }
    }
}

/// `reportPrecedes` on findings in place: the fields of `Discrepancy.reportOrder` compared one by one through the
/// pointers (only the strings compared are loaded; a whole `Discrepancy` copy retains all fifteen), then the
/// same tie-breaks. Must order exactly as `reportPrecedes(a.row, b.row)` (tested).
@inline(__always)
func reportPrecedes(_ a: UnsafePointer<Finding>, _ b: UnsafePointer<Finding>) -> Bool {
    let x = a.pointee.row.severity, y = b.pointee.row.severity
    if x != y { return x < y }
    if let order = stringOrder(a.pointee.row.branch, b.pointee.row.branch) { return order }
    if let order = stringOrder(a.pointee.row.invoiceKey, b.pointee.row.invoiceKey) { return order }
    if let order = stringOrder(a.pointee.row.field, b.pointee.row.field) { return order }
    let s = a.pointee.row.type, t = b.pointee.row.type
    if s != t { return s.rawValue < t.rawValue }
    if let order = stringOrder(a.pointee.row.source, b.pointee.row.source) { return order }
    if let order = stringOrder(a.pointee.row.file, b.pointee.row.file) { return order }
    let l = a.pointee.row.line, m = b.pointee.row.line
    if l != m { return l < m }
    return reportPrecedes(a.pointee.row, b.pointee.row)
}

/// nil when equal, else whether `a` sorts first (`String` order, as `reportOrder` uses).
@inline(__always)
private func stringOrder(_ a: String, _ b: String) -> Bool? {
    a == b ? nil : a < b
}

/// Merges two lists already in report order into one (as `sortForReport(a + b)` would order them).
func mergeForReport(_ a: [Finding], _ b: [Finding]) -> [Finding] {
    if b.isEmpty { return a }  // shares a's storage
    if a.isEmpty { return b }
    var merged: [Finding] = []
    merged.reserveCapacity(a.count + b.count)
    a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            var i = 0, j = 0
            while i < a.count, j < b.count {
                if reportPrecedes(b[j].row, a[i].row) { merged.append(b[j]); j += 1 } else { merged.append(a[i]); i += 1 }
            }
            merged.append(contentsOf: a[i...])
            merged.append(contentsOf: b[j...])
        }
    }
    return merged
}

/// The report order: `Discrepancy.reportOrder`, then id, status and the whole row.
@inline(__always)
func reportPrecedes(_ a: Discrepancy, _ b: Discrepancy) -> Bool {
    if Discrepancy.reportOrder(a, b) { return true }
    if Discrepancy.reportOrder(b, a) { return false }
    if a.id != b.id { return a.id < b.id }
    if a.status != b.status { return a.status.rawValue < b.status.rawValue }
    return a.row.lexicographicallyPrecedes(b.row)
}
