import Foundation
import FapiaoCore
import FapiaoIO

/// A kept branch record behind a repair-batch row, and why it is there.
struct RepairItem: Sendable {
    var invoice: Invoice
    /// `missing_in_authority` or `field_mismatch`.
    var type: DiscrepancyType
    /// For `field_mismatch`: the money and status fields that differ.
    var fields: [CanonicalField]
}

/// What reconciliation produced.
struct Reconciliation: Sendable {
    var findings: [Finding] = []
    /// Kept branch invoices and authority-only invoices (the canonical dataset), sorted.
    var canonical = CanonicalRowStore()
    var repairs: [RepairItem] = []
    /// Record location → its `field_mismatch` repair item.
    var repairPositions: [InputLocation: Int] = [:]
    var branchInvoices = 0
    var authorityInvoices = 0
    var authorityOnly = 0
}

/// Reconciles kept branch invoices against kept authority invoices (DESIGN.md, contract-notes.md "Load rules").
///
/// Streams both files: the authority file once to build a compact index (on a second thread), the branch file
/// once for its canonical rows, matching each row too once the index is ready (the rows read before that are
/// matched on the second thread; a small authority file's index is ready at once, a branch file read before the
/// index is ready is read again to match, in two halves), and only the unmatched authority rows again. Status differences wait
/// until every branch red-letter invoice is known, since a red may follow the blue it reverses.
struct Reconciler {
    var spec: PipelineSpec
    var facts: InputFacts
    var rejects: RejectIndex
    /// Where the canonical rows spill sorted runs once they outgrow `CanonicalRowStore.defaultRunLimit`
    /// (load's staging folder; the spill file is unlinked at once). Nil keeps every row in memory.
    var spillDirectory: String? = nil
    /// Where the canonical store also hands each sorted run as it is spilled (canonical.sqlite's writer); needs
    /// `spillDirectory`. Nil: nowhere.
    var canonicalFeed: CanonicalRunFeed? = nil
    /// Branch files at least this large are matched in two halves, one per core.
    var splitBytes = Reconciler.defaultSplitBytes
    /// At least this many unmatched authority rows are read again in two halves, one per core.
    var splitUnmatched = 1024
    /// For tests: the branch row (1-based) at which the first pass waits for the authority index and starts
    /// matching (normally it starts at the first 1024th row after the index is ready, if it is before the end).
    var matchEarlyAtRow: Int? = nil

    private struct PendingStatus { var invoice: Invoice; var entry: Int }

    /// What matching part of the branch file produced, in file order.
    private struct MatchPart {
        var found = Reconciliation()
        var pending: [PendingStatus] = []
        var matched: [Bool]
    }

    /// Runs the passes over `branchPath` (invoices.csv) and `authorityPath` (authority.csv).
    ///
    /// Both cores: a second thread indexes authority.csv while this one reads invoices.csv into the canonical
    /// store. Once the index is ready, this thread also matches each row it reads, and the second thread reads
    /// and matches the rows before that one (if the index is ready only after the last row, both threads read
    /// invoices.csv again, a half each, to match). Then this one reads only the unmatched authority rows again,
    /// at the offsets the index kept.
    ///
    /// Rows are read as bytes; a branch row whose compared fields equal its authority entry's byte for byte
    /// is consistent without building an `Invoice`. Rows that may differ, miss or carry a red-letter
    /// reversal take the `Invoice` path, so every discrepancy comes from the same code as before.
    ///
    /// `loader`, when given, is the indexing of `authorityPath` started earlier (load starts it before it reads the
    /// stage findings, so the second core is busy from the start).
    func run(branchPath: String, authorityPath: String, loader started: AuthorityLoader? = nil) throws -> Reconciliation {
        let loader = started ?? AuthorityLoader(path: authorityPath)
        var result = Reconciliation(canonical: CanonicalRowStore(spillDirectory: spillDirectory, feed: canonicalFeed))
        var branchReds = RedLedger()
        var sellers = SellerSources()
        let fileSize = (try? FileManager.default.attributesOfItem(atPath: branchPath)[.size] as? Int) ?? 0
        var split = fileSize
        // Matching during this pass, once the authority index is ready, and the rows matched as read.
        var early: EarlyMatching?
        var inline: InlineMatching?
        try LoadInputs.forEachCanonicalRowWithOffset(path: branchPath) { row, values, offset in
            result.branchInvoices += 1
            try result.canonical.append(row, values)
            if CanonicalRowValues.isRedWithOriginal(row) { branchReds.add(try LoadInputs.invoice(row)) }
            sellers.add(row)
            if split == fileSize, offset >= fileSize / 2, fileSize >= splitBytes { split = offset }
            if early == nil, fileSize >= splitBytes,
               result.branchInvoices & 1023 == 0 && loader.isFinished || result.branchInvoices == matchEarlyAtRow {
                let started = try startMatching(branchPath: branchPath, before: offset, loader: loader)
                early = started
                inline = InlineMatching(reconciler: self, index: started.authority.index)
            }
            try inline?.match(row, values)
        }
        LoadTimings.mark("branch rows")
        let unmatched: [UnmatchedAuthorityRow]
        if let started = early, let matcher = inline {
            early = nil; inline = nil  // the index is freed with these, before the authority-only rows
            unmatched = try finishMatching(started, later: matcher.part, end: fileSize, branchPath: branchPath,
                                           branchReds: branchReds, into: &result)
        } else {
            unmatched = try matchBranchRows(branchPath: branchPath, split: split, end: fileSize, loader: loader,
                                            branchReds: branchReds, into: &result)
        }
        LoadTimings.mark("branch matching")
        let attribution = BranchAttribution(spec: spec, sellerSources: sellers.bySeller)
        try addAuthorityOnly(unmatched, path: authorityPath, attribution: attribution, into: &result)
        LoadTimings.mark("authority-only rows")
        try result.canonical.sort()
        LoadTimings.mark("canonical sort")
        return result
    }

