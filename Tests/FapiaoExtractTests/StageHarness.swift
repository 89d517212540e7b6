import Foundation
import XCTest
import FapiaoCore
import FapiaoExtract
import FapiaoIO
import FapiaoTestSupport

/// Runs the extract stage over files written into a temporary folder and reads back what it wrote.
struct StageHarness {
    let directory: String
    let output: String

    init() throws {
        directory = try TestSupport.temporaryDirectory("fapiao-extract")
        output = directory + "/out"
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    /// Writes an input file under `in/` and returns it as a resolved file.
    func file(_ name: String, _ bytes: [UInt8]) throws -> ResolvedFile {
        let path = try Fixture.write(bytes, to: directory + "/in", name: name)
        return ResolvedFile(absolutePath: path, relativePath: "in/" + name)
    }

    /// Runs extract with `sources` (each with its files) and the given limits.
    func run(_ sources: [(SourceSpec, [ResolvedFile])], limits: Limits = Limits()) throws -> ExtractResult {
        let spec = PipelineSpec(name: "test", sources: sources.map(\.0), limits: limits)
        return try ExtractStage.run(
            spec: spec, inputs: sources.map { SourceInputs(source: $0.0, files: $0.1) }, outputDirectory: output)
    }

    /// A stage output file's text.
    func text(_ name: String) throws -> String { try Fixture.read(output + "/" + name) }

    /// A stage output file's data rows (header dropped).
    func rows(_ name: String) throws -> [[String]] {
        try RecordFileReader(path: output + "/" + name).readAll().rows
    }

    /// `findings.csv` as (type, severity, field, file, line) descriptions plus branch_value when set.
    func findings() throws -> [String] {
        try rows("findings.csv").compactMap { Discrepancy(findingsRow: $0) }.map { finding in
            var text = "\(finding.type.rawValue) \(finding.severity.rawValue) \(finding.file):\(finding.line)"
            if !finding.field.isEmpty { text += " \(finding.field)" }
            if !finding.branchValue.isEmpty { text += " [\(finding.branchValue)]" }
            return text
        }
    }

    /// The full findings.
    func findingRows() throws -> [Discrepancy] { try rows("findings.csv").compactMap { Discrepancy(findingsRow: $0) } }
}

/// A branch CSV source mapping a few fields by name.
func csvSource(_ name: String = "chaoyang", encoding: SourceEncoding = .auto, required: Bool = true,
               csv: CSVOptions = CSVOptions(), constants: [CanonicalField: String] = [:]) -> SourceSpec {
    SourceSpec(
        name: name, role: .branch, path: "in/*.csv", required: required, format: .csv, encoding: encoding, csv: csv,
        columns: [.invoiceCode: .names(["发票代码"]), .invoiceNumber: .names(["发票号码", "发票号"]),
                  .amount: .names(["金额"]), .remark: .names(["备注"])],
        constants: constants)
}

/// A branch XML source in the layout of DOMAIN.md's legacy interfaces.
func xmlSource(_ name: String = "haidian", root: String = "Invoices", encoding: SourceEncoding = .auto) -> SourceSpec {
    SourceSpec(
        name: name, role: .branch, path: "in/*.xml.gz", format: .xml, encoding: encoding,
        xml: XMLOptions(root: root, record: "Invoice"),
        columns: [.invoiceCode: .names(["FPDM"]), .invoiceNumber: .names(["FPHM"]), .buyerTaxID: .names(["Buyer/@id"]),
                  .buyerName: .names(["Buyer/Name"]), .amount: .names(["JE", "HJJE"]), .remark: .names(["@note"])])
}

/// A small valid export: a header and three records.
let sampleCSV = "发票代码,发票号码,金额,备注\n011002300111,00461160,100.00,早班\n011002300111,00461161,\"1,200.50\",\"多行\n备注\"\n011002300111,00461162,-5.00,\n"

/// The rows `sampleCSV` gives in `<source>.csv` (with `_source` and `_file`).
func sampleRows(_ source: String = "chaoyang", file: String) -> [[String]] {
    [[source, file, "2", "011002300111", "00461160", "100.00", "早班"],
     [source, file, "3", "011002300111", "00461161", "1,200.50", "多行\n备注"],
     [source, file, "5", "011002300111", "00461162", "-5.00", ""]]
}
