import Foundation
import FapiaoCore
@testable import FapiaoSamples

/// Recomputes a chain's truth from its files by the rules of DESIGN.md and docs/contract-notes.md:
/// validate, dedupe, check, reconcile. An independent second opinion on the generator's ledger.
struct OracleReconciler {
    let plan: ChainPlan
    var findings = OracleFindings()
    var records: [String: Int] = [:]
    var canonicalRows = 0

    init(chain: String, plan: ChainPlan) throws {
        self.plan = plan
        let input = try OracleReader.read(chain: chain, plan: plan)
        findings = input.findings
        var kept: [String: [OracleInvoice]] = [:]
        for record in input.records {
            records[record.source, default: 0] += 1
            guard let invoice = OracleInvoice(record, statusMap: statusMap(record.source)) else {
                findings.add(.invalidRecord, record.source)
                continue
            }
            kept[record.source, default: []].append(invoice)
        }
        let branches = dedupe(kept)
        let authority = dedupeInSource(kept[ChainPlan.authoritySource] ?? [], source: ChainPlan.authoritySource)
        for invoice in branches + authority { checkSuspicious(invoice) }
        reconcile(branches: branches, authority: authority)
    }

    private func statusMap(_ source: String) -> [String: String] {
        guard let branch = plan.branches.first(where: { $0.name == source }) else {
            return Dictionary(uniqueKeysWithValues: AuthorityExport.statusTexts.map { ($0.text, $0.status.rawValue) })
        }
        return Dictionary(uniqueKeysWithValues: branch.dialect.statusTexts.map { ($0.text, $0.status.rawValue) })
    }

    private mutating func dedupeInSource(_ invoices: [OracleInvoice], source: String) -> [OracleInvoice] {
        var first: [String: OracleInvoice] = [:]
        var out: [OracleInvoice] = []
        for invoice in invoices {
            if first[invoice.key] != nil { findings.add(.duplicateInSource, source); continue }
            first[invoice.key] = invoice
            out.append(invoice)
        }
        return out
    }

    private mutating func dedupe(_ kept: [String: [OracleInvoice]]) -> [OracleInvoice] {
        var seen = Set<String>()
        var out: [OracleInvoice] = []
        for branch in plan.pipelineOrder {
            for invoice in dedupeInSource(kept[branch.name] ?? [], source: branch.name) {
                if seen.contains(invoice.key) { findings.add(.duplicateAcrossBranches, branch.name); continue }
                seen.insert(invoice.key)
                out.append(invoice)
            }
        }
        return out
    }

    private mutating func checkSuspicious(_ invoice: OracleInvoice) {
        var fields = Set(invoice.longDecimals)
        if !TaxID.isRecognized(invoice.sellerID) { fields.insert("seller_tax_id") }
        if !TaxID.isRecognized(invoice.buyerID) { fields.insert("buyer_tax_id") }
        if let tax = invoice.tax {
            if invoice.total != invoice.amount + tax { fields.insert("total") }
            if let rate = invoice.ratePercent, abs(MoneyCheck.tax(invoice.amount, rate) - tax) > 127 { fields.insert("tax") }
        }
        if !invoice.digital.isEmpty, invoice.digital.prefix(2) != invoice.date.dropFirst(2).prefix(2) {
            fields.insert("digital_number")
        }
        findings.add(.suspiciousField, invoice.source, fields.count)
    }

    private mutating func reconcile(branches: [OracleInvoice], authority: [OracleInvoice]) {
        var byKey: [String: OracleInvoice] = [:]
        for invoice in authority { byKey[invoice.key] = invoice }
        var matched = Set<String>()
        for invoice in branches {
            canonicalRows += 1
            guard let other = byKey[invoice.key] else { findings.add(.missingInAuthority, invoice.source); continue }
            matched.insert(invoice.key)
            findings.add(.fieldMismatch, invoice.source, mismatches(invoice, other, branches: branches))
        }
        let unmatched = authority.filter { !matched.contains($0.key) }.count
        canonicalRows += unmatched
        findings.add(.missingInBranches, ChainPlan.authoritySource, unmatched)
    }

    private func mismatches(_ a: OracleInvoice, _ b: OracleInvoice, branches: [OracleInvoice]) -> Int {
        func fold(_ name: String) -> String {
            String(name.map { $0 == "（" ? "(" : $0 == "）" ? ")" : $0 }.filter { !$0.isWhitespace })
        }
        var count = [a.amount != b.amount, a.total != b.total, a.tax != b.tax, a.date != b.date].filter { $0 }.count
        let texts = [("buyer_tax_id", a.buyerID, b.buyerID), ("buyer_name", fold(a.buyerName), fold(b.buyerName)),
                     ("seller_tax_id", a.sellerID, b.sellerID)]
        for (field, x, y) in texts where !x.isEmpty && !y.isEmpty && !a.lostFields.contains(field) && x != y { count += 1 }
        if a.status != b.status {
            let reds = branches.filter { $0.originalKey == a.key }.map(\.total).reduce(0, +)
            let fullyReversed = a.status == "normal" && b.status == "red_reversed_full" && reds == -a.total
            if !fullyReversed { count += 1 }
        }
        return count
    }
}

/// round_half_up(amount × rate) in fen, away from zero.
enum MoneyCheck {
    static func tax(_ amount: Int64, _ percent: Int) -> Int64 {
        let product = amount * Int64(percent)
        let magnitude = (Int64(product.magnitude) + 50) / 100
        return product < 0 ? -magnitude : magnitude
    }
}
