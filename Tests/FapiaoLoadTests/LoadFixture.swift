import Foundation
import XCTest
import FapiaoCore
import FapiaoIO
import FapiaoTestSupport
@testable import FapiaoLoad

/// The chain the load tests use: two branches and the tax bureau.
enum Chain {
    static let chaoyangSeller = "91110105MA00AAAA0P"
    static let haidianSeller = "91110108MA00BBBB1Q"

    static var spec: PipelineSpec {
        PipelineSpec(name: "test-chain", sources: [
            SourceSpec(name: "chaoyang", role: .branch, path: "exports/chaoyang/{date}/*.csv",
                       constants: [.sellerTaxID: chaoyangSeller]),
            SourceSpec(name: "haidian", role: .branch, path: "exports/haidian/{date}/*.xml"),
            SourceSpec(name: "tax-bureau", role: .authority, path: "authority/{yyyymmdd}/tax-export.csv"),
        ])
    }
}

/// Builds an invoice for a test: `key` is 20 digits (digital) or `code-number`.
func invoice(_ key: String, source: String = "chaoyang", line: Int = 2, total: String = "113.00",
             amount: String? = nil, tax: String? = nil, date: String = "2025-04-17",
             seller: String? = nil, buyerID: String = "", buyerName: String = "", status: InvoiceStatus = .normal,
             isRed: Bool = false, original: String = "", branch: String? = nil, file: String? = nil) -> Invoice {
    let parts = key.split(separator: "-").map(String.init)
    let identity = parts.count == 2 ? InvoiceIdentity(code: parts[0], number: parts[1]) : InvoiceIdentity(digitalNumber: key)
    let totalFen = Fen(canonical: total)
    let taxFen = tax.flatMap { Fen(canonical: $0) } ?? totalFen.map { Fen($0.value * 13 / 113) }
    let amountFen = amount.flatMap { Fen(canonical: $0) } ?? zip2(totalFen, taxFen).map { $0 - $1 }
    let isAuthority = source == "tax-bureau"
    return Invoice(
        identity: identity, type: .digitalGeneral, issueDate: IssueDate(canonical: date),
        sellerTaxID: seller ?? (isAuthority ? Chain.chaoyangSeller : source == "haidian" ? Chain.haidianSeller : Chain.chaoyangSeller),
        buyerTaxID: buyerID, buyerName: buyerName, amount: amountFen, tax: taxFen, total: totalFen,
        status: status, isRed: isRed, originalInvoiceKey: original,
        branch: branch ?? (isAuthority ? "" : source),
        origin: InputLocation(source: source, file: file ?? defaultFile(source), line: line))
}

private func zip2(_ a: Fen?, _ b: Fen?) -> (Fen, Fen)? {
    guard let a, let b else { return nil }
    return (a, b)
}

/// The file a source's records come from in the fixtures.
func defaultFile(_ source: String) -> String {
    switch source {
    case "tax-bureau": return "authority/20250417/tax-export.csv"
    case "haidian": return "exports/haidian/2025-04-17/a.xml"
    default: return "exports/chaoyang/2025-04-17/pos.csv"
    }
}

/// One night's stage files, written into a temporary work folder.
struct NightFixture {
    var branch: [Invoice] = []
    var authority: [Invoice] = []
    /// `_source,_file,_line,reason,field,raw` rows.
    var rejects: [[String]] = []
    var extractFindings: [Discrepancy] = []
    var transformFindings: [Discrepancy] = []
    var transformManifest: StageManifest?

    /// Writes the stage folders for `date` under `root` and returns the request; `out` names the output folder.
    func write(root: String, date: String, out: String = "out", spec: PipelineSpec = Chain.spec) throws -> LoadRequest {
        let night = "\(root)/\(date)"
        for folder in ["extract", "transform", out] {
            try FileManager.default.createDirectory(atPath: "\(night)/\(folder)", withIntermediateDirectories: true)
        }
        try RecordFileWriter.write(path: "\(night)/transform/invoices.csv", header: Invoice.canonicalHeader,
                                   rows: branch.map(\.canonicalRow))
        try RecordFileWriter.write(path: "\(night)/transform/authority.csv", header: Invoice.canonicalHeader,
                                   rows: authority.map(\.canonicalRow))
        try RecordFileWriter.write(path: "\(night)/transform/rejects.csv", header: RejectIndex.header, rows: rejects)
        try RecordFileWriter.write(path: "\(night)/transform/findings.csv", header: Discrepancy.findingsHeader,
                                   rows: transformFindings.map(\.findingsRow))
        try RecordFileWriter.write(path: "\(night)/extract/findings.csv", header: Discrepancy.findingsHeader,
                                   rows: extractFindings.map(\.findingsRow))
        if let manifest = transformManifest {
            let encoder = JSONEncoder()
            try encoder.encode(manifest).write(to: URL(fileURLWithPath: "\(night)/transform/manifest.json"))
        }
        guard let businessDate = IssueDate(canonical: date) else { throw FapiaoError(code: "test", message: "bad date") }
        return LoadRequest(spec: spec, date: businessDate, extractDirectory: "\(night)/extract",
                           transformDirectory: "\(night)/transform", outputDirectory: "\(night)/\(out)",
                           historyDatabasePath: "\(root)/fapiao.sqlite")
    }
}

/// Reads a discrepancy-rows file back (`discrepancies.csv` without its BOM, bilingual header skipped).
func readDiscrepancies(_ path: String) throws -> [[String]] {
    var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    var rows: [[String]] = []
    var parser = CSVParser()
    try parser.feed(bytes) { rows.append($0.strings) }
    try parser.finish { rows.append($0.strings) }
    return Array(rows.dropFirst())
}

/// The text of a file.
func text(_ path: String) throws -> String {
    try String(contentsOfFile: path, encoding: .utf8)
}

/// Reconciles a night's files directly (no history, no outputs).
func reconcile(_ night: NightFixture, spec: PipelineSpec = Chain.spec, splitBytes: Int = Reconciler.defaultSplitBytes,
               matchEarlyAtRow: Int? = nil) throws -> Reconciliation {
    let root = try TestSupport.temporaryDirectory("fapiao-load")
    defer { try? FileManager.default.removeItem(atPath: root) }
    let request = try night.write(root: root, date: "2025-04-17", spec: spec)
    let paths = LoadInputPaths(request)
    let findings = try LoadInputs.readFindings(paths: [paths.extractFindings, paths.transformFindings])
    let rejects = try LoadInputs.readRejects(path: paths.rejects, branchSources: Set(spec.branchSources.map(\.name)))
    var reconciler = Reconciler(spec: spec, facts: InputFacts(findings: findings), rejects: rejects)
    reconciler.splitBytes = splitBytes
    reconciler.matchEarlyAtRow = matchEarlyAtRow
    if splitBytes < Reconciler.defaultSplitBytes { reconciler.splitUnmatched = 2 }
    return try reconciler.run(branchPath: paths.branchInvoices, authorityPath: paths.authorityInvoices)
}
