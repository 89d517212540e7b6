import Testing
import FapiaoCore
@testable import FapiaoTransform

/// Checks every example row of `docs/normalization.md` against the code, so the document cannot drift.
@Suite struct NormalizationDocTests {
    /// Section id → what the code makes of one row (the row's expected cells, computed).
    static let evaluators: [String: ([String]) throws -> [String]] = [
        "text_name": { [$0[0], TextNormalizer.clean($0[0], folding: .nfc), "—"] },
        "text_id": { [$0[0], TextNormalizer.clean($0[0], folding: .nfkc), "—"] },
        "remark": { [$0[0], TextNormalizer.remark($0[0]), "—"] },
        "date": { row in try dateRow(row[0], formats: []) },
        "date_format": { row in [row[0]] + (try dateRow(row[1], formats: [row[0]])) },
        "money": moneyRow,
        "tax_rate": taxRateRow,
        "identity": identityRow,
        "taxpayer_id": { row in
            let id = TaxpayerID.normalize(row[0])
            return [row[0], id, id.isEmpty || TaxpayerID.form(of: id) != nil ? "—" : "suspicious_field"]
        },
        "status": { [$0[0], (VocabularyNormalizer.status($0[0]).value ?? .normal).rawValue, "—"] },
        "status_map": statusMapRow,
        "invoice_type": { [$0[0], VocabularyNormalizer.type($0[0]).value?.rawValue ?? "", "—"] },
        "is_red": { row in
            let record = try #require(Fixtures.normalize([.isRed: row[0], .total: row[1], .amount: row[1], .tax: "0"]).kept)
            return [row[0], row[1], record.invoice.isRed ? "true" : "false", "—"]
        },
        "red_link": { row in
            let record = try #require(Fixtures.normalize([.remark: row[0]]).kept)
            return [row[0], record.invoice.originalInvoiceKey, "—"]
        },
        "tax_check": taxCheckRow,
    ]

    @Test func everySectionHasAnEvaluatorAndRows() throws {
        let doc = try NormalizationDoc.load()
        #expect(Set(doc.sections.map(\.id)).isSuperset(of: Set(NormalizationDocTests.evaluators.keys)))
        for section in doc.sections where !section.id.isEmpty {  // a heading without an id is prose
            #expect(NormalizationDocTests.evaluators[section.id] != nil, "no test for section \(section.id)")
            #expect(!section.rows.isEmpty, "section \(section.id) has no examples")
        }
    }

    @Test(arguments: Array(evaluators.keys).sorted())
    func rowsMatchTheCode(section id: String) throws {
        let doc = try NormalizationDoc.load()
        let section = try #require(doc.sections.first { $0.id == id })
        let evaluate = try #require(NormalizationDocTests.evaluators[id])
        for row in section.rows {
            let computed = try evaluate(row)
            #expect(Array(row.prefix(computed.count)) == computed, "docs/normalization.md, section \(id)")
        }
    }

    static func dateRow(_ input: String, formats: [String]) throws -> [String] {
        let outcome = try Fixtures.normalize([.issueDate: input], source: Fixtures.source(
            dateFormats: formats, required: [.invoiceKey, .amount, .total]))
        return [input, outcome.kept?.invoice.issueDate?.description ?? "", outcome.findingText]
    }

    static func moneyRow(_ row: [String]) throws -> [String] {
        let outcome = try Fixtures.normalize([.amount: row[0], .total: "1.00"], source: Fixtures.source(
            required: [.invoiceKey, .issueDate]))
        let flagged = outcome.kept?.moreDecimals.contains(.amount) == true
        return [row[0], outcome.kept?.invoice.amount?.description ?? "",
                flagged ? "suspicious_field" : outcome.findingText]
    }

    static func taxRateRow(_ row: [String]) -> [String] {
        switch TaxRateNormalizer.parse(row[0]) {
        case .value(.single(let rate)): return [row[0], rate.canonical, "—"]
        case .value(.mixed): return [row[0], "", "mixed: tax check skipped"]
        case .invalid: return [row[0], "", "unknown: tax check skipped"]
        case .empty: return [row[0], "", "—"]
        }
    }

    static func identityRow(_ row: [String]) throws -> [String] {
        let outcome = try Fixtures.normalize([.invoiceCode: row[0], .invoiceNumber: row[1], .digitalNumber: row[2]])
        return Array(row.prefix(3)) + [outcome.kept?.invoice.key ?? "", outcome.findingText]
    }

    static func statusMapRow(_ row: [String]) throws -> [String] {
        let parts = row[0].split(separator: "=").map(String.init)
        let status = try #require(InvoiceStatus(rawValue: parts[1]))
        let map = VocabularyNormalizer.matchingStatusMap([parts[0]: status])
        return [row[0], row[1], (VocabularyNormalizer.status(row[1], statusMap: map).value ?? .normal).rawValue, "—"]
    }

    static func taxCheckRow(_ row: [String]) throws -> [String] {
        let record = try #require(Fixtures.normalize([.amount: row[0], .tax: row[1], .total: row[2], .taxRate: row[3]]).kept)
        let fields = SuspiciousChecks(taxToleranceFen: 127).check(record).map(\.field.rawValue)
        return Array(row.prefix(4)) + [fields.isEmpty ? "—" : fields.joined(separator: ", ")]
    }
}
