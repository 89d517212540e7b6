import Foundation
import FapiaoCore
import FapiaoIO

/// The stage files load reads (DESIGN.md, "Stage contracts").
struct LoadInputPaths: Sendable {
    var branchInvoices: String
    var authorityInvoices: String
    var rejects: String
    var duplicates: String
    var transformFindings: String
    var extractFindings: String
    var transformManifest: String
    var extractManifest: String

    /// The paths inside a request's extract and transform folders.
    init(_ request: LoadRequest) {
        let transform = request.transformDirectory, extract = request.extractDirectory
        branchInvoices = transform + "/invoices.csv"
        authorityInvoices = transform + "/authority.csv"
        rejects = transform + "/rejects.csv"
        duplicates = transform + "/duplicates.csv"
        transformFindings = transform + "/findings.csv"
        extractFindings = extract + "/findings.csv"
        transformManifest = transform + "/manifest.json"
        extractManifest = extract + "/manifest.json"
    }
}

/// Readers for the stage files, each checking the header it expects.
enum LoadInputs {
    /// Calls `body` with each row of a canonical record file (`invoices.csv`, `authority.csv`) and its typed
    /// values, as bytes; throws `load.corrupt_input` for a row `Invoice(canonicalRow:)` would not accept.
    static func forEachCanonicalRow(path: String, _ body: (RecordRow, CanonicalRowValues) throws -> Void) throws {
        try requireFile(path)
        try RecordRowReader.forEachRow(path: path, header: { try expect($0, Invoice.canonicalHeader, in: path) }) { row in
            guard let values = CanonicalRowValues(row) else { throw corruptRow(path: path, line: row.line) }
            try body(row, values)
        }
    }

    /// `forEachCanonicalRow` over the rows starting in `range` of the file (see `RecordRowReader.forEachRow(path:in:)`).
    static func forEachCanonicalRow(path: String, in range: Range<Int>,
                                    _ body: (RecordRow, CanonicalRowValues) throws -> Void) throws {
        try requireFile(path)
        try RecordRowReader.forEachRow(path: path, in: range, header: { try expect($0, Invoice.canonicalHeader, in: path) }) { row in
            guard let values = CanonicalRowValues(row) else { throw corruptRow(path: path, line: row.line) }
            try body(row, values)
        }
    }

    /// `forEachCanonicalRow`, also giving each row's byte offset in the file.
    static func forEachCanonicalRowWithOffset(path: String, _ body: (RecordRow, CanonicalRowValues, Int) throws -> Void) throws {
        try requireFile(path)
        try RecordRowReader.forEachRowWithOffset(path: path, header: { try expect($0, Invoice.canonicalHeader, in: path) }) { row, offset in
            guard let values = CanonicalRowValues(row) else { throw corruptRow(path: path, line: row.line) }
            try body(row, values, offset)
        }
    }

    /// The invoice of a canonical row (the slow path, for rows that become discrepancies or red-ledger entries).
    static func invoice(_ row: RecordRow) throws -> Invoice {
        guard let invoice = Invoice(canonicalRow: row.strings) else { throw corruptRow(path: "", line: row.line) }
        return invoice
    }

    private static func corruptRow(path: String, line: Int) -> FapiaoError {
        FapiaoError(code: "load.corrupt_input", location: InputLocation(source: "", file: path, line: line),
                    message: "not a canonical invoice row; re-run transform to rewrite \(path)")
    }

    /// The findings of both stages, extract's first, with exact repeats (a row copied by both stages) dropped.
    static func readFindings(paths: [String]) throws -> [Discrepancy] {
        var seen = Set<[String]>()
        var findings: [Discrepancy] = []
        for path in paths {
            try requireFile(path)
            try RecordFileReader(path: path).forEachRow(header: { try expect($0, Discrepancy.findingsHeader, in: path) }) { row, line in
                guard let finding = Discrepancy(findingsRow: row) else {
                    throw FapiaoError(code: "load.corrupt_input", location: InputLocation(source: "", file: path, line: line),
                                      message: "not a findings row; re-run the stage that wrote \(path)")
                }
                if seen.insert(row).inserted { findings.append(finding) }
            }
        }
        return findings
    }

    /// The rejected branch records of `rejects.csv`, indexed by identity.
    static func readRejects(path: String, branchSources: Set<String>) throws -> RejectIndex {
        var index = RejectIndex()
        try requireFile(path)
        try RecordFileReader(path: path).forEachRow(header: { try expect($0, RejectIndex.header, in: path) }) { row, _ in
            index.add(row: row, branchSources: branchSources)
        }
        return index
    }

    /// Data rows per `_source` of a record file whose first column is `_source`; empty when the file is absent.
    static func rowsPerSource(path: String, sourceColumn: Int) throws -> [String: Int] {
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        var counts: [String: Int] = [:]
        try RecordFileReader(path: path).forEachRow(header: { _ in }) { row, _ in
            if row.count > sourceColumn { counts[row[sourceColumn], default: 0] += 1 }
        }
        return counts
    }

    /// The per-source counts of a stage manifest, or nil when the file is absent or has no readable `sources`
    /// (counts then fall back to the files). Only `sources` is read, so other manifest keys may change freely.
    static func readManifestSources(path: String) -> [SourceCounts]? {
        struct Sources: Decodable { var sources: [SourceCounts] }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Sources.self, from: data).sources
    }

    private static func requireFile(_ path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw FapiaoError(code: "load.input_missing",
                              message: "\(path) is missing; run the previous stage (fapiao transform / fapiao extract) first")
        }
    }

    private static func expect(_ header: [String], _ expected: [String], in path: String) throws {
        guard header == expected else {
            throw FapiaoError(code: "load.bad_header", location: InputLocation(source: "", file: path, line: 1),
                              message: "expected the header \(expected.joined(separator: ",")); re-run the stage that wrote it")
        }
    }
}

/// What tonight's findings say about the inputs, for naming causes and skipping lost fields.
struct InputFacts: Sendable {
    /// Source → its first failed file (by path), from `file_error` rows.
    var failedFiles: [String: String] = [:]
    /// Sources with a `missing_source` row.
    var missingSources: Set<String> = []
    /// Record location → fields an `encoding_error` row reports for it.
    var encodingLosses: [InputLocation: Set<CanonicalField>] = [:]

    /// Collects the facts from the stage findings.
    init(findings: [Discrepancy]) {
        for finding in findings {
            switch finding.type {
            case .fileError:
                if let known = failedFiles[finding.source], known <= finding.file { continue }
                failedFiles[finding.source] = finding.file
            case .missingSource:
                missingSources.insert(finding.source)
            case .encodingError:
                guard let field = CanonicalField(rawValue: finding.field) else { continue }
                let location = InputLocation(source: finding.source, file: finding.file, line: finding.line)
                encodingLosses[location, default: []].insert(field)
            default:
                continue
            }
        }
    }
}