    /// Matching started while the branch file is still read for the canonical store: once the authority index is
    /// ready (at row offset `start`), the rows before `start` are matched on a second thread and the rest as they
    /// are read, so the branch file is not read again for them.
    private struct EarlyMatching {
        var authority: AuthorityRows
        var start: Int
        var earlier: BackgroundWork<MatchPart>
    }

    /// Matches the rows the first pass reads once the index is ready. A class holding the index as a constant,
    /// so matching a row borrows it instead of copying the index's arrays (retains) for every row.
    private final class InlineMatching {
        let reconciler: Reconciler
        let index: AuthorityIndex
        var part: MatchPart

        init(reconciler: Reconciler, index: AuthorityIndex) {
            self.reconciler = reconciler; self.index = index
            part = MatchPart(matched: [Bool](repeating: false, count: index.count))
        }

        func match(_ row: RecordRow, _ values: CanonicalRowValues) throws {
            try reconciler.matchRow(row, values, index: index, into: &part)
        }
    }

    /// Takes the (finished) authority index and starts matching the branch rows before `offset` on a second thread.
    private func startMatching(branchPath: String, before offset: Int, loader: AuthorityLoader) throws -> EarlyMatching {
        let authority = try loader.rows()
        LoadTimings.mark("authority index (ready)")
        let reconciler = self, index = authority.index
        let earlier = BackgroundWork(name: "fapiao-match") { _ in
            try reconciler.matchPart(branchPath: branchPath, range: 0..<offset, index: index)
        }
        return EarlyMatching(authority: authority, start: offset, earlier: earlier)
    }

    /// Joins early matching's parts in file order (the rows before `early.start`, then `later`, the rows from it
    /// to `end`) and judges the status checks (as `match` does); returns the authority rows no branch row matched.
    private func finishMatching(_ early: EarlyMatching, later: MatchPart, end: Int, branchPath: String,
                                branchReds: RedLedger, into result: inout Reconciliation) throws -> [UnmatchedAuthorityRow] {
        let index = early.authority.index
        result.authorityInvoices = index.count
        var part = try early.earlier.result()
        if Reconciler.disjoint(later, part) {
            Reconciler.join(later, into: &part)
        } else {
            try matchPart(branchPath: branchPath, range: early.start..<end, index: index, into: &part)
        }
        result.findings = part.found.findings
        result.repairs = part.found.repairs
        result.repairPositions = part.found.repairPositions
        for check in part.pending { judgeStatus(check, index: index, branchReds: branchReds, into: &result) }
        return early.authority.unmatched(part.matched)
    }

    /// Waits for the authority index, matches every branch row against it and returns the authority rows no
    /// branch row matched. The index is freed on return, before the authority-only rows grow the findings.
    private func matchBranchRows(branchPath: String, split: Int, end: Int, loader: AuthorityLoader,
                                 branchReds: RedLedger, into result: inout Reconciliation) throws -> [UnmatchedAuthorityRow] {
        let authority = try loader.rows()
        LoadTimings.mark("authority index (wait)")
        result.authorityInvoices = authority.index.count
        let matched = try match(branchPath: branchPath, split: split, end: end, index: authority.index,
                                branchReds: branchReds, into: &result)
        return authority.unmatched(matched)
    }

    /// Branch files at least `splitBytes` large are matched in two halves, one per core (4 MiB; tests lower it).
    static let defaultSplitBytes = 4 << 20

