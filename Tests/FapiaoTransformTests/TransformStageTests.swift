import Testing
import FapiaoCore
@testable import FapiaoTransform

/// End-to-end runs of the stage on small extract folders, asserting every output exactly.
@Suite struct TransformStageTests {
    static let branchFields: [CanonicalField] = [.invoiceCode, .invoiceNumber, .digitalNumber, .issueDate,
                                                 .sellerTaxID, .buyerTaxID, .amount, .tax, .total, .taxRate]
    static let chaoyangID = "91110105MA00AAAA0P"
    static let haidianID = "91350200776049653A"

    /// tax-bureau is listed first to show that outputs follow pipeline order although branches are read first.
    static var spec: PipelineSpec {
        var chaoyang = Fixtures.source(name: "chaoyang")
        chaoyang.constants = [.sellerTaxID: chaoyangID.lowercased()]
        return PipelineSpec(name: "t", sources: [
            Fixtures.source(name: "tax-bureau", role: .authority), chaoyang, Fixtures.source(name: "haidian"),
        ])
    }

    static func row(_ code: String, _ number: String, digital: String = "", date: String = "2025-04-17",
                    seller: String = chaoyangID, buyer: String = "", amount: String = "1000.00",
                    tax: String = "130.00", total: String = "1130.00") -> [String] {
        [code, number, digital, date, seller, buyer, amount, tax, total, "13%"]
    }

    func writeChain(_ fixture: StageFixture) throws {
        let c = "011002300111"
        try fixture.writeExtract(source: "chaoyang", fields: Self.branchFields, rows: [
            ("exports/chaoyang/a.csv", 2, Self.row(c, "00461160")),
            ("exports/chaoyang/a.csv", 3, Self.row(c, "461160")),                       // identical duplicate
            ("exports/chaoyang/a.csv", 4, Self.row(c, "00461161")),
            ("exports/chaoyang/a.csv", 5, Self.row(c, "00461161", amount: "999.00")),   // conflicting duplicate
            ("exports/chaoyang/a.csv", 6, Self.row("--", "", digital: "")),             // missing_key
            ("exports/chaoyang/a.csv", 7, Self.row(c, "00461162", date: "2025-02-30")), // bad_date
            ("exports/chaoyang/a.csv", 8, Self.row(c, "00461163", buyer: "91110105MA00AAAA0X", total: "1130.01")),
            ("exports/chaoyang/b.csv", 2, Self.row("", "25112000000000000001")),
        ])
        try fixture.writeExtract(source: "haidian", fields: Self.branchFields, rows: [
            ("exports/haidian/h.csv", 2, Self.row(c, "00461163", seller: Self.haidianID)),  // across branches
            ("exports/haidian/h.csv", 3, Self.row("", "", digital: "24112000000000000002", seller: Self.haidianID)),
        ])
        try fixture.writeExtract(source: "tax-bureau", fields: Self.branchFields, rows: [
            ("authority/t.xlsx", 2, Self.row(c, "00461160")),
            ("authority/t.xlsx", 3, Self.row(c, "00461160")),
            ("authority/t.xlsx", 4, Self.row("", "", digital: "24112000000000000002", seller: Self.haidianID)),
            ("authority/t.xlsx", 5, Self.row(c, "00461164", amount: "abc")),
        ])
        try fixture.writeExtractRejects([
            ["haidian", "exports/haidian/h.csv", "4", "too_many_fields", "", "a | b"],
            ["chaoyang", "exports/chaoyang/a.csv", "9", "too_few_fields", "", "x"],
        ])
    }

    @Test func countsBalancePerSource() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        try writeChain(fixture)
        let result = try fixture.run(Self.spec)
        #expect(result.sources == [
            SourceCounts(source: "tax-bureau", recordsIn: 4, kept: 2, rejected: 1, duplicates: 1),
            SourceCounts(source: "chaoyang", recordsIn: 9, kept: 4, rejected: 3, duplicates: 2),
            SourceCounts(source: "haidian", recordsIn: 3, kept: 1, rejected: 1, duplicates: 1),
        ])
        #expect(result.sources.allSatisfy { $0.balances })
        #expect(result.outputs == ["invoices.csv": 5, "authority.csv": 2, "rejects.csv": 5, "duplicates.csv": 4,
                                   "findings.csv": 11])
        #expect(try fixture.outputFiles() == TransformStage.outputFiles.sorted())
    }

    @Test func keptRecordsAreCanonicalAndInOrder() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        try writeChain(fixture)
        _ = try fixture.run(Self.spec)
        #expect(try fixture.header("invoices.csv") == Invoice.canonicalHeader)
        let invoices = try fixture.rows("invoices.csv")
        #expect(invoices.map { $0[0] } == ["011002300111-00461160", "011002300111-00461161", "011002300111-00461163",
                                           "25112000000000000001", "24112000000000000002"])
        #expect(invoices[0] == [
            "011002300111-00461160", "011002300111", "00461160", "", "", "2025-04-17", Self.chaoyangID, "", "", "",
            "1000.00", "130.00", "1130.00", "13", "normal", "false", "", "", "chaoyang",
            "chaoyang", "exports/chaoyang/a.csv", "2",
        ])
        let authority = try fixture.rows("authority.csv")
        #expect(authority.map { [$0[0], $0[18], $0[21]] } == [
            ["011002300111-00461160", "chaoyang", "2"], ["24112000000000000002", "haidian", "4"],
        ])
    }

    @Test func rejectsAndDuplicatesFollowPipelineOrder() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        try writeChain(fixture)
        _ = try fixture.run(Self.spec)
        let rejects = try fixture.rows("rejects.csv")
        #expect(rejects.map { Array($0.prefix(5)) } == [
            ["tax-bureau", "authority/t.xlsx", "5", "bad_amount", "amount"],
            ["chaoyang", "exports/chaoyang/a.csv", "6", "missing_key", "invoice_key"],
            ["chaoyang", "exports/chaoyang/a.csv", "7", "bad_date", "issue_date"],
            ["chaoyang", "exports/chaoyang/a.csv", "9", "too_few_fields", ""],
            ["haidian", "exports/haidian/h.csv", "4", "too_many_fields", ""],
        ])
        #expect(rejects[0][5].hasPrefix("invoice_code=011002300111 | invoice_number=00461164 | digital_number= | "))
        let duplicates = try fixture.rows("duplicates.csv")
        #expect(try fixture.header("duplicates.csv") == Invoice.canonicalHeader + ["kept_file", "kept_line", "identical"])
        #expect(duplicates.map { [$0[19], $0[21], $0[22], $0[23], $0[24]] } == [
            ["tax-bureau", "3", "authority/t.xlsx", "2", "true"],
            ["chaoyang", "3", "exports/chaoyang/a.csv", "2", "true"],
            ["chaoyang", "5", "exports/chaoyang/a.csv", "4", "false"],
            ["haidian", "2", "exports/chaoyang/a.csv", "8", "false"],
        ])
    }

    @Test func findingsAreSortedAndComplete() throws {
        let fixture = try StageFixture()
        defer { fixture.remove() }
        try writeChain(fixture)
        _ = try fixture.run(Self.spec)
        let findings = try fixture.rows("findings.csv").compactMap(Discrepancy.init(findingsRow:))
        #expect(findings.count == 11)
        #expect(findings == findings.sorted(by: Discrepancy.reportOrder))
        let summary = findings.map { "\($0.type.rawValue) \($0.severity.rawValue) \($0.source) \($0.branch) \($0.line) \($0.field)" }
        #expect(summary.sorted() == [
            "duplicate_across_branches high haidian haidian 2 ",
            "duplicate_in_source high chaoyang chaoyang 5 ",
            "duplicate_in_source info chaoyang chaoyang 3 ",
            "duplicate_in_source info tax-bureau chaoyang 3 ",
            "invalid_record high chaoyang chaoyang 6 invoice_key",
            "invalid_record high chaoyang chaoyang 7 issue_date",
            "invalid_record high tax-bureau chaoyang 5 amount",
            "suspicious_field medium chaoyang chaoyang 8 buyer_tax_id",
            "suspicious_field medium chaoyang chaoyang 8 total",
            "suspicious_field medium haidian haidian 3 digital_number",
            "suspicious_field medium tax-bureau haidian 4 digital_number",
        ])
        let bad = try #require(findings.first { $0.field == "amount" })
        #expect(bad.authorityValue == "abc" && bad.branchValue == "" && bad.invoiceKey == "011002300111-00461164")
        let buyer = try #require(findings.first { $0.field == "buyer_tax_id" })
        #expect(buyer.messageZh == "购方税号校验位错误：91110105MA00AAAA0X" && buyer.branchValue == "91110105MA00AAAA0X")
        let missing = try #require(findings.first { $0.field == "invoice_key" })
        #expect(missing.invoiceKey == "" && missing.file == "exports/chaoyang/a.csv" && missing.line == 6)
    }

    @Test func outputIsDeterministic() throws {
        let first = try StageFixture(), second = try StageFixture()
        defer { first.remove(); second.remove() }
        try writeChain(first)
        try writeChain(second)
        _ = try first.run(Self.spec)
        _ = try second.run(Self.spec)
        for name in TransformStage.outputFiles {
            #expect(try first.rows(name) == second.rows(name), "\(name) differs between runs")
        }
    }
}