    /// Matches every branch row against the index (findings, repairs, status checks); returns which entries
    /// a branch row matched. The rows from `split` on are matched on a second thread; the halves are joined in
    /// file order, so the result is the one a single pass gives.
    private func match(branchPath: String, split: Int, end: Int, index: AuthorityIndex, branchReds: RedLedger,
                       into result: inout Reconciliation) throws -> [Bool] {
        let reconciler = self
        let second = split < end ? BackgroundWork(name: "fapiao-match") { _ in
            try reconciler.matchPart(branchPath: branchPath, range: split..<end, index: index)
        } : nil
        var part = try matchPart(branchPath: branchPath, range: 0..<split, index: index)
        if let second {
            let later = try second.result()
            if Reconciler.disjoint(later, part) {
                Reconciler.join(later, into: &part)
            } else {
                try matchPart(branchPath: branchPath, range: split..<end, index: index, into: &part)
            }
        }
        result.findings = part.found.findings
        result.repairs = part.found.repairs
        result.repairPositions = part.found.repairPositions
        for check in part.pending { judgeStatus(check, index: index, branchReds: branchReds, into: &result) }
        return part.matched
    }

    /// Whether two halves share no repair item. Each row has its own origin, so they never do; if they did, the
    /// later rows are matched again after the first ones, as one pass would.
    private static func disjoint(_ second: MatchPart, _ first: MatchPart) -> Bool {
        !second.found.repairPositions.keys.contains { first.found.repairPositions[$0] != nil }
    }

    /// Appends `second` (the later rows) to `first`.
    private static func join(_ second: MatchPart, into first: inout MatchPart) {
        let offset = first.found.repairs.count
        first.found.findings += second.found.findings
        first.found.repairs += second.found.repairs
        for (origin, position) in second.found.repairPositions { first.found.repairPositions[origin] = position + offset }
        first.pending += second.pending
        for entry in second.matched.indices where second.matched[entry] { first.matched[entry] = true }
    }

    /// Matches the branch rows starting in `range` of the file.
    private func matchPart(branchPath: String, range: Range<Int>, index: AuthorityIndex) throws -> MatchPart {
        var part = MatchPart(matched: [Bool](repeating: false, count: index.count))
        try matchPart(branchPath: branchPath, range: range, index: index, into: &part)
        return part
    }

    private func matchPart(branchPath: String, range: Range<Int>, index: AuthorityIndex, into part: inout MatchPart) throws {
        try LoadInputs.forEachCanonicalRow(path: branchPath, in: range) { row, values in
            try matchRow(row, values, index: index, into: &part)
        }
    }

    /// Matches one branch row against the index.
    private func matchRow(_ row: RecordRow, _ values: CanonicalRowValues, index: AuthorityIndex, into part: inout MatchPart) throws {
        guard let entry = index.lookup(row) else { return missing(try LoadInputs.invoice(row), into: &part.found) }
        part.matched[entry] = true
        let authority = index.entries[entry]
        if RowComparison.sameCompared(row, values, authority, pool: index.pool) { return }
        let invoice = try LoadInputs.invoice(row)
        compare(invoice, authority, pool: index.pool, into: &part.found)
        if invoice.status != authority.status { part.pending.append(PendingStatus(invoice: invoice, entry: entry)) }
    }

    private func missing(_ invoice: Invoice, into result: inout Reconciliation) {
        let row = ReconciliationMessages.missingInAuthority(invoice)
        result.findings.append(Finding(row: row, stakeFen: invoice.total?.value.magnitudeFen ?? 0))
        result.repairs.append(RepairItem(invoice: invoice, type: .missingInAuthority, fields: []))
    }

    private func compare(_ invoice: Invoice, _ entry: AuthorityEntry, pool: BytePool, into result: inout Reconciliation) {
        let skipped = facts.encodingLosses[invoice.origin] ?? []
        let differences = FieldComparator.differences(branch: invoice, authority: entry, pool: pool, skipping: skipped)
        record(differences, of: invoice, into: &result)
    }

    private func judgeStatus(_ check: PendingStatus, index: AuthorityIndex, branchReds: RedLedger,
                             into result: inout Reconciliation) {
        guard !(facts.encodingLosses[check.invoice.origin] ?? []).contains(.status),
              let difference = FieldComparator.statusDifference(
                  branch: check.invoice, authority: index.entries[check.entry], branchReds: branchReds,
                  authorityReds: index.reds)
        else { return }
        record([difference], of: check.invoice, into: &result)
    }

    /// Adds mismatch rows; the first money or status row of an invoice carries its stake and its repair item.
    private func record(_ differences: [FieldDifference], of invoice: Invoice, into result: inout Reconciliation) {
        for difference in differences {
            var finding = Finding(row: ReconciliationMessages.fieldMismatch(invoice, difference))
            if FieldComparator.moneyFields.contains(difference.field) || difference.field == .status {
                if let position = result.repairPositions[invoice.origin] {
                    result.repairs[position].fields.append(difference.field)
                } else {
                    result.repairPositions[invoice.origin] = result.repairs.count
                    result.repairs.append(RepairItem(invoice: invoice, type: .fieldMismatch, fields: [difference.field]))
                    finding.stakeFen = invoice.total?.value.magnitudeFen ?? 0
                }
            }
            result.findings.append(finding)
        }
    }

    /// An authority-only invoice's canonical row and `missing_in_branches` finding.
    private struct AuthorityOnly: Sendable {
        var row: EncodedCanonicalRow
        var finding: Finding
    }

    /// Reads the unmatched authority rows again and adds their canonical rows and findings, in file order. The
    /// rows are read and turned into findings in two halves, one per core; only adding them is sequential.
    private func addAuthorityOnly(_ unmatched: [UnmatchedAuthorityRow], path: String, attribution: BranchAttribution,
                                  into result: inout Reconciliation) throws {
        let half = unmatched.count >= splitUnmatched ? unmatched.count / 2 : unmatched.count
        let reconciler = self
        let later = Array(unmatched[half...])
        let second = later.isEmpty ? nil : BackgroundWork(name: "fapiao-unmatched") { _ in
            try reconciler.authorityOnly(later[...], path: path, attribution: attribution)
        }
        func add(_ item: AuthorityOnly) throws {
            result.authorityOnly += 1
            try result.canonical.append(item.row)
            result.findings.append(item.finding)
        }
        let first = unmatched[..<half]
        if let file = try Reconciler.reader(of: first, path: path) {
            for unmatched in first { try add(authorityOnly(unmatched, file: file, attribution: attribution)) }
        }
        for item in try second?.result() ?? [] { try add(item) }
    }

    private func authorityOnly(_ rows: ArraySlice<UnmatchedAuthorityRow>, path: String,
                               attribution: BranchAttribution) throws -> [AuthorityOnly] {
        guard let file = try Reconciler.reader(of: rows, path: path) else { return [] }
        return try rows.map { try authorityOnly($0, file: file, attribution: attribution) }
    }

    /// A reader of authority.csv from the first of `rows` to the end of the last (they are in file order), which
    /// streams that span ahead instead of reading each row with a `pread`; nil for no rows.
    private static func reader(of rows: ArraySlice<UnmatchedAuthorityRow>, path: String) throws -> AscendingRangeReader? {
        guard let first = rows.first, let last = rows.last else { return nil }
        return try AscendingRangeReader(path: path, span: first.offset..<(last.offset + last.length))
    }

    /// One unmatched authority row: read again, attributed to a branch, encoded, with its finding.
    private func authorityOnly(_ unmatched: UnmatchedAuthorityRow, file: AscendingRangeReader,
                               attribution: BranchAttribution) throws -> AuthorityOnly {
        let (invoice, attributed, canonical) = try unmatched.read(in: file, branch: attribution.branch(for:))
        let row = ReconciliationMessages.missingInBranches(attributed, branch: attributed.branch, cause: cause(for: attributed))
        return AuthorityOnly(row: canonical, finding: Finding(row: row, stakeFen: invoice.total?.value.magnitudeFen ?? 0))
    }

    /// Why a kept authority invoice has no kept branch record, when tonight's inputs say.
    private func cause(for invoice: Invoice) -> MissingCause? {
        if let rejected = rejects.record(matching: invoice.identity) {
            return .rejected(source: rejected.source, reason: rejected.reason, field: rejected.field,
                             file: rejected.file, line: rejected.line)
        }
        guard !invoice.branch.isEmpty else { return nil }
        if let file = facts.failedFiles[invoice.branch] { return .fileFailed(file: file) }
        return facts.missingSources.contains(invoice.branch) ? .sourceMissing : nil
    }
}

/// Attributes an authority invoice to a branch by its seller tax ID: the branch transform named, else the first
/// branch source (pipeline order) whose `constants.seller_tax_id` equals it, else the first whose kept records
/// carry it, else none.
struct BranchAttribution: Sendable {
    var spec: PipelineSpec
    /// Seller tax ID → branch sources whose kept records carry it.
    var sellerSources: [String: Set<String>]

    /// The branch for an authority invoice (empty when none matches).
    func branch(for invoice: Invoice) -> String {
        if !invoice.branch.isEmpty { return invoice.branch }
        let seller = invoice.sellerTaxID
        guard !seller.isEmpty else { return "" }
        let branches = spec.branchSources
        if let byConstant = branches.first(where: { $0.constants[.sellerTaxID] == seller }) { return byConstant.name }
        let carriers = sellerSources[seller] ?? []
        return branches.first { carriers.contains($0.name) }?.name ?? ""
    }
}

extension Int64 {
    /// The absolute value as fen (saturating at `Int64.max`).
    var magnitudeFen: Int64 { self == .min ? .max : Swift.abs(self) }
}
